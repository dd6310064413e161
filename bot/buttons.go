package bot

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"net/url"
	"strings"

	"github.com/attendees-bot/attendees-bot/meeting"
)

// buttonKey signs the values of the Share and CSV buttons under a private
// summary, binding each to the conference, the people filter and the user
// who looked it up. Slack hands the value back untouched, so a valid
// signature proves the bot made this button for this presser: nobody can
// share (or get the full-number CSV of) a meeting through a value they
// made up or one meant for someone else. The key is derived from the bot
// token, so every replica accepts every replica's buttons and a new token
// retires the old ones. Safe for concurrent use.
type buttonKey []byte

// newButtonKey derives the key from the bot token; without one (the
// terminal demo) the key is random and buttons last as long as the process.
func newButtonKey(botToken meeting.Secret) buttonKey {
	if botToken == "" {
		k := make([]byte, 32)
		_, _ = rand.Read(k)
		return k
	}
	m := hmac.New(sha256.New, []byte(botToken.Reveal()))
	m.Write([]byte("attendees-bot button values v1"))
	return m.Sum(nil)
}

// mac is the signature of ref for userID, 128 bits in base64url.
func (k buttonKey) mac(ref lookupRef, userID string) string {
	m := hmac.New(sha256.New, k)
	// Newlines cannot occur in a UUID or a user ID and the search comes
	// last, so the fields cannot be shifted into one another.
	m.Write([]byte(strings.ToLower(ref.ConfUUID) + "\n" + userID + "\n" + ref.Channel + "\n" + ref.Search))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil)[:16])
}

// sign returns the button value for ref, made for userID.
func (k buttonKey) sign(ref lookupRef, userID string) string {
	v := url.Values{"c": {ref.ConfUUID}, "u": {userID}, "s": {k.mac(ref, userID)}}
	if ref.Search != "" {
		v.Set("q", ref.Search)
	}
	if ref.Channel != "" {
		v.Set("ch", ref.Channel)
	}
	return v.Encode()
}

var errStaleButton = inputError("input.stale_button")

// verify parses a signed button value pressed by userID. A value with
// anything but its own fields, a bad signature, or one made for another
// user is refused before any work is done.
func (k buttonKey) verify(value, userID string) (lookupRef, error) {
	v, err := url.ParseQuery(value)
	if err != nil {
		return lookupRef{}, errStaleButton
	}
	for key, vals := range v {
		if len(vals) != 1 || (key != "c" && key != "q" && key != "u" && key != "s" && key != "ch") {
			return lookupRef{}, errStaleButton
		}
	}
	ref := lookupRef{ConfUUID: v.Get("c"), Search: v.Get("q"), Channel: v.Get("ch")}
	if meeting.ValidateConfUUID(ref.ConfUUID) != nil || (ref.Channel != "" && !validChannelID(ref.Channel)) || !hmac.Equal([]byte(v.Get("s")), []byte(k.mac(ref, v.Get("u")))) {
		return lookupRef{}, errStaleButton
	}
	if v.Get("u") != userID {
		return lookupRef{}, inputError("input.not_yours")
	}
	return ref, nil
}

// key is ref in a normal form, for telling two presses of the same share
// apart from two different ones.
func (r lookupRef) key() string {
	return strings.ToLower(r.ConfUUID) + "|" + strings.ToLower(strings.Join(strings.Fields(r.Search), " "))
}
