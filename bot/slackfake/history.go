package slackfake

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// eventType is Slack's shape for metadata event types.
var eventType = regexp.MustCompile(`^[A-Za-z0-9_]{1,255}$`)

// parseMetadata reads chat.postMessage's metadata field ("" = none): a JSON
// object with an event_type and an object event_payload.
func parseMetadata(raw string) (*Metadata, error) {
	if raw == "" {
		return nil, nil
	}
	var m Metadata
	dec := json.NewDecoder(strings.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&m); err != nil {
		return nil, fmt.Errorf("metadata %q is not {event_type, event_payload}: %v", raw, err)
	}
	if !eventType.MatchString(m.EventType) {
		return nil, fmt.Errorf("metadata event_type %q: want letters, digits and _", m.EventType)
	}
	if m.EventPayload == nil {
		return nil, errors.New("metadata without an event_payload object")
	}
	return &m, nil
}

// historyScope is the scope conversations.history needs for a channel.
func historyScope(c Channel) string {
	switch {
	case strings.HasPrefix(c.ID, "D"):
		return "im:history"
	case c.Private:
		return "groups:history"
	}
	return "channels:history"
}

// conversationsHistory serves a channel's messages newest first, as Slack
// does: oldest/latest bound them (exclusive unless inclusive=1), limit
// (1-999, default 100) pages them with an opaque cursor, and metadata is
// returned only with include_all_metadata=1.
func (s *Server) conversationsHistory(w http.ResponseWriter, r *http.Request) {
	channel := r.PostFormValue("channel")
	bad := func(code, format string, args ...any) {
		s.violate("conversations.history of "+channel+": "+format, args...)
		slackErr(w, code)
	}
	limit := 100
	if v := r.PostFormValue("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 999 {
			bad("invalid_limit", "limit %q: want 1-999", v)
			return
		}
		limit = n
	}
	bounds := [2]float64{0, math.MaxFloat64}
	for i, name := range []string{"oldest", "latest"} {
		if v := r.PostFormValue(name); v != "" {
			f, err := strconv.ParseFloat(v, 64)
			if err != nil || f < 0 {
				bad("invalid_ts_"+name, "%s %q is not a message timestamp", name, v)
				return
			}
			bounds[i] = f
		}
	}
	inclusive, allMeta := false, false
	for name, p := range map[string]*bool{"inclusive": &inclusive, "include_all_metadata": &allMeta} {
		switch v := r.PostFormValue(name); v {
		case "", "0", "false":
		case "1", "true":
			*p = true
		default:
			bad("invalid_arguments", "%s=%q: want 0 or 1", name, v)
			return
		}
	}
	offset := 0
	if c := r.PostFormValue("cursor"); c != "" {
		b, err := base64.StdEncoding.DecodeString(c)
		n, err2 := strconv.Atoi(strings.TrimPrefix(string(b), "offset:"))
		if err != nil || err2 != nil || n < 0 {
			bad("invalid_cursor", "cursor %q is not one the fake gave out", c)
			return
		}
		offset = n
	}

	s.mu.Lock()
	c, ok := s.channels[channel]
	var msgs []Post
	for _, p := range s.posts {
		if p.Channel != channel || p.Ephemeral || p.ThreadTS != "" {
			continue
		}
		ts, _ := strconv.ParseFloat(p.TS, 64)
		if ts < bounds[0] || ts > bounds[1] || (!inclusive && (ts == bounds[0] || ts == bounds[1])) {
			continue
		}
		msgs = append(msgs, p)
	}
	s.mu.Unlock()
	switch {
	case !ok || (c.Private && !c.Member):
		slackErr(w, "channel_not_found")
		return
	case !slices.Contains(s.cfg.Scopes, historyScope(c)):
		writeJSON(w, map[string]any{"ok": false, "error": "missing_scope", "needed": historyScope(c), "provided": strings.Join(s.cfg.Scopes, ",")})
		return
	case !c.Member:
		slackErr(w, "not_in_channel")
		return
	}
	slices.Reverse(msgs) // newest first
	page := msgs[min(offset, len(msgs)):]
	more := len(page) > limit
	page = page[:min(limit, len(page))]
	out := make([]map[string]any, 0, len(page))
	for _, p := range page {
		m := map[string]any{"type": "message", "user": s.cfg.BotUserID, "bot_id": "B" + strings.TrimPrefix(s.cfg.BotUserID, "U"), "text": p.Text, "ts": p.TS}
		if p.Blocks != nil {
			m["blocks"] = p.Blocks
		}
		if p.Metadata != nil && allMeta {
			m["metadata"] = p.Metadata
		}
		out = append(out, m)
	}
	next := ""
	if more {
		next = base64.StdEncoding.EncodeToString([]byte("offset:" + strconv.Itoa(offset+len(page))))
	}
	writeJSON(w, map[string]any{"ok": true, "messages": out, "has_more": more, "response_metadata": map[string]any{"next_cursor": next}})
}
