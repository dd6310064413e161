package bot

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"net/url"
	"strconv"
	"strings"

	"github.com/attendees-bot/attendees-bot/meeting"
)

// buttonKey signs the values of the Share and CSV buttons under a private
// summary, and of the Show buttons of a list that carry a people filter or
// a channel to share in (choiceValue), binding each to the conference, the
// people filter, the channel and the user who looked it up. Slack hands
// the value back untouched, so a valid signature proves the bot made this button for this presser: nobody can
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
	m.Write([]byte("attendees-bot button values v2"))
	return m.Sum(nil)
}

// mac is the signature of a button value's fields (all but "s"): their
// URL encoding, which sorts the keys and escapes the values, so no field
// can be shifted into another.
func (k buttonKey) mac(fields url.Values) string {
	m := hmac.New(sha256.New, k)
	m.Write([]byte(fields.Encode()))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil)[:16])
}

// sign returns the button value for ref, made for userID.
func (k buttonKey) sign(ref lookupRef, userID string) string {
	v := ref.values()
	v.Set("u", userID)
	v.Set("s", k.mac(v))
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
		switch key {
		case "c", "q", "ch", "m", "t", "a", "b", "n", "u", "s":
		default:
			return lookupRef{}, errStaleButton
		}
		if len(vals) != 1 {
			return lookupRef{}, errStaleButton
		}
	}
	sig := v.Get("s")
	v.Del("s")
	if !hmac.Equal([]byte(sig), []byte(k.mac(v))) {
		return lookupRef{}, errStaleButton
	}
	ref, err := refOf(v, true)
	if err != nil {
		return lookupRef{}, err
	}
	if v.Get("u") != userID {
		return lookupRef{}, inputError("input.not_yours")
	}
	return ref, nil
}

// signed reports whether a button value carries a signature.
func signed(value string) bool {
	v, err := url.ParseQuery(value)
	return err == nil && v.Has("s")
}

// key is ref in a normal form, for telling two presses of the same share
// apart from two different ones.
func (r lookupRef) key() string {
	series := ""
	if r.Last > 0 {
		series = r.MeetingID + "/" + strconv.Itoa(r.Last)
	}
	return strings.ToLower(r.ConfUUID) + series + "|" + strings.ToLower(strings.Join(strings.Fields(r.Search), " "))
}
