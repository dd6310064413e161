package slackfake

import (
	"cmp"
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Post is one message accepted by chat.postMessage or chat.postEphemeral.
type Post struct {
	Method    string // "chat.postMessage" or "chat.postEphemeral"
	Channel   string
	User      string // the recipient of an ephemeral message
	Text      string
	Blocks    json.RawMessage // nil when absent
	ThreadTS  string
	TS        string // ts (message_ts for ephemeral) given back to the client
	Ephemeral bool
	At        time.Time
	Metadata  *Metadata // message metadata, when the post carried some
}

// Metadata is a message's metadata (chat.postMessage metadata=…).
type Metadata struct {
	EventType    string         `json:"event_type"`
	EventPayload map[string]any `json:"event_payload"`
}

type injected struct {
	rateLimit  int // calls left that get 429
	retryAfter int
	fail       int // calls left that get ok:false
	failErr    string
}

// RateLimitNext makes the next n calls of the Web API method (for example
// "chat.postMessage" or "apps.connections.open") fail with HTTP 429 and
// Retry-After: retryAfter (whole seconds), as Slack does.
func (s *Server) RateLimitNext(method string, n, retryAfter int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	l := s.injectedLocked(method)
	l.rateLimit, l.retryAfter = n, retryAfter
}

// FailNext makes the next n calls of the Web API method answer
// {"ok":false,"error":slackError} with HTTP 200. Rate limits injected for the
// same method apply first.
func (s *Server) FailNext(method string, n int, slackError string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	l := s.injectedLocked(method)
	l.fail, l.failErr = n, slackError
}

func (s *Server) injectedLocked(method string) *injected {
	l := s.limits[method]
	if l == nil {
		l = &injected{}
		s.limits[method] = l
	}
	return l
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	_ = json.NewEncoder(w).Encode(v)
}

func slackErr(w http.ResponseWriter, code string) {
	writeJSON(w, map[string]any{"ok": false, "error": code})
}

func redact(tok string) string {
	if len(tok) > 12 {
		return tok[:12] + "…"
	}
	return tok
}

// apiMethods are the Web API methods the fake implements, apart from
// apps.connections.open which authenticates with the app token.
var apiMethods = map[string]func(*Server, http.ResponseWriter, *http.Request){
	"auth.test":                    (*Server).authTest,
	"chat.postMessage":             (*Server).postMessage,
	"chat.postEphemeral":           (*Server).postMessage,
	"chat.update":                  (*Server).chatUpdate,
	"conversations.open":           (*Server).conversationsOpen,
	"conversations.info":           (*Server).conversationsInfo,
	"conversations.history":        (*Server).conversationsHistory,
	"users.info":                   (*Server).usersInfo,
	"files.getUploadURLExternal":   (*Server).getUploadURL,
	"files.completeUploadExternal": (*Server).completeUpload,
	"views.open":                   (*Server).viewsOpen,
	"views.update":                 (*Server).viewsUpdate,
	"views.publish":                (*Server).viewsPublish,
}

func (s *Server) handleAPI(w http.ResponseWriter, r *http.Request) {
	method := r.PathValue("method")
	now := time.Now()
	s.mu.Lock()
	s.stats.Calls[method]++
	if until, ok := s.blocked[method]; ok && now.Before(until) {
		s.stats.EarlyRetries++
	}
	l := s.limits[method]
	switch {
	case l != nil && l.rateLimit > 0:
		l.rateLimit--
		s.stats.RateLimited++
		s.blocked[method] = now.Add(time.Duration(l.retryAfter) * time.Second)
		s.mu.Unlock()
		w.Header().Set("Retry-After", strconv.Itoa(l.retryAfter))
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.WriteHeader(http.StatusTooManyRequests)
		_ = json.NewEncoder(w).Encode(map[string]any{"ok": false, "error": "ratelimited"})
		return
	case l != nil && l.fail > 0:
		l.fail--
		code := l.failErr
		s.mu.Unlock()
		slackErr(w, code)
		return
	}
	s.mu.Unlock()

	if r.Method != http.MethodPost {
		s.violate("%s: HTTP %s; slack-go and the fake use POST", method, r.Method)
	}
	if method == "apps.connections.open" {
		s.openConnection(w, r)
		return
	}
	h, ok := apiMethods[method]
	if !ok {
		s.violate("call of unknown Web API method %q", method)
		slackErr(w, "unknown_method")
		return
	}
	if r.URL.Query().Has("token") {
		s.violate("%s: token in the URL query; Slack rejects tokens in query strings", method)
	}
	if err := r.ParseMultipartForm(1 << 20); err != nil && err != http.ErrNotMultipart {
		s.violate("%s: unreadable form body: %v", method, err)
		slackErr(w, "invalid_form_data")
		return
	}
	token := r.PostFormValue("token")
	if token == "" {
		token = strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
	}
	if token != s.cfg.BotToken {
		s.violate("%s: token %q is not the bot token", method, redact(token))
		slackErr(w, "invalid_auth")
		return
	}
	h(s, w, r)
}

func (s *Server) authTest(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, map[string]any{
		"ok":      true,
		"url":     "https://" + s.cfg.TeamDomain + ".slack.com/",
		"team":    s.cfg.TeamDomain,
		"user":    "attendees",
		"team_id": s.cfg.TeamID,
		"user_id": s.cfg.BotUserID,
		"bot_id":  "B" + strings.TrimPrefix(s.cfg.BotUserID, "U"),
	})
}

