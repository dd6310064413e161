package bot

import (
	"context"
	"strings"
	"testing"
	"time"
)

func TestQueueEstimate(t *testing.T) {
	q := newQueue(8) // four lookups a second, until measured
	now := time.Now()
	for range 8 {
		q.enter(now)
	}
	if ahead, wait := q.enter(now); ahead != 8 || wait != 2*time.Second {
		t.Errorf("9th request: %d ahead, wait %v; want 8 and 2s at the guessed 4/s", ahead, wait)
	}
	// Twenty finish over ten seconds: 2/s measured replaces the guess.
	end := now.Add(10 * time.Second)
	q = newQueue(8)
	for i := range 20 {
		q.enter(now)
		q.leave(now.Add(time.Duration(i) * 500 * time.Millisecond))
	}
	for range 6 {
		q.enter(end)
	}
	if ahead, wait := q.enter(end); ahead != 6 || wait != 3*time.Second {
		t.Errorf("after 20 done in 10 s: %d ahead, wait %v; want 6 and 3s at the measured 2/s", ahead, wait)
	}
	// Finishes older than the window no longer count: back to the guess.
	later := end.Add(rateWindow + time.Second)
	if _, wait := q.enter(later); wait != 7*time.Second/4 {
		t.Errorf("a window later: wait %v; want 7 ahead at the guessed 4/s", wait)
	}
}

// TestHandleTellsTheQueue: with every worker busy, a request that can wait
// is told at once how many are ahead (and its answer then replaces that
// message); one that cannot is told the bot is too busy, at once, never a
// timeout blamed on the meeting service.
func TestHandleTellsTheQueue(t *testing.T) {
	h, out := newTestHandler(t, &fakeSource{}, func(c *Config) { c.Workers = 1; c.MeetingRateLimit = 2 })
	h.slots <- struct{}{} // the one worker is busy
	h.queue.inside = 10   // ten requests ahead: 10 s at 1/s
	ctx, cancel := context.WithTimeout(t.Context(), 12*time.Second)
	defer cancel()
	start := time.Now()
	res := h.Handle(ctx, slash("help"))
	if res.Outcome != outcomeBusy || time.Since(start) > 5*time.Second {
		t.Fatalf("outcome %s after %v; want busy at once", res.Outcome, time.Since(start))
	}
	if got := out.text(0); !strings.Contains(got, "10 requests are ahead of yours") {
		t.Errorf("reply = %q; want the number ahead", got)
	}

	h.queue.inside = 4 // 4 s: can wait, is told
	replied := make(chan struct{}, 10)
	out.onReply = func() { replied <- struct{}{} }
	done := make(chan Result, 1)
	go func() { done <- h.Handle(t.Context(), slash("help")) }()
	<-replied
	if got := out.text(1); !strings.Contains(got, "answering 4 requests ahead of yours") || out.replies[1].Replace {
		t.Errorf("reply = %q; want the queue, as a new message", got)
	}
	<-h.slots // the worker frees up
	if res := <-done; res.Outcome != outcomeOK {
		t.Fatalf("outcome = %s after waiting", res.Outcome)
	}
	if got := out.text(2); !strings.Contains(got, "Who was in that meeting?") || !out.replies[2].Replace {
		t.Errorf("answer = %q (replace %v); want the help, in place of the queue message", got, out.replies[2].Replace)
	}
}
