package meeting

import (
	"context"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// Priorities of requests: a lower value is served first.
const (
	// prioRecords: logins, attendee records, history lists: what an answer
	// needs.
	prioRecords = iota
	// prioInvites: the first page of an invite list. It runs beside the
	// records (a small meeting's invite list then arrives with them), but
	// after every record request already waiting.
	prioInvites
	// prioInvitesMore: the rest of an invite list. It runs only when no
	// record request waits and no record list is about to ask for more
	// pages (its first page in flight, or pages not yet queued), so a
	// company-wide invite list never takes a token a record page needs.
	prioInvitesMore
)

// DefaultSlotLease is how long one request may hold a request slot. A
// request still running after it keeps running (until its own timeout) but
// gives its slot back, so requests that hang cannot hold every slot.
const DefaultSlotLease = 2 * time.Second

// sched hands out the client's request slots and rate-limiter tokens, one
// request at a time, in order of priority, then of how few requests the
// request's meeting already holds (so one large or stuck meeting cannot keep
// a small one waiting), then of arrival.
//
// limiter.Wait alone would serve callers in no particular order: an invite
// list's 40 pages would take the tokens a lookup's record pages wait for.
// Instead the best waiter reserves the next token (rate.Limiter.Reserve)
// while holding a slot; a more urgent request arriving meanwhile takes its
// place and the reservation is cancelled, returning the token. So the
// limiter still decides when; sched decides who.
//
// A slot is held for at most lease: a request running longer is overdue, no
// longer counts against the slots, and still counts for its meeting's
// fairness. Safe for concurrent use.
type sched struct {
	limiter *rate.Limiter
	slots   int
	lease   time.Duration

	mu      sync.Mutex
	seq     uint64
	busy    int              // slots held by requests that are not overdue
	held    map[string]int   // requests in flight per meeting, overdue ones too
	waiting map[*ticket]bool // requests not yet granted a slot
	head    *ticket          // the request holding a slot and waiting for its token
	lists   map[*listMark]bool

	onQueue func() // tests: called (with mu held) when a request joins the queue
}

// ticket is one request's place in the queue.
type ticket struct {
	prio int
	key  string
	seq  uint64
	wake chan struct{} // buffered: a change worth looking at the queue again

	overdue, released bool
	leaseTimer        *time.Timer
}

// listMark is a record list being read: from before its first page until
// every page it will ask for is queued, invite pages beyond the first wait.
type listMark struct {
	key     string
	opening bool // the first page has not been counted yet
	pending int  // pages known and not yet queued
}

type listMarkKey struct{}

func newSched(l *rate.Limiter, slots int, lease time.Duration) *sched {
	return &sched{limiter: l, slots: slots, lease: lease,
		held: make(map[string]int), waiting: make(map[*ticket]bool), lists: make(map[*listMark]bool)}
}

// openList marks a record list of meeting key as starting; ctx carries the
// mark to the list's requests. Call expect once the first page told how
// many more pages come, and close when the list is done.
func (s *sched) openList(ctx context.Context, key string) (context.Context, *listMark) {
	m := &listMark{key: key, opening: true}
	s.mu.Lock()
	s.lists[m] = true
	s.mu.Unlock()
	return context.WithValue(ctx, listMarkKey{}, m), m
}

// expect records that n more pages of m's list will be queued.
func (s *sched) expect(m *listMark, n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	m.opening, m.pending = false, n
	s.settle(m)
}

// closeList ends m, whatever it still expected.
func (s *sched) closeList(m *listMark) {
	s.mu.Lock()
	defer s.mu.Unlock()
	m.opening, m.pending = false, 0
	s.settle(m)
}

// settle forgets m once it holds nothing back; s.mu is held.
func (s *sched) settle(m *listMark) {
	if !m.opening && m.pending <= 0 && s.lists[m] {
		delete(s.lists, m)
		s.wakeBest()
	}
}

// acquire waits for a slot and a token for a request of the given priority
// on behalf of meeting key ("" for none). It returns the function that gives
// the slot back, to be called once the response is read.
func (s *sched) acquire(ctx context.Context, prio int, key string) (release func(), err error) {
	s.mu.Lock()
	s.seq++
	t := &ticket{prio: prio, key: key, seq: s.seq, wake: make(chan struct{}, 1)}
	s.waiting[t] = true
	if s.onQueue != nil {
		s.onQueue()
	}
	if m, ok := ctx.Value(listMarkKey{}).(*listMark); ok && prio == prioRecords && key == m.key && m.pending > 0 && !m.opening {
		m.pending-- // from expected to queued: the queue itself now holds invites back
		s.settle(m)
	}
	if s.head != nil && prio < s.head.prio {
		poke(s.head) // a more urgent request takes the head's place
	}
	for {
		if s.head == nil && s.busy < s.slots && s.best() == t && s.eligible(t) {
			delay, r := s.take(t)
			s.mu.Unlock()
			switch err := s.await(ctx, t, delay, r); err {
			case nil:
				return func() { s.release(t) }, nil
			case errPreempted:
			default:
				return nil, err
			}
			s.mu.Lock()
			continue
		}
		s.mu.Unlock()
		select {
		case <-t.wake:
		case <-ctx.Done():
			s.mu.Lock()
			delete(s.waiting, t)
			s.wakeBest()
			s.mu.Unlock()
			return nil, context.Cause(ctx)
		}
		s.mu.Lock()
	}
}

// eligible reports whether t may start now; s.mu is held. Only the rest of
// an invite list waits for something beyond its turn.
func (s *sched) eligible(t *ticket) bool {
	return t.prio < prioInvitesMore || len(s.lists) == 0
}

// take gives t a slot and reserves its token; s.mu is held.
func (s *sched) take(t *ticket) (time.Duration, *rate.Reservation) {
	delete(s.waiting, t)
	select { // a wake from the queue is stale now; only preemption counts
	case <-t.wake:
	default:
	}
	s.busy++
	s.held[t.key]++
	s.head = t
	r := s.limiter.Reserve()
	if !r.OK() { // a limiter without tokens at all: nothing will ever come
		return -1, r
	}
	return r.Delay(), r
}

type schedError string

func (e schedError) Error() string { return string(e) }

const (
	errPreempted = schedError("preempted by a more urgent request")
	errNoTokens  = schedError("rate limiter admits no request (burst 0)")
)

// await waits until t's reserved token is due. A more urgent request
// arriving meanwhile (t.wake) or the end of ctx hands the token back.
func (s *sched) await(ctx context.Context, t *ticket, delay time.Duration, r *rate.Reservation) error {
	var err error
	switch {
	case delay < 0:
		err = errNoTokens
	case delay > 0:
		timer := time.NewTimer(delay)
		select {
		case <-timer.C:
		case <-t.wake:
			err = errPreempted
		case <-ctx.Done():
			err = context.Cause(ctx)
		}
		timer.Stop()
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.head = nil
	if err != nil {
		r.Cancel()
		s.busy--
		s.drop(t.key)
		if err == errPreempted {
			s.waiting[t] = true
		}
		s.wakeBest()
		return err
	}
	t.leaseTimer = time.AfterFunc(s.lease, func() { s.expire(t) })
	s.wakeBest()
	return nil
}

// expire makes t overdue: its slot goes to the next request.
func (s *sched) expire(t *ticket) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if t.released || t.overdue {
		return
	}
	t.overdue = true
	s.busy--
	s.wakeBest()
}

func (s *sched) release(t *ticket) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if t.released {
		return
	}
	t.released = true
	t.leaseTimer.Stop()
	if !t.overdue {
		s.busy--
	}
	s.drop(t.key)
	s.wakeBest()
}

