package autopost

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/attendees-bot/attendees-bot/bot/subscription"
	"github.com/attendees-bot/attendees-bot/meeting"
)

// Webhook limits.
const (
	maxWebhookBody = 1 << 20 // bytes; events are a few hundred
	// maxEventAge accepts the vendor's redeliveries, which go on for 24 hours,
	// with an hour of margin; older events are refused as replays.
	maxEventAge = 25 * time.Hour
	// maxEventSkew tolerates the vendor's clock running ahead of ours.
	maxEventSkew = 10 * time.Minute
	// lookupTimeout bounds the history lookup made inside a webhook request.
	lookupTimeout = 10 * time.Second
)

// Event names (meeting-api.md §6).
const (
	eventVerify   = "meeting.verify"
	eventConclude = "meeting.conclude"
)

// envelope is an event push as sent. EventInfo keeps the raw bytes: the
// signature covers them exactly as received.
type envelope struct {
	AppID     string          `json:"appID"`
	Timestamp json.RawMessage `json:"timestamp"` // ms, a number (or a string of one)
	Nonce     string          `json:"nonce"`
	Signature string          `json:"signature"`
	EventInfo json.RawMessage `json:"eventInfo"`
}

// eventInfo is the signed part of an event.
type eventInfo struct {
	Event   string `json:"event"`
	Payload struct {
		MeetingInfo struct {
			MeetingID   flexString `json:"meetingID"`
			MeetingUUID flexString `json:"meetingUUID"`
			Subject     flexString `json:"subject"`
		} `json:"meetingInfo"`
	} `json:"payload"`
}

// flexString accepts a JSON string or number (the vendor's types are not
// documented) and null.
type flexString string

func (f *flexString) UnmarshalJSON(b []byte) error {
	if len(b) > 0 && b[0] == '"' {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*f = flexString(s)
		return nil
	}
	if bytes.Equal(b, []byte("null")) {
		return nil
	}
	var n json.Number
	if err := json.Unmarshal(b, &n); err != nil {
		return err
	}
	*f = flexString(n)
	return nil
}

// errBadSignature is any failure to authenticate an event.
var errBadSignature = errors.New("bad signature")

// webhookError is a refused event: the status to answer and why (for logs).
type webhookError struct {
	status int
	err    error
}

func (e *webhookError) Error() string { return e.err.Error() }
func (e *webhookError) Unwrap() error { return e.err }

func refuse(status int, format string, args ...any) *webhookError {
	return &webhookError{status: status, err: fmt.Errorf(format, args...)}
}

// decodeEvent parses and authenticates one event body. It checks the shape,
// the signature over the raw eventInfo bytes (constant time), the appID when
// subscriberID is set and the timestamp's freshness, in that order; only a
// fully authenticated event is returned.
func decodeEvent(body []byte, key meeting.Secret, subscriberID string, now time.Time) (envelope, eventInfo, *webhookError) {
	var env envelope
	var info eventInfo
	if err := json.Unmarshal(body, &env); err != nil {
		return env, info, refuse(http.StatusBadRequest, "malformed event: %w", err)
	}
	ts, ok := timestampText(env.Timestamp)
	if !ok || env.Nonce == "" || len(env.EventInfo) == 0 || env.EventInfo[0] != '{' {
		return env, info, refuse(http.StatusBadRequest, "event lacks a timestamp, nonce or eventInfo object")
	}
	if env.Signature == "" {
		return env, info, refuse(http.StatusUnauthorized, "event is not signed: %w", errBadSignature)
	}
	if key == "" {
		return env, info, refuse(http.StatusUnauthorized, "no webhook key configured: %w", errBadSignature)
	}
	if !validSignature(key, env.AppID, ts, env.Nonce, env.EventInfo, env.Signature) {
		return env, info, refuse(http.StatusUnauthorized, "%w", errBadSignature)
	}
	if subscriberID != "" && env.AppID != subscriberID {
		return env, info, refuse(http.StatusUnauthorized, "event for appID %q, want %q: %w", env.AppID, subscriberID, errBadSignature)
	}
	msec, err := strconv.ParseInt(ts, 10, 64)
	if err != nil {
		return env, info, refuse(http.StatusBadRequest, "timestamp %q is not milliseconds", ts)
	}
	at := time.UnixMilli(msec)
	if age := now.Sub(at); age > maxEventAge || age < -maxEventSkew {
		return env, info, refuse(http.StatusUnauthorized, "event time %s is outside the accepted window around %s", at.UTC().Format(time.RFC3339), now.UTC().Format(time.RFC3339))
	}
	if err := json.Unmarshal(env.EventInfo, &info); err != nil {
		return env, info, refuse(http.StatusBadRequest, "malformed eventInfo: %w", err)
	}
	if info.Event == "" {
		return env, info, refuse(http.StatusBadRequest, "eventInfo has no event")
	}
	return env, info, nil
}

// timestampText is the envelope's timestamp as it enters the signature:
// the digits of a JSON number, or the content of a JSON string.
func timestampText(raw json.RawMessage) (string, bool) {
	var f flexString
	if len(raw) == 0 || json.Unmarshal(raw, &f) != nil || f == "" {
		return "", false
	}
	return string(f), true
}

// Sign returns the signature of an event: hex(HMAC-SHA256(key, appID +
// timestamp + nonce + eventInfo)), eventInfo being the exact JSON text sent.
// Tests and tools use it to produce events the handler accepts.
func Sign(key meeting.Secret, appID, timestamp, nonce string, eventInfo []byte) string {
	m := hmac.New(sha256.New, []byte(key.Reveal()))
	m.Write([]byte(appID))
	m.Write([]byte(timestamp))
	m.Write([]byte(nonce))
	m.Write(eventInfo)
	return hex.EncodeToString(m.Sum(nil))
}

