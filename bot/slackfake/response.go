package slackfake

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"
	"time"
)

// Response-URL limits, as documented for incoming webhooks and slash
// commands: 5 posts within 30 minutes.
const (
	MaxResponseURLUses = 5
	ResponseURLLife    = 30 * time.Minute
)

type responseURL struct {
	id         string
	envelopeID string
	created    time.Time
	uses       int
	// shown are the messages this URL put on screen that are still there,
	// as indexes into respLog; -1 stands for the message holding the
	// button of a block action, which replace_original may replace.
	shown []int
	// shownType is the response_type of what is on screen ("ephemeral" or
	// "in_channel"): Slack keeps it once a message is sent.
	shownType string
}

// Response is one accepted post to a response_url.
type Response struct {
	URL             string
	EnvelopeID      string // the envelope that carried URL, if any
	ResponseType    string // "", "ephemeral" or "in_channel"
	Text            string
	Blocks          json.RawMessage // nil when absent or null
	ReplaceOriginal bool
	DeleteOriginal  bool
	ThreadTS        string
	Body            json.RawMessage // the whole request body
	At              time.Time
}

type responseBody struct {
	Text            *string         `json:"text"`
	Blocks          json.RawMessage `json:"blocks"`
	ResponseType    *string         `json:"response_type"`
	ReplaceOriginal any             `json:"replace_original"`
	DeleteOriginal  any             `json:"delete_original"`
	ThreadTS        string          `json:"thread_ts"`
}

func (s *Server) newResponseURL() string {
	id := randomID()
	s.mu.Lock()
	s.responses[id] = &responseURL{id: id, created: time.Now()}
	s.mu.Unlock()
	return s.URL + "/response/" + id
}

// setOriginal records that the response_url with id belongs to a button on
// a message of the given type: replace_original replaces that message.
func (s *Server) setOriginal(u string, ephemeral bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if ru := s.responses[idFromResponseURL(u)]; ru != nil && len(ru.shown) == 0 {
		ru.shown, ru.shownType = []int{-1}, "in_channel"
		if ephemeral {
			ru.shownType = "ephemeral"
		}
	}
}

func idFromResponseURL(u string) string {
	i := strings.LastIndex(u, "/response/")
	if i < 0 {
		return ""
	}
	return u[i+len("/response/"):]
}

// ResponseURL returns the response_url carried by envelopeID, or "".
func (s *Server) ResponseURL(envelopeID string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if env := s.envelopes[envelopeID]; env != nil {
		return env.responseURL
	}
	return ""
}