func (s *sched) drop(key string) {
	if s.held[key]--; s.held[key] <= 0 {
		delete(s.held, key)
	}
}

// best is the waiting request to serve next; s.mu is held. The queue holds
// a few requests per lookup in progress, so a scan is enough.
func (s *sched) best() *ticket {
	var b *ticket
	for t := range s.waiting {
		if b == nil || better(t, b, s.held) {
			b = t
		}
	}
	return b
}

// wakeBest tells the best waiting request to look again; s.mu is held.
func (s *sched) wakeBest() {
	if b := s.best(); b != nil {
		poke(b)
	}
}

// better orders requests: priority, then the fewest requests of the same
// meeting in flight, then arrival.
func better(a, b *ticket, held map[string]int) bool {
	if a.prio != b.prio {
		return a.prio < b.prio
	}
	if a.key != b.key {
		if ha, hb := held[a.key], held[b.key]; ha != hb {
			return ha < hb
		}
	}
	return a.seq < b.seq
}

func poke(t *ticket) {
	select {
	case t.wake <- struct{}{}:
	default:
	}
}

// hold keeps the rest of every invite list waiting, as a record list being
// read does, until release.
func (s *sched) hold() (release func()) {
	m := &listMark{opening: true}
	s.mu.Lock()
	s.lists[m] = true
	s.mu.Unlock()
	return func() { s.closeList(m) }
}
