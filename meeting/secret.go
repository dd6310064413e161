package meeting

import (
	"fmt"
	"io"
	"log/slog"
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
