package meeting

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"golang.org/x/time/rate"
)

// queueWatch starts acquirers and waits until each has joined s's queue.
type queueWatch struct {
	s      *sched
	queued chan struct{}
	order  chan string
}

func newQueueWatch(slots int) *queueWatch {
	w := &queueWatch{queued: make(chan struct{}, 100), order: make(chan string, 100)}
	w.s = newSched(rate.NewLimiter(rate.Inf, 1), slots, time.Hour)
	w.s.onQueue = func() { w.queued <- struct{}{} }
	return w
}

// hold takes a slot at once and returns its release.
func (w *queueWatch) hold(t *testing.T, prio int, key string) func() {
	t.Helper()
	release, err := w.s.acquire(t.Context(), prio, key)
	if err != nil {
		t.Fatal(err)
	}
	<-w.queued
	return release
}

// queue starts an acquirer named name that reports when granted and then
// releases at once; queue returns once it waits in the queue.
func (w *queueWatch) queue(t *testing.T, ctx context.Context, name string, prio int, key string) {
	t.Helper()
	go func() {
		release, err := w.s.acquire(ctx, prio, key)
		if err != nil {
			w.order <- name + ": " + err.Error()
			return
		}
		w.order <- name
		release()
	}()
	<-w.queued
}

func (w *queueWatch) granted(t *testing.T, n int) []string {
	t.Helper()
	var got []string
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	for range n {
		select {
		case name := <-w.order:
			got = append(got, name)
		case <-ctx.Done():
			t.Fatalf("granted so far %v; want %d", got, n)
		}
	}
	return got
}

// queued is a request to queue: its name in the grant order, its priority
// and its meeting.
type queued struct {
	name string
	prio int
	key  string
}

func TestSchedOrder(t *testing.T) {
	tests := []struct {
		name  string
		slots int
		held  []string // meeting of each request already holding a slot
		queue []queued
		want  []string
	}{
		{
			name: "records before invite lists, first invite page before the rest", slots: 1, held: []string{"A"},
			queue: []queued{{"more", prioInvitesMore, "A"}, {"invites", prioInvites, "A"}, {"records", prioRecords, "A"}},
			want:  []string{"records", "invites", "more"},
		},
		{
			name: "the meeting holding fewer requests first", slots: 2, held: []string{"A", "A"},
			queue: []queued{{"A3", prioRecords, "A"}, {"A4", prioRecords, "A"}, {"B1", prioRecords, "B"}},
			want:  []string{"B1", "A3", "A4"},
		},
		{
			name: "arrival order among equals", slots: 1, held: []string{""},
			queue: []queued{{"1", prioRecords, "X"}, {"2", prioRecords, "Y"}, {"3", prioRecords, "Z"}},
			want:  []string{"1", "2", "3"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newQueueWatch(tt.slots)
			var releases []func()
			for _, key := range tt.held {
				releases = append(releases, w.hold(t, prioRecords, key))
			}
			for _, q := range tt.queue {
				w.queue(t, t.Context(), q.name, q.prio, q.key)
			}
			// One slot frees; every grant releases at once, so the queue
			// drains one at a time in the scheduler's order.
			releases[0]()
			got := w.granted(t, len(tt.want))
			if !slices.Equal(got, tt.want) {
				t.Errorf("granted %v; want %v", got, tt.want)
			}
			for _, r := range releases[1:] {
				r()
			}
		})
	}
}

