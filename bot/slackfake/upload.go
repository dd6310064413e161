package slackfake

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
)

// MaxUploadSize bounds what the fake reads from an upload URL.
const MaxUploadSize = 64 << 20

// File is one file shared by files.completeUploadExternal.
type File struct {
	ID             string
	Name           string // filename given to files.getUploadURLExternal
	Title          string // title from completeUploadExternal, else Name
	Channel        string // channel_id, else the first of channels; "" if not shared
	Channels       []string
	ThreadTS       string
	InitialComment string
	Blocks         json.RawMessage
	Content        []byte
	At             time.Time
}

type pendingUpload struct {
	id        string
	name      string
	length    int
	content   []byte
	uploaded  bool
	completed bool
}

func (s *Server) getUploadURL(w http.ResponseWriter, r *http.Request) {
	name := r.PostFormValue("filename")
	length, err := strconv.Atoi(r.PostFormValue("length"))
	if name == "" || err != nil || length <= 0 {
		s.violate("files.getUploadURLExternal: filename=%q length=%q; both are required, length > 0", name, r.PostFormValue("length"))
		slackErr(w, "invalid_arguments")
		return
	}
	s.mu.Lock()
	id := fmt.Sprintf("F%08d", s.nextLocked())
	s.uploads[id] = &pendingUpload{id: id, name: name, length: length}
	s.mu.Unlock()
	writeJSON(w, map[string]any{"ok": true, "upload_url": s.URL + "/upload/v1/" + id, "file_id": id})
}

func (s *Server) handleUpload(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	fail := func(status int, format string, args ...any) {
		s.violate("upload %s: "+format, append([]any{id}, args...)...)
		http.Error(w, http.StatusText(status), status)
	}
	if r.Method != http.MethodPost {
		fail(http.StatusMethodNotAllowed, "method %s, want POST", r.Method)
		return
	}
	if got := r.Header.Get("Authorization"); got != "Bearer "+s.cfg.BotToken {
		fail(http.StatusUnauthorized, "Authorization %q is not Bearer with the bot token", redact(got))
		return
	}
	s.mu.Lock()
	u := s.uploads[id]
	s.mu.Unlock()
	if u == nil {
		fail(http.StatusNotFound, "unknown file id; call files.getUploadURLExternal first")
		return
	}
	var content []byte
	var err error
	if ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); strings.HasPrefix(ct, "multipart/") {
		if err = r.ParseMultipartForm(MaxUploadSize); err != nil {
			fail(http.StatusBadRequest, "bad multipart body: %v", err)
			return
		}
		f, _, ferr := r.FormFile("file")
		if ferr != nil {
			fail(http.StatusBadRequest, "multipart body has no part named \"file\": %v", ferr)
			return
		}
		content, err = io.ReadAll(f)
		_ = f.Close()
	} else {
		content, err = io.ReadAll(io.LimitReader(r.Body, MaxUploadSize))
	}
	if err != nil {
		fail(http.StatusBadRequest, "read body: %v", err)
		return
	}
	s.mu.Lock()
	switch {
	case u.uploaded:
		s.mu.Unlock()
		fail(http.StatusBadRequest, "uploaded twice")
		return
	case len(content) != u.length:
		s.mu.Unlock()
		fail(http.StatusBadRequest, "%d bytes uploaded, %d declared as length", len(content), u.length)
		return
	}
	u.uploaded = true
	u.content = content
	s.stats.Uploads++
	s.notifyLocked()
	s.mu.Unlock()
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	_, _ = io.WriteString(w, "OK - "+strconv.Itoa(len(content)))
}

func (s *Server) completeUpload(w http.ResponseWriter, r *http.Request) {
	var list []struct {
		ID    string `json:"id"`
		Title string `json:"title"`
	}
	if err := json.Unmarshal([]byte(r.PostFormValue("files")), &list); err != nil || len(list) == 0 {
		s.violate("files.completeUploadExternal: files=%q is not a JSON array of {id,title}", r.PostFormValue("files"))
		slackErr(w, "invalid_arguments")
		return
	}
	channelID := r.PostFormValue("channel_id")
	var channels []string
	if channelID != "" {
		channels = append(channels, channelID)
	}
	for c := range strings.SplitSeq(r.PostFormValue("channels"), ",") {
		if c = strings.TrimSpace(c); c != "" && !slices.Contains(channels, c) {
			channels = append(channels, c)
		}
	}
	threadTS := r.PostFormValue("thread_ts")
	comment := r.PostFormValue("initial_comment")
	blocks := normalizeBlocks(json.RawMessage(r.PostFormValue("blocks")))
	if blocks != nil {
		if err := checkBlocks(blocks); err != nil {
			s.violate("files.completeUploadExternal: %v", err)
			slackErr(w, "invalid_blocks")
			return
		}
	}
	if threadTS != "" && len(channels) != 1 {
		s.violate("files.completeUploadExternal: thread_ts needs exactly one channel, got %q", channels)
		slackErr(w, "invalid_arguments")
		return
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	for _, f := range list {
		u := s.uploads[f.ID]
		switch {
		case u == nil:
			s.violateLocked("files.completeUploadExternal: unknown file id %q", f.ID)
			slackErr(w, "file_not_found")
			return
		case !u.uploaded:
			s.violateLocked("files.completeUploadExternal: file %s was never uploaded to its upload_url", f.ID)
			slackErr(w, "file_not_found")
			return
		case u.completed:
			s.violateLocked("files.completeUploadExternal: file %s completed twice", f.ID)
			slackErr(w, "file_not_found")
			return
		}
	}
	for _, c := range channels {
		if code := s.postableLocked(c); code != "" {
			// Not a violation: the bot is expected to handle it.
			slackErr(w, code)
			return
		}
	}
	if threadTS != "" && !s.threadKnownLocked(channels[0], threadTS) {
		s.violateLocked("files.completeUploadExternal to %s: thread_ts %q is not a message the fake posted in that channel", channels[0], threadTS)
	}
	out := make([]map[string]any, 0, len(list))
	for _, f := range list {
		u := s.uploads[f.ID]
		u.completed = true
		title := f.Title
		if title == "" {
			title = u.name
		}
		file := File{
			ID: f.ID, Name: u.name, Title: title, Channels: slices.Clone(channels),
			ThreadTS: threadTS, InitialComment: comment, Blocks: blocks, Content: u.content, At: time.Now(),
		}
		if len(channels) > 0 {
			file.Channel = channels[0]
		}
		s.files = append(s.files, file)
		out = append(out, map[string]any{"id": f.ID, "title": title})
	}
	s.notifyLocked()
	writeJSON(w, map[string]any{"ok": true, "files": out})
}

// Files returns every file completed by files.completeUploadExternal, in
// order.
func (s *Server) Files() []File { return snapshot(s, &s.files) }

// WaitFiles waits until at least n files were completed and returns all of
// them.
func (s *Server) WaitFiles(ctx context.Context, n int) ([]File, error) {
	return waitLog(ctx, s, "files", &s.files, n)
}
