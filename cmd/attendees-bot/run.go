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
	"github.com/attendees-bot/attendees-bot/bot/audit"
	"github.com/attendees-bot/attendees-bot/bot/store"
	"github.com/attendees-bot/attendees-bot/formatting"
	"github.com/attendees-bot/attendees-bot/meeting"
)

// version is stamped at build time: -ldflags "-X main.version=v1.2.3".
var version = "dev"

const usage = `attendees-bot: who was in that meeting? (Huawei Cloud Meeting attendance in Slack)

Usage:
  attendees-bot [run]        run the Slack bot and its HTTP server (HTTP_ADDR)
  attendees-bot lookup ` + lookupOptions + ` <confUUID | meeting ID | subject words>
                             print one meeting's attendance to stdout (--last N: its newest N runs)
  attendees-bot audit ` + audit.Usage + `
                             print the audit trail (who saw which meeting), newest first
  attendees-bot demo         the built-in sample meeting service: with SLACK_APP_TOKEN and
                             SLACK_BOT_TOKEN set it connects to Slack, otherwise it reads
                             "/attendees <id>" lines from stdin and prints the replies
  attendees-bot version      print the version

Configuration is read from the environment; see the README for every variable.
Run "attendees-bot <command> --help" for a command's flags.
`

// usageError is a mistake in the command line; it exits with status 2.
// err, when set, is what the mistake was found as (errors.Is sees it).
type usageError struct {
	msg string
	err error
}

func (e *usageError) Error() string { return e.msg }
func (e *usageError) Unwrap() error { return e.err }

// exitConfig is the exit status of a bad configuration (EX_CONFIG from
// sysexits.h): the systemd unit does not restart on it.
const exitConfig = 78

func exitCode(err error) int {
	var ue *usageError
	var ce *bot.ConfigError
	var oe *store.OpenError
	switch {
	case errors.As(err, &ue):
		return 2
	case errors.As(err, &ce), errors.As(err, &oe) && oe.Setting:
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
		return runBot(ctx, args, getenv, stdout, stderr)
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
	return &usageError{msg: fmt.Sprintf("There is no command %q; the commands are run, lookup, audit, demo, version and help", cmd)}
}

// flags are a command's options. A mistake is one sentence (a
// *usageError, exit 2) naming the command's options; --help prints the
// usage on stdout.
type flags struct {
	*flag.FlagSet
	synopsis string // after "Usage: attendees-bot "
	options  string // the options, as the synopsis writes them
	bad      error  // what a Func option's parser said, in its words
}

// newFlags returns the flag set of command name: synopsis for --help,
// options (like "[--format text|csv|json]") for the sentence of a
// mistake.
func newFlags(name, synopsis, options string) *flags {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard) // the flag package's own complaint and usage are not the sentence
	fs.Usage = func() {}
	return &flags{FlagSet: fs, synopsis: synopsis, options: options}
}

// Func defines an option parsed by fn, whose error is the sentence the
// user reads (the flag package would wrap it in its own).
func (f *flags) Func(name, usage string, fn func(string) error) {
	f.FlagSet.Func(name, usage, func(s string) error {
		if err := fn(s); err != nil {
			f.bad = err
			return err
		}
		return nil
	})
}

// parse handles --help (printed on stdout: nil error, done) and mistakes
// (done, a *usageError).
func (f *flags) parse(args []string, stdout io.Writer) (done bool, err error) {
	err = f.Parse(args)
	switch {
	case err == nil:
		return false, nil
	case errors.Is(err, flag.ErrHelp):
		f.SetOutput(stdout)
		defer f.SetOutput(io.Discard)
		fmt.Fprintf(stdout, "Usage: attendees-bot %s\n", f.synopsis)
		f.PrintDefaults()
		return true, nil
	case f.bad != nil:
		return true, &usageError{msg: f.bad.Error()}
	}
	return true, &usageError{msg: audit.FlagError(err, f.options).Error()}
}

// noArgs is the mistake of words after the options of a command that
// takes none.
func (f *flags) noArgs() error {
	if f.NArg() == 0 {
		return nil
	}
	return &usageError{msg: fmt.Sprintf("I don't understand “%s”; the options are %s", formatting.Printable(f.Arg(0)), f.options)}
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
