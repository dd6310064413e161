package meeting_test

import (
	"context"
	"errors"
	"net/http"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/attendees-bot/attendees-bot/meeting"
	"github.com/attendees-bot/attendees-bot/meeting/meetingfake"
)

func sampleConf(t testing.TB, now time.Time, uuid string) meetingfake.Conference {
	for _, c := range meetingfake.Sample(now) {
		if c.Info.ConfUUID == uuid {
			return c
		}
	}
	t.Fatalf("no sample conference %s", uuid)
	return meetingfake.Conference{}
}

func TestAttendees1234RecordsInThreePages(t *testing.T) {
	now := time.Now()
	var mu sync.Mutex
	var pages []string
	fake := startFake(t, meetingfake.Config{
		Conferences: meetingfake.Sample(now),
		OnRequest: func(op string, r *http.Request) {
			if op == meetingfake.OpAttendees {
				mu.Lock()
				pages = append(pages, r.URL.Query().Get("offset")+"/"+r.URL.Query().Get("limit"))
				mu.Unlock()
			}
		},
	})
	c := newClient(t, fake)
	got, err := c.Attendees(t.Context(), meetingfake.SampleTownHallUUID)
	if err != nil {
		t.Fatal(err)
	}
	want := sampleConf(t, now, meetingfake.SampleTownHallUUID).Records
	if len(got) != 1234 || !slices.Equal(got, want) {
		t.Fatalf("got %d records; want the fake's 1234 in server order", len(got))
	}
	slices.Sort(pages)
	if !slices.Equal(pages, []string{"0/500", "1000/500", "500/500"}) {
		t.Errorf("pages requested = %v; want offsets 0, 500, 1000 with limit 500", pages)
	}
}

// TestAttendees25kWithinLimits reads 50 pages from a fake that enforces the
// same concurrency and rate limits as the client: any excess would be a 429.
func TestAttendees25kWithinLimits(t *testing.T) {
	const rate, inFlight = 40, 3
	fake := startFake(t, meetingfake.Config{
		Conferences:   []meetingfake.Conference{bigConference(25000)},
		Latency:       5 * time.Millisecond,
		RatePerSecond: rate,
		Burst:         rate,
		MaxConcurrent: inFlight,
	})
	c := newClient(t, fake, meeting.WithRateLimit(rate), meeting.WithMaxInFlight(inFlight))
	got, err := c.Attendees(t.Context(), bigUUID)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got, manyRecords(25000)) {
		t.Fatalf("got %d records; want the 25000 in order", len(got))
	}
	if n := fake.Count(meetingfake.OpAttendees); n != 50 {
		t.Errorf("%d page requests; want 50", n)
	}
	if n := fake.Throttled(); n != 0 {
		t.Errorf("fake throttled %d requests; want 0", n)
	}
	if n := fake.MaxInFlight(); n > inFlight || n < 2 {
		t.Errorf("fake saw %d concurrent requests; want 2..%d", n, inFlight)
	}
	// Measured rate: within any window, at most burst + rate×window requests
	// (plus one for arrival jitter).
	arr := fake.Arrivals()
	for i := range arr {
		for j := i; j < len(arr); j++ {
			allowed := rate + rate*arr[j].Sub(arr[i]).Seconds() + 1
			if n := float64(j - i + 1); n > allowed {
				t.Fatalf("%v requests within %v; rate limit allows %.1f", n, arr[j].Sub(arr[i]), allowed)
			}
		}
	}
}

