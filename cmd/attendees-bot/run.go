package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"strings"

	"github.com/attendees-bot/attendees-bot/bot"
	"github.com/attendees-bot/attendees-bot/meeting"
)

// version is stamped at build time: -ldflags "-X main.version=v1.2.3".
var version = "dev"

const usage = `attendees-bot: who was in that meeting? (Huawei Cloud Meeting attendance in Slack)

Usage:
  attendees-bot [run]        run the Slack bot and its HTTP server (HTTP_ADDR)
  attendees-bot lookup [--format text|csv|json] [--search TEXT] <confUUID | meeting ID | subject words>
                             print one meeting's attendance to stdout
  attendees-bot audit [--since 720h] [--user U…] [--conf UUID] [--meeting ID] [--format text|csv|json]
                             print the audit trail (who saw which meeting), newest first
  attendees-bot demo         the built-in sample meeting service: with SLACK_APP_TOKEN and
                             SLACK_BOT_TOKEN set it connects to Slack, otherwise it reads
                             "/attendees <id>" lines from stdin and prints the replies
  attendees-bot version      print the version

Configuration is read from the environment; see the README for every variable.
Run "attendees-bot <command> --help" for a command's flags.
`

// usageError is a mistake in the command line; it exits with status 2.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

// exitConfig is the exit status of a bad configuration (EX_CONFIG from
// sysexits.h): the systemd unit does not restart on it.
const exitConfig = 78

func exitCode(err error) int {
	var ue *usageError
	var ce *bot.ConfigError
	switch {
	case errors.As(err, &ue):
		return 2
	case errors.As(err, &ce):
		return exitConfig
	}
	return 1
}

// run is the whole program; main only wires it to the process.
func run(ctx context.Context, args []string, getenv func(string) (string, bool), stdin io.Reader, stdout, stderr io.Writer) error {
	cmd := "run"
	if len(args) > 0 {
		cmd, args = args[0], args[1:]
	}
	switch cmd {
	case "run":
		return runBot(ctx, args, getenv, stderr)
	case "lookup":
		return runLookup(ctx, args, getenv, stdout, stderr)
	case "audit":
		return runAudit(ctx, args, getenv, stdout, stderr)
	case "demo":
		return runDemo(ctx, args, getenv, stdin, stdout, stderr)
	case "version", "--version":
		_, err := fmt.Fprintln(stdout, "attendees-bot", version)
		return err
	case "help", "-h", "--help":
		_, err := fmt.Fprint(stdout, usage)
		return err
	}
	fmt.Fprint(stderr, usage)
	return &usageError{fmt.Sprintf("unknown command %q", cmd)}
}

// newFlags returns a flag set whose --help prints to stdout-like w and
// whose errors become usage errors.
func newFlags(name, synopsis string, w io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(w)
	fs.Usage = func() {
		fmt.Fprintf(w, "Usage: attendees-bot %s\n", synopsis)
		fs.PrintDefaults()
	}
	return fs
}

// parseFlags handles --help (nil error, done=true) and bad flags.
func parseFlags(fs *flag.FlagSet, args []string) (done bool, err error) {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return true, nil
		}
		return true, &usageError{err.Error()}
	}
	return false, nil
}

func newLogger(cfg *bot.Config, w io.Writer) *slog.Logger {
	var level slog.Level
	_ = level.UnmarshalText([]byte(strings.ToUpper(cfg.LogLevel)))
	opts := &slog.HandlerOptions{Level: level, ReplaceAttr: readableDuration}
	if cfg.LogFormat == "text" {
		return slog.New(slog.NewTextHandler(w, opts))
	}
	return slog.New(slog.NewJSONHandler(w, opts))
}

// readableDuration writes every duration as Go writes it ("5m0s",
// "165.26ms"), the form the configuration takes: the JSON handler would
// write nanoseconds (300000000000), and the text handler already does this,
// so both formats read alike. Latency for dashboards is in the metrics.
func readableDuration(_ []string, a slog.Attr) slog.Attr {
	if a.Value.Kind() == slog.KindDuration {
		a.Value = slog.StringValue(a.Value.Duration().String())
	}
	return a
}

// newMeeting builds the meeting client for cfg with metrics hooked in.
func newMeeting(cfg *bot.Config, m *bot.Metrics, log *slog.Logger, extra ...meeting.Option) (*meeting.Client, error) {
	opts := append(cfg.MeetingOptions(), meeting.WithLogger(log), meeting.WithUserAgent("attendees-bot/"+version))
	opts = append(opts, extra...)
	if m != nil {
		opts = append(opts, m.MeetingOptions()...)
	}
	return meeting.NewClient(cfg.MeetingAPIURL, opts...)
}

// newLooker is the lookups of cfg on mc.
func newLooker(cfg *bot.Config, mc *meeting.Client, log *slog.Logger) *bot.Looker {
	lc := cfg.LookerConfig()
	lc.Log = log
	return bot.NewLooker(mc, lc)
}
