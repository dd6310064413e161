package bot

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/attendees-bot/attendees-bot/meeting"
)

// fakeDeliveries is the shared store's view of envelopes: seen by another
// replica, or unreadable.
type fakeDeliveries struct {
	seen map[string]bool
	err  error
}

func (f fakeDeliveries) FirstDelivery(_ context.Context, id string, _ time.Time) (bool, error) {
	return !f.seen[id], f.err
}

func (f fakeDeliveries) FirstWithin(_ context.Context, key string, _ time.Time, _ time.Duration) (bool, error) {
	return !f.seen[key], f.err
}

// TestGoBusyPoolTellsTheUser: with every worker taken, a request whose
// deadline would pass while it waits is told so at once (see queue.go),
// and Drain waits for the one Go started.
func TestGoBusyPoolTellsTheUser(t *testing.T) {
	release := make(chan struct{})
	started := make(chan struct{})
	src := &fakeSource{attendees: func(ctx context.Context, _, _ string) ([]meeting.Attendee, error) {
		close(started)
		<-release
		return people(2), nil
	}}
	h, out := newTestHandler(t, src, func(c *Config) { c.Workers, c.CommandTimeout = 1, time.Second })
	h.Go(t.Context(), slash(uuidA))
	<-started
	late := slash("help")
	late.UserID = "U2"
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Millisecond)
	defer cancel()
	if res := h.Handle(ctx, late); res.Outcome != outcomeBusy {
		t.Errorf("outcome while every worker is busy = %q; want %q", res.Outcome, outcomeBusy)
	}
	if !strings.Contains(out.text(0), "too busy right now: 1 request is ahead of yours") {
		t.Errorf("reply = %q; want the busy sentence", out.text(0))
	}
	close(release)
	h.Drain(10*time.Second, func() { t.Error("Drain cancelled work that finished") })
	if !strings.Contains(out.text(1), "Person 00") {
		t.Errorf("first request's reply = %q; want its summary", out.text(1))
	}
}

func TestGoAnswersAnEnvelopeOnce(t *testing.T) {
	tests := []struct {
		name string
		d    deliveries
		want int
	}{
		{"this process", nil, 1},
		{"another replica", fakeDeliveries{seen: map[string]bool{"E1": true}}, 0},
		{"store down", fakeDeliveries{err: errors.New("down")}, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h, out := newTestHandler(t, &fakeSource{}, nil, func(d *HandlerDeps) { d.Deliveries = tt.d })
			req := slash("help")
			req.EnvelopeID = "E1"
			h.Go(t.Context(), req)
			h.Go(t.Context(), req) // redelivered
			h.Drain(10*time.Second, func() {})
			if n := len(out.replies); n != tt.want {
				t.Errorf("replies = %d; want %d", n, tt.want)
			}
		})
	}
}