func TestAttendeesErrorsAndRetries(t *testing.T) {
	html := "<html><head><title>502 Bad Gateway</title></head><body><h1>Bad Gateway</h1></body></html>"
	tests := []struct {
		name      string
		fail      meetingfake.Failure
		times     int
		wantErr   error // nil: success
		wantCalls int   // attendee requests in all (3 pages on success)
		wantWait  time.Duration
	}{
		{"500 twice then success", meetingfake.Failure{Status: 500}, 2, nil, 5, 0},
		{"502 html page then success", meetingfake.Failure{Status: 502, Body: html}, 1, nil, 4, 0},
		{"429 with Retry-After", meetingfake.Failure{Status: 429, Code: "APIG.0308", RetryAfter: "7"}, 1, nil, 4, 7 * time.Second},
		{"500 always", meetingfake.Failure{Status: 500}, 4, meeting.ErrUnavailable, 4, 0},
		{"429 always", meetingfake.Failure{Status: 429}, 4, meeting.ErrRateLimited, 4, 0},
		{"403", meetingfake.Failure{Status: 403, Code: "MMC.111070001"}, 1, meeting.ErrForbidden, 1, 0},
		{"404", meetingfake.Failure{Status: 404}, 1, meeting.ErrNotFound, 1, 0},
		{"400 no permission", meetingfake.Failure{Status: 400, Code: "MMC.111072065"}, 1, meeting.ErrNotFound, 1, 0},
		{"400 html page", meetingfake.Failure{Status: 400, Body: html}, 1, &meeting.Error{}, 1, 0},
		{"10 MB error body", meetingfake.Failure{Status: 400, Body: strings.Repeat("x", 10<<20)}, 1, &meeting.Error{}, 1, 0},
		{"malformed json", meetingfake.Failure{Status: 200, Body: `{"count":1234,"data":[{"displayName":`, ContentType: "application/json"}, 1, meeting.ErrUnavailable, 1, 0},
		{"html 200", meetingfake.Failure{Status: 200, Body: html}, 1, meeting.ErrUnavailable, 1, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fake := startFake(t, meetingfake.Config{Conferences: meetingfake.Sample(time.Now())})
			c := newClientAuth(t, fake, meeting.WithStaticToken(testStatic))
			fake.FailNext(meetingfake.OpAttendees, tt.times, tt.fail)
			start := time.Now()
			got, err := c.Attendees(t.Context(), meetingfake.SampleTownHallUUID)
			if time.Since(start) > 5*time.Second {
				t.Errorf("took %v", time.Since(start))
			}
			switch want := tt.wantErr.(type) {
			case nil:
				if err != nil || len(got) != 1234 {
					t.Fatalf("Attendees = %d records, %v; want 1234", len(got), err)
				}
			case *meeting.Error:
				var apiErr *meeting.Error
				if !errors.As(err, &apiErr) || apiErr.HTTPStatus != tt.fail.Status {
					t.Fatalf("Attendees error = %v; want *meeting.Error %d", err, tt.fail.Status)
				}
				_ = want
			default:
				if !errors.Is(err, want) {
					t.Fatalf("Attendees error = %v; want %v", err, want)
				}
			}
			if err != nil {
				if msg := err.Error(); len(msg) > 600 || !strings.Contains(msg, "request id") || strings.Contains(msg, "<html") {
					t.Errorf("error text %q: want short, with the request id, without the body", msg)
				}
			}
			if n := fake.Count(meetingfake.OpAttendees); n != tt.wantCalls {
				t.Errorf("%d attendee requests; want %d", n, tt.wantCalls)
			}
			waits := c.sleeps.list()
			if tt.wantErr == nil && len(waits) != tt.times {
				t.Errorf("waits %v; want one per retry (%d)", waits, tt.times)
			}
			if tt.wantWait > 0 && (len(waits) == 0 || waits[0] < tt.wantWait) {
				t.Errorf("waits %v; want the first ≥ %v (Retry-After)", waits, tt.wantWait)
			}
		})
	}
}

func TestAttendeesUnknownConference(t *testing.T) {
	fake := startFake(t, meetingfake.Config{Conferences: meetingfake.Sample(time.Now())})
	c := newClient(t, fake)
	_, err := c.Attendees(t.Context(), "ffffffffffffffffffffffffffffffff")
	var apiErr *meeting.Error
	if !errors.Is(err, meeting.ErrNotFound) || !errors.As(err, &apiErr) || apiErr.HTTPStatus != 400 || apiErr.Code != "MMC.111070005" {
		t.Errorf("Attendees(unknown) = %v; want ErrNotFound from 400 MMC.111070005", err)
	}
}

