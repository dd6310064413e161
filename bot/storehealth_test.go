package bot

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"testing"

	dto "github.com/prometheus/client_model/go"
)

// Two checks overlap: the one begun first (before the file was deleted)
// ends last. The newer verdict stands: attendees_store_up stays 0.
func TestStoreHealthKeepsTheNewestVerdict(t *testing.T) {
	release := make(chan struct{})
	first := make(chan struct{})
	calls := 0
	m := NewMetrics()
	h := NewStoreHealth(func(ctx context.Context) error {
		calls++
		if calls == 1 {
			close(first)
			<-release // began while the file was there; ends after the next check
			return nil
		}
		return errors.New("the SQLite file is gone")
	}, m, slog.New(slog.NewTextHandler(io.Discard, nil)))
	done := make(chan error)
	go func() { done <- h.Check(t.Context()) }()
	<-first
	if err := h.Check(t.Context()); err == nil {
		t.Fatal("second check passed")
	}
	close(release)
	if err := <-done; err != nil {
		t.Fatalf("first check: %v", err)
	}
	var got dto.Metric
	if err := m.storeUp.Write(&got); err != nil {
		t.Fatal(err)
	}
	if v := got.GetGauge().GetValue(); v != 0 {
		t.Errorf("attendees_store_up = %v after a failed check that began later; want 0", v)
	}
}
