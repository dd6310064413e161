package bot

import (
	"errors"
	"html"
	"regexp"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/width"

	"github.com/attendees-bot/attendees-bot/bot/catalog"
	"github.com/attendees-bot/attendees-bot/bot/subscription"
	"github.com/attendees-bot/attendees-bot/meeting"
)

// Kind says what a command asks for.
type Kind int

const (
	KindRecent    Kind = iota // no argument or "recent": latest meetings as buttons
	KindHelp                  // "help"
	KindConfUUID              // one conference instance
	KindMeetingID             // the number people type; resolved to its newest instance
	KindSubject               // words searched in meeting subjects
	KindWatch                 // subscribe the channel to a meeting ID or subject
	KindUnwatch               // end a subscription
	KindWatching              // list the channel's subscriptions
	KindAudit                 // export the audit trail (admins only)
)

func (k Kind) String() string {
	return [...]string{"recent", "help", "confuuid", "meetingid", "subject", "watch", "unwatch", "watching", "audit"}[k]
}

// Command is a parsed /attendees text.
type Command struct {
	Kind   Kind
	Target string // confUUID, normalized meeting ID or subject words
	CSV    bool   // always attach the CSV file
	Search string // only people matching this text
	Of     Kind   // for watch/unwatch: KindMeetingID or KindSubject
	// Args is, for audit, the options, read by the handler once it knows
	// who asks; for subject words that start with "audit", what follows
	// that word: an admin's mistyped audit options.
	Args string
	// Last is how many of the newest runs a meeting ID or subject's series
	// covers ("last N"); 0 means one run. For watch: Last > 0 adds the
	// series line to every automatic post ("with series").
	Last int
}

// A series ("last N") covers minLast to maxLast runs; "last" alone is
// defaultLast.
const (
	minLast     = 2
	maxLast     = 20
	defaultLast = 8
)

// InputError is a command the user typed that cannot be understood. Key
// names the catalog message that tells the user what would work; Usage
// adds the usage example after it.
type InputError struct {
	Key   string
	Args  catalog.Args
	Usage bool
}

func inputError(key string, args ...catalog.Args) *InputError {
	e := &InputError{Key: key}
	if len(args) > 0 {
		e.Args = args[0]
	}
	return e
}

// Message is the error in p's language; cmd fills the usage example.
func (e *InputError) Message(p *catalog.Printer, cmd string) string {
	args := catalog.Args{"Cmd": cmd}
	for k, v := range e.Args {
		args[k] = v
	}
	if e.Usage {
		return p.Join(p.T(e.Key, args), p.T("usage.example", args))
	}
	return p.T(e.Key, args)
}

func (e *InputError) Error() string { return e.Message(catalog.For(catalog.English), "/attendees") }

// Input bounds: Slack allows 4,000 characters of command text, far more
// than any meeting reference needs, and a search travels in every button's
// value (at most 2,000 bytes, URL-encoded).
const (
	maxCommandText = 500
	maxSearch      = 100
	maxSubject     = 100
)

