// envelope.go owns Socket Mode envelopes: sending and redelivering them on the
// newest live socket, reading their acks (latency, duplicates, payload checks)
// and waiting for those acks.

package slackfake

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"time"
)

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