func validSignature(key meeting.Secret, appID, timestamp, nonce string, eventInfo []byte, signature string) bool {
	got, err := hex.DecodeString(strings.TrimSpace(signature))
	if err != nil || len(got) != sha256.Size {
		return false
	}
	want, _ := hex.DecodeString(Sign(key, appID, timestamp, nonce, eventInfo))
	return hmac.Equal(got, want)
}

// WebhookHandler serves POST /webhooks/meeting. It answers every event
// quickly: a conclude event only schedules posts (after Settle), Slack is
// never called inside the request. A refused event (bad shape 400;
// missing or wrong signature, foreign appID or a timestamp outside
// [now-25h, now+10m] 401; body over 1 MiB 413) schedules nothing. When scheduling
// fails half-way the answer is 500 and the vendor's redelivery schedules
// the rest: scheduling twice is harmless.
func (s *Service) WebhookHandler() http.Handler {
	return http.HandlerFunc(s.serveWebhook)
}

func (s *Service) serveWebhook(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		http.Error(w, "use POST", http.StatusMethodNotAllowed)
		return
	}
	body, err := readBody(w, r)
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			http.Error(w, "event too large", http.StatusRequestEntityTooLarge)
			return
		}
		http.Error(w, "cannot read event", http.StatusBadRequest)
		return
	}
	ctx := r.Context()
	env, info, werr := decodeEvent(body, s.cfg.WebhookKey, s.cfg.SubscriberID, s.now())
	if werr != nil {
		s.log.LogAttrs(ctx, slog.LevelWarn, "webhook event refused", slog.Int("status", werr.status), slog.Any("err", werr.err), slog.String("remote", r.RemoteAddr))
		http.Error(w, http.StatusText(werr.status), werr.status)
		return
	}
	switch info.Event {
	case eventVerify:
		writeJSON(w, map[string]string{"event": eventVerify, "nonce": env.Nonce})
	case eventConclude:
		if err := s.concluded(ctx, info); err != nil {
			s.log.LogAttrs(ctx, slog.LevelError, "webhook conclude not fully scheduled; the vendor will redeliver", slog.Any("err", err))
			http.Error(w, "try again later", http.StatusServiceUnavailable)
			return
		}
		writeJSON(w, map[string]string{"event": eventConclude, "status": "ok"})
	default:
		writeJSON(w, map[string]string{"event": info.Event, "status": "ignored"})
	}
}

func readBody(w http.ResponseWriter, r *http.Request) ([]byte, error) {
	var buf bytes.Buffer
	_, err := buf.ReadFrom(http.MaxBytesReader(w, r.Body, maxWebhookBody))
	return buf.Bytes(), err
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(v)
}

// concluded schedules the posts of a concluded meeting. The event carries
// the meeting UUID and usually the meeting ID; the subject, needed only for
// subject subscriptions, comes from the history list when the event lacks it.
func (s *Service) concluded(ctx context.Context, info eventInfo) error {
	mi := info.Payload.MeetingInfo
	conf := meeting.Conference{
		ConfUUID:     normUUID(string(mi.MeetingUUID)),
		ConferenceID: meeting.CompactMeetingID(string(mi.MeetingID)),
		Subject:      string(mi.Subject),
	}
	if meeting.ValidateConfUUID(conf.ConfUUID) != nil {
		// Authenticated but unusable: refusing would only make the vendor
		// retry for a day.
		s.log.LogAttrs(ctx, slog.LevelWarn, "conclude event without a usable meetingUUID", slog.String("meeting_uuid", string(mi.MeetingUUID)))
		return nil
	}
	subs, err := s.store.Subscriptions(ctx)
	if err != nil {
		return err
	}
	var lookupErr error
	if conf.Subject == "" && hasKind(subs, subscription.Subject) || conf.ConferenceID == "" && hasKind(subs, subscription.MeetingID) {
		found, err := s.lookup(ctx, conf)
		switch {
		case errors.Is(err, meeting.ErrNotFound):
			// Not in the history we can see: a redelivery would not find it
			// either, so schedule what the event itself matches.
			s.log.LogAttrs(ctx, slog.LevelWarn, "concluded meeting not in history; subscriptions needing its subject or ID are skipped", slog.String("conf_uuid", conf.ConfUUID))
		case err != nil:
			lookupErr = err
		default:
			conf = found
		}
	}
	now := s.now()
	if _, err := s.schedule(ctx, []meeting.Conference{conf}, subs, now.Add(s.cfg.Settle), now); err != nil {
		return err
	}
	return lookupErr
}

// lookup finds conf in the recent history by its UUID.
func (s *Service) lookup(ctx context.Context, conf meeting.Conference) (meeting.Conference, error) {
	ctx, cancel := context.WithTimeout(ctx, lookupTimeout)
	defer cancel()
	now := s.now()
	confs, err := s.history.History(ctx, meeting.HistoryQuery{
		Start: now.Add(-s.cfg.MaxDuration - time.Hour), End: now.Add(time.Minute),
		SearchKey: conf.ConferenceID, Max: 2000,
	})
	if err != nil {
		return conf, fmt.Errorf("look up concluded meeting %s: %w", conf.ConfUUID, err)
	}
	for _, c := range confs {
		if normUUID(c.ConfUUID) == conf.ConfUUID {
			c.ConfUUID = conf.ConfUUID
			return c, nil
		}
	}
	return conf, fmt.Errorf("look up concluded meeting %s: %w", conf.ConfUUID, meeting.ErrNotFound)
}
