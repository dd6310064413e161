package slackfake

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"sync"
	"time"

	"github.com/gorilla/websocket"
)

type wsConn struct {
	n        int // 1-based connection number
	ws       *websocket.Conn
	writeMu  sync.Mutex // gorilla allows one concurrent writer
	draining bool       // sent a disconnect; gets no more envelopes
	dead     bool       // read loop ended
}

// write writes one text frame. before, if not nil, runs once the frame has
// the socket to itself, so that a send time it records excludes the wait
// behind other writers.
func (c *wsConn) write(frame []byte, before func()) error {
	c.writeMu.Lock()
	defer c.writeMu.Unlock()
	if before != nil {
		before()
	}
	_ = c.ws.SetWriteDeadline(time.Now().Add(5 * time.Second))
	return c.ws.WriteMessage(websocket.TextMessage, frame)
}

// envelope is one Socket Mode request and its deliveries.
type envelope struct {
	id          string
	typ         string
	frame       map[string]any
	responseURL string
	kind        string      // the interactive payload's type, such as "view_submission"
	viewID      string      // the view a view_submission submits
	pending     []time.Time // send times of deliveries not yet acked
	acks        []Ack
}

// Ack is one acknowledgement frame received for an envelope.
type Ack struct {
	EnvelopeID string
	// Latency is the time from writing the delivery it answers to reading
	// the ack.
	Latency time.Duration
	// Payload is the ack's payload, nil when the client sent none.
	Payload json.RawMessage
	At      time.Time
}

type ackFrame struct {
	EnvelopeID *string         `json:"envelope_id"`
	Payload    json.RawMessage `json:"payload"`
}

func (s *Server) openConnection(w http.ResponseWriter, r *http.Request) {
	if got, want := r.Header.Get("Authorization"), "Bearer "+s.cfg.AppToken; got != want {
		s.violate("apps.connections.open: Authorization %q is not Bearer with the app token", redact(got))
		writeJSON(w, map[string]any{"ok": false, "error": "invalid_auth"})
		return
	}
	if body, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20)); len(body) > 0 {
		s.violate("apps.connections.open: request has a %d-byte body; Slack expects none", len(body))
	}
	s.mu.Lock()
	ticket := randomID()
	s.tickets[ticket] = false
	s.stats.Opens++
	s.notifyLocked()
	s.mu.Unlock()
	writeJSON(w, map[string]any{
		"ok":                true,
		"url":               "ws" + s.URL[len("http"):] + "/link/?ticket=" + ticket + "&app_id=" + s.cfg.AppID,
		"response_metadata": map[string]any{"scopes": []string{"connections:write"}},
	})
}

func (s *Server) handleLink(w http.ResponseWriter, r *http.Request) {
	ticket := r.URL.Query().Get("ticket")
	s.mu.Lock()
	used, known := s.tickets[ticket]
	if known && !used {
		s.tickets[ticket] = true
	}
	closed := s.closed
	s.mu.Unlock()
	switch {
	case closed:
		http.Error(w, "closed", http.StatusServiceUnavailable)
		return
	case !known:
		s.violate("websocket dial with unknown ticket %q", ticket)
		http.Error(w, "unknown ticket", http.StatusUnauthorized)
		return
	case used:
		s.violate("websocket dial reused ticket %q; every connection needs a new apps.connections.open", ticket)
		http.Error(w, "ticket already used", http.StatusUnauthorized)
		return
	}
	ws, err := s.upgrader.Upgrade(w, r, nil)
	if err != nil {
		s.violate("websocket upgrade failed: %v", err)
		return
	}
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		_ = ws.Close()
		return
	}
	c := &wsConn{ws: ws, n: len(s.conns) + 1}
	s.conns = append(s.conns, c)
	live := s.openLocked()
	s.wg.Add(2)
	s.mu.Unlock()

	hello, _ := json.Marshal(map[string]any{
		"type":            "hello",
		"num_connections": live,
		"debug_info": map[string]any{
			"host":                        "applink-fake",
			"build_number":                1,
			"approximate_connection_time": 18060,
		},
		"connection_info": map[string]any{"app_id": s.cfg.AppID},
	})
	if err := c.write(hello, nil); err != nil {
		s.mu.Lock()
		if !s.closed {
			s.violateLocked("write hello on connection %d: %v", c.n, err)
		}
		s.mu.Unlock()
	}
	s.mu.Lock()
	s.hellos++
	s.stats.Connections++
	s.notifyLocked()
	s.mu.Unlock()

	stop := make(chan struct{})
	go s.pingLoop(c, stop)
	go s.readLoop(c, stop)
}

func (s *Server) pingLoop(c *wsConn, stop <-chan struct{}) {
	defer s.wg.Done()
	t := time.NewTicker(s.cfg.PingInterval)
	defer t.Stop()
	for {
		select {
		case <-stop:
			return
		case <-s.done:
			return
		case <-t.C:
			if err := c.ws.WriteControl(websocket.PingMessage, []byte("Ping from applink-fake"), time.Now().Add(5*time.Second)); err != nil {
				return
			}
		}
	}
}

