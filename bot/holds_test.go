package bot

import (
	"context"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/attendees-bot/attendees-bot/meeting"
)

// A command holds its share of the records budget from its first hold to
// its end: another command finds the budget taken (and, with its deadline
// passed, gives up rather than wait) until the first gives it back; a
// second hold in one command never waits; more than the budget takes all.
func TestRecordHoldIsOnePerCommand(t *testing.T) {
	l := NewLooker(&fakeSource{}, LookerConfig{AnalysisRecords: 100})
	done, cancel := context.WithCancel(t.Context())
	cancel()
	a, giveBackA := l.holdScope(t.Context())
	if err := hold(a, 250); err != nil {
		t.Fatalf("first hold of a command = %v", err)
	}
	if err := hold(a, 50); err != nil {
		t.Errorf("second hold of the same command = %v; want none: its share stands", err)
	}
	b, giveBackB := l.holdScope(done)
	defer giveBackB()
	if err := hold(b, 1); err == nil {
		t.Fatal("a second command took records while the first held them all")
	}
	giveBackA()
	giveBackA() // twice is harmless
	if err := hold(b, 100); err != nil {
		t.Errorf("hold after the first command ended = %v; want the free budget taken, even past the deadline", err)
	}
	if err := hold(t.Context(), 1e9); err != nil {
		t.Errorf("hold outside a command = %v; want nothing to do", err)
	}
}

// A series reads its newest runs while their records fit one command's
// budget (MEETING_MAX_RECORDS), whatever order their records come in:
// here the oldest come first and the newest last.
func TestSeriesReadsTheNewestRunsThatFit(t *testing.T) {
	runs := runsOf("9601234506", 4)
	var asked atomic.Int32
	allAsked := make(chan struct{})
	src := &fakeSource{
		byID: func(context.Context, string) ([]meeting.Conference, error) { return runs, nil },
		attendees: func(ctx context.Context, uuid, _ string) ([]meeting.Attendee, error) {
			if asked.Add(1) == int32(len(runs)) {
				close(allAsked)
			}
			if uuid == runs[0].ConfUUID {
				<-allAsked // the newest run's records come last
			}
			return people(2), nil
		},
		confDetail: func(context.Context, string) (*meeting.ConferenceDetail, error) { return nil, meeting.ErrForbidden },
	}
	h, out := newTestHandler(t, src, func(c *Config) { c.MeetingMaxRecords = 5 })
	res := h.Handle(t.Context(), slash("960 123 4506 last 4"))
	if res.Outcome != outcomeOK {
		t.Fatalf("outcome %q (%v)", res.Outcome, res.Err)
	}
	got := out.text(0)
	// 2 + 2 records fit 5; the third run's 2 would not, nor the fourth's.
	day := func(i int) string { return "|" + runs[i].Start.Format("2006-01-02") + `\u003e` } // in the blocks' JSON
	for _, want := range []string{"Couldn't read 2 runs (", day(2) + ", ", day(3) + "): counts are of 2 readable runs."} {
		if !strings.Contains(got, want) {
			t.Errorf("reply lacks %q:\n%s", want, got)
		}
	}
}
