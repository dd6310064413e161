package bot

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/attendees-bot/attendees-bot/bot/autopost"
	"github.com/attendees-bot/attendees-bot/bot/catalog"
	"github.com/attendees-bot/attendees-bot/formatting/attendance"
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
	if _, err := hold(a, 250); err != nil {
		t.Fatalf("first hold of a command = %v", err)
	}
	if _, err := hold(a, 50); err != nil {
		t.Errorf("second hold of the same command = %v; want none: its share stands", err)
	}
	b, giveBackB := l.holdScope(done)
	defer giveBackB()
	if _, err := hold(b, 1); err == nil {
		t.Fatal("a second command took records while the first held them all")
	}
	giveBackA()
	giveBackA() // twice is harmless
	if _, err := hold(b, 100); err != nil {
		t.Errorf("hold after the first command ended = %v; want the free budget taken, even past the deadline", err)
	}
	if _, err := hold(t.Context(), 1e9); err != nil {
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

// Through Handler.Go, with a budget of 10 records: a second 10-record
// command waits while the first one's reply is still going out, without
// analysing or answering (a series without even fetching its runs), and
// is answered once the first gives its share back.
func TestGoWaitsForTheRecordsBudget(t *testing.T) {
	runs := runsOf("9601234506", 2)
	tests := []struct {
		name, second string
	}{
		{"lookup", uuidB},
		{"series", "960 123 4506 last 2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var secondFetched atomic.Int32
			src := &fakeSource{
				attendees: func(_ context.Context, uuid, _ string) ([]meeting.Attendee, error) {
					if uuid != uuidA {
						secondFetched.Add(1)
					}
					return people(10), nil
				},
				byID: func(context.Context, string) ([]meeting.Conference, error) { return runs, nil },
			}
			h, out := newTestHandler(t, src, func(c *Config) { c.MeetingMaxRecords = 10 })
			firstOut, release := make(chan struct{}), make(chan struct{})
			secondOut, secondWaits := make(chan struct{}), make(chan struct{})
			var replies atomic.Int32
			out.onReply = func() {
				switch replies.Add(1) {
				case 1: // the first command's reply: it goes out when released
					close(firstOut)
					<-release
				case 2:
					close(secondOut)
				}
			}
			h.looker.waiting = func() { close(secondWaits) }
			// The test clock is not the deadlines' one: receipt is now.
			first := slash(uuidA)
			first.Received = time.Now()
			h.Go(t.Context(), first)
			<-firstOut
			second := slash(tt.second)
			second.UserID, second.Received = "U2", time.Now()
			h.Go(t.Context(), second)
			select {
			case <-secondWaits:
			case <-secondOut:
				t.Fatalf("the second command was answered while the first held the budget:\n%s", out.text(1))
			}
			if n := secondFetched.Load(); tt.name == "series" && n != 0 {
				t.Errorf("the series fetched %d runs' records before it had its share", n)
			}
			close(release)
			h.Drain(10*time.Second, func() { t.Error("Drain cancelled work that should finish") })
			if got := out.text(1); !strings.Contains(got, "Person 09") {
				t.Errorf("second command's reply after the first gave its share back:\n%s", got)
			}
		})
	}
}

// A command whose deadline passes while other commands hold the records
// budget says so, in the requester's language: the meeting service was
// not slow.
func TestBudgetWaitPastTheDeadlineSaysBusy(t *testing.T) {
	src := &fakeSource{attendees: func(context.Context, string, string) ([]meeting.Attendee, error) { return people(10), nil }}
	h, out := newTestHandler(t, src, func(c *Config) { c.MeetingMaxRecords = 10 })
	other, giveBack := h.looker.holdScope(t.Context())
	defer giveBack()
	if _, err := hold(other, 10); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithDeadline(t.Context(), time.Now().Add(-time.Second))
	defer cancel()
	ctx, giveBackMine := h.looker.holdScope(ctx)
	defer giveBackMine()
	res := h.Handle(ctx, slash(uuidA))
	if res.Outcome != outcomeBusy || !errors.Is(res.Err, errBusy) {
		t.Errorf("outcome = %q (%v); want %q", res.Outcome, res.Err, outcomeBusy)
	}
	if got, want := out.text(0), "Several large meetings are being looked up right now: please try again in a minute."; !strings.Contains(got, want) {
		t.Errorf("reply = %q; want %q", got, want)
	}
	for lang, want := range map[string]string{catalog.English: "Several large meetings", catalog.Chinese: "现在有几场大型会议正在查询中"} {
		if _, got, _ := explain(res.Err, catalog.For(lang), "/attendees"); !strings.HasPrefix(got, want) {
			t.Errorf("%s: sentence = %q; want %q…", lang, got, want)
		}
	}
}

