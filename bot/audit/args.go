package audit

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

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

// ParseArgs reads the audit command's options, on the command line or in
// Slack. Errors are one sentence saying what would work. Options may be
// written --since=720h or --since 720h; a long dash (phones turn -- into —)
// counts as --. --user takes one ID or several (comma-separated, or the
// option repeated), also as Slack mentions <@U0123ABCD>.
func ParseArgs(args []string) (Filter, error) {
	f := Filter{Since: DefaultSince}
	fs := flag.NewFlagSet("audit", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Func("since", "rows of this long ago and newer: 720h, 30d, 90m; 0 = all", func(s string) error {
		d, err := parseSince(s)
		f.Since = d
		return err
	})
	fs.Func("user", "only rows of this Slack user ID (repeat, or separate with commas)", func(s string) error {
		for id := range strings.SplitSeq(s, ",") {
			if id = strings.TrimSpace(id); id == "" {
				continue
			}
			u, err := userID(id)
			if err != nil {
				return err
			}
			f.Users = append(f.Users, u)
		}
		return nil
	})
	fs.Func("conf", "only rows about this conference UUID", func(s string) error {
		if meeting.ValidateConfUUID(s) != nil {
			return errors.New("--conf wants a conference UUID of 32 hexadecimal characters, like 9a0fa6d10a5b11eaae5e191763c22c0e")
		}
		f.ConfUUID = store.NormalizeConfUUID(s)
		return nil
	})
	fs.Func("meeting", "only rows about this meeting ID", func(s string) error {
		id, err := meeting.NormalizeMeetingID(s)
		if err != nil {
			return errors.New("--meeting wants a meeting ID of 6 to 20 digits, like 9876543210")
		}
		f.MeetingID = id
		return nil
	})
	fs.Func("format", "text, csv or json (JSON Lines)", func(s string) error {
		switch s {
		case FormatText, FormatCSV, FormatJSON:
			f.Format = s
			return nil
		}
		return errors.New("--format must be text, csv or json")
	})
	if err := fs.Parse(longDashes(args)); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return Filter{}, ErrHelp
		}
		return Filter{}, flagError(err)
	}
	if fs.NArg() > 0 {
		return Filter{}, fmt.Errorf("I don't understand %q; the options are %s", fs.Arg(0), Usage)
	}
	return f, nil
}

// flagError turns the flag package's messages into sentences; the
// messages of our own option parsers pass through.
func flagError(err error) error {
	msg := err.Error()
	if name, ok := strings.CutPrefix(msg, "flag provided but not defined: "); ok {
		return fmt.Errorf("there is no option --%s; the options are %s", strings.TrimLeft(name, "-"), Usage)
	}
	if name, ok := strings.CutPrefix(msg, "flag needs an argument: "); ok {
		return fmt.Errorf("--%s needs a value; the options are %s", strings.TrimLeft(name, "-"), Usage)
	}
	// "invalid value "x" for flag -since: <our sentence>"
	if _, sentence, ok := strings.Cut(msg, ": "); ok && strings.HasPrefix(msg, "invalid value") {
		return errors.New(sentence)
	}
	return err
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

func parseSince(s string) (time.Duration, error) {
	const want = "--since wants a duration like 720h, 30d or 90m (0 for everything)"
	if s == "0" {
		return 0, nil
	}
	if days, ok := strings.CutSuffix(s, "d"); ok {
		n, err := strconv.Atoi(days)
		if err != nil || n < 1 || n > 100*365 {
			return 0, errors.New(want)
		}
		return time.Duration(n) * 24 * time.Hour, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil || d <= 0 {
		return 0, errors.New(want)
	}
	return d, nil
}

// userID reads a Slack user ID, bare or as a mention (<@U0123|name>).
func userID(s string) (string, error) {
	if rest, ok := strings.CutPrefix(s, "<@"); ok {
		rest, _, _ = strings.Cut(strings.TrimSuffix(rest, ">"), "|")
		s = rest
	}
	s = strings.ToUpper(s)
	ok := len(s) >= 2 && len(s) <= 32 && (s[0] == 'U' || s[0] == 'W') &&
		!strings.ContainsFunc(s, func(r rune) bool { return !(r >= 'A' && r <= 'Z' || r >= '0' && r <= '9') })
	if !ok {
		return "", fmt.Errorf("--user wants a Slack user ID like U0123ABCD (in the person's profile: ⋮ → Copy member ID), not %q", s)
	}
	return s, nil
}
