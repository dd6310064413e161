package autopost

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/attendees-bot/attendees-bot/bot/store"
	"github.com/attendees-bot/attendees-bot/bot/store/storetest"
	"github.com/attendees-bot/attendees-bot/meeting"
)

// BenchmarkPoll1000 measures one poll that finds 1,000 newly concluded
// meetings with a catch-all channel: every post must be scheduled. It
// reports the time per poll and the store operations (statements sent to
// the database) per post.
func BenchmarkPoll1000(b *testing.B) {
	for _, be := range storetest.Backends {
		b.Run(be.Name, func(b *testing.B) {
			e := newEnv(b, be.NewURL(b), Config{ChannelID: "CALL", PollInterval: 5 * time.Minute})
			ctx := context.Background()
			const meetings = 1000
			posts := 0
			var ops int64
			round := 0
			for b.Loop() {
				b.StopTimer()
				// Fresh conferences each round, all ending inside the poll
				// window.
				round++
				confs := make([]meeting.Conference, meetings)
				for i := range confs {
					confs[i] = meeting.Conference{
						ConfUUID: fmt.Sprintf("%016x%016x", round, i), ConferenceID: fmt.Sprint(9600000000 + i), Subject: "Meeting",
						Start: t0.Add(-30 * time.Minute), End: t0.Add(-time.Duration(i%5) * time.Minute),
					}
				}
				e.history.mu.Lock()
				e.history.confs = confs
				e.history.mu.Unlock()
				before := e.store.Ops()
				pendingBefore := e.count(b, store.StatePending)
				b.StartTimer()

				if err := e.svc.Poll(ctx); err != nil {
					b.Fatal(err)
				}

				b.StopTimer()
				ops += e.store.Ops() - before
				if got := e.count(b, store.StatePending) - pendingBefore; got != meetings {
					b.Fatalf("round %d scheduled %d posts; want %d", round, got, meetings)
				}
				posts += meetings
				b.StartTimer()
			}
			b.ReportMetric(float64(ops)/float64(posts), "storeops/post")
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(posts), "ns/post")
		})
	}
}
