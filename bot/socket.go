package bot

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/socketmode"

	"github.com/attendees-bot/attendees-bot/meeting"
)

// drainTimeout bounds how long shutdown waits for commands in flight.
const drainTimeout = 20 * time.Second

// Bot is the Socket Mode adapter: it acks every envelope at once, drops
// redeliveries, and runs the slow work in a bounded pool with a deadline per
// command.
type Bot struct {
	sm      *socketmode.Client
	handler *Handler
	command string
	log     *slog.Logger
	metrics *Metrics
	timeout time.Duration

	seen       *envelopes
	deliveries deliveries // nil: this process's memory only
	slots      chan struct{}
	work       sync.WaitGroup
	connected  atomic.Bool
	// stopping is the Done channel of Run's context: once it is closed the
	// bot is shutting down, even before Run's loop has noticed, because the
	// socket closes from another goroutine as soon as the context ends.
	stopping atomic.Pointer[<-chan struct{}]
	now      func() time.Time
}

// NewSlack builds the Slack Web API client for cfg. Slack 429s are retried
// after their Retry-After.
func NewSlack(cfg *Config, opts ...slack.Option) *slack.Client {
	opts = append([]slack.Option{
		slack.OptionAPIURL(cfg.SlackAPIURL),
		slack.OptionAppLevelToken(cfg.SlackAppToken.Reveal()),
		slack.OptionRetry(3),
	}, opts...)
	return slack.New(cfg.SlackBotToken.Reveal(), opts...)
}

// NewSlackResponder returns the responder that answers through api.
func NewSlackResponder(api *slack.Client) responder { return slackOut{api: api} }

// NewBot wires a Socket Mode client for api to h.
func NewBot(cfg *Config, api *slack.Client, h *Handler, m *Metrics, log *slog.Logger, opts ...socketmode.Option) *Bot {
	return &Bot{
		sm:      socketmode.New(api, opts...),
		handler: h,
		command: cfg.SlackCommand,
		log:     log,
		metrics: m,
		timeout: cfg.CommandTimeout,
		seen:    newEnvelopes(10000),
		slots:   make(chan struct{}, cfg.Workers),
		now:     time.Now,
	}
}

// Connected reports whether the Socket Mode connection is up.
func (b *Bot) Connected() bool {
	if done := b.stopping.Load(); done != nil {
		select {
		case <-*done:
			return false
		default:
		}
	}
	return b.connected.Load()
}

// Run connects and serves until ctx is done, then stops taking envelopes
// and waits (at most 20 s) for commands in flight. It returns nil after a
// clean shutdown and an error when Slack refuses the tokens.
func (b *Bot) Run(ctx context.Context) error {
	done := ctx.Done()
	b.stopping.Store(&done)
	// Work outlives ctx so that a shutdown finishes what was accepted.
	workCtx, stopWork := context.WithCancel(context.WithoutCancel(ctx))
	defer stopWork()
	runCtx, stopRun := context.WithCancel(ctx)
	defer stopRun()
	runErr := make(chan error, 1)
	go func() { runErr <- b.sm.RunContext(runCtx) }()

	var err error
loop:
	for {
		select {
		case <-ctx.Done():
			break loop
		case err = <-runErr:
			if errors.Is(err, context.Canceled) && ctx.Err() != nil {
				err = nil
			} else if err != nil {
				err = socketError(err)
			}
			break loop
		case evt := <-b.sm.Events:
			// Ack everything already waiting before starting any work, so a
			// burst of commands is acknowledged at the pace of the socket,
			// not of the lookups it starts.
			jobs := b.dispatch(evt, nil)
			for drained := false; !drained && len(jobs) < 256; {
				select {
				case evt := <-b.sm.Events:
					jobs = b.dispatch(evt, jobs)
				default:
					drained = true
				}
			}
			for _, j := range jobs {
				b.spawn(workCtx, j)
			}
		}
	}
	b.connected.Store(false)
	stopRun()
	b.drain(stopWork)
	return err
}

// socketError explains why the Socket Mode client gave up.
func socketError(err error) error {
	switch err.Error() {
	case "invalid_auth", "not_authed", "account_inactive", "token_revoked", "token_expired":
		return fmt.Errorf("slack refused the Socket Mode connection (check SLACK_APP_TOKEN, its connections:write scope and that Socket Mode is on): %w", err)
	}
	return fmt.Errorf("slack socket mode: %w", err)
}

