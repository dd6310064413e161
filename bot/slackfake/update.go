package slackfake

import (
	"context"
	"encoding/json"
	"net/http"
	"time"
)

// Update is one message edit accepted by chat.update.
type Update struct {
	Channel string
	TS      string // the edited message
	Text    string
	Blocks  json.RawMessage // nil when absent
	At      time.Time
}

// chatUpdate edits a message the bot posted. Slack answers message_not_found
// for a ts it does not know in that channel, cant_update_message for one the
// bot did not post (the fake posts only the bot's) and, as for any message,
// checks text and blocks. An ephemeral message cannot be edited this way
// (only through its response_url): the fake reports that as a violation.
func (s *Server) chatUpdate(w http.ResponseWriter, r *http.Request) {
	channel := r.PostFormValue("channel")
	ts := r.PostFormValue("ts")
	text := r.PostFormValue("text")
	blocks := normalizeBlocks(json.RawMessage(r.PostFormValue("blocks")))
	fail := func(code, format string, args ...any) {
		s.violate("chat.update of "+channel+"/"+ts+": "+format, args...)
		slackErr(w, code)
	}
	if channel == "" || ts == "" {
		fail("invalid_arguments", "channel and ts are required")
		return
	}
	if code, detail := messageProblem(text, blocks); code != "" {
		fail(code, "%s", detail)
		return
	}
	s.mu.Lock()
	found, ephemeral := false, false
	for _, p := range s.posts {
		if p.Channel == channel && p.TS == ts {
			found, ephemeral = true, p.Ephemeral
		}
	}
	if !found || ephemeral {
		s.mu.Unlock()
		fail("message_not_found", "no message the bot posted in %s has ts %q (ephemeral %v)", channel, ts, ephemeral)
		return
	}
	s.updates = append(s.updates, Update{Channel: channel, TS: ts, Text: text, Blocks: blocks, At: time.Now()})
	s.notifyLocked()
	s.mu.Unlock()
	msg := map[string]any{"type": "message", "user": s.cfg.BotUserID, "text": text, "ts": ts}
	if blocks != nil {
		msg["blocks"] = json.RawMessage(blocks)
	}
	writeJSON(w, map[string]any{"ok": true, "channel": channel, "ts": ts, "text": text, "message": msg})
}

// Updates returns every accepted chat.update, in arrival order.
func (s *Server) Updates() []Update { return snapshot(s, &s.updates) }

// WaitUpdates waits until at least n chat.update calls were accepted and
// returns all of them.
func (s *Server) WaitUpdates(ctx context.Context, n int) ([]Update, error) {
	return waitLog(ctx, s, "updates", &s.updates, n)
}

// Message returns a posted message as it reads now: its last update, or
// the post itself. ok is false for a ts the fake never handed out in
// channel.
func (s *Server) Message(channel, ts string) (text string, blocks json.RawMessage, ok bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, p := range s.posts {
		if p.Channel == channel && p.TS == ts && !p.Ephemeral {
			text, blocks, ok = p.Text, p.Blocks, true
		}
	}
	for _, u := range s.updates {
		if ok && u.Channel == channel && u.TS == ts {
			text, blocks = u.Text, u.Blocks
		}
	}
	return text, blocks, ok
}
