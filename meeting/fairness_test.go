package meeting_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"golang.org/x/time/rate"

	"github.com/attendees-bot/attendees-bot/meeting"
	"github.com/attendees-bot/attendees-bot/meeting/meetingfake"
)

// manyInvited makes n distinct invitees.
func manyInvited(n int) []meeting.Participant {
	out := make([]meeting.Participant, n)
	for i := range out {
		out[i] = meeting.Participant{ParticipantID: fmt.Sprintf("+1666%07d", i), Name: fmt.Sprintf("Invitee %05d", i)}
	}
	return out
}

// TestRecordsBeforeInviteList reads a 25,000-record meeting and its
// 20,000-person invite list at once through a rate-limited server. Past the
// invite list's first page, no invite page may start before the last record
// page has: records never wait behind the invite list.
func TestRecordsBeforeInviteList(t *testing.T) {
	conf := bigConference(25000)
	conf.Invited = manyInvited(20000)
	type arrival struct {
		op     string
		offset int
	}
	var mu sync.Mutex
	var arrivals []arrival
	fake := startFake(t, meetingfake.Config{
		Conferences: []meetingfake.Conference{conf}, Latency: 5 * time.Millisecond,
		RatePerSecond: 200, Burst: 20,
		OnRequest: func(op string, r *http.Request) {
			off, _ := strconv.Atoi(r.URL.Query().Get("offset"))
			mu.Lock()
			arrivals = append(arrivals, arrival{op, off})
			mu.Unlock()
		},
	})
	const inFlight = 8
	c := newClient(t, fake, meeting.WithLimiter(rate.NewLimiter(200, 20)), meeting.WithMaxInFlight(inFlight))
	var detail *meeting.ConferenceDetail
	var detailErr error
	done := make(chan struct{})
	go func() {
		defer close(done)
		detail, detailErr = c.ConferenceDetail(t.Context(), bigUUID)
	}()
	recs, err := c.Attendees(t.Context(), bigUUID)
	if err != nil || len(recs) != 25000 {
		t.Fatalf("Attendees = %d records, %v", len(recs), err)
	}
	<-done
	if detailErr != nil || len(detail.Participants) != 20000 {
		t.Fatalf("ConferenceDetail = %v; want 20000 invitees", detailErr)
	}
	if n := fake.Throttled(); n != 0 {
		t.Errorf("server throttled %d requests; want 0", n)
	}
	// When the first invite page past the first is granted, every record
	// page has been; only those already on their way (one per slot at most)
	// may reach the server after it.
	mu.Lock()
	defer mu.Unlock()
	first := slices.IndexFunc(arrivals, func(a arrival) bool { return a.op == meetingfake.OpConfDetail && a.offset > 0 })
	late := 0
	for _, a := range arrivals[first:] {
		if a.op == meetingfake.OpAttendees {
			late++
		}
	}
	if late > inFlight {
		t.Errorf("%d record pages arrived after the first invite page past the first; want at most %d (those in flight)", late, inFlight)
	}
}

// TestHangingMeetingsDoNotBlockOthers: two meetings whose every request
// hangs hold requests in flight, yet a third meeting's lookup is answered
// while they still hang. Hung requests give their slots back after the
// lease and are abandoned after the request timeout.
func TestHangingMeetingsDoNotBlockOthers(t *testing.T) {
	now := time.Now()
	confs := meetingfake.Sample(now)
	hang := map[string]bool{meetingfake.SampleTownHallUUID: true, meetingfake.SampleChineseUUID: true}
	release := make(chan struct{})
	var once sync.Once
	stop := func() { once.Do(func() { close(release) }) }
	t.Cleanup(stop)
	arrived := make(chan string, 100)
	fake := startFake(t, meetingfake.Config{Conferences: confs, OnRequest: func(op string, r *http.Request) {
		if id := r.URL.Query().Get("confUUID"); hang[id] {
			arrived <- id
			select {
			case <-release:
			case <-r.Context().Done():
			}
		}
	}})
	c := newClient(t, fake, meeting.WithMaxInFlight(4))
	meeting.SetSlotLease(c.Client, 20*time.Millisecond)
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	var wg sync.WaitGroup
	for id := range hang {
		for _, f := range []func(context.Context, string) error{
			func(ctx context.Context, id string) error { _, err := c.Attendees(ctx, id); return err },
			func(ctx context.Context, id string) error { _, err := c.ConferenceDetail(ctx, id); return err },
		} {
			wg.Go(func() { _ = f(ctx, id) })
		}
	}
	for range 4 { // all four slots are taken by hung requests
		<-arrived
	}
	// Without the lease the healthy lookup would wait for the hung requests'
	// own timeouts (10 s here); it must not need anywhere near that.
	hctx, hcancel := context.WithTimeout(t.Context(), 5*time.Second)
	defer hcancel()
	got, err := c.Attendees(hctx, meetingfake.SampleSyncUUID)
	if err != nil || len(got) != 11 {
		t.Errorf("healthy lookup while two meetings hang = %d records, %v; want 11", len(got), err)
	}
	cancel()
	stop()
	wg.Wait()
}