// drain waits for commands in flight, then cancels the stragglers.
func (b *Bot) drain(stop context.CancelFunc) {
	done := make(chan struct{})
	go func() { b.work.Wait(); close(done) }()
	t := time.NewTimer(drainTimeout)
	defer t.Stop()
	select {
	case <-done:
	case <-t.C:
		b.log.Warn("shutdown: cancelling commands still running", slog.Duration("waited", drainTimeout))
		stop()
		<-done
	}
}

// job is a request acked and waiting to be worked on.
type job struct {
	received time.Time
	envelope string
	req      Request
}

// deliveries remembers envelope IDs across every replica sharing a store.
type deliveries interface {
	FirstDelivery(ctx context.Context, envelopeID string, now time.Time) (bool, error)
}

// SetDeliveries makes redelivered envelopes that reach another replica go
// unanswered too (the in-memory check only covers this process). Call it
// before Run.
func (b *Bot) SetDeliveries(d deliveries) { b.deliveries = d }

// dispatch acks evt and appends the work it asks for to jobs.
func (b *Bot) dispatch(evt socketmode.Event, jobs []job) []job {
	switch evt.Type {
	case socketmode.EventTypeConnected:
		b.connected.Store(true)
		b.log.Info("slack connected")
	case socketmode.EventTypeConnecting:
		b.connected.Store(false)
	case socketmode.EventTypeConnectionError, socketmode.EventTypeInvalidAuth:
		b.connected.Store(false)
		b.log.Warn("slack connection problem", slog.String("event", string(evt.Type)), slog.Any("detail", evt.Data))
	case socketmode.EventTypeSlashCommand:
		received := b.now()
		cmd, ok := evt.Data.(slack.SlashCommand)
		if !ok || evt.Request == nil || !b.ack(evt.Request, received) {
			return jobs
		}
		if cmd.Command != b.command {
			b.log.Warn("unexpected slash command", slog.String("command", cmd.Command))
			return jobs
		}
		jobs = append(jobs, job{received, evt.Request.EnvelopeID, Request{
			UserID: cmd.UserID, ChannelID: cmd.ChannelID, TeamID: cmd.TeamID,
			Text: cmd.Text, ResponseURL: cmd.ResponseURL,
		}})
	case socketmode.EventTypeInteractive:
		received := b.now()
		cb, ok := evt.Data.(slack.InteractionCallback)
		if !ok || evt.Request == nil || !b.ack(evt.Request, received) || cb.Type != slack.InteractionTypeBlockActions {
			return jobs
		}
		for _, a := range cb.ActionCallback.BlockActions {
			switch a.ActionID {
			case actionShare, actionCSV, actionOpen, actionUnwatch:
				jobs = append(jobs, job{received, evt.Request.EnvelopeID, Request{
					UserID: cb.User.ID, ChannelID: cb.Channel.ID, TeamID: cb.Team.ID,
					ResponseURL: cb.ResponseURL, Action: a.ActionID, Value: a.Value,
				}})
			}
		}
	case socketmode.EventTypeEventsAPI:
		if evt.Request != nil {
			b.ack(evt.Request, b.now())
		}
	}
	return jobs
}

// ack acknowledges the envelope before anything slow and reports whether it
// is new. A redelivered envelope is acked again (Slack wants that) but never
// answered twice.
func (b *Bot) ack(req *socketmode.Request, received time.Time) bool {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	if err := b.sm.AckCtx(ctx, req.EnvelopeID, nil); err != nil {
		b.log.Warn("ack failed", slog.String("envelope_id", req.EnvelopeID), slog.Any("err", err))
	}
	b.metrics.observeAck(b.now().Sub(received))
	if !b.seen.add(req.EnvelopeID) {
		b.metrics.command(outcomeDuplicate, 0)
		b.log.Info("duplicate envelope dropped", slog.String("envelope_id", req.EnvelopeID), slog.Int("retry_attempt", req.RetryAttempt))
		return false
	}
	return true
}

