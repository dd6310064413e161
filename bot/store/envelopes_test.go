package store

import (
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func TestFirstDelivery(t *testing.T) {
	eachBackend(t, func(t *testing.T, url string) {
		a, b := open(t, url), open(t, url) // two replicas on one database
		steps := []struct {
			s    *Store
			id   string
			want bool
		}{
			{a, "env-1", true},
			{a, "env-1", false}, // redelivered to the same replica
			{b, "env-1", false}, // redelivered to another replica
			{b, "env-2", true},
		}
		for i, st := range steps {
			got, err := st.s.FirstDelivery(t.Context(), st.id, t0)
			if err != nil || got != st.want {
				t.Errorf("step %d: FirstDelivery(%q) = %v, %v; want %v", i, st.id, got, err, st.want)
			}
		}
		if _, err := a.FirstDelivery(t.Context(), "", t0); !errors.Is(err, ErrInvalid) {
			t.Errorf("empty ID: err = %v; want ErrInvalid", err)
		}
		// A day later the IDs are pruned and the table does not grow forever.
		if _, err := a.Prune(t.Context(), t0.Add(48*time.Hour)); err != nil {
			t.Fatal(err)
		}
		if got, _ := a.FirstDelivery(t.Context(), "env-1", t0.Add(48*time.Hour)); !got {
			t.Errorf("env-1 survived pruning")
		}
	})
}

func TestFirstDeliveryConcurrent(t *testing.T) {
	eachBackend(t, func(t *testing.T, url string) {
		stores := []*Store{open(t, url), open(t, url)}
		var firsts atomic.Int32
		var wg sync.WaitGroup
		for i := range 16 {
			wg.Go(func() {
				ok, err := stores[i%2].FirstDelivery(t.Context(), "same", t0)
				if err != nil {
					t.Error(err)
				}
				if ok {
					firsts.Add(1)
				}
			})
		}
		wg.Wait()
		if n := firsts.Load(); n != 1 {
			t.Errorf("first deliveries = %d; want exactly 1", n)
		}
	})
}

func TestFirstWithin(t *testing.T) {
	eachBackend(t, func(t *testing.T, url string) {
		a, b := open(t, url), open(t, url) // two replicas on one database
		steps := []struct {
			s     *Store
			key   string
			after time.Duration
			want  bool
		}{
			{a, "share:x", 0, true},
			{b, "share:x", time.Second, false},                   // the second tap, on another replica
			{a, "share:x", 50 * time.Second, false},              // still within a minute of the first
			{b, "share:x", time.Minute, false},                   // a minute to the millisecond: still the same
			{b, "share:x", time.Minute + time.Millisecond, true}, // past a minute: a new share
			{a, "share:x", time.Minute + time.Second, false},     // and it counts from then
			{a, "share:y", time.Minute + time.Second, true},
		}
		for i, st := range steps {
			got, err := st.s.FirstWithin(t.Context(), st.key, t0.Add(st.after), time.Minute)
			if err != nil || got != st.want {
				t.Errorf("step %d: FirstWithin(%q, +%v) = %v, %v; want %v", i, st.key, st.after, got, err, st.want)
			}
		}
		if _, err := a.FirstWithin(t.Context(), "", t0, time.Minute); !errors.Is(err, ErrInvalid) {
			t.Errorf("empty key: err = %v; want ErrInvalid", err)
		}
	})
}