// An automatic post has its share of the records budget as a command
// does: while another holds the budget, a post past its deadline gives
// up; its series note joins its share rather than wait for it; the share
// stands until its comparison with the invite list is done.
func TestAutopostHoldsItsShare(t *testing.T) {
	runs := runsOf("9601234506", 1)
	invites := make(chan struct{})
	var lists atomic.Int32
	src := &fakeSource{
		attendees: func(context.Context, string, string) ([]meeting.Attendee, error) { return people(10), nil },
		byID:      func(context.Context, string) ([]meeting.Conference, error) { return runs, nil },
		confDetail: func(ctx context.Context, uuid string) (*meeting.ConferenceDetail, error) {
			if lists.Add(1) > 1 {
				return nil, meeting.ErrForbidden // the series note's: at once
			}
			select { // the post's, late: its comparison is pending
			case <-invites:
				return &meeting.ConferenceDetail{Conference: runs[0]}, nil
			case <-ctx.Done():
				return nil, ctx.Err()
			}
		},
	}
	l := NewLooker(src, LookerConfig{AnalysisRecords: 10})
	r := NewAutopostReporter(l)
	past, cancel := context.WithDeadline(t.Context(), time.Now().Add(-time.Second))
	defer cancel()
	free := func() bool { // the whole budget can be had at once
		ctx, giveBack := l.holdScope(past)
		defer giveBack()
		_, err := hold(ctx, 10)
		return err == nil
	}

	other, giveBackOther := l.holdScope(t.Context())
	if _, err := hold(other, 10); err != nil {
		t.Fatal(err)
	}
	if _, err := r.Report(past, runs[0]); !errors.Is(err, errBusy) {
		t.Errorf("Report while another holds the budget = %v; want %v", err, errBusy)
	}
	if _, err := r.(autopost.SeriesReporter).Series(past, runs[0]); !errors.Is(err, errBusy) {
		t.Errorf("Series while another holds the budget = %v; want %v", err, errBusy)
	}
	giveBackOther()

	lists.Store(0) // the next invite list is the post's
	ans, err := r.Report(t.Context(), runs[0])
	if err != nil || ans.Pending == nil {
		t.Fatalf("Report = %v, pending %v; want a pending comparison", err, ans.Pending != nil)
	}
	if free() {
		t.Error("the budget was free while the post's comparison was pending")
	}
	note, stop := context.WithCancel(t.Context())
	defer stop()
	l.waiting = func() { stop(); t.Error("the post's series note waited for the post's own share") }
	if s, err := r.(autopost.SeriesReporter).Series(note, runs[0]); err != nil || s == nil {
		t.Errorf("the post's series note = %v, %v; want it within the post's share", s, err)
	}
	l.waiting = nil
	close(invites)
	if _, err := ans.Pending(t.Context()); err != nil {
		t.Fatal(err)
	}
	if !free() {
		t.Error("the budget was still held after the post's comparison")
	}
}

// A command's share stands, past its end, while the comparison with a
// late invite list still holds its records, and goes when that is done.
func TestShareGoesWithTheComparison(t *testing.T) {
	invites := make(chan struct{})
	src := &fakeSource{
		attendees: func(context.Context, string, string) ([]meeting.Attendee, error) { return people(10), nil },
		confDetail: func(ctx context.Context, uuid string) (*meeting.ConferenceDetail, error) {
			select { // late: the comparison follows the answer
			case <-invites:
				return &meeting.ConferenceDetail{Conference: meeting.Conference{ConfUUID: uuid}}, nil
			case <-ctx.Done():
				return nil, ctx.Err()
			}
		},
		info: func(_ context.Context, uuid string) (meeting.Conference, error) {
			return meeting.Conference{ConfUUID: uuid, Subject: "Sync", Start: t0, End: t0.Add(time.Hour)}, nil
		},
	}
	h, out := newTestHandler(t, src, func(c *Config) { c.MeetingMaxRecords = 10 })
	past, cancel := context.WithDeadline(t.Context(), time.Now().Add(-time.Second))
	defer cancel()
	free := func() bool {
		ctx, giveBack := h.looker.holdScope(past)
		defer giveBack()
		_, err := hold(ctx, 10)
		return err == nil
	}
	ctx, giveBack := h.looker.holdScope(t.Context())
	if res := h.Handle(ctx, slash(uuidA)); res.Outcome != outcomeOK {
		t.Fatalf("outcome %q (%v)", res.Outcome, res.Err)
	}
	giveBack() // the command's end, as Handler.Go does
	if free() {
		t.Error("the budget was free while the command's comparison was pending")
	}
	close(invites)
	h.Drain(10*time.Second, func() { t.Error("Drain cancelled the comparison") })
	if len(out.replies) < 2 {
		t.Errorf("replies = %d; want the answer and its compared edit", len(out.replies))
	}
	if !free() {
		t.Error("the budget was still held after the comparison was done")
	}
}

