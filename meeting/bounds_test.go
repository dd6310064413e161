package meeting_test

import (
	"encoding/json"
	"errors"
	"runtime"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/attendees-bot/attendees-bot/meeting"
	"github.com/attendees-bot/attendees-bot/meeting/meetingfake"
)

// pageOf is a confAttendeeRecord answer with the given records.
func pageOf(t *testing.T, count int, recs []map[string]any) string {
	t.Helper()
	b, err := json.Marshal(map[string]any{"offset": 0, "limit": 500, "count": count, "data": recs})
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// allocatedDuring reports how many bytes f allocated (the whole process:
// the in-process fake's serving too).
func allocatedDuring(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// TestPageOver4MiBIsRefusedCheaply: the page of 60 records with
// 1 MiB names (60 MiB) ends with ErrTooLarge after reading at most
// MaxPageBytes of it, not with the process holding a gigabyte.
func TestPageOver4MiBIsRefusedCheaply(t *testing.T) {
	name := strings.Repeat("n", 1<<20)
	recs := make([]map[string]any, 60)
	for i := range recs {
		recs[i] = map[string]any{"displayName": name, "joinTime": 1}
	}
	body := pageOf(t, 60, recs)
	fake := startFake(t, meetingfake.Config{Conferences: meetingfake.Sample(time.Now())})
	c := newClient(t, fake)
	fake.FailNext(meetingfake.OpAttendees, 1, meetingfake.Failure{Status: 200, Body: body, ContentType: "application/json"})
	var err error
	alloc := allocatedDuring(func() { _, err = c.Attendees(t.Context(), meetingfake.SampleSyncUUID) })
	if !errors.Is(err, meeting.ErrTooLarge) {
		t.Fatalf("Attendees of a 60 MiB page = %v; want ErrTooLarge", err)
	}
	if got := fake.Count(meetingfake.OpAttendees); got != 1 {
		t.Errorf("%d requests; want 1 (too large is not retried)", got)
	}
	// TotalAlloc counts every buffer the read grew through, not the peak.
	if alloc > 8*meeting.MaxPageBytes {
		t.Errorf("refusing a 60 MiB page allocated %d MiB; want at most %d", alloc>>20, 8*meeting.MaxPageBytes>>20)
	}
}

// TestLongFieldsAreCut: names of 100 KiB arrive cut to MaxFieldBytes (valid
// UTF-8, marked with an ellipsis); the records themselves are all kept.
func TestLongFieldsAreCut(t *testing.T) {
	long := strings.Repeat("名", 100<<10/3)
	recs := make([]map[string]any, 20)
	for i := range recs {
		recs[i] = map[string]any{"displayName": long, "deptName": "Eng\\" + long, "callNumber": "+1555", "joinTime": 1000 + i}
	}
	fake := startFake(t, meetingfake.Config{Conferences: meetingfake.Sample(time.Now())})
	c := newClient(t, fake)
	fake.FailNext(meetingfake.OpAttendees, 1, meetingfake.Failure{Status: 200, Body: pageOf(t, 20, recs), ContentType: "application/json"})
	got, err := c.Attendees(t.Context(), meetingfake.SampleSyncUUID)
	if err != nil || len(got) != 20 {
		t.Fatalf("Attendees = %d records, %v; want 20", len(got), err)
	}
	for _, a := range got {
		for _, f := range []string{a.DisplayName, a.DeptName} {
			if len(f) > meeting.MaxFieldBytes+len("…") || !utf8.ValidString(f) || !strings.HasSuffix(f, "…") {
				t.Fatalf("field of %d bytes (valid UTF-8 %v); want at most %d, cut with …", len(f), utf8.ValidString(f), meeting.MaxFieldBytes)
			}
		}
		if a.CallNumber != "+1555" {
			t.Errorf("short field changed to %q", a.CallNumber)
		}
	}
}

// TestMillionEmptyRecordsPage: a page of a million empty objects (3 MB,
// under the page bound) is not decoded into a million records: the page is
// over its 500 and the list is refused as inconsistent.
func TestMillionEmptyRecordsPage(t *testing.T) {
	for _, n := range []int{600, 1_000_000} { // decoded at once, and element by element
		body := `{"offset":0,"limit":500,"count":600,"data":[` + strings.Repeat("{},", n-1) + `{}]}`
		fake := startFake(t, meetingfake.Config{Conferences: meetingfake.Sample(time.Now())})
		c := newClient(t, fake)
		fake.FailNext(meetingfake.OpAttendees, 2, meetingfake.Failure{Status: 200, Body: body, ContentType: "application/json"})
		var err error
		alloc := allocatedDuring(func() { _, err = c.Attendees(t.Context(), meetingfake.SampleSyncUUID) })
		if !errors.Is(err, meeting.ErrInconsistent) {
			t.Fatalf("Attendees of a page of %d = %v; want ErrInconsistent", n, err)
		}
		if alloc > 32<<20 {
			t.Errorf("decoding a page of %d allocated %d MiB; want the page cut at 501 records", n, alloc>>20)
		}
	}
}

// TestListOverMaxBytes: the pages of one list together may not exceed the
// list bound.
func TestListOverMaxBytes(t *testing.T) {
	fake := startFake(t, meetingfake.Config{Conferences: meetingfake.Sample(time.Now())})
	c := newClient(t, fake)
	meeting.SetMaxListBytes(c.Client, 100<<10) // the 1,234 records are about 200 KB
	_, err := c.Attendees(t.Context(), meetingfake.SampleTownHallUUID)
	if !errors.Is(err, meeting.ErrTooLarge) {
		t.Fatalf("Attendees over the list bound = %v; want ErrTooLarge", err)
	}
}