// TestSchedInviteRestWaitsForOpenRecordList: while a record list has pages
// it has not queued yet, the rest of an invite list does not start, even
// with free slots; the first page of an invite list does.
func TestSchedInviteRestWaitsForOpenRecordList(t *testing.T) {
	w := newQueueWatch(4)
	ctx, mark := w.s.openList(t.Context(), "A")
	w.queue(t, t.Context(), "more", prioInvitesMore, "A")
	w.queue(t, t.Context(), "invites", prioInvites, "A")
	if got := w.granted(t, 1); got[0] != "invites" {
		t.Fatalf("granted %v first; want the invite list's first page", got)
	}
	w.s.expect(mark, 1) // the first page said: one more page
	select {
	case name := <-w.order:
		t.Fatalf("%s granted while the record list had pages to queue", name)
	default:
	}
	release := w.hold(t, prioRecords, "A")
	w.queue(t, ctx, "page 2", prioRecords, "A") // the expected page queues
	release()
	got := w.granted(t, 2)
	if !slices.Equal(got, []string{"page 2", "more"}) {
		t.Errorf("granted %v; want the record page, then the invite page", got)
	}
	w.s.closeList(mark)
}

// TestSchedLeaseFreesSlot: a request that holds its slot past the lease no
// longer blocks the next one.
func TestSchedLeaseFreesSlot(t *testing.T) {
	s := newSched(rate.NewLimiter(rate.Inf, 1), 1, 10*time.Millisecond)
	hung, err := s.acquire(t.Context(), prioRecords, "A")
	if err != nil {
		t.Fatal(err)
	}
	defer hung()
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	next, err := s.acquire(ctx, prioRecords, "B")
	if err != nil {
		t.Fatalf("second request waited for the hung one: %v", err)
	}
	next()
}

// TestSchedTokensInPriorityOrder: with the limiter's bucket empty, a record
// request queued after an invite page takes the next token (the invite's
// reservation is handed back).
func TestSchedTokensInPriorityOrder(t *testing.T) {
	l := rate.NewLimiter(rate.Every(50*time.Millisecond), 1)
	l.Allow() // empty the bucket
	w := &queueWatch{queued: make(chan struct{}, 10), order: make(chan string, 10)}
	w.s = newSched(l, 4, time.Hour)
	w.s.onQueue = func() { w.queued <- struct{}{} }
	w.queue(t, t.Context(), "invites", prioInvites, "A")
	w.queue(t, t.Context(), "records", prioRecords, "B")
	got := w.granted(t, 2)
	if !slices.Equal(got, []string{"records", "invites"}) {
		t.Errorf("tokens went to %v; want records first", got)
	}
}

func TestSchedCancelledWaiterLeaves(t *testing.T) {
	w := newQueueWatch(1)
	release := w.hold(t, prioRecords, "A")
	ctx, cancel := context.WithCancel(t.Context())
	w.queue(t, ctx, "gone", prioRecords, "B")
	w.queue(t, t.Context(), "next", prioRecords, "C")
	cancel()
	if got := w.granted(t, 1)[0]; got != "gone: "+context.Canceled.Error() {
		t.Fatalf("cancelled waiter reported %q", got)
	}
	release()
	if got := w.granted(t, 1)[0]; got != "next" {
		t.Errorf("after a waiter left, granted %q; want next", got)
	}
	w.s.mu.Lock()
	defer w.s.mu.Unlock()
	if w.s.busy != 0 || len(w.s.held) != 0 || len(w.s.waiting) != 0 {
		t.Errorf("scheduler not empty after everything ended: %s", fmt.Sprint(w.s.busy, w.s.held, len(w.s.waiting)))
	}
}

// TestSchedHoldKeepsInviteRestWaiting: while held (a lookup making its
// answer), the rest of an invite list waits; records and an invite list's
// first page do not.
func TestSchedHoldKeepsInviteRestWaiting(t *testing.T) {
	w := newQueueWatch(4)
	release := w.s.hold()
	w.queue(t, t.Context(), "more", prioInvitesMore, "A")
	w.queue(t, t.Context(), "records", prioRecords, "B")
	w.queue(t, t.Context(), "invites", prioInvites, "B")
	if got := w.granted(t, 2); !slices.Equal(got, []string{"records", "invites"}) {
		t.Fatalf("granted %v while held; want the records and the first invite page", got)
	}
	release()
	if got := w.granted(t, 1); got[0] != "more" {
		t.Errorf("after release granted %v; want the invite page", got)
	}
}