// An automatic post's series note reads within the post's share, not the
// whole budget: a 10-record post leaves its series' 50-record older run
// out. Once the post's share is given back, the note takes its own.
func TestAutopostSeriesWithinItsPostsShare(t *testing.T) {
	runs := runsOf("9601234506", 2)
	invites := make(chan struct{})
	var lists atomic.Int32
	src := &fakeSource{
		attendees: func(_ context.Context, uuid, _ string) ([]meeting.Attendee, error) {
			if uuid == runs[0].ConfUUID {
				return people(10), nil
			}
			return people(50), nil
		},
		byID: func(context.Context, string) ([]meeting.Conference, error) { return runs, nil },
		confDetail: func(ctx context.Context, uuid string) (*meeting.ConferenceDetail, error) {
			if lists.Add(1) > 1 {
				return nil, meeting.ErrForbidden // the series note's: at once
			}
			select { // the post's, late: its comparison is pending
			case <-invites:
				return &meeting.ConferenceDetail{Conference: runs[0]}, nil
			case <-ctx.Done():
				return nil, ctx.Err()
			}
		},
	}
	l := NewLooker(src, LookerConfig{AnalysisRecords: 100})
	r := NewAutopostReporter(l)
	series := r.(autopost.SeriesReporter).Series
	read := func(s *attendance.Series) []bool {
		var out []bool
		for _, run := range s.Runs {
			out = append(out, run.Report != nil)
		}
		return out
	}

	ans, err := r.Report(t.Context(), runs[0])
	if err != nil || ans.Pending == nil {
		t.Fatalf("Report = %v, pending %v; want a pending comparison", err, ans.Pending != nil)
	}
	s, err := series(t.Context(), runs[0])
	if err != nil || s == nil {
		t.Fatalf("the post's series note = %v, %v", s, err)
	}
	if got, want := read(s), []bool{true, false}; !slices.Equal(got, want) {
		t.Errorf("runs read within the post's 10-record share = %v; want %v", got, want)
	}
	close(invites)
	if _, err := ans.Pending(t.Context()); err != nil {
		t.Fatal(err)
	}

	// The post's share given back: the note takes its own, waiting for it.
	other, giveBackOther := l.holdScope(t.Context())
	if _, err := hold(other, 100); err != nil {
		t.Fatal(err)
	}
	past, cancel := context.WithDeadline(t.Context(), time.Now().Add(-time.Second))
	defer cancel()
	if _, err := series(past, runs[0]); !errors.Is(err, errBusy) {
		t.Errorf("series note after its post, another holding the budget = %v; want %v", err, errBusy)
	}
	giveBackOther()
	if s, err := series(t.Context(), runs[0]); err != nil || s == nil {
		t.Errorf("series note after its post = %v, %v", s, err)
	} else if got, want := read(s), []bool{true, true}; !slices.Equal(got, want) {
		t.Errorf("runs read with the note's own share = %v; want %v", got, want)
	}
}

// A command's share, once given back, cannot be taken again: nothing
// would give it back.
func TestHoldAfterTheCommandEnded(t *testing.T) {
	l := NewLooker(&fakeSource{}, LookerConfig{AnalysisRecords: 10})
	ctx, giveBack := l.holdScope(t.Context())
	if got, err := hold(ctx, 4); got != 4 || err != nil {
		t.Fatalf("hold(4) = %d, %v; want 4", got, err)
	}
	if got, err := hold(ctx, 10); got != 4 || err != nil {
		t.Errorf("second hold(10) = %d, %v; want the share held, 4", got, err)
	}
	giveBack()
	if _, err := hold(ctx, 4); !errors.Is(err, errHoldEnded) {
		t.Errorf("hold after the end = %v; want %v", err, errHoldEnded)
	}
	if got, err := hold(t.Context(), 7); got != 7 || err != nil {
		t.Errorf("hold outside a command = %d, %v; want 7 (no budget)", got, err)
	}
}
