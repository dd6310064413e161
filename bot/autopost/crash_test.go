package autopost

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/attendees-bot/attendees-bot/bot/store"
	"github.com/attendees-bot/attendees-bot/bot/store/storetest"
	"github.com/attendees-bot/attendees-bot/formatting"
)

// TestClaimAfterACrash: a replica claimed a post and died at some point of
// delivering it; once its claim expires the next owner delivers it exactly
// once, finding the message its predecessor got into the channel by the
// marker in its metadata rather than posting it again.
func TestClaimAfterACrash(t *testing.T) {
	tests := []struct {
		name       string
		marked     bool  // the dead owner marked the post as sending
		posted     bool  // ... and Slack accepted its message
		historyErr error // what the history answers first
		wantPosts  int
		wantLookup int
		wantOut    string
	}{
		{"died after Slack accepted", true, true, nil, 1, 1, OutcomeFound},
		{"died before Slack saw it", true, false, nil, 1, 1, OutcomePosted},
		{"died before sending", false, false, nil, 1, 0, OutcomePosted},
		{"history unreadable: post again rather than never", true, true, fmt.Errorf("%w: missing_scope", ErrPermanent), 2, 1, OutcomePosted},
		{"history down: try again later", true, true, errHistoryDown, 1, 2, OutcomeFound},
	}
	for _, tt := range tests {
		eachBackend(t, func(t *testing.T, url string) {
			t.Run(tt.name, func(t *testing.T) {
				e := newEnv(t, url, Config{})
				e.reporter.set(uuid1, "Alice")
				enqueueNow(t, e, uuid1, "C")
				ctx := t.Context()
				ps, err := e.store.Claim(ctx, "dead", e.clock.Now(), 10*time.Minute, 1)
				if err != nil || len(ps) != 1 {
					t.Fatalf("Claim = %v, %v", ps, err)
				}
				if tt.marked {
					if err := e.store.MarkSending(ctx, ps[0].ID, "dead", e.clock.Now()); err != nil {
						t.Fatal(err)
					}
				}
				var deadTS string
				if tt.posted {
					if deadTS, err = e.poster.Post(ctx, "C", formatting.Message{Text: "Sync"}, uuid1); err != nil {
						t.Fatal(err)
					}
				}
				// The process is gone; its claim runs out.
				e.clock.Advance(11 * time.Minute)
				e.poster.historyErr = tt.historyErr
				e.work(t)
				if errors.Is(tt.historyErr, errHistoryDown) {
					if e.outcomes.get(OutcomeRetry) != 1 || len(e.poster.Posts()) != 1 {
						t.Fatalf("history down: outcomes %v, posts %d; want a retry and no post", e.outcomes.n, len(e.poster.Posts()))
					}
					e.poster.historyErr = nil
					e.clock.Advance(Backoff(0))
					e.work(t)
				}
				if got := len(e.poster.Posts()); got != tt.wantPosts {
					t.Errorf("posts = %d; want %d", got, tt.wantPosts)
				}
				if e.poster.lookups != tt.wantLookup {
					t.Errorf("history lookups = %d; want %d", e.poster.lookups, tt.wantLookup)
				}
				if e.outcomes.get(tt.wantOut) != 1 {
					t.Errorf("outcomes = %v; want one %s", e.outcomes.n, tt.wantOut)
				}
				p, _, err := e.store.Get(ctx, uuid1, "C")
				if err != nil || p.State != store.StatePosted {
					t.Fatalf("post = %+v, %v; want posted", p, err)
				}
				if tt.wantOut == OutcomeFound && p.PostedTS != deadTS {
					t.Errorf("recorded ts %s; want the message the dead owner posted, %s", p.PostedTS, deadTS)
				}
				for _, sp := range e.poster.Posts() {
					if sp.Key != uuid1 {
						t.Errorf("post without its marker: %+v", sp)
					}
				}
			})
		})
	}
}

var errHistoryDown = errors.New("slack: service_unavailable")

// TestMarkSendingKeepsTheFirstTime: a retried post looks in the history
// from its first attempt, when a message may first have appeared.
func TestMarkSendingKeepsTheFirstTime(t *testing.T) {
	e := newEnv(t, storetest.SQLiteURL(t), Config{})
	e.reporter.set(uuid1, "Alice")
	e.poster.fail = 1
	enqueueNow(t, e, uuid1, "C")
	first := e.clock.Now()
	e.work(t) // Slack fails: retried later
	e.clock.Advance(Backoff(0))
	ps, err := e.store.Claim(context.Background(), "x", e.clock.Now(), time.Minute, 1)
	if err != nil || len(ps) != 1 {
		t.Fatalf("Claim = %v, %v", ps, err)
	}
	if !ps[0].SendingSince.Equal(first.Truncate(time.Millisecond)) {
		t.Errorf("SendingSince = %v; want the first attempt %v", ps[0].SendingSince, first)
	}
	if err := e.store.MarkSending(context.Background(), ps[0].ID, "someone-else", e.clock.Now()); !errors.Is(err, store.ErrLeaseLost) {
		t.Errorf("MarkSending without the claim = %v; want ErrLeaseLost", err)
	}
}
