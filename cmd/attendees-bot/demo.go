package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/attendees-bot/attendees-bot/bot"
	"github.com/attendees-bot/attendees-bot/bot/store"
	"github.com/attendees-bot/attendees-bot/meeting"
	"github.com/attendees-bot/attendees-bot/meeting/meetingfake"
)

// Demo credentials of the built-in sample meeting service. They only open
// the in-process fake; the real client signs its logins with them exactly as
// it would against Huawei Cloud Meeting.
const (
	demoAppID  = "demo-app-id"
	demoAppKey = "demo-app-key-0123456789abcdef"
)

func runDemo(ctx context.Context, args []string, getenv func(string) (string, bool), stdin io.Reader, stdout, stderr io.Writer) error {
	fs := newFlags("demo", "demo\n\nStarts the built-in sample meeting service. With SLACK_APP_TOKEN and SLACK_BOT_TOKEN set,\nthe bot connects to Slack for real; otherwise type /attendees commands on stdin.", "--help")
	if done, err := fs.parse(args, stdout); done {
		return err
	}
	if err := fs.noArgs(); err != nil {
		return err
	}
	// The demo never uses real meeting credentials, so they are not read.
	env := func(k string) (string, bool) {
		switch k {
		case "MEETING_APP_ID", "MEETING_APP_KEY", "MEETING_USER_ID", "MEETING_CORP_ID",
			"MEETING_ACCOUNT", "MEETING_PASSWORD", "MEETING_ACCESS_TOKEN", "MEETING_API_URL":
			return "", false
		case "LOG_FORMAT":
			if v, ok := getenv(k); ok {
				return v, ok
			}
			return "text", true
		}
		return getenv(k)
	}
	cfg, err := bot.LoadConfig(ctx, env, bot.Needs{})
	if err != nil {
		return err
	}
	sample := append(meetingfake.Sample(time.Now()), meetingfake.SampleSeries(time.Now(), 6, 12)...)
	fake, err := meetingfake.Start(meetingfake.Config{AppID: demoAppID, AppKey: demoAppKey, Conferences: sample})
	if err != nil {
		return fmt.Errorf("start the sample meeting service: %w", err)
	}
	defer fake.Close()
	cfg.MeetingAPIURL = fake.URL
	cfg.MeetingAppID, cfg.MeetingAppKey = demoAppID, meeting.Secret(demoAppKey)

	withSlack := cfg.SlackAppToken != ""
	if _, set := getenv("LOG_LEVEL"); !set && !withSlack {
		cfg.LogLevel = "warn" // keep the terminal for the replies
	}
	log := newLogger(cfg, stderr)
	metrics := bot.NewMetrics()
	mc, err := newMeeting(cfg, metrics, log)
	if err != nil {
		return err
	}
	if withSlack {
		log.Info("demo: serving the sample meetings in Slack", slog.String("try", cfg.SlackCommand+" recent"))
		return serve(ctx, cfg, mc, metrics, log)
	}

	// One person at a keyboard or a pipe of commands is not a flood.
	cfg.UserRateLimit = 0 // unlimited: every line is answered, however fast they come
	dir, err := os.MkdirTemp("", "attendees-demo-")
	if err != nil {
		return fmt.Errorf("make a folder for CSV files: %w", err)
	}
	// Registered first, so it runs last: after the store is closed.
	defer cleanDemoDir(dir, stdout, log)
	fmt.Fprintf(stdout, "attendees-bot demo: a sample meeting service with %d meetings is running at %s.\n", len(sample), fake.URL)
	fmt.Fprintf(stdout, "Type %s commands (or just the argument), one per line; try:\n", cfg.SlackCommand)
	for _, ex := range demoExamples() {
		fmt.Fprintf(stdout, "  %s %s\n", cfg.SlackCommand, ex)
	}
	fmt.Fprintf(stdout, "CSV files are written to %s\n\n", dir)
	// Subscriptions and the audit trail work in the demo too, for as long
	// as it runs: the store is removed at exit; the person at the keyboard
	// is the audit admin.
	storeDir := filepath.Join(dir, demoStoreDir)
	if err := os.Mkdir(storeDir, 0o700); err != nil {
		return fmt.Errorf("make a folder for the demo store: %w", err)
	}
	st, err := store.Open(ctx, filepath.Join(storeDir, "demo.db"))
	if err != nil {
		return fmt.Errorf("open the demo store: %w", err)
	}
	defer st.Close()
	trail, err := newTrail(cfg, st, owner(), metrics, log)
	if err != nil {
		return err
	}
	auditCtx, stopAudit := context.WithCancel(context.WithoutCancel(ctx))
	audited := make(chan error, 1)
	go func() { audited <- trail.Run(auditCtx) }()
	defer func() { stopAudit(); <-audited }()
	hcfg := cfg.HandlerConfig()
	hcfg.Auditors = append(hcfg.Auditors, bot.ConsoleUserID)
	// A terminal cannot edit an answer in place, as Slack does when the
	// invite list comes after the records: each answer waits for it, so
	// the replies come once each and in the order of the commands.
	lc := cfg.LookerConfig()
	lc.Log, lc.AnswerCompared = log, true
	h := bot.NewHandler(hcfg, bot.HandlerDeps{
		Looker: bot.NewLooker(mc, lc), Out: bot.NewConsole(stdout, dir), Subscriptions: st, Log: log, Audit: trail,
	})
	var prompt func()
	if f, ok := stdin.(*os.File); ok {
		if fi, err := f.Stat(); err == nil && fi.Mode()&os.ModeCharDevice != 0 {
			prompt = func() { fmt.Fprint(stdout, cfg.SlackCommand+" ") }
			fmt.Fprintln(stdout, "(type quit or press Ctrl-D to stop)")
		}
	}
	err = bot.ReadCommands(ctx, stdin, h, cfg.SlackCommand, prompt, func(req bot.Request, res bot.Result) {
		log.Info("command", slog.String("text", req.Text), slog.String("outcome", res.Outcome))
	})
	// Whatever the handler still runs in the background ends before the
	// demo does.
	h.Drain(cfg.InviteListTimeout, func() {})
	return err
}

