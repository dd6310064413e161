package meeting_test

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/attendees-bot/attendees-bot/meeting"
	"github.com/attendees-bot/attendees-bot/meeting/meetingfake"
)

func TestHistory(t *testing.T) {
	now := time.Now()
	fake := startFake(t, meetingfake.Config{Conferences: meetingfake.Sample(now)})
	c := newClient(t, fake)
	week := meeting.HistoryQuery{Start: now.Add(-7 * 24 * time.Hour), End: now}
	tests := []struct {
		name string
		q    func(q meeting.HistoryQuery) meeting.HistoryQuery
		want int
	}{
		{"all newest first", func(q meeting.HistoryQuery) meeting.HistoryQuery { return q }, 6},
		{"ascending", func(q meeting.HistoryQuery) meeting.HistoryQuery { q.Ascending = true; return q }, 6},
		{"search subject", func(q meeting.HistoryQuery) meeting.HistoryQuery { q.SearchKey = "stand-up"; return q }, 2},
		{"search scheduler", func(q meeting.HistoryQuery) meeting.HistoryQuery { q.SearchKey = "王伟"; return q }, 1},
		{"max", func(q meeting.HistoryQuery) meeting.HistoryQuery { q.Max = 4; return q }, 4},
		{"window", func(q meeting.HistoryQuery) meeting.HistoryQuery {
			q.Start = now.UTC().Truncate(24 * time.Hour).Add(-24 * time.Hour)
			return q
		}, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q := tt.q(week)
			got, err := c.History(t.Context(), q)
			if err != nil || len(got) != tt.want {
				t.Fatalf("History = %d conferences, %v; want %d", len(got), err, tt.want)
			}
			for i := 1; i < len(got); i++ {
				if q.Ascending == got[i].Start.Before(got[i-1].Start) {
					t.Errorf("conference %d (%v) out of order after %v", i, got[i].Start, got[i-1].Start)
				}
			}
			for _, conf := range got {
				if conf.Start.IsZero() || conf.End.IsZero() || conf.ConfUUID == "" || conf.Start.Location() != time.UTC {
					t.Errorf("conference %+v lacks fields or UTC times", conf)
				}
			}
		})
	}
	for _, bad := range []meeting.HistoryQuery{{}, {Start: now, End: now.Add(-time.Hour)}, {Start: now, End: now, Max: -1}} {
		if _, err := c.History(t.Context(), bad); !errors.Is(err, meeting.ErrInvalidInput) {
			t.Errorf("History(%+v) = %v; want ErrInvalidInput", bad, err)
		}
	}
}

func TestHistoryPages(t *testing.T) {
	now := time.Now()
	var confs []meetingfake.Conference
	for i := range 1100 {
		confs = append(confs, meetingfake.Conference{Info: meeting.Conference{
			ConferenceID: fmt.Sprintf("97%08d", i), ConfUUID: fmt.Sprintf("%032x", i), Subject: "recurring",
			Start: now.Add(-time.Duration(i+1) * time.Hour).Truncate(time.Minute), End: now.Add(-time.Duration(i) * time.Hour).Truncate(time.Minute),
		}})
	}
	fake := startFake(t, meetingfake.Config{Conferences: confs})
	c := newClient(t, fake)
	got, err := c.History(t.Context(), meeting.HistoryQuery{Start: now.Add(-2000 * time.Hour), End: now, Max: 1000})
	if err != nil || len(got) != 1000 {
		t.Fatalf("History = %d, %v; want 1000", len(got), err)
	}
	if got[0].ConferenceID != "9700000000" || got[999].ConferenceID != "9700000999" {
		t.Errorf("first/last = %s/%s; want newest first", got[0].ConferenceID, got[999].ConferenceID)
	}
	if n := fake.Count(meetingfake.OpHistory); n != 2 {
		t.Errorf("%d history requests; want 2", n)
	}
}

func TestConferencesByMeetingID(t *testing.T) {
	now := time.Now()
	fake := startFake(t, meetingfake.Config{Conferences: meetingfake.Sample(now)})
	c := newClient(t, fake)

	got, err := c.ConferencesByMeetingID(t.Context(), " 960-123-4505 ")
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].ConfUUID != meetingfake.SampleStandupUUID || got[1].ConfUUID != meetingfake.SampleStandupUUIDOlder {
		t.Errorf("ConferencesByMeetingID = %+v; want both stand-up instances, newest first", got)
	}

	// A fragment matches every sample on the server side; only exact IDs count.
	for _, id := range []string{"1234501 0", "9601234599", "123450"} {
		if _, err := c.ConferencesByMeetingID(t.Context(), id); !errors.Is(err, meeting.ErrNotFound) {
			t.Errorf("ConferencesByMeetingID(%q) = %v; want ErrNotFound", id, err)
		}
	}
	before := len(fake.Arrivals())
	if _, err := c.ConferencesByMeetingID(t.Context(), "next tuesday"); !errors.Is(err, meeting.ErrInvalidInput) || !strings.Contains(err.Error(), "digits") {
		t.Errorf("ConferencesByMeetingID(text) = %v; want ErrInvalidInput", err)
	}
	if len(fake.Arrivals()) != before {
		t.Error("a request was made for an invalid meeting ID")
	}
}

