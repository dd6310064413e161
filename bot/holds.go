package bot

import (
	"context"
	"errors"
	"fmt"
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
//   - a command's share (recordHold): taken once a lookup's records are
//     in, or before a series fetches any run (the whole budget: a series
//     is bounded by it, see admission), given back when its reply went
//     out or, with a comparison with a late invite list to come, when
//     that is done (handOn);
//   - an analysis's share (Looker.analysing): taken for one Analyze, which
//     is what the runs of a series do side by side.
//
// Small meetings pass both at once; a large one waits for the others to
// finish, which takes a second or two, within the command's deadline.
// The budgets are always taken in one order, the command's share first:
// Lookup takes the analysis's share while it holds the command's, but
// nothing waiting for an analysis's share ever holds one, and an analysis
// gives its share back without waiting for anything (Analyze only
// computes), so the shares held are always released and neither budget
// can deadlock. A command asks for its share at most once.

// recordHold is one command's share of the records budget. Safe for
// concurrent use.
type recordHold struct {
	sem  *semaphore.Weighted
	max  int64
	mu   sync.Mutex
	held int64
	done bool
	// followers is the work handed the share (handOn) still going.
	followers int
	// waiting, when set (tests), is called as a hold starts to wait.
	waiting func()
}

type recordHoldKey struct{}

// errBusy is a command that waited for its share of the records budget
// until its deadline: other large meetings were being looked up.
var errBusy = errors.New("other commands held the records budget (MEETING_MAX_RECORDS) until the deadline")

// holdScope returns ctx carrying a share of l's records budget for one
// command, and the function that gives it back at the command's end. A
// Looker without a budget, or no Looker, gives ctx as it is.
func (l *Looker) holdScope(ctx context.Context) (context.Context, func()) {
	if l == nil || l.holding == nil {
		return ctx, func() {}
	}
	h := &recordHold{sem: l.holding, max: l.maxAnalysed, waiting: l.waiting}
	return context.WithValue(ctx, recordHoldKey{}, h), h.release
}

// hold takes n records of the command's share, waiting until ctx ends for
// other commands to give theirs back when they are taken; n above the
// budget takes all of it. It returns the share the command holds, which
// bounds what it may read: only a command's first hold waits, and one that
// already holds does not wait again (its share, whatever it asked, stands
// for the command). Outside a command it takes nothing and returns n (no
// budget: 0 or less is none). A command whose share was given back cannot
// take another: nothing would give it back.
func hold(ctx context.Context, n int) (int64, error) {
	h, _ := ctx.Value(recordHoldKey{}).(*recordHold)
	if h == nil || n <= 0 {
		return int64(max(n, 0)), nil
	}
	w := min(int64(n), h.max)
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.held > 0 {
		return h.held, nil
	}
	if h.done {
		return 0, errHoldEnded
	}
	// Free records are taken even when ctx is done, as a free worker is.
	if !h.sem.TryAcquire(w) {
		if h.waiting != nil {
			h.waiting()
		}
		if err := h.sem.Acquire(ctx, w); err != nil {
			if errors.Is(err, context.DeadlineExceeded) {
				return 0, fmt.Errorf("%w: %w", errBusy, err)
			}
			return 0, err
		}
	}
	h.held = w
	return w, nil
}

// errHoldEnded is a hold asked for after the command gave its share back.
var errHoldEnded = errors.New("the command's share of the records budget was already given back")

// release gives the share back at the command's end, unless work that
// goes on after it (handOn) still holds it: then the last of that work
// gives it back.
func (h *recordHold) release() {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.done = true
	if h.followers == 0 && h.held > 0 {
		h.sem.Release(h.held)
		h.held = 0
	}
}

// handOn keeps ctx's share past its command's end, for work that goes on
// with the command's records (a comparison with a late invite list), until
// the returned function is called. Outside a command it does nothing.
func handOn(ctx context.Context) func() {
	h, _ := ctx.Value(recordHoldKey{}).(*recordHold)
	if h == nil {
		return func() {}
	}
	giveBack, _ := h.follow(false)
	return giveBack
}

// join is handOn for other work that reads within h's share (an automatic
// post's series note): it reports false, and keeps nothing, when h holds
// no share (not taken yet, or given back), so that work takes its own.
func (h *recordHold) join() (func(), bool) { return h.follow(true) }

func (h *recordHold) follow(onlyHeld bool) (func(), bool) {
	h.mu.Lock()
	if onlyHeld && h.held == 0 {
		h.mu.Unlock()
		return func() {}, false
	}
	h.followers++
	h.mu.Unlock()
	var once sync.Once
	return func() {
		once.Do(func() {
			h.mu.Lock()
			defer h.mu.Unlock()
			if h.followers--; h.followers == 0 && h.done && h.held > 0 {
				h.sem.Release(h.held)
				h.held = 0
			}
		})
	}, true
}
