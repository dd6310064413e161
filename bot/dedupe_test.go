package bot

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"

	"github.com/attendees-bot/attendees-bot/meeting"
)

// shareStore is the shared store's view of recent shares: FirstWithin
// answers first (another replica shared it, or not) or err (store down).
type shareStore struct {
	first bool
	err   error
	keys  []string
}

func (s *shareStore) FirstDelivery(context.Context, string, time.Time) (bool, error) {
	return true, nil
}

func (s *shareStore) FirstWithin(_ context.Context, key string, _ time.Time, window time.Duration) (bool, error) {
	if window != shareWindow {
		return false, errors.New("unexpected window")
	}
	s.keys = append(s.keys, key)
	return s.first, s.err
}

// A Share tap that another replica already posted is not posted again; with
// the store down the share still goes out, once, guarded by this process's
// memory, and the fallback is counted. The store never sees the search text.
func TestShareGuardAcrossReplicas(t *testing.T) {
	tests := []struct {
		name      string
		store     *shareStore
		wantPosts int
		degraded  float64
	}{
		{"first tap anywhere", &shareStore{first: true}, 1, 0},
		{"another replica just shared it", &shareStore{first: false}, 0, 0},
		{"store down", &shareStore{err: errors.New("database is locked")}, 1, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := &fakeSource{attendees: func(context.Context, string, string) ([]meeting.Attendee, error) { return people(3), nil }}
			metrics := NewMetrics()
			h, out := newTestHandler(t, src, nil, func(d *HandlerDeps) { d.Deliveries, d.Metrics = tt.store, metrics })
			req := slash("")
			req.Action, req.Value = actionShare, h.buttons.sign(lookupRef{ConfUUID: uuidA, Search: "Person"}, req.UserID)
			outcomes := []string{h.Handle(t.Context(), req).Outcome, h.Handle(t.Context(), req).Outcome}
			if len(out.posts) != tt.wantPosts {
				t.Errorf("posts after a double tap = %d; want %d (outcomes %v)", len(out.posts), tt.wantPosts, outcomes)
			}
			if outcomes[1] != outcomeDuplicate {
				t.Errorf("second tap outcome = %q; want %q", outcomes[1], outcomeDuplicate)
			}
			var m dto.Metric
			if err := metrics.dedupeDegraded.Write(&m); err != nil {
				t.Fatal(err)
			}
			if got := m.GetCounter().GetValue(); got != tt.degraded {
				t.Errorf("attendees_dedupe_degraded_total = %v; want %v", got, tt.degraded)
			}
			for _, k := range tt.store.keys {
				if !strings.HasPrefix(k, "share:") || strings.Contains(strings.ToLower(k), "person") || strings.Contains(k, "C1") {
					t.Errorf("store key %q; want share: and a digest, no channel or search text", k)
				}
			}
		})
	}
}