// postableLocked returns "" if the bot may post to channel, else the Slack
// error code.
func (s *Server) postableLocked(channel string) string {
	c, ok := s.channels[channel]
	switch {
	case channel == "":
		return "channel_not_found"
	case !ok:
		return "channel_not_found"
	case c.Member:
		return ""
	case c.Private:
		// A private channel the bot is not in is invisible to it.
		return "channel_not_found"
	default:
		return "not_in_channel"
	}
}

// threadKnownLocked reports whether ts is a message the fake handed out in
// channel.
func (s *Server) threadKnownLocked(channel, ts string) bool {
	for _, p := range s.posts {
		if p.Channel == channel && p.TS == ts && !p.Ephemeral {
			return true
		}
	}
	return false
}

func (s *Server) postMessage(w http.ResponseWriter, r *http.Request) {
	method := r.PathValue("method")
	ephemeral := method == "chat.postEphemeral"
	channel := r.PostFormValue("channel")
	user := r.PostFormValue("user")
	text := r.PostFormValue("text")
	threadTS := r.PostFormValue("thread_ts")
	blocks := normalizeBlocks(json.RawMessage(r.PostFormValue("blocks")))
	fail := func(code, format string, args ...any) {
		s.violate(method+" to "+channel+": "+format, args...)
		slackErr(w, code)
	}
	if code, detail := messageProblem(text, blocks); code != "" && (code != "no_text" || r.PostFormValue("attachments") == "") {
		fail(code, "%s", detail)
		return
	}
	if ephemeral && user == "" {
		fail("user_not_in_channel", "no user")
		return
	}
	meta, err := parseMetadata(r.PostFormValue("metadata"))
	if err != nil {
		fail("invalid_metadata", "%v", err)
		return
	}
	s.mu.Lock()
	if strings.HasPrefix(channel, "U") && !ephemeral {
		// Posting to a user ID posts to the bot's DM with that user.
		channel = "D" + channel
		if _, ok := s.channels[channel]; !ok {
			s.channels[channel] = Channel{ID: channel, Name: "directmessage", Private: true, Member: true}
		}
	}
	if code := s.postableLocked(channel); code != "" {
		s.mu.Unlock()
		// Not a violation: the bot is expected to handle it.
		slackErr(w, code)
		return
	}
	if threadTS != "" && !s.threadKnownLocked(channel, threadTS) {
		s.violateLocked("%s to %s: thread_ts %q is not a message the fake posted in that channel", method, channel, threadTS)
	}
	p := Post{
		Method: method, Channel: channel, User: user, Text: text, Blocks: blocks,
		ThreadTS: threadTS, TS: s.tsLocked(), Ephemeral: ephemeral, At: time.Now(), Metadata: meta,
	}
	s.posts = append(s.posts, p)
	s.notifyLocked()
	s.mu.Unlock()
	if s.cfg.BeforeAnswer != nil && !ephemeral {
		s.cfg.BeforeAnswer(p)
	}
	if ephemeral {
		writeJSON(w, map[string]any{"ok": true, "message_ts": p.TS})
		return
	}
	msg := map[string]any{"type": "message", "user": s.cfg.BotUserID, "text": text, "ts": p.TS}
	if blocks != nil {
		msg["blocks"] = json.RawMessage(blocks)
	}
	if threadTS != "" {
		msg["thread_ts"] = threadTS
	}
	writeJSON(w, map[string]any{"ok": true, "channel": channel, "ts": p.TS, "message": msg})
}

