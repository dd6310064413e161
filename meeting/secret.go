package meeting

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"strings"
)

const redacted = "[redacted]"

// Secret is a credential: an app key, a password or a token. It never prints:
// String, GoString, Format (every verb), LogValue and MarshalJSON all give
// "[redacted]", so a Secret inside a struct, an error or a log record stays
// hidden. Reveal returns the value; call it only where the value goes on the wire.
type Secret string

// Reveal returns the secret value.
func (s Secret) Reveal() string { return string(s) }

// String returns "[redacted]".
func (s Secret) String() string { return redacted }

// GoString returns "[redacted]", so %#v hides the value too.
func (s Secret) GoString() string { return redacted }

// Format writes "[redacted]" for every verb, including %s, %v, %q and %x.
func (s Secret) Format(f fmt.State, _ rune) { _, _ = io.WriteString(f, redacted) }

// LogValue implements slog.LogValuer.
func (s Secret) LogValue() slog.Value { return slog.StringValue(redacted) }

// MarshalJSON returns the JSON string "[redacted]".
func (s Secret) MarshalJSON() ([]byte, error) { return []byte(`"` + redacted + `"`), nil }

// MarshalText returns "[redacted]", for encoders that prefer text.
func (s Secret) MarshalText() ([]byte, error) { return []byte(redacted), nil }

// RedactURL keeps a URL's scheme and host, which is what a reader of a log
// needs to know where a call went, and marks anything else as cut with
// "/…": a path or query names conferences and dates, a Slack response_url
// or upload link is a grant, and a URL may hold a user name and password.
// Text that is not a URL with a host becomes "[url]".
func RedactURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return "[url]"
	}
	out := u.Scheme + "://" + u.Host
	if u.User != nil || (u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "" {
		out += "/…"
	}
	return out
}

// HideURLPath cuts the URL that net/http names in a transport error (a
// *url.Error, `Get "https://host/path?query": dial tcp …`) to RedactURL's
// scheme and host, in place, so every log line and error made from err
// shows only that. It returns err.
func HideURLPath(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		ue.URL = RedactURL(ue.URL)
	}
	return err
}

// scrub removes every credential the client knows from s: a server or proxy
// that echoes a header into its error message must not leak it into our logs.
func (c *Client) scrub(s string) string {
	for _, secret := range c.secrets() {
		if len(secret) >= 4 {
			s = strings.ReplaceAll(s, secret, redacted)
		}
	}
	return s
}

func (c *Client) scrubErr(err error) error {
	if msg := err.Error(); c.scrub(msg) != msg {
		return &scrubbedError{msg: c.scrub(msg), err: err}
	}
	return err
}

// scrubbedError hides the text of an error that mentioned a credential while
// keeping it available to errors.Is/As.
type scrubbedError struct {
	msg string
	err error
}

func (e *scrubbedError) Error() string { return e.msg }
func (e *scrubbedError) Unwrap() error { return e.err }

func (c *Client) secrets() []string {
	s := c.auth.secrets()
	return append(s, c.tokens.secrets()...)
}
