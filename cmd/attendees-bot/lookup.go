package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strconv"
	"strings"

	"github.com/attendees-bot/attendees-bot/bot"
	"github.com/attendees-bot/attendees-bot/bot/catalog"
	"github.com/attendees-bot/attendees-bot/bot/terminal"
	"github.com/attendees-bot/attendees-bot/formatting"
	"github.com/attendees-bot/attendees-bot/meeting"
)

// lookupOptions are the lookup command's options, as its usage writes them.
const lookupOptions = "[--format text|csv|json] [--search TEXT] [--last N]"

func runLookup(ctx context.Context, args []string, getenv func(string) (string, bool), stdout, stderr io.Writer) error {
	fs := newFlags("lookup", "lookup "+lookupOptions+" <confUUID | meeting ID | subject words>", lookupOptions)
	format, search, last := "text", "", 0
	fs.Func("format", "output `text|csv|json`: text (the default, a readable summary), csv (every record; with --last one row per person) or json (the full analysis)", func(s string) error {
		if s != "text" && s != "csv" && s != "json" {
			return errors.New("--format must be text, csv or json")
		}
		format = s
		return nil
	})
	fs.Func("search", "only people matching `TEXT` (every word in their name, number or department)", func(s string) error {
		if search = strings.TrimSpace(s); search == "" {
			return errors.New("--search needs some text after it, like --search alice or --search 'Li Wei'")
		}
		return nil
	})
	fs.Func("last", "the newest `N` runs (2 to 20) of the meeting ID or subject: who came to how many", func(s string) error {
		n, err := strconv.Atoi(s)
		if err != nil || n < 2 || n > 20 {
			return errors.New("--last takes a number of runs from 2 to 20, like --last 4")
		}
		last = n
		return nil
	})
	words, done, err := parseInterspersed(fs, args, stdout)
	if done {
		return err
	}
	target := strings.Join(words, " ")
	if strings.TrimSpace(target) == "" {
		return &usageError{"lookup needs a conference UUID, a meeting ID or subject words, like attendees-bot lookup 960 123 4501"}
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
	// One lookup, then the process ends: nothing to cache.
	mc, err := newMeeting(cfg, nil, log, meeting.WithCache(0, 0))
	if err != nil {
		return err
	}
	return lookup(ctx, cfg, newLooker(cfg, mc, log), target, search, format, last, stdout)
}

// lookup prints one meeting's attendance. Failures come back as one
// sentence a person can act on.
func lookup(ctx context.Context, cfg *bot.Config, looker *bot.Looker, target, search, format string, last int, stdout io.Writer) error {
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
	if cmd.Last = max(cmd.Last, last); cmd.Last > 0 {
		if cmd.Kind == bot.KindConfUUID {
			return &usageError{"--last needs a meeting ID or subject words: a conference UUID is one run"}
		}
		cmd.Search = search
		return lookupSeries(ctx, cfg, looker, cmd, format, stdout)
	}
	conf, others, err := looker.Resolve(ctx, cmd)
	if err != nil {
		return plainError(err)
	}
	if conf.ConfUUID == "" {
		// The candidates are the output (a script can pick one); the
		// sentence on stderr says what to do with them.
		for _, c := range others {
			if _, err := fmt.Fprintf(stdout, "%s  %s  %s\n", c.ConfUUID, c.Start.In(cfg.Location).Format("2006-01-02 15:04 MST"), cell(c.Subject, nameCols)); err != nil {
				return err
			}
		}
		return &userError{text: fmt.Sprintf("%d meetings match %q: run attendees-bot lookup <conference UUID> with the UUID at the start of one of the lines above", len(others), formatting.Printable(cmd.Target))}
	}
	// A command line prints once: it waits for the invite list too (at most
	// INVITE_LIST_TIMEOUT) and says so in the text when it could not be had.
	rep, invites, err := looker.Report(ctx, conf, search)
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
		_, err := io.WriteString(stdout, terminal.Render(formatting.Message{Text: sentence}))
		return err
	}
	return writeText(stdout, rep, invites == bot.InvitesFailed, others, cfg.Location)
}

// parseInterspersed parses flags anywhere among the words (lookup 960 123
// 4501 --format csv), as a person types them; everything after "--" is a
// word. It returns the words in order.
func parseInterspersed(fs *flags, args []string, stdout io.Writer) (words []string, done bool, err error) {
	for {
		if done, err := fs.parse(args, stdout); done {
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

// lookupSeries prints the attendance of the newest cmd.Last runs.
func lookupSeries(ctx context.Context, cfg *bot.Config, looker *bot.Looker, cmd bot.Command, format string, stdout io.Writer) error {
	found, err := looker.Series(ctx, cmd)
	if err != nil {
		return plainError(err)
	}
	if found.Series == nil {
		for _, c := range found.Choices {
			if _, err := fmt.Fprintf(stdout, "%s  %s  %s\n", c.ConferenceID, c.Start.In(cfg.Location).Format("2006-01-02 15:04 MST"), cell(c.Subject, nameCols)); err != nil {
				return err
			}
		}
		return &userError{text: fmt.Sprintf("%d meeting IDs match %q: run %s with the meeting ID at the start of one of the lines above", len(found.Choices), formatting.Printable(cmd.Target), commandLine("lookup", "--last", strconv.Itoa(cmd.Last))+" <meeting ID>")}
	}
	switch format {
	case "csv":
		return formatting.WriteSeriesCSV(stdout, found.Series, formatting.CSVOptions{Audience: formatting.Private, Location: cfg.Location})
	case "json":
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(found.Series)
	}
	return writeSeriesText(stdout, found.Series, cmd.Last, cfg.Location)
}
