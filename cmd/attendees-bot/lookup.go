package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"unicode"

	"github.com/attendees-bot/attendees-bot/bot"
	"github.com/attendees-bot/attendees-bot/formatting"
	"github.com/attendees-bot/attendees-bot/formatting/catalog"
)

func runLookup(ctx context.Context, args []string, getenv func(string) (string, bool), stdout, stderr io.Writer) error {
	fs := newFlags("lookup", "lookup [--format text|csv|json] [--search TEXT] <confUUID | meeting ID | subject words>", stderr)
	format := fs.String("format", "text", "output: text (readable summary), csv (every record) or json (the full analysis)")
	search := fs.String("search", "", "only people matching `TEXT`")
	words, done, err := parseInterspersed(fs, args)
	if done {
		return err
	}
	if *format != "text" && *format != "csv" && *format != "json" {
		return &usageError{"--format must be text, csv or json"}
	}
	target := strings.Join(words, " ")
	if strings.TrimSpace(target) == "" {
		fs.Usage()
		return &usageError{"lookup needs a conference UUID, a meeting ID or subject words"}
	}
	cfg, err := bot.LoadConfig(ctx, getenv, bot.Needs{Meeting: true})
	if err != nil {
		return err
	}
	// A command-line tool prints its answer or one sentence: log lines only
	// when LOG_LEVEL asks for them.
	log := slog.New(slog.DiscardHandler)
	if _, set := getenv("LOG_LEVEL"); set {
		log = newLogger(cfg, stderr)
	}
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
		// The candidates are the output (a script can pick one); the
		// sentence on stderr says what to do with them.
		for _, c := range others {
			if _, err := fmt.Fprintf(stdout, "%s  %s  %s\n", c.ConfUUID, c.Start.In(cfg.Location).Format("2006-01-02 15:04 MST"), cell(c.Subject)); err != nil {
				return err
			}
		}
		return &userError{text: fmt.Sprintf("%d meetings match %q: look one up by the conference UUID at the start of its line above", len(others), printable(cmd.Target))}
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
	if sentence, none := bot.NobodyMatches(rep, catalog.For(catalog.English)); none {
		_, err := io.WriteString(stdout, formatting.RenderText(formatting.Message{Text: sentence}))
		return err
	}
	return writeText(stdout, rep, others, cfg.Location)
}

// parseInterspersed parses flags anywhere among the words (lookup 960 123
// 4501 --format csv), as a person types them; everything after "--" is a
// word. It returns the words in order.
func parseInterspersed(fs *flag.FlagSet, args []string) (words []string, done bool, err error) {
	for {
		if done, err := parseFlags(fs, args); done {
			return nil, true, err
		}
		rest := fs.Args()
		if len(rest) == 0 {
			return words, false, nil
		}
		if consumed := len(args) - len(rest); consumed > 0 && args[consumed-1] == "--" {
			return append(words, rest...), false, nil
		}
		words, args = append(words, rest[0]), rest[1:]
	}
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

// plainError keeps err for errors.Is but prints the user's sentence, in
// the words of this command line (not of the Slack command).
func plainError(err error) error {
	return &userError{text: bot.UserMessage(err, "attendees-bot lookup"), err: err}
}

type userError struct {
	text string
	err  error
}

func (e *userError) Error() string { return e.text }
func (e *userError) Unwrap() error { return e.err }