// ParseCommand understands the text after the slash command. Options may
// stand anywhere: "csv" and "search:<text>" (quote text with spaces).
func ParseCommand(text string) (Command, error) {
	// Slack escapes &, < and > in command text.
	text = html.UnescapeString(text)
	if utf8.RuneCountInString(text) > maxCommandText {
		return Command{}, &InputError{Key: "input.too_long", Usage: true}
	}
	text, ok := readLinks(text)
	if !ok {
		return Command{}, inputError("input.link_no_id")
	}
	auditWords, options, audit := auditArgs(text)
	if audit && options {
		return Command{Kind: KindAudit, Args: auditWords}, nil
	}
	var cmd Command
	var rest []string
	for tok := range tokens(text) {
		switch low := strings.ToLower(tok); {
		case low == "csv":
			cmd.CSV = true
		case strings.HasPrefix(low, "search:"):
			cmd.Search = strings.TrimSpace(unquote(tok[len("search:"):]))
			if cmd.Search == "" {
				return Command{}, inputError("input.search_empty")
			}
			if utf8.RuneCountInString(cmd.Search) > maxSearch {
				return Command{}, inputError("input.search_long")
			}
		default:
			rest = append(rest, tok)
		}
	}
	if len(rest) > 0 {
		switch verb := strings.ToLower(rest[0]); verb {
		case "watching", "subscriptions", "watch", "unwatch":
			if cmd.CSV || cmd.Search != "" {
				return Command{}, inputError("input.no_options", catalog.Args{"Verb": verb})
			}
			if verb == "watch" || verb == "unwatch" {
				return parseWatch(verb, rest[1:])
			}
			if len(rest) > 1 {
				return Command{}, inputError("input.watching_args")
			}
			return Command{Kind: KindWatching}, nil
		}
	}
	rest, last, err := takeLast(rest)
	if err != nil {
		return Command{}, err
	}
	switch strings.ToLower(strings.Join(rest, " ")) {
	case "", "recent", "latest", "list":
		cmd.Kind = KindRecent
	case "help", "?", "-h", "--help":
		cmd.Kind = KindHelp
	default:
		if cmd.Kind, cmd.Target, err = classify(rest); err != nil {
			return Command{}, err
		}
	}
	if audit && cmd.Kind == KindSubject {
		cmd.Args = auditWords
	}
	switch cmd.Last = last; {
	case last == 0 || cmd.Kind == KindMeetingID || cmd.Kind == KindSubject:
		return cmd, nil
	case cmd.Kind == KindConfUUID:
		return Command{}, inputError("input.last_uuid")
	}
	return Command{}, inputError("input.last_needs")
}

// countShape is what a user types as a count after "last": a whole
// number, signed or not, or one with a fraction ("-3", "+4", "2.5").
// Only minLast to maxLast is a count of runs; the rest gets the sentence
// that says so rather than a search for the digits.
var countShape = regexp.MustCompile(`^[+\-−]?\d+(?:[.,]\d+)?$`)

// takeLast takes the "last" option out of words: "last N" (the newest N
// runs), or "last" as the final word (the newest defaultLast), at most
// once. Elsewhere "last" is a word of a subject ("last mile sync"),
// except after a meeting ID or conference UUID: those take no subject
// words, so what follows "last" there is a count or a mistake.
func takeLast(words []string) ([]string, int, error) {
	badCount := inputError("input.last_range", catalog.Args{"Min": minLast, "Max": maxLast, "Default": defaultLast})
	at, last := -1, 0
	for i, w := range words {
		if !strings.EqualFold(w, "last") {
			continue
		}
		n := defaultLast
		if i < len(words)-1 {
			count := width.Fold.String(words[i+1])
			switch {
			case countShape.MatchString(count):
				var err error
				if n, err = strconv.Atoi(count); err != nil || n < minLast || n > maxLast {
					return nil, 0, badCount
				}
			case namesMeeting(words[:i]):
				return nil, 0, badCount // "960 123 4506 last abc"
			default:
				continue // a subject word: "the last word"
			}
		}
		if at >= 0 {
			return nil, 0, inputError("input.last_twice")
		}
		at, last = i, n
	}
	if at < 0 {
		return words, 0, nil
	}
	end := min(at+2, len(words))
	return append(words[:at:at], words[end:]...), last, nil
}

// namesMeeting reports whether words are a meeting ID or conference UUID.
func namesMeeting(words []string) bool {
	kind, _, err := classify(words)
	return len(words) > 0 && err == nil && (kind == KindMeetingID || kind == KindConfUUID)
}

// auditArgs recognises "audit" as the first word and returns what follows
// it. options says whether that is the audit command's: nothing, options
// (--since …; a phone's long dash too) or "help". Other words ("audit
// committee") are a subject search, except for an admin, whose
// Command.Args keeps them (see Handler.slash).
func auditArgs(text string) (args string, options, ok bool) {
	text = strings.TrimSpace(text)
	first, rest := text, ""
	if i := strings.IndexFunc(text, unicode.IsSpace); i >= 0 {
		first, rest = text[:i], text[i:]
	}
	if !strings.EqualFold(first, "audit") {
		return "", false, false
	}
	rest = strings.TrimSpace(rest)
	switch strings.ToLower(rest) {
	case "help", "?":
		return "--help", true, true
	}
	options = rest == "" || strings.HasPrefix(rest, "-") || strings.HasPrefix(rest, "—") || strings.HasPrefix(rest, "–")
	return rest, options, true
}