func TestConferenceDetail(t *testing.T) {
	now := time.Now()
	fake := startFake(t, meetingfake.Config{Conferences: meetingfake.Sample(now)})
	c := newClient(t, fake)
	d, err := c.ConferenceDetail(t.Context(), meetingfake.SampleTownHallUUID)
	if err != nil {
		t.Fatal(err)
	}
	want := sampleConf(t, now, meetingfake.SampleTownHallUUID)
	if d.Conference.Subject != want.Info.Subject || d.Conference.ConferenceID != meetingfake.SampleTownHallID || len(d.Participants) != len(want.Invited) {
		t.Errorf("ConferenceDetail = %q with %d invitees; want %q with %d", d.Conference.Subject, len(d.Participants), want.Info.Subject, len(want.Invited))
	}
	if d.Participants[0].Role != 1 || d.Participants[0] != want.Invited[0] || d.Participants[len(want.Invited)-1] != want.Invited[len(want.Invited)-1] {
		t.Errorf("participants differ from the fake's")
	}
	if n := fake.Count(meetingfake.OpConfDetail); n != 3 {
		t.Errorf("%d confDetail requests for %d invitees; want 3", n, len(want.Invited))
	}
	// Cached: the same list again (shared, read-only), no request.
	again, err := c.ConferenceDetail(t.Context(), meetingfake.SampleTownHallUUID)
	if err != nil || &again.Participants[0] != &d.Participants[0] || fake.Count(meetingfake.OpConfDetail) != 3 {
		t.Errorf("second ConferenceDetail = %v, %d requests in all; want the cached list", err, fake.Count(meetingfake.OpConfDetail))
	}
	if _, err := c.ConferenceDetail(t.Context(), "ffffffffffffffffffffffffffffffff"); !errors.Is(err, meeting.ErrNotFound) {
		t.Errorf("ConferenceDetail(unknown) = %v; want ErrNotFound", err)
	}
	if _, err := c.ConferenceDetail(t.Context(), "nope"); !errors.Is(err, meeting.ErrInvalidInput) {
		t.Errorf("ConferenceDetail(nope) = %v; want ErrInvalidInput", err)
	}
}

func TestConcurrentConferenceDetailsShareOneFetch(t *testing.T) {
	fake := startFake(t, meetingfake.Config{Conferences: meetingfake.Sample(time.Now()), Latency: 10 * time.Millisecond})
	c := newClient(t, fake, meeting.WithCache(0, 0)) // coalescing works without the cache
	var wg sync.WaitGroup
	for range 100 {
		wg.Go(func() {
			if _, err := c.ConferenceDetail(t.Context(), meetingfake.SampleSyncUUID); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if n := fake.Count(meetingfake.OpConfDetail); n != 1 {
		t.Errorf("100 concurrent ConferenceDetail calls made %d requests; want 1", n)
	}
}

func TestMeetingIDLookupQuery(t *testing.T) {
	var got url.Values
	var mu sync.Mutex
	fake := startFake(t, meetingfake.Config{
		Conferences: meetingfake.Sample(time.Now()),
		OnRequest: func(op string, r *http.Request) {
			if op == meetingfake.OpHistory {
				mu.Lock()
				got = r.URL.Query()
				mu.Unlock()
			}
		},
	})
	c := newClient(t, fake, meeting.WithHistoryWindow(30*24*time.Hour))
	if _, err := c.ConferencesByMeetingID(t.Context(), "960 123 4501"); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	start, _ := strconv.ParseInt(got.Get("startDate"), 10, 64)
	end, _ := strconv.ParseInt(got.Get("endDate"), 10, 64)
	if got.Get("searchKey") != "9601234501" || got.Get("sortType") != "DSC_StartTIME" || got.Get("limit") != "500" ||
		got.Get("offset") != "0" || end-start != (30*24*time.Hour).Milliseconds() {
		t.Errorf("history query = %v; want searchKey 9601234501, DSC_StartTIME, limit 500, offset 0, a 30-day window in ms", got)
	}
}
