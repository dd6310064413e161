package audit

import (
	"errors"
	"flag"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/attendees-bot/attendees-bot/bot/catalog"
	"github.com/attendees-bot/attendees-bot/bot/store"
	"github.com/attendees-bot/attendees-bot/meeting"
)

// Formats of Write.
const (
	FormatText = "text" // aligned columns for a terminal
	FormatCSV  = "csv"  // one row per audit row, with a header
	FormatJSON = "json" // JSON Lines: one object per row
)

// DefaultSince is how far back an export reads unless told otherwise.
const DefaultSince = 720 * time.Hour

// Filter is what the audit command's options select.
type Filter struct {
	Since     time.Duration // rows of this long ago and newer; 0 = all
	Users     []string      // Slack user IDs
	ConfUUID  string
	MeetingID string // digits
	Format    string // "" when not given: the caller's default
}

// Query is the store query of f at now.
func (f Filter) Query(now time.Time) store.AuditQuery {
	q := store.AuditQuery{Users: f.Users, ConfUUID: f.ConfUUID, MeetingID: f.MeetingID}
	if f.Since > 0 {
		q.Since = now.Add(-f.Since)
	}
	return q
}

// Usage lists the options ParseArgs reads.
const Usage = "[--since 720h] [--user U…] [--conf UUID] [--meeting ID] [--format text|csv|json]"

// ErrHelp is returned by ParseArgs for --help.
var ErrHelp = flag.ErrHelp

// ArgError is a mistake in the audit command's options: a catalog message
// (audit.arg.*) and what the user typed that fills it. Slack shows it in
// the admin's language; a terminal, in English.
type ArgError struct {
	Key  string       // audit.arg.*
	Args catalog.Args // as typed
}

// Message is the sentence in p's language, what was typed passed through
// esc (formatting.Escape for Slack).
func (e *ArgError) Message(p *catalog.Printer, esc func(string) string) string {
	args := catalog.Args{"Usage": Usage}
	for k, v := range e.Args {
		if s, ok := v.(string); ok {
			v = esc(s)
		}
		args[k] = v
	}
	return p.T(e.Key, args)
}

// Error is the English sentence as a terminal shows it: no backticks.
func (e *ArgError) Error() string {
	return strings.ReplaceAll(e.Message(catalog.For(catalog.English), func(s string) string { return s }), "`", "")
}

func argError(key string, args ...catalog.Args) *ArgError {
	e := &ArgError{Key: key}
	if len(args) > 0 {
		e.Args = args[0]
	}
	return e
}

// ParseArgs reads the audit command's options, on the command line or in
// Slack. Errors are an *ArgError saying what would work. Options may be
// written --since=720h or --since 720h; a long dash (phones turn -- into —)
// counts as --. --user takes one ID or several (comma-separated, or the
// option repeated), also as Slack mentions <@U0123ABCD>.
func ParseArgs(args []string) (Filter, error) {
	f := Filter{Since: DefaultSince}
	fs := flag.NewFlagSet("audit", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	// The flag package wraps what a parser returns in its own English
	// text; the parsers keep their *ArgError here instead.
	var bad *ArgError
	fail := func(e *ArgError) error { bad = e; return e }
	// An option given twice would silently mean its last value; only
	// --user adds up.
	seen := make(map[string]bool)
	once := func(name string, parse func(string) error) {
		fs.Func(name, "", func(s string) error {
			if seen[name] {
				return fail(argError("audit.arg.repeated", catalog.Args{"Name": name}))
			}
			seen[name] = true
			return parse(s)
		})
	}
	once("since", func(s string) error {
		d, ok := parseSince(s)
		if !ok {
			return fail(argError("audit.arg.since"))
		}
		f.Since = d
		return nil
	})
	fs.Func("user", "", func(s string) error {
		for id := range strings.SplitSeq(s, ",") {
			if id = strings.TrimSpace(id); id == "" {
				continue
			}
			u, ok := userID(id)
			if !ok {
				return fail(argError("audit.arg.user", catalog.Args{"Value": id}))
			}
			f.Users = append(f.Users, u)
		}
		return nil
	})
	once("conf", func(s string) error {
		if meeting.ValidateConfUUID(s) != nil {
			return fail(argError("audit.arg.conf"))
		}
		f.ConfUUID = store.NormalizeConfUUID(s)
		return nil
	})
	once("meeting", func(s string) error {
		id, err := meeting.NormalizeMeetingID(s)
		if err != nil {
			return fail(argError("audit.arg.meeting"))
		}
		f.MeetingID = id
		return nil
	})
	once("format", func(s string) error {
		switch s {
		case FormatText, FormatCSV, FormatJSON:
			f.Format = s
			return nil
		}
		return fail(argError("audit.arg.format"))
	})
	if err := fs.Parse(longDashes(args)); err != nil {
		switch {
		case errors.Is(err, flag.ErrHelp):
			return Filter{}, ErrHelp
		case bad != nil:
			return Filter{}, bad
		}
		return Filter{}, FlagError(err, Usage)
	}
	if fs.NArg() > 0 {
		return Filter{}, argError("audit.arg.extra", catalog.Args{"Arg": fs.Arg(0)})
	}
	return f, nil
}

// FlagError turns the flag package's own complaints (an unknown option,
// one without its value, bad syntax) into sentences that list usage, the
// options of the command that complains: audit's, or another command's
// of the same binary, so every command says them alike.
func FlagError(err error, usage string) *ArgError {
	msg := err.Error()
	if name, ok := strings.CutPrefix(msg, "flag provided but not defined: "); ok {
		return argError("audit.arg.unknown", catalog.Args{"Name": strings.TrimLeft(name, "-"), "Usage": usage})
	}
	if name, ok := strings.CutPrefix(msg, "flag needs an argument: "); ok {
		return argError("audit.arg.needs_value", catalog.Args{"Name": strings.TrimLeft(name, "-"), "Usage": usage})
	}
	// "bad flag syntax: ---x" and whatever else the package may say.
	_, arg, _ := strings.Cut(msg, ": ")
	return argError("audit.arg.extra", catalog.Args{"Arg": arg, "Usage": usage})
}

// longDashes turns a leading em or en dash (what phones make of --) into --.
func longDashes(args []string) []string {
	out := make([]string, len(args))
	for i, a := range args {
		for _, d := range []string{"—", "–"} {
			if rest, ok := strings.CutPrefix(a, d); ok {
				a = "--" + strings.TrimLeft(rest, "-")
				break
			}
		}
		out[i] = a
	}
	return out
}

func parseSince(s string) (time.Duration, bool) {
	if s == "0" {
		return 0, true
	}
	if days, ok := strings.CutSuffix(s, "d"); ok {
		n, err := strconv.Atoi(days)
		if err != nil || n < 1 || n > 100*365 {
			return 0, false
		}
		return time.Duration(n) * 24 * time.Hour, true
	}
	d, err := time.ParseDuration(s)
	if err != nil || d <= 0 {
		return 0, false
	}
	return d, true
}

// userID reads a Slack user ID, bare or as a mention (<@U0123|name>).
func userID(s string) (string, bool) {
	if rest, ok := strings.CutPrefix(s, "<@"); ok {
		rest, _, _ = strings.Cut(strings.TrimSuffix(rest, ">"), "|")
		s = rest
	}
	s = strings.ToUpper(s)
	ok := len(s) >= 2 && len(s) <= 32 && (s[0] == 'U' || s[0] == 'W') &&
		!strings.ContainsFunc(s, func(r rune) bool { return !(r >= 'A' && r <= 'Z' || r >= '0' && r <= '9') })
	return s, ok
}