// demoStoreDir is the folder of the demo's store (the database, its
// lock and journal files) inside the demo's folder.
const demoStoreDir = ".store"

// cleanDemoDir removes the demo's store, and its folder unless CSV files
// were written to it: then it says where they are kept.
func cleanDemoDir(dir string, stdout io.Writer, log *slog.Logger) {
	if err := os.RemoveAll(filepath.Join(dir, demoStoreDir)); err != nil {
		log.Warn("demo: could not remove the demo store", slog.String("dir", dir), slog.Any("err", err))
		return
	}
	files, err := os.ReadDir(dir)
	switch {
	case err != nil:
		log.Warn("demo: could not read the demo folder", slog.String("dir", dir), slog.Any("err", err))
	case len(files) == 0:
		if err := os.Remove(dir); err != nil {
			log.Warn("demo: could not remove the demo folder", slog.String("dir", dir), slog.Any("err", err))
		}
	default:
		fmt.Fprintf(stdout, "The CSV files of this demo are kept in %s\n", dir)
	}
}

// demoExamples are commands worth trying against the sample data.
func demoExamples() []string {
	return []string{
		"help",
		"recent",
		"960 123 4501                      (a weekly sync: re-joins, two devices, late joiners)",
		meetingfake.SampleTownHallUUID + "  (a town hall with 1,234 records: CSV file)",
		meetingfake.SampleStandupID + "                        (a meeting ID that ran twice)",
		"team stand-up last 4               (who came to how many of the last 4 runs)",
		meetingfake.SampleHostileUUID + " csv",
		"watch weekly sync                  (then: watching)",
		"audit --since 1h                   (who saw what: the audit trail)",
	}
}