// TestRequestTimeoutAbandonsAttempt: an attempt that takes longer than the
// request timeout is retried, and the call ends with ErrUnavailable, long
// before the caller's deadline.
func TestRequestTimeoutAbandonsAttempt(t *testing.T) {
	fake := startFake(t, meetingfake.Config{Conferences: meetingfake.Sample(time.Now()), Latency: time.Minute})
	c := newClientAuth(t, fake, meeting.WithStaticToken(testStatic), meeting.WithRequestTimeout(20*time.Millisecond))
	_, err := c.Attendees(t.Context(), meetingfake.SampleSyncUUID)
	if !errors.Is(err, meeting.ErrUnavailable) || fake.Count(meetingfake.OpAttendees) != 4 {
		t.Errorf("Attendees = %v after %d attempts; want ErrUnavailable after 4", err, fake.Count(meetingfake.OpAttendees))
	}
}

// TestConferenceInfo: one small request gives the conference without its
// invite list, and none once the invite list was read.
func TestConferenceInfo(t *testing.T) {
	now := time.Now()
	var limits []string
	var mu sync.Mutex
	fake := startFake(t, meetingfake.Config{Conferences: meetingfake.Sample(now), OnRequest: func(op string, r *http.Request) {
		if op == meetingfake.OpConfDetail {
			mu.Lock()
			limits = append(limits, r.URL.Query().Get("limit"))
			mu.Unlock()
		}
	}})
	c := newClient(t, fake)
	conf, err := c.ConferenceInfo(t.Context(), meetingfake.SampleTownHallUUID)
	if err != nil || conf.Subject != "Company town hall Q4" || conf.ConferenceID != meetingfake.SampleTownHallID {
		t.Fatalf("ConferenceInfo = %+v, %v", conf, err)
	}
	if _, err := c.ConferenceDetail(t.Context(), meetingfake.SampleSyncUUID); err != nil {
		t.Fatal(err)
	}
	if conf, err := c.ConferenceInfo(t.Context(), meetingfake.SampleSyncUUID); err != nil || conf.Subject != "Weekly product sync" {
		t.Fatalf("ConferenceInfo after ConferenceDetail = %+v, %v", conf, err)
	}
	mu.Lock()
	defer mu.Unlock()
	if !slices.Equal(limits, []string{"1", "500"}) {
		t.Errorf("confDetail requests with limits %v; want one of 1, then the invite list's one page of 500", limits)
	}
}

// TestConferenceInfoJoinsTheInviteListsFirstPage: while an invite list's
// first page is on its way (held here), ConferenceInfo of the same
// conference waits for it and asks nothing itself: one confDetail request
// for both, as a lookup whose answer goes before its invite list needs.
func TestConferenceInfoJoinsTheInviteListsFirstPage(t *testing.T) {
	open := make(chan struct{})
	firstPage, small := make(chan struct{}, 1), make(chan struct{}, 1)
	fake := startFake(t, meetingfake.Config{Conferences: meetingfake.Sample(time.Now()), OnRequest: func(op string, r *http.Request) {
		if op != meetingfake.OpConfDetail {
			return
		}
		if r.URL.Query().Get("limit") == "1" {
			small <- struct{}{}
			return
		}
		firstPage <- struct{}{}
		select {
		case <-open:
		case <-r.Context().Done():
		}
	}})
	c := newClient(t, fake)
	waiting := make(chan struct{}, 1)
	meeting.SetInfoWaitHook(c.Client, func() { waiting <- struct{}{} })
	ctx := t.Context()

	detail := make(chan error, 1)
	go func() {
		_, err := c.ConferenceDetail(ctx, meetingfake.SampleSyncUUID)
		detail <- err
	}()
	<-firstPage
	type result struct {
		conf meeting.Conference
		err  error
	}
	info := make(chan result, 1)
	go func() {
		conf, err := c.ConferenceInfo(ctx, meetingfake.SampleSyncUUID)
		info <- result{conf, err}
	}()
	select {
	case <-waiting:
	case <-small:
		t.Error("ConferenceInfo asked for the conference again while the invite list's first page was on its way")
	case r := <-info:
		t.Errorf("ConferenceInfo = %+v, %v before the invite list's first page came", r.conf, r.err)
	}
	close(open)
	if err := <-detail; err != nil {
		t.Fatal(err)
	}
	select {
	case r := <-info:
		if r.err != nil || r.conf.Subject != "Weekly product sync" {
			t.Errorf("ConferenceInfo = %+v, %v; want the sync's subject from the first page", r.conf, r.err)
		}
	case <-ctx.Done():
		t.Fatal("ConferenceInfo never returned")
	}
	if n := fake.Count(meetingfake.OpConfDetail); n != 1 {
		t.Errorf("confDetail requests = %d; want 1 for the invite list and the conference together", n)
	}
}