func (s *Server) readLoop(c *wsConn, stop chan<- struct{}) {
	defer s.wg.Done()
	defer close(stop)
	defer func() {
		_ = c.ws.Close()
		s.mu.Lock()
		c.dead = true
		s.notifyLocked()
		s.mu.Unlock()
	}()
	c.ws.SetPongHandler(func(string) error {
		s.mu.Lock()
		s.stats.Pongs++
		s.mu.Unlock()
		return nil
	})
	for {
		typ, data, err := c.ws.ReadMessage()
		if err != nil {
			return
		}
		now := time.Now()
		if typ != websocket.TextMessage {
			s.violate("connection %d: non-text frame (type %d); acks are JSON text frames", c.n, typ)
			continue
		}
		s.handleAck(c, data, now)
	}
}

func (s *Server) handleAck(c *wsConn, data []byte, now time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(data) >= MaxAckSize {
		s.violateLocked("connection %d: ack of %d bytes; Slack drops responses of %d bytes or more", c.n, len(data), MaxAckSize)
	}
	var f ackFrame
	if err := json.Unmarshal(data, &f); err != nil {
		s.violateLocked("connection %d: frame is not a JSON object: %v: %.200q", c.n, err, data)
		return
	}
	if f.EnvelopeID == nil || *f.EnvelopeID == "" {
		s.violateLocked("connection %d: frame without envelope_id: %.200q", c.n, data)
		return
	}
	id := *f.EnvelopeID
	env, ok := s.envelopes[id]
	if !ok {
		s.violateLocked("ack of unknown envelope %q", id)
		return
	}
	s.stats.Acks++
	if len(env.pending) == 0 {
		s.violateLocked("duplicate ack of envelope %q (already acked %d times, once per delivery)", id, len(env.acks))
		return
	}
	sent := env.pending[0]
	env.pending = env.pending[1:]
	lat := now.Sub(sent)
	if lat > AckDeadline {
		s.violateLocked("ack of envelope %q after %v; Slack allows %v", id, lat.Round(time.Millisecond), AckDeadline)
	}
	var payload json.RawMessage
	if len(f.Payload) > 0 && string(f.Payload) != "null" {
		payload = slices.Clone(f.Payload)
	}
	if env.kind == "view_submission" {
		s.checkViewAckLocked(env, payload)
	} else if payload != nil && env.typ != "slash_commands" {
		s.violateLocked("ack of %s envelope %q carries a payload; Slack ignores it", env.kind, id)
	}
	env.acks = append(env.acks, Ack{EnvelopeID: id, Latency: lat, Payload: payload, At: now})
	s.notifyLocked()
}

// WaitConnections waits until n sockets in total (counting closed ones) have
// been sent their hello.
func (s *Server) WaitConnections(ctx context.Context, n int) error {
	return s.waitFor(ctx, fmt.Sprintf("%d connections", n), func() bool { return s.hellos >= n })
}

// WaitLiveConnections waits until exactly n sockets are open (whether or
// not they were sent a disconnect). WaitLiveConnections(ctx, 0) waits for the
// app to close its socket, for example on shutdown.
func (s *Server) WaitLiveConnections(ctx context.Context, n int) error {
	return s.waitFor(ctx, fmt.Sprintf("%d open sockets", n), func() bool { return s.openLocked() == n })
}

func (s *Server) openLocked() int {
	n := 0
	for _, c := range s.conns {
		if !c.dead {
			n++
		}
	}
	return n
}

// liveLocked returns the newest connection that may receive envelopes.
func (s *Server) liveLocked() *wsConn {
	for i := len(s.conns) - 1; i >= 0; i-- {
		if c := s.conns[i]; !c.dead && !c.draining {
			return c
		}
	}
	return nil
}

// connection waits for a connection that may receive envelopes.
func (s *Server) connection(ctx context.Context) (*wsConn, error) {
	var c *wsConn
	err := s.waitFor(ctx, "a live socket", func() bool {
		c = s.liveLocked()
		return c != nil
	})
	return c, err
}

// SendEnvelope sends an envelope of the given type ("events_api",
// "slash_commands", "interactive") with a new envelope_id to the newest live
// socket, waiting for one if there is none. It returns once the frame is
// written.
func (s *Server) SendEnvelope(ctx context.Context, typ string, payload any, acceptsResponsePayload bool) (string, error) {
	return s.sendEnvelope(ctx, typ, payload, acceptsResponsePayload, "")
}