func (s *Server) conversationsOpen(w http.ResponseWriter, r *http.Request) {
	users := r.PostFormValue("users")
	if users == "" || strings.Contains(users, ",") || !strings.HasPrefix(users, "U") {
		s.violate("conversations.open: users=%q; the fake supports one user ID", users)
		slackErr(w, "user_not_found")
		return
	}
	id := "D" + users
	s.mu.Lock()
	_, already := s.channels[id]
	s.channels[id] = Channel{ID: id, Name: "directmessage", Private: true, Member: true}
	s.mu.Unlock()
	writeJSON(w, map[string]any{
		"ok":           true,
		"no_op":        already,
		"already_open": already,
		"channel":      map[string]any{"id": id, "is_im": true, "user": users},
	})
}

// Posts returns every accepted chat.postMessage and chat.postEphemeral, in
// arrival order.
func (s *Server) Posts() []Post { return snapshot(s, &s.posts) }

// WaitPosts waits until at least n posts were accepted and returns all of
// them.
func (s *Server) WaitPosts(ctx context.Context, n int) ([]Post, error) {
	return waitLog(ctx, s, "posts", &s.posts, n)
}

func (s *Server) conversationsInfo(w http.ResponseWriter, r *http.Request) {
	id := r.PostFormValue("channel")
	s.mu.Lock()
	c, ok := s.channels[id]
	s.mu.Unlock()
	if !ok || (c.Private && !c.Member) {
		slackErr(w, "channel_not_found")
		return
	}
	im := strings.HasPrefix(id, "D")
	writeJSON(w, map[string]any{"ok": true, "channel": map[string]any{
		"id": id, "name": c.Name, "is_channel": !c.Private && !im, "is_group": c.Private && !im,
		"is_im": im, "is_private": c.Private, "is_member": c.Member,
	}})
}

func (s *Server) usersInfo(w http.ResponseWriter, r *http.Request) {
	id := r.PostFormValue("user")
	u, ok := s.user(id)
	if !ok {
		slackErr(w, "user_not_found")
		return
	}
	name := u.Name
	if name == "" {
		name = "user-" + strings.ToLower(id)
	}
	real := u.RealName
	if real == "" {
		real = name
	}
	tz := u.TZ
	if tz == "" {
		tz = "UTC"
	}
	offset := 0
	if loc, err := time.LoadLocation(tz); err == nil {
		_, offset = time.Now().In(loc).Zone()
	}
	user := map[string]any{
		"id": id, "team_id": s.cfg.TeamID, "name": name, "real_name": real, "tz": tz, "tz_offset": offset,
		"is_bot":  id == s.cfg.BotUserID,
		"profile": map[string]any{"real_name": real, "display_name": name},
	}
	// Slack sends the locale only when asked for it.
	if r.PostFormValue("include_locale") == "true" {
		user["locale"] = cmp.Or(u.Locale, "en-US")
	}
	writeJSON(w, map[string]any{"ok": true, "user": user})
}

// user finds a configured user; with Config.Users nil every U… or W… ID
// exists with defaults.
func (s *Server) user(id string) (User, bool) {
	if s.cfg.Users == nil {
		return User{ID: id}, strings.HasPrefix(id, "U") || strings.HasPrefix(id, "W")
	}
	for _, u := range s.cfg.Users {
		if u.ID == id {
			return u, true
		}
	}
	return User{}, false
}

// messageProblem is the Slack error code, and what is wrong, of a message's
// text and blocks; "" when Slack would take them.
func messageProblem(text string, blocks json.RawMessage) (code, detail string) {
	if text == "" && blocks == nil {
		return "no_text", "neither text nor blocks"
	}
	if err := checkText(text); err != nil {
		return "msg_too_long", err.Error()
	}
	if blocks != nil {
		if err := checkBlocks(blocks); err != nil {
			return "invalid_blocks", err.Error()
		}
	}
	return "", ""
}
