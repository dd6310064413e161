package bot

import (
	"context"
	"sync"

	"golang.org/x/sync/semaphore"
)

// Memory goes with the records a command has in hand. Cached, a record
// costs about 135 bytes (meeting.BenchmarkCacheHeld); in a command it is
// copied for the analysis, analysed (attendance.Analyze allocates about
// 650 bytes a record while it runs), kept in the report and written to the
// CSV: a 100,000-record lookup adds about 75 MiB to the live heap
// (BenchmarkPodMemory), and sixteen of them at once took 1.2 GiB. Two
// budgets, each of MEETING_MAX_RECORDS records, keep that to one such
// command at a time whatever WORKERS allows:
//
//   - a command's share (recordHold): taken once its records are in,
//     given back when its reply went out;
//   - an analysis's share (Looker.analysing): taken for one Analyze, which
//     is what the runs of a series do side by side.
//
// Small meetings pass both at once; a large one waits for the others to
// finish, which takes a second or two, within the command's deadline. A
// command asks for its share at most once and never while it holds the
// other, so neither budget can deadlock.

// recordHold is one command's share of the records budget. Safe for
// concurrent use.
type recordHold struct {
	sem  *semaphore.Weighted
	max  int64
	mu   sync.Mutex
	held int64
	done bool
}

type recordHoldKey struct{}

// holdScope returns ctx carrying a share of l's records budget for one
// command, and the function that gives it back at the command's end. A
// Looker without a budget, or no Looker, gives ctx as it is.
func (l *Looker) holdScope(ctx context.Context) (context.Context, func()) {
	if l == nil || l.holding == nil {
		return ctx, func() {}
	}
	h := &recordHold{sem: l.holding, max: l.maxAnalysed}
	return context.WithValue(ctx, recordHoldKey{}, h), h.release
}

// hold takes n records of the command's share, waiting until ctx ends for
// other commands to give theirs back when they are taken; n above the budget takes all of it.
// Only a command's first hold waits: one that already holds does not wait
// again (its share stands for the command). Outside a command it does
// nothing.
func hold(ctx context.Context, n int) error {
	h, _ := ctx.Value(recordHoldKey{}).(*recordHold)
	if h == nil || n <= 0 {
		return nil
	}
	w := min(int64(n), h.max)
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.held > 0 || h.done {
		return nil
	}
	// Free records are taken even when ctx is done, as a free worker is.
	if !h.sem.TryAcquire(w) {
		if err := h.sem.Acquire(ctx, w); err != nil {
			return err
		}
	}
	h.held = w
	return nil
}

func (h *recordHold) release() {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.held > 0 {
		h.sem.Release(h.held)
	}
	h.held, h.done = 0, true
}
