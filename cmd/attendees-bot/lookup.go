package main

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strconv"
	"strings"

	"github.com/attendees-bot/attendees-bot/bot"
	"github.com/attendees-bot/attendees-bot/bot/terminal"
	"github.com/attendees-bot/attendees-bot/formatting"
	"github.com/attendees-bot/attendees-bot/formatting/attendance"
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
	targets, done, err := parseInterspersed(fs, args, stdout)
	if done {
		return err
	}
	target := strings.Join(targets, " ")
	if strings.TrimSpace(target) == "" {
		return &usageError{msg: "lookup needs a conference UUID, a meeting ID or subject words, like attendees-bot lookup 960 123 4501"}
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
	l := &lookupRun{cfg: cfg, looker: newLooker(cfg, mc, log), format: format, stdout: stdout, stderr: stderr}
	return l.run(ctx, target, search, last)
}

// lookupRun is one lookup command: what it prints and where.
type lookupRun struct {
	cfg            *bot.Config
	looker         *bot.Looker
	format         string // text, csv or json
	stdout, stderr io.Writer
}

// run prints the attendance of the meeting target names, of the people
// search matches, or of its newest last runs. Failures come back as one
// sentence a person can act on: a *usageError when the command line says
// nothing that can be looked up (exit 2), else a *userError (exit 1).
func (l *lookupRun) run(ctx context.Context, target, search string, last int) error {
	cmd, err := bot.ParseCommand(target)
	if err != nil {
		return &usageError{msg: bot.UserMessage(err, "attendees-bot lookup"), err: err}
	}
	switch cmd.Kind {
	case bot.KindConfUUID, bot.KindMeetingID, bot.KindSubject:
	default:
		return &usageError{msg: "lookup needs a conference UUID, a meeting ID or subject words, like attendees-bot lookup 960 123 4501"}
	}
	switch {
	case last != 0 && cmd.Last != 0 && last != cmd.Last:
		return &usageError{msg: fmt.Sprintf("--last %d and last %d say different things: give one", last, cmd.Last)}
	case search != "" && cmd.Search != "" && search != cmd.Search:
		return &usageError{msg: "--search and search: say different things: give one"}
	}
	cmd.Search = cmp.Or(search, cmd.Search)
	if cmd.Last = cmp.Or(last, cmd.Last); cmd.Last > 0 {
		if cmd.Kind == bot.KindConfUUID {
			return &usageError{msg: "--last needs a meeting ID or subject words: a conference UUID is one run"}
		}
		return l.series(ctx, cmd)
	}
	conf, others, err := l.looker.Resolve(ctx, cmd)
	if err != nil {
		return plainError(err)
	}
	if conf.ConfUUID == "" {
		return l.choices(others, "conf_uuid", fmt.Sprintf("%d meetings match %q (listed above): run attendees-bot lookup <conference UUID> with the UUID of one of them",
			len(others), formatting.Printable(cmd.Target)))
	}
	// A command line prints once: it waits for the invite list too (at most
	// INVITE_LIST_TIMEOUT) and says so in the text when it could not be had.
	rep, invites, err := l.looker.Report(ctx, conf, cmd.Search)
	if err != nil {
		return plainError(err)
	}
	sentence, none := bot.NobodyMatches(rep, words)
	switch {
	case l.format == "csv":
		err = formatting.WriteCSV(l.stdout, rep, formatting.CSVOptions{Audience: formatting.Private, Location: l.cfg.Location})
	case l.format == "json":
		err = writeJSON(l.stdout, rep)
	case !none:
		err = writeText(l.stdout, rep, invites == bot.InvitesFailed, others, l.cfg.Location)
	}
	if err == nil && none {
		l.nobody(sentence)
	}
	return err
}

// series prints the attendance of the newest cmd.Last runs.
func (l *lookupRun) series(ctx context.Context, cmd bot.Command) error {
	found, err := l.looker.Series(ctx, cmd)
	if err != nil {
		return plainError(err)
	}
	if found.Series == nil {
		return l.choices(found.Choices, "meeting_id", fmt.Sprintf("%d meeting IDs match %q (listed above): run %s with one of them",
			len(found.Choices), formatting.Printable(cmd.Target), commandLine("lookup", "--last", strconv.Itoa(cmd.Last))+" <meeting ID>"))
	}
	sentence, none := bot.SeriesNobodyMatches(found.Series, words)
	switch {
	case l.format == "csv":
		err = formatting.WriteSeriesCSV(l.stdout, found.Series, formatting.CSVOptions{Audience: formatting.Private, Location: l.cfg.Location})
	case l.format == "json":
		err = writeJSON(l.stdout, found.Series)
	case !none:
		err = writeSeriesText(l.stdout, found.Series, cmd.Last, l.cfg.Location)
	}
	if err == nil && none {
		l.nobody(sentence)
	}
	return err
}

// nobody says on stderr that the search matched nobody. It is an answer,
// not a failure (exit 0), as audit's "no audit rows match": stdout has
// the empty form of the format asked for (the CSV header, JSON with no
// people), so a script's file is still one its reader opens.
func (l *lookupRun) nobody(sentence string) {
	fmt.Fprint(l.stderr, "attendees-bot: "+terminal.Render(formatting.Message{Text: sentence}))
}

// choices prints the meetings that match (by pickBy, the field to look one
// up by) and returns sentence as the failure (exit 1): the choices are the
// output, in the format asked for, so a script can pick one.
func (l *lookupRun) choices(cs []meeting.Conference, pickBy, sentence string) error {
	ms := make([]attendance.Meeting, len(cs))
	for i, c := range cs {
		ms[i] = attendance.Meeting{ConfUUID: c.ConfUUID, MeetingID: c.ConferenceID, Subject: c.Subject, Start: c.Start.In(l.cfg.Location), End: c.End.In(l.cfg.Location)}
	}
	var err error
	switch l.format {
	case "csv":
		err = formatting.WriteMeetingsCSV(l.stdout, ms, l.cfg.Location)
	case "json":
		err = writeJSON(l.stdout, struct {
			Choices []attendance.Meeting `json:"choices"`
			PickBy  string               `json:"pick_by"`
		}{ms, pickBy})
	default:
		ew := &errWriter{w: l.stdout}
		for _, m := range ms {
			key := m.ConfUUID
			if pickBy == "meeting_id" {
				key = m.MeetingID
			}
			fmt.Fprintf(ew, "%s  %s  %s\n", key, m.Start.Format("2006-01-02 15:04 MST"), cell(m.Subject, nameCols))
		}
		err = ew.err
	}
	if err != nil {
		return err
	}
	return &userError{text: sentence}
}

// writeJSON writes v as indented JSON.
func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// parseInterspersed parses flags anywhere among the words (lookup 960 123
// 4501 --format csv), as a person types them; everything after "--" is a
// word. It returns the words in order.
func parseInterspersed(fs *flags, args []string, stdout io.Writer) (words []string, done bool, err error) {
	for {
		// A negative number among the words ("last -3") is one of them,
		// for the words' own sentence, not an unknown option.
		if len(words) > 0 && len(args) > 0 && len(args[0]) > 1 && args[0][0] == '-' {
			if _, err := strconv.Atoi(args[0]); err == nil {
				words, args = append(words, args[0]), args[1:]
				continue
			}
		}
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
