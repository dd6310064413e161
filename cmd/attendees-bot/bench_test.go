package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/attendees-bot/attendees-bot/bot/slackfake"
	"github.com/attendees-bot/attendees-bot/meeting"
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

// BenchmarkSeries8x50 measures "last 8" of a 50-person stand-up from slash
// command to reply: 1 history call, then 8 record pages and 8 invite
// pages, against a meeting API answering after 40 ms behind a gateway
// bucket of 20 requests/s (burst 20), the bot's limit set to the same and
// enough requests in flight for all 16 pages (MEETING_MAX_INFLIGHT=16; the
// default 4 would add three round trips). The cache is off so every
// command fetches. Bound: 2 round trips + the pages beyond the burst at
// 20/s; the 17 requests fit in the burst, so 80 ms. Between commands the
// benchmark lets both buckets refill, outside the measured time, so each
// command meets a full burst as the bound assumes.
func BenchmarkSeries8x50(b *testing.B) {
	const latency, rate, requests = 40 * time.Millisecond, 20, 17
	s := startSystem(b, func(e map[string]string) {
		e["LOG_LEVEL"] = "warn"
		e["MEETING_CACHE_TTL"] = "0"
		e["MEETING_RATE_LIMIT"] = "20"
		e["MEETING_MAX_INFLIGHT"] = "16"
	}, func(c *meetingfake.Config) {
		c.Latency, c.RatePerSecond = latency, rate
		c.Conferences = meetingfake.SampleSeries(time.Now(), 8, 50)
	})
	refill := time.Duration(requests) * time.Second / rate
	ask := func(i int) time.Duration {
		start := time.Now()
		ctx := b.Context()
		id, err := s.slack.SlashCommand(ctx, slackfake.SlashCommand{Text: meetingfake.SampleSeriesID + " last 8", UserID: fmt.Sprintf("U%06d", i)})
		if err != nil {
			b.Fatal(err)
		}
		rs, err := s.slack.WaitResponsesFor(ctx, id, 1)
		if err != nil {
			b.Fatal(err)
		}
		if !strings.Contains(rs[0].Text, "last 8 runs") {
			b.Fatalf("reply %q", rs[0].Text)
		}
		return time.Since(start)
	}
	ask(0) // log in
	history, records, invites := s.meet.Count(meetingfake.OpHistory), s.meet.Count(meetingfake.OpAttendees), s.meet.Count(meetingfake.OpConfDetail)
	var total []time.Duration
	i := 0
	for b.Loop() {
		b.StopTimer()
		<-time.After(refill) // pace: the buckets refill, as the bound assumes
		b.StartTimer()
		i++
		total = append(total, ask(i))
	}
	if s.meet.Throttled() > 0 {
		b.Errorf("the gateway throttled %d requests", s.meet.Throttled())
	}
	n := len(total)
	if got := [3]int{s.meet.Count(meetingfake.OpHistory) - history, s.meet.Count(meetingfake.OpAttendees) - records, s.meet.Count(meetingfake.OpConfDetail) - invites}; got != [3]int{n, 8 * n, 8 * n} {
		b.Errorf("history, record and invite requests = %v for %d commands; want 1, 8 and 8 each", got, n)
	}
	bound := 2 * latency
	p50 := percentile(total, 0.5)
	b.ReportMetric(float64(p50.Microseconds())/1000, "p50-reply-ms")
	b.ReportMetric(float64(p50)/float64(bound), "p50/bound")
	b.ReportMetric(float64(percentile(total, 0.9))/float64(bound), "p90/bound")
}

// townHall is issue 11's company-wide meeting: 25,000 records (50 pages)
// and a 20,000-person invite list (40 pages).
func townHall() meetingfake.Conference {
	start := time.Now().Add(-3 * time.Hour).Truncate(time.Minute)
	c := meetingfake.Conference{Info: meeting.Conference{ConferenceID: "9609999999", ConfUUID: "0123456789abcdef0123456789abcdef", Subject: "Town hall", Start: start, End: start.Add(time.Hour)}}
	c.Records = make([]meeting.Attendee, 25000)
	for i := range c.Records {
		c.Records[i] = meeting.Attendee{DisplayName: fmt.Sprintf("Person %05d", i), CallNumber: fmt.Sprintf("+1555%07d", i),
			DeviceType: "Soft client", MediaType: "Video", JoinTime: start.UnixMilli() + int64(i), LeftTime: start.Add(50 * time.Minute).UnixMilli()}
	}
	c.Invited = make([]meeting.Participant, 20000)
	for i := range c.Invited {
		c.Invited[i] = meeting.Participant{ParticipantID: fmt.Sprintf("+1555%07d", 10000+i), Name: fmt.Sprintf("Person %05d", 10000+i)}
	}
	return c
}

