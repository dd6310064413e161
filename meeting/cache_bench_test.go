package meeting_test

import (
	"fmt"
	"math"
	"net/http"
	"runtime"
	"testing"
	"time"

	"github.com/attendees-bot/attendees-bot/meeting"
	"github.com/attendees-bot/attendees-bot/meeting/meetingfake"
)

// BenchmarkCacheHeld measures what the caches keep: a client reads 4
// meetings of 25,000 records, each with a 20,000-person invite list, and the
// live heap after a collection, less the one before, is divided by the
// records (held-B/record) and then by the invitees (held-B/invitee) it
// kept. MEETING_CACHE_RECORDS is sized from these.
//
//	go test -run '^$' -bench CacheHeld -benchtime 3x ./meeting
func BenchmarkCacheHeld(b *testing.B) {
	const meetings, records, invited = 4, 25000, 20000
	var confs []meetingfake.Conference
	for i := range meetings {
		conf := bigConference(records)
		conf.Info.ConfUUID = fmt.Sprintf("%032x", i+1)
		for j := range conf.Records {
			conf.Records[j].DeptName = fmt.Sprintf("Department %02d", j%40)
		}
		conf.Invited = manyInvited(invited)
		confs = append(confs, conf)
	}
	fake, err := meetingfake.Start(meetingfake.Config{StaticToken: testStatic, Conferences: confs})
	if err != nil {
		b.Fatal(err)
	}
	defer fake.Close()
	var perRecord, perInvitee float64
	for b.Loop() {
		// Its own connections, closed at the end, so that nothing of this
		// client is left alive in the next one's measurement.
		hc := &http.Client{Transport: http.DefaultTransport.(*http.Transport).Clone()}
		c, err := meeting.NewClient(fake.URL, meeting.WithStaticToken(testStatic), meeting.WithRateLimit(math.Inf(1)),
			meeting.WithCache(64, time.Hour), meeting.WithHTTPClient(hc))
		if err != nil {
			b.Fatal(err)
		}
		base := liveHeap()
		for _, conf := range confs {
			if _, err := c.Attendees(b.Context(), conf.Info.ConfUUID); err != nil {
				b.Fatal(err)
			}
		}
		withRecords := liveHeap()
		for _, conf := range confs {
			if _, err := c.ConferenceDetail(b.Context(), conf.Info.ConfUUID); err != nil {
				b.Fatal(err)
			}
		}
		withInvites := liveHeap()
		runtime.KeepAlive(c)
		hc.CloseIdleConnections()
		perRecord += float64(withRecords-base) / (meetings * records)
		perInvitee += float64(withInvites-withRecords) / (meetings * invited)
	}
	b.ReportMetric(perRecord/float64(b.N), "held-B/record")
	b.ReportMetric(perInvitee/float64(b.N), "held-B/invitee")
}

// liveHeap is the heap in use after a full collection.
func liveHeap() int64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return int64(m.HeapAlloc)
}
