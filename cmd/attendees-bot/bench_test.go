package main

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/attendees-bot/attendees-bot/bot/slackfake"
	"github.com/attendees-bot/attendees-bot/meeting/meetingfake"
)

// burst sends n slash commands at once, each from its own user, and waits
// for every ack and reply. It returns the ack latencies the fake measured.
// One goroutine waits, in order, so that the fake's bookkeeping is not
// crowded by a hundred waiters while it timestamps acks.
func burst(tb testing.TB, s *system, n int, text func(i int) string) []time.Duration {
	tb.Helper()
	ctx, cancel := context.WithTimeout(tb.Context(), 60*time.Second)
	defer cancel()
	ids := make([]string, n)
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := range n {
		wg.Go(func() {
			id, err := s.slack.SlashCommand(ctx, slackfake.SlashCommand{Text: text(i), UserID: fmt.Sprintf("U%04d", i)})
			if err != nil {
				errs <- err
			}
			ids[i] = id
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		tb.Fatal(err)
	}
	lat := make([]time.Duration, n)
	for i, id := range ids {
		d, _, err := s.slack.WaitAck(ctx, id)
		if err != nil {
			tb.Fatal(err)
		}
		lat[i] = d
	}
	for _, id := range ids {
		if _, err := s.slack.WaitResponsesFor(ctx, id, 1); err != nil {
			tb.Fatal(err)
		}
	}
	return lat
}

func percentile(ds []time.Duration, p float64) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[min(len(s)-1, int(float64(len(s))*p))]
}

// TestConcurrentLookupsShareOneFetch: 100 people asking for the same meeting
// at once cost the meeting API one fetch of its records and one of its
// invite list.
func TestConcurrentLookupsShareOneFetch(t *testing.T) {
	s := startSystem(t, nil, nil)
	burst(t, s, 100, func(int) string { return meetingfake.SampleSyncUUID })
	if got := s.meet.Count(meetingfake.OpAttendees); got != 1 {
		t.Errorf("attendee record requests = %d; want 1 for 100 concurrent lookups", got)
	}
	if got := s.meet.Count(meetingfake.OpConfDetail); got != 1 {
		t.Errorf("conference detail requests = %d; want 1 (the invite list, which also gives the subject) for 100 concurrent lookups", got)
	}
}

// BenchmarkAckBurst100 measures ack latency (as the fake Slack sees it: from
// writing the envelope to reading the ack) while 100 lookups arrive at once.
// Target: p99 ≤ 50 ms on loopback.
func BenchmarkAckBurst100(b *testing.B) {
	s := startSystem(b, func(e map[string]string) { e["LOG_LEVEL"] = "warn" }, nil)
	var all []time.Duration
	for b.Loop() {
		all = append(all, burst(b, s, 100, func(i int) string {
			if i%2 == 0 {
				return meetingfake.SampleSyncUUID
			}
			return "help"
		})...)
	}
	b.ReportMetric(float64(percentile(all, 0.50).Microseconds())/1000, "p50-ack-ms")
	b.ReportMetric(float64(percentile(all, 0.99).Microseconds())/1000, "p99-ack-ms")
	b.ReportMetric(float64(percentile(all, 0.99))/float64(50*time.Millisecond), "p99/bound")
}

// BenchmarkCommandOverhead measures one lookup from slash command to reply
// when the meeting API answers every request after 20 ms, with the cache
// off so every lookup really fetches (and the rate limit out of the way). The records and the invite list are
// fetched in parallel, so the meeting API's own share is one 20 ms round
// trip; the rest is the bot. Target: overhead ≤ 5 ms.
func BenchmarkCommandOverhead(b *testing.B) {
	const latency = 20 * time.Millisecond
	s := startSystem(b, func(e map[string]string) {
		e["LOG_LEVEL"] = "warn"
		e["MEETING_CACHE_TTL"] = "0"
		e["MEETING_RATE_LIMIT"] = "1000" // measure the bot, not the limiter
	}, func(c *meetingfake.Config) { c.Latency = latency })
	burst(b, s, 1, func(int) string { return meetingfake.SampleSyncUUID }) // log in once
	var total []time.Duration
	i := 0
	for b.Loop() {
		start := time.Now()
		ctx := b.Context()
		id, err := s.slack.SlashCommand(ctx, slackfake.SlashCommand{Text: meetingfake.SampleSyncUUID, UserID: fmt.Sprintf("U%06d", i)})
		if err != nil {
			b.Fatal(err)
		}
		if _, err := s.slack.WaitResponsesFor(ctx, id, 1); err != nil {
			b.Fatal(err)
		}
		total = append(total, time.Since(start))
		i++
	}
	p50 := percentile(total, 0.5)
	b.ReportMetric(float64(p50.Microseconds())/1000, "p50-reply-ms")
	b.ReportMetric(float64((p50-latency).Microseconds())/1000, "p50-overhead-ms")
	b.ReportMetric(float64(p50-latency)/float64(5*time.Millisecond), "overhead/bound")
}