func (s *Server) sendEnvelope(ctx context.Context, typ string, payload any, accepts bool, responseURL string) (string, error) {
	raw, err := json.Marshal(payload)
	if err != nil {
		return "", fmt.Errorf("slackfake: marshal payload: %w", err)
	}
	env := &envelope{
		id:          randomID(),
		typ:         typ,
		responseURL: responseURL,
		frame: map[string]any{
			"type":                     typ,
			"payload":                  json.RawMessage(raw),
			"accepts_response_payload": accepts,
		},
	}
	if typ == "interactive" {
		if p, ok := payload.(map[string]any); ok {
			env.kind, _ = p["type"].(string)
		}
	}
	return s.send(ctx, env)
}

// send registers env and delivers it once.
func (s *Server) send(ctx context.Context, env *envelope) (string, error) {
	env.frame["envelope_id"] = env.id
	s.mu.Lock()
	s.envelopes[env.id] = env
	if r := s.responses[idFromResponseURL(env.responseURL)]; r != nil && r.envelopeID == "" {
		r.envelopeID = env.id
	}
	s.mu.Unlock()
	return env.id, s.deliver(ctx, env, 0)
}

// Redeliver sends envelopeID again, as Slack does when an ack is late, with
// retry_attempt set to retryAttempt and retry_reason "timeout". The client
// must ack the redelivery too.
func (s *Server) Redeliver(ctx context.Context, envelopeID string, retryAttempt int) error {
	s.mu.Lock()
	env, ok := s.envelopes[envelopeID]
	s.mu.Unlock()
	if !ok {
		return fmt.Errorf("slackfake: redeliver unknown envelope %q", envelopeID)
	}
	return s.deliver(ctx, env, retryAttempt)
}

func (s *Server) deliver(ctx context.Context, env *envelope, retryAttempt int) error {
	frame := make(map[string]any, len(env.frame)+2)
	for k, v := range env.frame {
		frame[k] = v
	}
	if retryAttempt > 0 {
		frame["retry_attempt"] = retryAttempt
		frame["retry_reason"] = "timeout"
	}
	data, err := json.Marshal(frame)
	if err != nil {
		return fmt.Errorf("slackfake: marshal envelope: %w", err)
	}
	for {
		c, err := s.connection(ctx)
		if err != nil {
			return err
		}
		// Record the send before writing so that a fast ack never finds the
		// delivery missing.
		var sent time.Time
		record := func() {
			s.mu.Lock()
			sent = time.Now()
			env.pending = append(env.pending, sent)
			s.stats.EnvelopesSent++
			s.mu.Unlock()
		}
		err = c.write(data, record)
		if err == nil {
			return nil
		}
		// The socket broke under us: forget the delivery and, like Slack,
		// use another connection.
		s.mu.Lock()
		if i := slices.Index(env.pending, sent); i >= 0 && !sent.IsZero() {
			env.pending = slices.Delete(env.pending, i, i+1)
			s.stats.EnvelopesSent--
		}
		c.draining = true
		s.notifyLocked()
		s.mu.Unlock()
	}
}

// WaitAck waits for the first ack of envelopeID and returns its latency and
// payload (nil if none was sent).
func (s *Server) WaitAck(ctx context.Context, envelopeID string) (time.Duration, json.RawMessage, error) {
	acks, err := s.WaitAcks(ctx, envelopeID, 1)
	if err != nil {
		return 0, nil, err
	}
	return acks[0].Latency, acks[0].Payload, nil
}

// WaitAcks waits until envelopeID has n acks and returns all of them.
func (s *Server) WaitAcks(ctx context.Context, envelopeID string, n int) ([]Ack, error) {
	var acks []Ack
	err := s.waitFor(ctx, "ack of "+envelopeID, func() bool {
		if env := s.envelopes[envelopeID]; env != nil && len(env.acks) >= n {
			acks = slices.Clone(env.acks)
			return true
		}
		return false
	})
	return acks, err
}

// Disconnect sends {"type":"disconnect","reason":reason} on the newest live
// socket, as Slack does before refreshing a connection. The socket gets no
// further envelopes; slack-go closes it, calls apps.connections.open and
// dials again.
func (s *Server) Disconnect(ctx context.Context, reason string) error {
	c, err := s.connection(ctx)
	if err != nil {
		return err
	}
	s.mu.Lock()
	c.draining = true
	s.notifyLocked()
	s.mu.Unlock()
	frame, _ := json.Marshal(map[string]any{
		"type":            "disconnect",
		"reason":          reason,
		"debug_info":      map[string]any{"host": "applink-fake"},
		"connection_info": map[string]any{"app_id": s.cfg.AppID},
	})
	if err := c.write(frame, nil); err != nil {
		return fmt.Errorf("slackfake: write disconnect on connection %d: %w", c.n, err)
	}
	return nil
}

// DropConnection closes the newest live socket without a close frame, like a
// network failure. It reports whether there was one to drop.
func (s *Server) DropConnection() bool {
	s.mu.Lock()
	c := s.liveLocked()
	if c != nil {
		c.draining = true
		s.notifyLocked()
	}
	s.mu.Unlock()
	if c == nil {
		return false
	}
	_ = c.ws.NetConn().Close()
	return true
}