// classify says which meeting the words name: a meeting ID, a conference
// UUID or subject words. IDs are read as people type them: full-width
// digits and letters from a CJK input method, and spaces, dashes or dots
// between the groups (960 123 4501, 960-123-4501, 960.123.4501). 32
// hexadecimal characters are a conference UUID even when all are digits.
func classify(words []string) (Kind, string, error) {
	arg := strings.Join(words, " ")
	narrow := width.Fold.String(arg)
	compact := strings.ReplaceAll(meeting.CompactMeetingID(narrow), ".", "")
	switch {
	case meeting.ValidateConfUUID(narrow) == nil:
		return KindConfUUID, narrow, nil
	case isDigits(compact):
		id, err := meeting.NormalizeMeetingID(compact)
		if err != nil {
			return 0, "", inputError("input.meeting_id")
		}
		return KindMeetingID, id, nil
	case len(words) == 1 && len(compact) >= 16 && isHex(compact):
		return 0, "", inputError("input.partial_uuid")
	case !strings.ContainsFunc(arg, isWordRune):
		return 0, "", &InputError{Key: "input.unreadable", Usage: true}
	case utf8.RuneCountInString(arg) > maxSubject:
		return 0, "", inputError("input.subject_long")
	}
	return KindSubject, arg, nil
}

func isWordRune(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }

// parseWatch reads "watch <meeting ID | subject words>" and its unwatch twin.
func parseWatch(verb string, words []string) (Command, error) {
	kind := KindWatch
	if verb == "unwatch" {
		kind = KindUnwatch
	}
	usage := inputError("input.watch_usage", catalog.Args{"Verb": verb})
	series := 0
	if n := len(words); n >= 2 && strings.EqualFold(words[n-2], "with") && strings.EqualFold(words[n-1], "series") {
		// "with series": each post adds who missed the latest runs.
		words, series = words[:n-2], defaultLast
		if kind == KindUnwatch {
			series = 0 // unwatch ends the subscription, series line and all
		}
	}
	if len(words) == 0 {
		return Command{}, usage
	}
	// A subscription posts each run as it ends; the runs before are what
	// "with series" adds, not "last N".
	if _, last, err := takeLast(words); err != nil || last > 0 {
		return Command{}, inputError("input.watch_last", catalog.Args{"Verb": verb})
	}
	switch strings.ToLower(strings.Join(words, " ")) {
	case "recent", "latest", "list", "help":
		return Command{}, usage
	}
	of, target, err := classify(words)
	if err != nil {
		return Command{}, err
	}
	switch of {
	case KindConfUUID:
		return Command{}, inputError("input.watch_uuid", catalog.Args{"Verb": verb})
	case KindSubject:
		// A word or two would match nearly every meeting and flood the channel.
		if kind == KindWatch && subscription.TooBroad(target) {
			return Command{}, inputError("input.watch_broad")
		}
	}
	return Command{Kind: kind, Of: of, Target: target, Last: series}, nil
}

// tokens splits on white space, keeping "quoted text" (straight or curly
// quotes, as phones type them) together.
func tokens(s string) func(yield func(string) bool) {
	return func(yield func(string) bool) {
		var b strings.Builder
		var quote rune
		for _, r := range s {
			switch {
			case quote != 0:
				b.WriteRune(r)
				if r == quote || (quote == '“' && r == '”') {
					quote = 0
				}
			case r == '"' || r == '“':
				quote = r
				b.WriteRune(r)
			case unicode.IsSpace(r):
				if b.Len() > 0 {
					if !yield(b.String()) {
						return
					}
					b.Reset()
				}
			default:
				b.WriteRune(r)
			}
		}
		if b.Len() > 0 {
			yield(b.String())
		}
	}
}

func unquote(s string) string {
	return strings.Trim(s, "\"“”")
}

func isDigits(s string) bool {
	return s != "" && !strings.ContainsFunc(s, func(r rune) bool { return r < '0' || r > '9' })
}

func isHex(s string) bool {
	return s != "" && !strings.ContainsFunc(s, func(r rune) bool {
		return !(r >= '0' && r <= '9' || r >= 'a' && r <= 'f' || r >= 'A' && r <= 'F')
	})
}

// errInvalid reports whether err is bad user input of any kind.
func errInvalid(err error) bool {
	var ie *InputError
	return errors.As(err, &ie) || errors.Is(err, meeting.ErrInvalidInput)
}