func TestAttendeesInvalidInputMakesNoRequest(t *testing.T) {
	fake := startFake(t, meetingfake.Config{})
	c := newClient(t, fake)
	for _, id := range []string{"", "123", "9a0fa6d10a5b11eaae5e191763c22c0g", "9601234501"} {
		_, err := c.Attendees(t.Context(), id)
		if !errors.Is(err, meeting.ErrInvalidInput) || !strings.Contains(err.Error(), "32 hexadecimal characters") {
			t.Errorf("Attendees(%q) = %v; want ErrInvalidInput", id, err)
		}
	}
	if len(fake.Arrivals()) != 0 {
		t.Errorf("%d requests made for invalid input", len(fake.Arrivals()))
	}
}

func TestTooManyRecordsStopsAfterFirstPage(t *testing.T) {
	fake := startFake(t, meetingfake.Config{Conferences: meetingfake.Sample(time.Now())})
	c := newClient(t, fake, meeting.WithMaxRecords(1000))
	_, err := c.Attendees(t.Context(), meetingfake.SampleTownHallUUID)
	if !errors.Is(err, meeting.ErrTooManyRecords) || !strings.Contains(err.Error(), "1234") {
		t.Errorf("Attendees = %v; want ErrTooManyRecords naming the count", err)
	}
	if n := fake.Count(meetingfake.OpAttendees); n != 1 {
		t.Errorf("%d page requests; want 1", n)
	}
}