// BenchmarkLookupCSV25k is issue 11's item 4 in process: `lookup --format
// csv` of the town hall (records, invite list, analysis, the 25,000-row
// CSV), the fake answering after 40 ms with no rate limit, against the
// official SDK's way of reading the same records (meetingfake.PageByPage:
// one page after another; it fetches no invite list and writes nothing).
// x-peer is lookup's time over the peer's (target ≤ 0.25). The whole
// process, with the SDK itself, is compared by hand (see the closing note
// of issue 11): a fetched SDK is never a dependency of this module.
func BenchmarkLookupCSV25k(b *testing.B) {
	const static = "bench-static-token"
	m := fakeMeeting(b, func(c *meetingfake.Config) {
		c.Conferences = []meetingfake.Conference{townHall()}
		c.Latency = 40 * time.Millisecond
		c.StaticToken = static
	})
	env := meetingEnv(m)
	delete(env, "LOG_LEVEL")
	env["MEETING_RATE_LIMIT"] = "1000"
	uuid := townHall().Info.ConfUUID
	hc := &http.Client{Timeout: 30 * time.Second}
	var ours, peer time.Duration
	for b.Loop() {
		start := time.Now()
		recs, err := meetingfake.PageByPage(b.Context(), hc, m.URL, static, uuid)
		if err != nil || len(recs) != 25000 {
			b.Fatalf("page by page: %d records, %v", len(recs), err)
		}
		peer += time.Since(start)
		start = time.Now()
		var out countingWriter
		if err := run(b.Context(), []string{"lookup", "--format", "csv", uuid}, getenv(env), nil, &out, io.Discard); err != nil {
			b.Fatal(err)
		}
		ours += time.Since(start)
		if out.lines != 1+25000+5000 { // header, records, the 5,000 invitees who did not come
			b.Fatalf("CSV lines = %d", out.lines)
		}
	}
	b.ReportMetric(float64(ours.Milliseconds())/float64(b.N), "lookup-ms")
	b.ReportMetric(float64(peer.Milliseconds())/float64(b.N), "peer-ms")
	b.ReportMetric(ours.Seconds()/peer.Seconds(), "x-peer")
}

// countingWriter counts the lines written to it.
type countingWriter struct{ lines int }

func (w *countingWriter) Write(p []byte) (int, error) {
	w.lines += bytes.Count(p, []byte{'\n'})
	return len(p), nil
}

// BenchmarkTownHallFirstAnswer is issue 11's item 1 end to end: /attendees
// with the town hall's UUID, MEETING_RATE_LIMIT=20 against a gateway that
// takes 20 requests at once and then 20/s, 40 ms latency. The records
// alone cannot come before 2·40 ms + (50 − 20)/20 s = 1.58 s; the first
// answer (the summary saying it compares with the invite list, and the
// CSV in the DM) must arrive within 1.10 × that, whatever the 20,000-person
// invite list does (its 40 pages wait for the records). x-bound is the
// first answer's time over 1.58 s; csv-x-bound the CSV's; compared-s when
// the summary was edited with the invite list.
func BenchmarkTownHallFirstAnswer(b *testing.B) {
	const static = "bench-static-token"
	const bound = 1580 * time.Millisecond
	var answer, file, compared time.Duration
	for b.Loop() {
		b.StopTimer()
		s := startSystem(b, func(e map[string]string) {
			e["LOG_LEVEL"], e["MEETING_CACHE_TTL"], e["MEETING_RATE_LIMIT"] = "warn", "0", "20"
			delete(e, "MEETING_APP_ID")
			delete(e, "MEETING_APP_KEY")
			e["MEETING_ACCESS_TOKEN"] = static // no login inside the timed part
		}, func(c *meetingfake.Config) {
			c.Conferences = []meetingfake.Conference{townHall()}
			c.Latency = 40 * time.Millisecond
			c.RatePerSecond, c.Burst = 20, 20
			c.StaticToken = static
		})
		ctx := b.Context()
		b.StartTimer()
		start := time.Now()
		id, err := s.slack.SlashCommand(ctx, slackfake.SlashCommand{Text: townHall().Info.ConfUUID, UserID: "U7"})
		if err != nil {
			b.Fatal(err)
		}
		rs, err := s.slack.WaitResponsesFor(ctx, id, 1)
		if err != nil {
			b.Fatal(err)
		}
		answer += time.Since(start)
		if _, err := s.slack.WaitFiles(ctx, 1); err != nil {
			b.Fatal(err)
		}
		file += time.Since(start)
		if !strings.Contains(rs[0].Text+string(rs[0].Blocks), "Comparing with the invite list") {
			b.Logf("the invite list was in time: %.200s", rs[0].Text)
		}
		if _, err := s.slack.WaitResponsesFor(ctx, id, 2); err != nil {
			b.Fatal(err)
		}
		compared += time.Since(start)
		b.StopTimer()
		if n := s.meet.Throttled(); n != 0 {
			b.Errorf("gateway throttled %d requests", n)
		}
		s.shutdown(b)
		b.StartTimer()
	}
	n := float64(b.N)
	b.ReportMetric(answer.Seconds()/n/bound.Seconds(), "x-bound")
	b.ReportMetric(file.Seconds()/n/bound.Seconds(), "csv-x-bound")
	b.ReportMetric(compared.Seconds()/n, "compared-s")
}
