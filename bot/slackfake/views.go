// views.go owns the views.open, views.update and views.publish methods, the
// trigger_ids they consume and the views they store, and the Views/WaitViews/
// WaitPublishes accessors. What a view may contain is checked in viewcheck.go.

package slackfake

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"
	"time"
)

// View limits (Slack's documented limits for modals and Home tabs).
const (
	TriggerLife        = 3 * time.Second // a trigger_id opens a view within this
	MaxViewBlocks      = 100
	MaxViewTitle       = 24 // title, submit and close of a modal
	MaxPrivateMetadata = 3000
	MaxCallbackID      = 255
	MaxOptions         = 100
	MaxOptionText      = 75
)

// trigger is one trigger_id handed out in an interaction payload.
type trigger struct {
	issued time.Time
	user   string
	used   bool
}

// View is a view the app opened, updated or published, as it is now.
type View struct {
	ID              string
	Type            string // "modal" or "home"
	UserID          string // who sees it
	CallbackID      string
	PrivateMetadata string
	ExternalID      string
	Hash            string
	NotifyOnClose   bool
	Blocks          json.RawMessage
	Method          string // the call that last set it: views.open, views.update or views.publish
	Updates         int    // views.update calls applied to it
	At              time.Time
}

// newTriggerLocked hands out a trigger_id issued age ago to user.
func (s *Server) newTriggerLocked(user string, age time.Duration) string {
	id := fmt.Sprintf("%d.%d.fake%06d", s.nextLocked(), s.started.Unix(), s.nextLocked())
	s.triggers[id] = &trigger{issued: time.Now().Add(-age), user: user}
	return id
}

// viewBody is the part of a view the fake reads.
type viewBody struct {
	Type            string           `json:"type"`
	Title           *json.RawMessage `json:"title"`
	Submit          *json.RawMessage `json:"submit"`
	Close           *json.RawMessage `json:"close"`
	Blocks          json.RawMessage  `json:"blocks"`
	PrivateMetadata string           `json:"private_metadata"`
	CallbackID      string           `json:"callback_id"`
	ExternalID      string           `json:"external_id"`
	NotifyOnClose   bool             `json:"notify_on_close"`
}

// readView decodes a views.* call into req, checking its content type and
// the view at *view; false means the call was answered with an error.
func (s *Server) readView(w http.ResponseWriter, r *http.Request, req any, view *viewBody) bool {
	if !s.readJSON(w, r, req) {
		return false
	}
	if err := checkView(*view); err != nil {
		s.violate("%s: %v", r.PathValue("method"), err)
		slackErr(w, "invalid_arguments")
		return false
	}
	return true
}

// readJSON decodes a JSON Web API call (views.*), checking its content type.
func (s *Server) readJSON(w http.ResponseWriter, r *http.Request, v any) bool {
	method := r.PathValue("method")
	if ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); ct != "application/json" {
		s.violate("%s: Content-Type %q; this method takes a JSON body", method, r.Header.Get("Content-Type"))
	}
	body, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err := json.Unmarshal(body, v); err != nil {
		s.violate("%s: body is not JSON: %v", method, err)
		slackErr(w, "invalid_json")
		return false
	}
	return true
}

