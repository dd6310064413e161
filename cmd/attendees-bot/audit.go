package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/attendees-bot/attendees-bot/bot"
	"github.com/attendees-bot/attendees-bot/bot/audit"
	"github.com/attendees-bot/attendees-bot/bot/store"
)

const auditUsage = `Usage: attendees-bot audit ` + audit.Usage + `

Prints the audit trail in STORE_URL, newest first: who saw which meeting,
where (channel) and who could see it (audience), with counts and outcome.
  --since    rows of this long ago and newer: 720h (the default), 30d, 90m; 0 = all
  --user     only these Slack user IDs (comma-separated, or repeat the option)
  --conf     only rows about this conference UUID
  --meeting  only rows about this meeting ID
  --format   text (the default), csv, or json (one object per line)
`

func runAudit(ctx context.Context, args []string, getenv func(string) (string, bool), stdout, stderr io.Writer) error {
	f, err := audit.ParseArgs(args)
	if errors.Is(err, audit.ErrHelp) {
		_, err := io.WriteString(stdout, auditUsage)
		return err
	}
	if err != nil {
		return &usageError{msg: err.Error(), err: err}
	}
	if f.Format == "" {
		f.Format = audit.FormatText
	}
	cfg, err := bot.LoadConfig(ctx, getenv, bot.Needs{})
	if err != nil {
		return err
	}
	// A command-line tool prints its answer or one sentence: log lines
	// (why the store could not be opened) only when LOG_LEVEL asks.
	log := slog.New(slog.DiscardHandler)
	if _, set := getenv("LOG_LEVEL"); set {
		log = newLogger(cfg, stderr)
	}
	// Audit only reads, perhaps as root beside the running bot: no lock,
	// no migration, no write.
	st, err := openStore(ctx, cfg, log, store.ReadOnly())
	if err != nil {
		return err
	}
	defer st.Close()
	n, err := audit.Write(stdout, f.Format, st.AuditRows(ctx, f.Query(time.Now())), cfg.Location)
	if err != nil {
		return fmt.Errorf("audit: %w", err)
	}
	if n == 0 {
		fmt.Fprintln(stderr, "attendees-bot: no audit rows match")
	}
	return nil
}
