package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"
	"unicode"

	"github.com/attendees-bot/attendees-bot/bot"
	"github.com/attendees-bot/attendees-bot/formatting"
)

func runLookup(ctx context.Context, args []string, getenv func(string) (string, bool), stdout, stderr io.Writer) error {
	fs := newFlags("lookup", "lookup [--format text|csv|json] [--search TEXT] <confUUID | meeting ID | subject words>", stderr)
	format := fs.String("format", "text", "output: text (readable summary), csv (every record) or json (the full analysis)")
	search := fs.String("search", "", "only people matching `TEXT`")
	if done, err := parseFlags(fs, args); done {
		return err
	}
	if *format != "text" && *format != "csv" && *format != "json" {
		return &usageError{"--format must be text, csv or json"}
	}
	target := strings.Join(fs.Args(), " ")
	if strings.TrimSpace(target) == "" {
		fs.Usage()
		return &usageError{"lookup needs a conference UUID, a meeting ID or subject words"}
	}
	cfg, err := bot.LoadConfig(ctx, getenv, bot.Needs{Meeting: true})
	if err != nil {
		return err
	}
	log := newLogger(cfg, stderr)
	mc, err := newMeeting(cfg, nil, log)
	if err != nil {
		return err
	}
	return lookup(ctx, cfg, bot.NewLooker(mc, thresholds(cfg), nil, log), target, *search, *format, stdout)
}

// lookup prints one meeting's attendance. Failures come back as one
// sentence a person can act on.
func lookup(ctx context.Context, cfg *bot.Config, looker *bot.Looker, target, search, format string, stdout io.Writer) error {
	cmd, err := bot.ParseCommand(target)
	if err != nil {
		return plainError(err)
	}
	switch cmd.Kind {
	case bot.KindConfUUID, bot.KindMeetingID, bot.KindSubject:
	default:
		return &usageError{"lookup needs a conference UUID, a meeting ID or subject words"}
	}
	if search == "" {
		search = cmd.Search
	}
	conf, others, err := looker.Resolve(ctx, cmd)
	if err != nil {
		return plainError(err)
	}
	if conf.ConfUUID == "" {
		var b strings.Builder
		fmt.Fprintf(&b, "%d meetings match %q; look one up by its conference UUID:", len(others), cmd.Target)
		for _, c := range others {
			fmt.Fprintf(&b, "\n  %s  %s  %s", c.ConfUUID, c.Start.Format(time.DateTime), printable(c.Subject))
		}
		return &usageError{b.String()}
	}
	rep, err := looker.Report(ctx, conf, search)
	if err != nil {
		return plainError(err)
	}
	switch format {
	case "csv":
		return formatting.WriteCSV(stdout, rep, formatting.CSVOptions{Audience: formatting.Private, Location: cfg.Location})
	case "json":
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(rep)
	}
	msg := formatting.Summary(rep, formatting.MessageOptions{
		Audience: formatting.Private, Lang: cfg.MeetingLanguage, InlineLimit: cfg.InlineLimit, Location: cfg.Location,
	})
	out := formatting.RenderText(msg)
	if len(others) > 0 {
		out += fmt.Sprintf("\nThis meeting ID ran %d more time(s); earlier instances:\n", len(others))
		for _, c := range others {
			out += fmt.Sprintf("  %s  %s\n", c.ConfUUID, c.Start.Format(time.DateTime))
		}
	}
	_, err = io.WriteString(stdout, out)
	return err
}

// printable drops control characters (escape sequences could rewrite the
// terminal) from meeting-provided text.
func printable(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || unicode.Is(unicode.Bidi_Control, r) {
			return -1
		}
		return r
	}, s)
}

// plainError keeps err for errors.Is but prints the user's sentence.
func plainError(err error) error {
	return &userError{text: bot.UserMessage(err), err: err}
}

type userError struct {
	text string
	err  error
}

func (e *userError) Error() string { return e.text }
func (e *userError) Unwrap() error { return e.err }