func (s *Server) handleResponse(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	fail := func(status int, code, format string, args ...any) {
		s.violate("response_url %s: "+format, append([]any{id}, args...)...)
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_ = json.NewEncoder(w).Encode(map[string]any{"ok": false, "error": code})
	}
	if r.Method != http.MethodPost {
		fail(http.StatusMethodNotAllowed, "invalid_method", "method %s, want POST", r.Method)
		return
	}
	if ct, _, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err != nil || ct != "application/json" {
		fail(http.StatusBadRequest, "invalid_content_type", "Content-Type %q, want application/json", r.Header.Get("Content-Type"))
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, 10<<20))
	if err != nil {
		fail(http.StatusBadRequest, "invalid_payload", "read body: %v", err)
		return
	}
	now := time.Now()
	s.mu.Lock()
	ru := s.responses[id]
	var envID string
	var uses int
	var age time.Duration
	if ru != nil {
		ru.uses++
		uses, envID, age = ru.uses, ru.envelopeID, now.Sub(ru.created)
	}
	s.mu.Unlock()
	switch {
	case ru == nil:
		fail(http.StatusNotFound, "invalid_url", "unknown response_url")
		return
	case uses > MaxResponseURLUses:
		fail(http.StatusNotFound, "used_url", "post number %d; Slack allows %d", uses, MaxResponseURLUses)
		return
	case age > ResponseURLLife:
		fail(http.StatusNotFound, "expired_url", "posted %v after it was issued; Slack allows %v", age.Round(time.Second), ResponseURLLife)
		return
	}
	var b responseBody
	dec := json.NewDecoder(bytes.NewReader(body))
	if err := dec.Decode(&b); err != nil {
		fail(http.StatusBadRequest, "invalid_payload", "body is not a JSON message object: %v: %.200q", err, body)
		return
	}
	rt := ""
	if b.ResponseType != nil {
		rt = *b.ResponseType
	}
	if rt != "" && rt != "ephemeral" && rt != "in_channel" {
		fail(http.StatusBadRequest, "invalid_response_type", "response_type %q, want ephemeral or in_channel", rt)
		return
	}
	replace, ok1 := b.ReplaceOriginal.(bool)
	del, ok2 := b.DeleteOriginal.(bool)
	if (b.ReplaceOriginal != nil && !ok1) || (b.DeleteOriginal != nil && !ok2) {
		fail(http.StatusBadRequest, "invalid_payload", "replace_original/delete_original must be JSON booleans")
		return
	}
	blocks := normalizeBlocks(b.Blocks)
	text := ""
	if b.Text != nil {
		text = *b.Text
	}
	if !del {
		if text == "" && blocks == nil {
			fail(http.StatusBadRequest, "no_text", "neither text nor blocks")
			return
		}
		if err := checkText(text); err != nil {
			fail(http.StatusBadRequest, "msg_too_long", "%v", err)
			return
		}
		if blocks != nil {
			if err := checkBlocks(blocks); err != nil {
				fail(http.StatusBadRequest, "invalid_blocks", "%v", err)
				return
			}
		}
	}
	s.mu.Lock()
	effective := rt
	if effective == "" {
		effective = "ephemeral"
	}
	if (replace || del) && len(ru.shown) == 0 {
		s.mu.Unlock()
		fail(http.StatusBadRequest, "no_original", "replace_original/delete_original with no message on screen from this response_url")
		return
	}
	if replace && rt != "" && effective != ru.shownType {
		s.mu.Unlock()
		fail(http.StatusBadRequest, "invalid_response_type", "replace_original turns a %s message into %s; Slack keeps the type", ru.shownType, effective)
		return
	}
	switch {
	case del:
		ru.shown = ru.shown[:len(ru.shown)-1]
	case replace:
		ru.shown[len(ru.shown)-1] = len(s.respLog)
	default:
		ru.shown = append(ru.shown, len(s.respLog))
		ru.shownType = effective
	}
	s.respLog = append(s.respLog, Response{
		URL:             s.URL + "/response/" + id,
		EnvelopeID:      envID,
		ResponseType:    rt,
		Text:            text,
		Blocks:          blocks,
		ReplaceOriginal: replace,
		DeleteOriginal:  del,
		ThreadTS:        b.ThreadTS,
		Body:            body,
		At:              now,
	})
	s.stats.Responses++
	s.notifyLocked()
	s.mu.Unlock()
	writeJSON(w, map[string]any{"ok": true})
}

// Responses returns every accepted response_url post, in arrival order.
func (s *Server) Responses() []Response { return snapshot(s, &s.respLog) }

// WaitResponses waits until at least n response_url posts were accepted and
// returns all of them.
func (s *Server) WaitResponses(ctx context.Context, n int) ([]Response, error) {
	return waitLog(ctx, s, "responses", &s.respLog, n)
}

// ResponsesFor returns the accepted posts to the response_url of envelopeID.
func (s *Server) ResponsesFor(envelopeID string) []Response {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.responsesForLocked(envelopeID)
}

func (s *Server) responsesForLocked(envelopeID string) []Response {
	var out []Response
	for _, r := range s.respLog {
		if r.EnvelopeID == envelopeID {
			out = append(out, r)
		}
	}
	return out
}

// WaitResponsesFor waits until the response_url of envelopeID got at least n
// accepted posts and returns them.
func (s *Server) WaitResponsesFor(ctx context.Context, envelopeID string, n int) ([]Response, error) {
	var out []Response
	err := s.waitFor(ctx, fmt.Sprintf("%d responses to %s", n, envelopeID), func() bool {
		out = s.responsesForLocked(envelopeID)
		return len(out) >= n
	})
	return out, err
}

// Shown returns what the response_url of envelopeID has on screen now, in
// the order it was posted: each accepted post, or the post that replaced it
// (replace_original), minus deleted ones. The message holding a pressed
// button is not included, only what replaced it.
func (s *Server) Shown(envelopeID string) []Response {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Response
	for _, ru := range s.responses {
		if ru.envelopeID != envelopeID {
			continue
		}
		for _, i := range ru.shown {
			if i >= 0 {
				out = append(out, s.respLog[i])
			}
		}
	}
	return out
}