// spawn runs req in the pool. The deadline starts at receipt, so time spent
// waiting for a free worker counts against it.
func (b *Bot) spawn(ctx context.Context, j job) {
	received, req := j.received, j.req
	b.work.Add(1)
	b.metrics.inflight.Inc()
	go func() {
		defer b.work.Done()
		defer b.metrics.inflight.Dec()
		ctx, cancel := context.WithDeadline(ctx, received.Add(b.timeout))
		defer cancel()
		if !b.firstDelivery(ctx, j) {
			return
		}
		ids := &meeting.RequestIDs{}
		ctx = meeting.WithRequestIDs(ctx, ids)
		res := b.work1(ctx, req)
		took := b.now().Sub(received)
		b.metrics.command(res.Outcome, took)
		logResult(ctx, b.log, req, res, took, ids.List())
	}()
}

// firstDelivery asks the shared store whether another replica already got
// this envelope. If the store cannot answer, the command is answered: twice
// is better than never.
func (b *Bot) firstDelivery(ctx context.Context, j job) bool {
	if b.deliveries == nil || j.envelope == "" {
		return true
	}
	first, err := b.deliveries.FirstDelivery(ctx, j.envelope, j.received)
	if err != nil {
		b.log.Warn("envelope store unavailable; answering anyway", slog.String("envelope_id", j.envelope), slog.Any("err", err))
		return true
	}
	if !first {
		b.metrics.command(outcomeDuplicate, 0)
		b.log.Info("duplicate envelope dropped (answered by another replica)", slog.String("envelope_id", j.envelope))
	}
	return first
}

// work1 admits req, waits for a free worker and serves it. Refused and
// throttled requests are answered without waiting for a worker.
func (b *Bot) work1(ctx context.Context, req Request) Result {
	if res, ok := b.handler.admit(ctx, req); !ok {
		return res
	}
	select {
	case b.slots <- struct{}{}:
		defer func() { <-b.slots }()
		return b.handler.serve(ctx, req)
	case <-ctx.Done():
		b.handler.tell(ctx, req, "I'm very busy right now and couldn't get to your request in time. Please try again in a minute.")
		return Result{Outcome: outcomeTimeout, Err: ctx.Err()}
	}
}

// logResult writes the one log line of a command.
func logResult(ctx context.Context, log *slog.Logger, req Request, res Result, took time.Duration, requestIDs []string) {
	attrs := []slog.Attr{
		slog.String("user", req.UserID), slog.String("channel", req.ChannelID), slog.String("team", req.TeamID),
		slog.String("action", actionName(req)), slog.String("outcome", res.Outcome), slog.Duration("took", took),
	}
	if res.ConfUUID != "" {
		attrs = append(attrs, slog.String("conf_uuid", res.ConfUUID), slog.Int("people", res.People), slog.Int("records", res.Records))
	}
	if len(requestIDs) > 0 {
		attrs = append(attrs, slog.Any("meeting_request_ids", requestIDs))
	}
	level := slog.LevelInfo
	if res.Err != nil {
		attrs = append(attrs, slog.String("err", res.Err.Error()))
		var me *meeting.Error
		if errors.As(res.Err, &me) && me.RequestID != "" {
			attrs = append(attrs, slog.String("meeting_request_id", me.RequestID))
		}
		if res.Ref != "" {
			attrs = append(attrs, slog.String("ref", res.Ref))
			level = slog.LevelError
		}
	}
	log.LogAttrs(ctx, level, "command", attrs...)
}

func actionName(req Request) string {
	if req.Action == "" {
		return "command"
	}
	return req.Action
}

// envelopes remembers the last n envelope IDs seen. Safe for concurrent use.
type envelopes struct {
	mu   sync.Mutex
	set  map[string]struct{}
	ring []string
	next int
}

func newEnvelopes(n int) *envelopes {
	return &envelopes{set: make(map[string]struct{}, n), ring: make([]string, n)}
}

// add records id and reports whether it was new.
func (e *envelopes) add(id string) bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	if _, ok := e.set[id]; ok {
		return false
	}
	if old := e.ring[e.next]; old != "" {
		delete(e.set, old)
	}
	e.ring[e.next] = id
	e.next = (e.next + 1) % len(e.ring)
	e.set[id] = struct{}{}
	return true
}
