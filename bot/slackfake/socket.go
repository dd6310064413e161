// socket.go owns the Socket Mode connection: apps.connections.open, the
// single-use ticket and WebSocket dial, hello, pings, the read loop, and the
// Disconnect/DropConnection controls. Envelopes and acks are in envelope.go.

package slackfake

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
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
