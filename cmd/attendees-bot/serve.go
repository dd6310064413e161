package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strconv"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/attendees-bot/attendees-bot/bot"
	"github.com/attendees-bot/attendees-bot/bot/audit"
	"github.com/attendees-bot/attendees-bot/bot/autopost"
	"github.com/attendees-bot/attendees-bot/bot/store"
	"github.com/attendees-bot/attendees-bot/meeting"
)

func runBot(ctx context.Context, args []string, getenv func(string) (string, bool), stdout, stderr io.Writer) error {
	fs := newFlags("run", "run\n\nRuns the Slack Socket Mode bot, automatic posts and the HTTP server (/healthz, /readyz, /metrics, /webhooks/meeting) until SIGTERM.", "--help")
	if done, err := fs.parse(args, stdout); done {
		return err
	}
	if err := fs.noArgs(); err != nil {
		return err
	}
	cfg, err := bot.LoadConfig(ctx, getenv, bot.Needs{Slack: true, Meeting: true})
	if err != nil {
		return err
	}
	log := newLogger(cfg, stderr)
	metrics := bot.NewMetrics()
	mc, err := newMeeting(cfg, metrics, log)
	if err != nil {
		return err
	}
	return serve(ctx, cfg, mc, metrics, log)
}

// serve runs the Slack bot, automatic posts and the HTTP server until ctx
// is done or one of them fails.
func serve(ctx context.Context, cfg *bot.Config, mc *meeting.Client, metrics *bot.Metrics, log *slog.Logger) error {
	st, err := openStore(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer st.Close()

	me := owner()
	trail, err := newTrail(cfg, st, me, metrics, log)
	if err != nil {
		return err
	}
	api := bot.NewSlack(cfg.SlackAPIURL, cfg.SlackAppToken, cfg.SlackBotToken)
	looker := newLooker(cfg, mc, log)
	h := bot.NewHandler(cfg.HandlerConfig(), bot.SlackDeps(api, bot.HandlerDeps{
		Looker: looker, Subscriptions: st, Deliveries: st, Metrics: metrics, Log: log, Audit: trail,
	}))
	b := bot.NewBot(cfg.SlackCommand, api, h, metrics, log)

	posts, err := newAutopost(cfg, mc, looker, bot.NewAutopostPoster(api), st, trail, me, metrics, log)
	if err != nil {
		return err
	}
	health := bot.NewStoreHealth(st.Check, metrics, log)
	mux := bot.NewMux(metrics, b.SlackCheck(), bot.Check{Name: "meeting", Fn: mc.Ping}, health.Readiness())
	if cfg.WebhookKey != "" {
		mux.Handle("POST /webhooks/meeting", posts.WebhookHandler())
	}

	ln, err := bot.Listen(cfg.HTTPAddr)
	if err != nil {
		return err
	}
	// The HTTP server (webhook, metrics, probes) outlives the drain of
	// commands in flight; /readyz reports not ready meanwhile.
	httpCtx, stopHTTP := context.WithCancel(context.WithoutCancel(ctx))
	defer stopHTTP()
	// The audit writer, likewise, records what the drain still answers.
	auditCtx, stopAudit := context.WithCancel(context.WithoutCancel(ctx))
	defer stopAudit()
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() error { return bot.Serve(httpCtx, ln, mux) })
	g.Go(func() error { return trail.Run(auditCtx) })
	g.Go(func() error {
		defer stopHTTP()
		defer stopAudit()
		w, wctx := errgroup.WithContext(gctx)
		w.Go(func() error { return b.Run(wctx) })
		w.Go(func() error { return posts.Run(wctx) })
		w.Go(func() error { health.Run(wctx, storeCheckEvery); return nil })
		return w.Wait()
	})
	for _, w := range cfg.Warnings() {
		log.Warn("configuration: " + w)
	}
	// The bound address, so HTTP_ADDR=:0 (an operator's quick try, or a
	// test) says where it is.
	log.Info("attendees-bot started", slog.String("version", version), slog.String("http_addr", ln.Addr().String()),
		slog.String("command", cfg.SlackCommand), slog.String("store", st.Dialect()),
		slog.Bool("webhook", cfg.WebhookKey != ""), slog.Duration("poll_interval", cfg.AutopostPollInterval))
	if err := g.Wait(); err != nil {
		return err
	}
	log.Info("attendees-bot stopped")
	return nil
}

// openStore opens STORE_URL. Its failure is one sentence saying what to do
// (store.OpenError), printed as the program's last words; the driver's own,
// when they differ, at debug level in the log.
func openStore(ctx context.Context, cfg *bot.Config, log *slog.Logger, opts ...store.Option) (*store.Store, error) {
	st, err := store.Open(ctx, cfg.StoreURL.Reveal(), opts...)
	var oe *store.OpenError
	if errors.As(err, &oe) && oe.Detail() != oe.Error() {
		log.Debug("store not opened", slog.String("err", oe.Error()), slog.String("detail", oe.Detail()))
	}
	return st, err
}

// newTrail builds the audit trail on st: rows written by one goroutine,
// counted in metrics, pruned after AUDIT_RETENTION by one replica at a time.
func newTrail(cfg *bot.Config, st *store.Store, owner string, metrics *bot.Metrics, log *slog.Logger) (*audit.Trail, error) {
	t, err := audit.New(st, audit.Config{
		Retention: cfg.AuditRetention, Owner: owner, Log: log,
		OnWritten: metrics.AuditWritten, OnFailed: metrics.AuditFailed,
	})
	if err != nil {
		return nil, fmt.Errorf("audit trail: %w", err)
	}
	return t, nil
}

// storeCheckEvery is how often the store is checked besides /readyz, so a
// deleted or unwritable store is logged and exported where nothing probes.
const storeCheckEvery = 30 * time.Second

// newAutopost builds the automatic post engine on st.
func newAutopost(cfg *bot.Config, mc *meeting.Client, looker *bot.Looker, poster autopost.Poster, st *store.Store, trail *audit.Trail, owner string, metrics *bot.Metrics, log *slog.Logger) (*autopost.Service, error) {
	metrics.WatchPendingAge(func() (time.Duration, error) {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		return st.PendingAge(ctx, time.Now())
	})
	svc, err := autopost.New(autopost.Config{
		ChannelID: cfg.AutopostChannelID, PollInterval: cfg.AutopostPollInterval, Settle: cfg.AutopostSettle,
		WebhookKey: cfg.WebhookKey, SubscriberID: cfg.WebhookSubscriberID,
		InlineLimit: cfg.InlineLimit, Lang: cfg.BotLanguage, Location: cfg.Location,
		Owner: owner,
	}, autopost.Deps{
		History: mc, Reporter: bot.NewAutopostReporter(looker), Poster: poster, Store: st, Log: log, OnOutcome: metrics.AutopostOutcome, Audit: trail,
	})
	if err != nil {
		return nil, fmt.Errorf("automatic posts: %w", err)
	}
	return svc, nil
}

// owner names this process among replicas sharing a store.
func owner() string {
	host, _ := os.Hostname()
	return host + "-" + strconv.Itoa(os.Getpid()) + "-" + strconv.FormatInt(time.Now().UnixNano()%1e6, 36)
}
