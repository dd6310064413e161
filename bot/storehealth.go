package bot

import (
	"context"
	"log/slog"
	"sync"
	"time"
)

// storeCheckTimeout bounds one store check: a frozen store is reported as
// such instead of holding /readyz until the probe gives up.
const storeCheckTimeout = 2 * time.Second

// StoreHealth checks the store the way the bot needs it (see store.Check:
// the SQLite file is still the one opened, a write goes through), records
// the result in attendees_store_up and logs every change: at error level
// when the store fails, so a deleted or read-only store is loud even where
// nothing probes /readyz (a VM). Safe for concurrent use.
type StoreHealth struct {
	probe   func(context.Context) error
	metrics *Metrics
	log     *slog.Logger

	mu      sync.Mutex
	last    string // the last error, "" when healthy
	judged  bool
	started int // checks begun so far
	applied int // the latest-begun check whose result stands
}

// NewStoreHealth returns the health of the store that probe checks.
func NewStoreHealth(probe func(context.Context) error, m *Metrics, log *slog.Logger) *StoreHealth {
	return &StoreHealth{probe: probe, metrics: m, log: log}
}

// Check runs the probe once.
func (s *StoreHealth) Check(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, storeCheckTimeout)
	defer cancel()
	s.mu.Lock()
	s.started++
	mine := s.started
	s.mu.Unlock()
	err := s.probe(ctx)
	msg := ""
	if err != nil {
		msg = err.Error()
	}
	s.mu.Lock()
	// Checks overlap (/readyz and the periodic one): one begun before the
	// file was deleted may end after one that saw it gone, and must not
	// put attendees_store_up back to 1.
	if mine < s.applied {
		s.mu.Unlock()
		return err
	}
	s.applied = mine
	if err != nil {
		s.metrics.storeUp.Set(0)
	} else {
		s.metrics.storeUp.Set(1)
	}
	changed := !s.judged || msg != s.last
	s.judged, s.last = true, msg
	s.mu.Unlock()
	switch {
	case changed && err != nil:
		s.log.Error("STORE FAILING: automatic posts, watch and duplicate detection across replicas are affected", slog.Any("err", err))
	case changed:
		s.log.Info("store ok")
	}
	return err
}

// Readiness is the /readyz check named "store".
func (s *StoreHealth) Readiness() Check { return Check{Name: "store", Fn: s.Check} }

// Run checks every interval until ctx is done.
func (s *StoreHealth) Run(ctx context.Context, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		_ = s.Check(ctx)
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