func TestRecordsChangingWhilePaging(t *testing.T) {
	grown := manyRecords(1300)
	for _, always := range []bool{false, true} {
		var fake atomic.Pointer[meetingfake.Server]
		var changes atomic.Int32
		f := startFake(t, meetingfake.Config{
			Conferences: []meetingfake.Conference{bigConference(1234)},
			OnRequest: func(op string, r *http.Request) {
				if op != meetingfake.OpAttendees || r.URL.Query().Get("offset") != "500" {
					return
				}
				// The meeting grows while the list is read: once, or on every read.
				if n := changes.Add(1); n == 1 || always {
					fake.Load().SetRecords(bigUUID, grown[:1234+int(n)*10])
				}
			},
		})
		fake.Store(f)
		c := newClient(t, f)
		got, err := c.Attendees(t.Context(), bigUUID)
		if always {
			if !errors.Is(err, meeting.ErrInconsistent) || !errors.Is(err, meeting.ErrUnavailable) {
				t.Errorf("Attendees of an ever-changing list = %d records, %v; want ErrInconsistent", len(got), err)
			}
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(got, grown[:1244]) {
			t.Errorf("got %d records; want the 1244 of the second, consistent read", len(got))
		}
	}
}

func TestCacheAndCoalescing(t *testing.T) {
	clock := newTestClock()
	fake := startFake(t, meetingfake.Config{Conferences: meetingfake.Sample(clock.Now()), Latency: 10 * time.Millisecond, Clock: clock.Now})
	var hits, misses atomic.Int32
	// Room for the town hall and the sync's records, not for a third list.
	var budget int
	for _, conf := range meetingfake.Sample(clock.Now()) {
		if conf.Info.ConfUUID == meetingfake.SampleTownHallUUID || conf.Info.ConfUUID == meetingfake.SampleSyncUUID {
			budget += len(conf.Records)
		}
	}
	c := newClient(t, fake, meeting.WithClock(clock.Now), meeting.WithCache(budget, 10*time.Minute), meeting.WithCacheHook(func(hit bool) {
		if hit {
			hits.Add(1)
		} else {
			misses.Add(1)
		}
	}))
	var wg sync.WaitGroup
	results := make([][]meeting.Attendee, 100)
	for i := range results {
		wg.Go(func() {
			recs, err := c.Attendees(t.Context(), meetingfake.SampleTownHallUUID)
			if err != nil {
				t.Error(err)
			}
			results[i] = recs
		})
	}
	wg.Wait()
	if n := fake.Count(meetingfake.OpAttendees); n != 3 {
		t.Errorf("100 concurrent lookups made %d page requests; want 3 (one fetch)", n)
	}
	if hits.Load() != 99 || misses.Load() != 1 {
		t.Errorf("cache hook: %d hits, %d misses; want 99, 1", hits.Load(), misses.Load())
	}
	// Every caller reads the one list the cache holds: no copy each (see
	// Attendees), and no fetch again.
	again, _ := c.Attendees(t.Context(), meetingfake.SampleTownHallUUID)
	if &again[0] != &results[0][0] || &results[1][0] != &results[0][0] || fake.Count(meetingfake.OpAttendees) != 3 {
		t.Error("the cache handed out copies or refetched")
	}
	// searchKey is part of the key.
	some, err := c.SearchAttendees(t.Context(), meetingfake.SampleTownHallUUID, "Employee 0001")
	if err != nil || len(some) == 0 || len(some) >= 1234 {
		t.Errorf("SearchAttendees = %d records, %v; want a filtered list", len(some), err)
	}
	// Size bound, in records: the sync's do not fit beside the town hall's
	// and the search's, so the least recently used, the town hall, goes.
	if _, err := c.Attendees(t.Context(), meetingfake.SampleSyncUUID); err != nil {
		t.Fatal(err)
	}
	if n, w := meeting.CacheLen(c.Client), meeting.CacheWeight(c.Client); n != 2 || w > budget {
		t.Errorf("cache holds %d entries of %d records; want 2 within %d", n, w, budget)
	}
	// TTL: after 10 minutes the records are fetched again.
	before := fake.Count(meetingfake.OpAttendees)
	c.Attendees(t.Context(), meetingfake.SampleSyncUUID)
	clock.Advance(10*time.Minute + time.Second)
	c.Attendees(t.Context(), meetingfake.SampleSyncUUID)
	if n := fake.Count(meetingfake.OpAttendees) - before; n != 1 {
		t.Errorf("%d fetches around the TTL; want 1", n)
	}
}

func TestSearchAttendees(t *testing.T) {
	fake := startFake(t, meetingfake.Config{Conferences: meetingfake.Sample(time.Now())})
	c := newClient(t, fake)
	got, err := c.SearchAttendees(t.Context(), meetingfake.SampleSyncUUID, "carol")
	if err != nil || len(got) != 2 || got[0].DisplayName != "Carol Wu" {
		t.Errorf("SearchAttendees(carol) = %v, %v; want Carol's 2 records", got, err)
	}
}

// TestCancelMidFetchLeavesNoGoroutine cancels while pages are in flight (the
// fake holds them) and checks that no goroutine of the client survives.
func TestCancelMidFetchLeavesNoGoroutine(t *testing.T) {
	arrived := make(chan struct{}, 64)
	fake := startFake(t, meetingfake.Config{
		Conferences: []meetingfake.Conference{bigConference(5000)},
		OnRequest: func(op string, r *http.Request) {
			if op == meetingfake.OpAttendees && r.URL.Query().Get("offset") != "0" {
				arrived <- struct{}{}
				<-r.Context().Done() // hold the page until the client gives up
			}
		},
	})
	c := newClient(t, fake)
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() {
		_, err := c.Attendees(ctx, bigUUID)
		done <- err
	}()
	<-arrived
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Fatalf("Attendees after cancel = %v; want context.Canceled", err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		leaked := clientGoroutines()
		if leaked == "" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("client goroutines still running after cancel:\n%s", leaked)
		}
		runtime.Gosched()
	}
}