func (s *Server) viewsOpen(w http.ResponseWriter, r *http.Request) {
	var req struct {
		TriggerID string   `json:"trigger_id"`
		View      viewBody `json:"view"`
	}
	if !s.readView(w, r, &req, &req.View) {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	tr, ok := s.triggers[req.TriggerID]
	switch {
	case !ok:
		s.violateLocked("views.open: trigger_id %q was never handed out", req.TriggerID)
		slackErr(w, "invalid_trigger_id")
		return
	case tr.used:
		s.violateLocked("views.open: trigger_id %q used twice", req.TriggerID)
		slackErr(w, "exchanged_trigger_id")
		return
	case time.Since(tr.issued) > TriggerLife:
		// Not a violation: a slow answer is something the app must handle.
		tr.used = true
		slackErr(w, "expired_trigger_id")
		return
	}
	tr.used = true
	v := s.storeViewLocked(&View{ID: "V" + strings.ToUpper(randomID()[:10]), UserID: tr.user}, req.View, "views.open")
	writeJSON(w, map[string]any{"ok": true, "view": viewJSON(v)})
}

func (s *Server) viewsUpdate(w http.ResponseWriter, r *http.Request) {
	var req struct {
		View       viewBody `json:"view"`
		ViewID     string   `json:"view_id"`
		ExternalID string   `json:"external_id"`
		Hash       string   `json:"hash"`
	}
	if !s.readView(w, r, &req, &req.View) {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var v *fakeView
	for _, have := range s.views {
		if (req.ViewID != "" && have.ID == req.ViewID) || (req.ViewID == "" && req.ExternalID != "" && have.ExternalID == req.ExternalID) {
			v = have
		}
	}
	switch {
	case v == nil:
		s.violateLocked("views.update: no view %q / external_id %q", req.ViewID, req.ExternalID)
		slackErr(w, "not_found")
		return
	case v.closed:
		// The user closed it meanwhile: an answer, not a violation.
		slackErr(w, "not_found")
		return
	case req.Hash != "" && req.Hash != v.Hash:
		slackErr(w, "hash_conflict")
		return
	}
	v.Updates++
	s.setViewLocked(v, req.View, "views.update")
	writeJSON(w, map[string]any{"ok": true, "view": viewJSON(v.View)})
}

func (s *Server) viewsPublish(w http.ResponseWriter, r *http.Request) {
	var req struct {
		UserID string   `json:"user_id"`
		View   viewBody `json:"view"`
		Hash   *string  `json:"hash"`
	}
	if !s.readJSON(w, r, &req) {
		return
	}
	if _, ok := s.user(req.UserID); !ok {
		slackErr(w, "user_not_found")
		return
	}
	if req.View.Type != "home" {
		s.violate("views.publish: view type %q; publish takes a home view", req.View.Type)
		slackErr(w, "invalid_arguments")
		return
	}
	if err := checkView(req.View); err != nil {
		s.violate("views.publish: %v", err)
		slackErr(w, "invalid_arguments")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var v *fakeView
	for _, have := range s.views {
		if have.Type == "home" && have.UserID == req.UserID {
			v = have
		}
	}
	if v == nil {
		v = &fakeView{View: View{ID: "V" + strings.ToUpper(randomID()[:10]), UserID: req.UserID}}
		s.views = append(s.views, v)
	} else if req.Hash != nil && *req.Hash != v.Hash {
		slackErr(w, "hash_conflict")
		return
	}
	s.setViewLocked(v, req.View, "views.publish")
	s.publishes = append(s.publishes, v.View)
	writeJSON(w, map[string]any{"ok": true, "view": viewJSON(v.View)})
}

// fakeView is a view and what only the fake knows of it.
type fakeView struct {
	View
	closed bool // the user closed or submitted it
}

func (s *Server) storeViewLocked(v *View, b viewBody, method string) View {
	fv := s.viewLocked(v.ID)
	if fv == nil {
		fv = &fakeView{View: *v}
		s.views = append(s.views, fv)
	}
	s.setViewLocked(fv, b, method)
	return fv.View
}

func (s *Server) setViewLocked(v *fakeView, b viewBody, method string) {
	v.Type, v.CallbackID, v.PrivateMetadata, v.ExternalID = b.Type, b.CallbackID, b.PrivateMetadata, b.ExternalID
	v.NotifyOnClose = b.NotifyOnClose
	v.Blocks = normalizeBlocks(b.Blocks)
	v.Hash = fmt.Sprintf("%d.%08x", time.Now().Unix(), s.nextLocked())
	v.Method, v.At = method, time.Now()
	s.viewLog = append(s.viewLog, v.View)
	s.notifyLocked()
}

func (s *Server) viewLocked(id string) *fakeView {
	for _, v := range s.views {
		if v.ID == id {
			return v
		}
	}
	return nil
}

func viewJSON(v View) map[string]any {
	return map[string]any{
		"id": v.ID, "type": v.Type, "callback_id": v.CallbackID, "private_metadata": v.PrivateMetadata,
		"external_id": v.ExternalID, "hash": v.Hash, "blocks": json.RawMessage(orEmpty(v.Blocks)),
		"state": map[string]any{"values": map[string]any{}}, "notify_on_close": v.NotifyOnClose,
	}
}

func orEmpty(b json.RawMessage) json.RawMessage {
	if b == nil {
		return json.RawMessage("[]")
	}
	return b
}

// Views returns every view as it is now, in the order they were created.
func (s *Server) Views() []View {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]View, len(s.views))
	for i, v := range s.views {
		out[i] = v.View
	}
	return out
}

// WaitViews waits until views.open, views.update and views.publish have
// succeeded at least n times in total and returns each view as it was set,
// in order.
func (s *Server) WaitViews(ctx context.Context, n int) ([]View, error) {
	return waitLog(ctx, s, "views", &s.viewLog, n)
}

// WaitPublishes waits until views.publish has succeeded n times and
// returns the Home views published, in order.
func (s *Server) WaitPublishes(ctx context.Context, n int) ([]View, error) {
	return waitLog(ctx, s, "home views", &s.publishes, n)
}
