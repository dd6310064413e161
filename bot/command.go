package bot

import (
	"errors"
	"html"
	"strings"
	"unicode"

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
)

func (k Kind) String() string {
	return [...]string{"recent", "help", "confuuid", "meetingid", "subject", "watch", "unwatch", "watching"}[k]
}

// Command is a parsed /attendees text.
type Command struct {
	Kind   Kind
	Target string // confUUID, normalized meeting ID or subject words
	CSV    bool   // always attach the CSV file
	Search string // only people matching this text
	Of     Kind   // for watch/unwatch: KindMeetingID or KindSubject
}

// InputError is a command the user typed that cannot be understood. Its text
// is written for the user and says what would work.
type InputError struct{ Msg string }

func (e *InputError) Error() string { return e.Msg }

const exampleUsage = "Try `/attendees 987 654 3210` (a meeting ID), `/attendees 9a0fa6d10a5b11eaae5e191763c22c0e` (a conference UUID), `/attendees weekly sync` (subject words) or just `/attendees` for recent meetings."

// ParseCommand understands the text after the slash command. Options may
// stand anywhere: "csv" and "search:<text>" (quote text with spaces).
func ParseCommand(text string) (Command, error) {
	// Slack escapes &, < and > in command text.
	text = html.UnescapeString(text)
	var cmd Command
	var rest []string
	for tok := range tokens(text) {
		switch low := strings.ToLower(tok); {
		case low == "csv":
			cmd.CSV = true
		case strings.HasPrefix(low, "search:"):
			cmd.Search = strings.TrimSpace(unquote(tok[len("search:"):]))
			if cmd.Search == "" {
				return Command{}, &InputError{Msg: "`search:` needs some text after it, like `search:alice` or `search:\"Li Wei\"`."}
			}
		default:
			rest = append(rest, tok)
		}
	}
	if len(rest) > 0 {
		switch strings.ToLower(rest[0]) {
		case "watching", "subscriptions":
			if len(rest) > 1 {
				return Command{}, &InputError{Msg: "`watching` lists this channel's subscriptions; it takes nothing after it."}
			}
			return Command{Kind: KindWatching}, nil
		case "watch", "unwatch":
			return parseWatch(strings.ToLower(rest[0]), strings.Join(rest[1:], " "))
		}
	}
	arg := strings.Join(rest, " ")
	switch strings.ToLower(arg) {
	case "", "recent", "latest", "list":
		cmd.Kind = KindRecent
		return cmd, nil
	case "help", "?", "-h", "--help":
		cmd.Kind = KindHelp
		return cmd, nil
	}
	compact := strings.NewReplacer(" ", "", "-", "").Replace(arg)
	switch {
	case isDigits(compact):
		id, err := meeting.NormalizeMeetingID(arg)
		if err != nil {
			return Command{}, &InputError{Msg: "A meeting ID is 6 to 20 digits (spaces and dashes are fine), like `987 654 3210`."}
		}
		cmd.Kind, cmd.Target = KindMeetingID, id
	case meeting.ValidateConfUUID(arg) == nil:
		cmd.Kind, cmd.Target = KindConfUUID, arg
	case len(rest) == 1 && len(compact) >= 16 && isHex(compact):
		return Command{}, &InputError{Msg: "That looks like a conference UUID but is not complete: it has 32 hexadecimal characters, like `9a0fa6d10a5b11eaae5e191763c22c0e`."}
	case !strings.ContainsFunc(arg, func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }):
		return Command{}, &InputError{Msg: "I couldn't read a meeting in that. " + exampleUsage}
	default:
		if n := len([]rune(arg)); n > 100 {
			return Command{}, &InputError{Msg: "That search is too long: use a few words of the meeting's subject."}
		}
		cmd.Kind, cmd.Target = KindSubject, arg
	}
	return cmd, nil
}

// parseWatch reads "watch <meeting ID | subject words>" and its unwatch twin.
func parseWatch(verb, arg string) (Command, error) {
	kind := KindWatch
	if verb == "unwatch" {
		kind = KindUnwatch
	}
	if strings.TrimSpace(arg) == "" {
		return Command{}, &InputError{Msg: "`" + verb + "` needs a meeting ID or subject words, like `" + verb + " 987 654 3210` or `" + verb + " weekly sync`."}
	}
	target, err := ParseCommand(arg)
	if err != nil {
		return Command{}, err
	}
	switch target.Kind {
	case KindMeetingID, KindSubject:
		return Command{Kind: kind, Of: target.Kind, Target: target.Target}, nil
	case KindConfUUID:
		return Command{}, &InputError{Msg: "A conference UUID is one past meeting, so there is nothing to " + verb + ". Use its meeting ID or subject words, like `" + verb + " 987 654 3210`."}
	}
	return Command{}, &InputError{Msg: "`" + verb + "` needs a meeting ID or subject words, like `" + verb + " 987 654 3210` or `" + verb + " weekly sync`."}
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