// clientGoroutines returns the stacks of goroutines running code of package
// meeting (not its tests, not the fake).
func clientGoroutines() string {
	buf := make([]byte, 1<<20)
	buf = buf[:runtime.Stack(buf, true)]
	var out strings.Builder
	for g := range strings.SplitSeq(string(buf), "\n\n") {
		var frames strings.Builder
		for line := range strings.SplitSeq(g, "\n") {
			if !strings.HasPrefix(line, "created by") {
				frames.WriteString(line + "\n")
			}
		}
		if strings.Contains(frames.String(), "attendees-bot/meeting.") {
			out.WriteString(g + "\n\n")
		}
	}
	return out.String()
}

func TestShortPages(t *testing.T) {
	short := meetingfake.Failure{Status: 200, ContentType: "application/json",
		Body: `{"offset":0,"limit":500,"count":1234,"data":[]}`}
	for _, times := range []int{1, 2} {
		fake := startFake(t, meetingfake.Config{Conferences: meetingfake.Sample(time.Now())})
		c := newClient(t, fake)
		fake.FailNext(meetingfake.OpAttendees, times, short)
		got, err := c.Attendees(t.Context(), meetingfake.SampleTownHallUUID)
		switch times {
		case 1: // read again from the start, once
			if err != nil || len(got) != 1234 || fake.Count(meetingfake.OpAttendees) != 4 {
				t.Errorf("after one short page: %d records, %v, %d requests; want 1234, nil, 4", len(got), err, fake.Count(meetingfake.OpAttendees))
			}
		case 2: // never loops: the second contradiction is an error
			if !errors.Is(err, meeting.ErrInconsistent) || fake.Count(meetingfake.OpAttendees) != 2 {
				t.Errorf("after two short pages: %v, %d requests; want ErrInconsistent after 2", err, fake.Count(meetingfake.OpAttendees))
			}
		}
	}
}

// The cached lists are shared: what one caller appends to its records or
// invite list is its own, never written where another caller's append (or
// the cache) would see it.
func TestCachedListsTakeNoAppends(t *testing.T) {
	conf := bigConference(3)
	conf.Invited = []meeting.Participant{{ParticipantID: "1", Name: "Invitee"}}
	fake := startFake(t, meetingfake.Config{Conferences: []meetingfake.Conference{conf}})
	c := newClient(t, fake, meeting.WithCache(100000, 10*time.Minute))
	if _, err := c.Attendees(t.Context(), bigUUID); err != nil {
		t.Fatal(err)
	}
	if _, err := c.ConferenceDetail(t.Context(), bigUUID); err != nil {
		t.Fatal(err)
	}
	meeting.SpareCachedRoom(c.Client, bigUUID)
	t.Run("records", func(t *testing.T) {
		checkAppends(t, func() ([]meeting.Attendee, error) {
			return c.Attendees(t.Context(), bigUUID)
		}, meeting.Attendee{DisplayName: "mine"}, meeting.Attendee{DisplayName: "theirs"})
	})
	t.Run("invite list", func(t *testing.T) {
		checkAppends(t, func() ([]meeting.Participant, error) {
			d, err := c.ConferenceDetail(t.Context(), bigUUID)
			if err != nil {
				return nil, err
			}
			return d.Participants, nil
		}, meeting.Participant{Name: "mine"}, meeting.Participant{Name: "theirs"})
	})
}

// checkAppends reads a list twice, appending mine to the first and theirs
// to the second: the first must still end in mine.
func checkAppends[T comparable](t *testing.T, get func() ([]T, error), mine, theirs T) {
	t.Helper()
	first, err := get()
	if err != nil {
		t.Fatal(err)
	}
	n := len(first)
	first = append(first, mine)
	second, err := get()
	if err != nil {
		t.Fatal(err)
	}
	if len(second) != n {
		t.Fatalf("second read has %d entries; want the cached %d", len(second), n)
	}
	_ = append(second, theirs)
	if first[n] != mine {
		t.Errorf("another caller's append wrote over this one's: %v", first[n])
	}
}
