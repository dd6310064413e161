package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/attendees-bot/attendees-bot/bot/slackfake"
	"github.com/attendees-bot/attendees-bot/meeting"
	"github.com/attendees-bot/attendees-bot/meeting/meetingfake"
)

// podMemory is the pod's memory limit and podGoMemLimit the GOMEMLIMIT it
// runs with, as in deploy/kubernetes/deployment.yaml.
const (
	podMemory     = 256 << 20
	podGoMemLimit = "230MiB"
)

// bigMeeting is a meeting of records records by people people (the rest
// re-join), with an invite list of invited, its UUID numbered by n.
func bigMeeting(n, records, people, invited int, start time.Time) meetingfake.Conference {
	c := meetingfake.Conference{Info: meeting.Conference{
		ConferenceID: "9609999999", ConfUUID: fmt.Sprintf("abcdef%026x", n+1), Subject: fmt.Sprintf("All hands %d", n+1),
		Start: start, End: start.Add(time.Hour), State: "Destroyed"}}
	c.Records = make([]meeting.Attendee, records)
	for i := range c.Records {
		p := i % people
		c.Records[i] = meeting.Attendee{DisplayName: fmt.Sprintf("Person %06d", p), CallNumber: fmt.Sprintf("+1555%07d", p),
			DeviceType: "Soft client", MediaType: "Video", DeptName: fmt.Sprintf("Department %02d", p%40),
			JoinTime: start.UnixMilli() + int64(i), LeftTime: start.Add(50 * time.Minute).UnixMilli()}
	}
	c.Invited = make([]meeting.Participant, invited)
	for i := range c.Invited {
		c.Invited[i] = meeting.Participant{ParticipantID: fmt.Sprintf("+1555%07d", i), Name: fmt.Sprintf("Person %06d", i), DeptName: fmt.Sprintf("Department %02d", i%40)}
	}
	return c
}

// BenchmarkPodMemory runs `attendees-bot run` as a process of its own with
// the pod's settings (GOMEMLIMIT=230MiB, every other variable at its
// default but MEETING_RATE_LIMIT, raised so the benchmark takes seconds)
// against the fakes, sends each scenario's commands (a batch at once,
// batches one after another, each answered in full, CSV included) and
// reports the process's peak RSS, in MiB and over the pod's 256 MiB
// (x-pod), and its peak live heap (at the end of a collection, from
// gctrace). The live heap is what must fit: the RSS of a process that
// allocates fast sits near GOMEMLIMIT whatever is live, and a live heap
// past it is what gets a pod OOM-killed.
//
//	go test -run '^$' -bench PodMemory -benchtime 1x ./cmd/attendees-bot
func BenchmarkPodMemory(b *testing.B) {
	start := time.Now().Add(-24 * time.Hour).Truncate(time.Minute)
	var confs []meetingfake.Conference
	for i := range 6 { // six different company meetings of 100,000 records
		confs = append(confs, bigMeeting(i, 100_000, 40_000, 20_000, start.Add(-time.Duration(i)*time.Hour)))
	}
	var weekly []meetingfake.Conference
	for i := range 20 { // a weekly town hall of 25,000 records and its last 20 runs
		c := bigMeeting(100+i, 25_000, 10_000, 10_000, start.Add(-time.Duration(i)*7*24*time.Hour))
		c.Info.ConferenceID, c.Info.Subject = "9608888888", "Weekly town hall"
		weekly = append(weekly, c)
	}
	uuid := func(i int) string { return confs[i].Info.ConfUUID }
	scenarios := []struct {
		name    string
		batches [][]string
	}{
		{"one-100k", [][]string{{uuid(0)}}},
		{"two-100k-at-once", [][]string{{uuid(0), uuid(1)}}},
		{"sixteen-on-one-100k-at-once", [][]string{slices.Repeat([]string{uuid(0)}, 16)}},
		{"six-100k-in-a-row", [][]string{{uuid(0)}, {uuid(1)}, {uuid(2)}, {uuid(3)}, {uuid(4)}, {uuid(5)}}},
		{"last-20-of-25k", [][]string{{"960 888 8888 last 20"}}},
		{"six-100k-then-last-20", [][]string{{uuid(0)}, {uuid(1)}, {uuid(2)}, {uuid(3)}, {uuid(4)}, {uuid(5)}, {"960 888 8888 last 20"}}},
	}
	m := fakeMeeting(b, func(c *meetingfake.Config) { c.Conferences = append(confs, weekly...) })
	for _, sc := range scenarios {
		b.Run(sc.name, func(b *testing.B) {
			var peak, live int64
			for b.Loop() {
				p, l := podRun(b, m, sc.batches)
				peak, live = max(peak, p), max(live, l)
			}
			b.ReportMetric(float64(peak)/(1<<20), "peak-RSS-MiB")
			b.ReportMetric(float64(peak)/podMemory, "x-pod")
			b.ReportMetric(float64(live)/(1<<20), "peak-live-MiB")
		})
	}
}

// podRun runs the bot in a process of its own, answers batches, stops it
// and returns its peak RSS and live heap in bytes.
func podRun(b *testing.B, m *meetingfake.Server, batches [][]string) (peakRSS, peakLive int64) {
	sl := fakeSlack(b)
	env := meetingEnv(m)
	env["LOG_LEVEL"] = "warn"
	env["GOMEMLIMIT"] = podGoMemLimit
	env["GODEBUG"] = "gctrace=1" // for the live heap at the end of each collection
	env["MEETING_RATE_LIMIT"] = "1000"
	env["SLACK_APP_TOKEN"], env["SLACK_BOT_TOKEN"], env["SLACK_API_URL"] = sl.Config().AppToken, sl.Config().BotToken, sl.APIURL()
	env["HTTP_ADDR"] = "127.0.0.1:0"
	env["STORE_URL"] = filepath.Join(b.TempDir(), "attendees.db")
	child := mainProcess(b, env, "run")
	logs := &syncBuffer{}
	child.Stderr = logs
	if err := child.Start(); err != nil {
		b.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(b.Context(), 5*time.Minute)
	defer cancel()
	if err := sl.WaitConnections(ctx, 1); err != nil {
		b.Fatalf("the bot did not connect: %v\n%s", err, logs)
	}
	hwm := watchPeak(child.Process.Pid)
	user := 0
	for _, batch := range batches {
		var wg sync.WaitGroup
		for _, cmd := range batch {
			user++
			who := fmt.Sprintf("U%04d", user)
			wg.Go(func() {
				id, err := sl.SlashCommand(ctx, slackfake.SlashCommand{Text: cmd, UserID: who})
				if err != nil {
					b.Error(err)
					return
				}
				// The summary, then the CSV in the DM (a series: one file).
				rs, err := sl.WaitResponsesFor(ctx, id, 1)
				if err != nil {
					b.Errorf("%s: %v\n%s", cmd, err, logs)
					return
				}
				if got := text(rs...); !strings.Contains(got, "All hands") && !strings.Contains(got, "Weekly town hall") {
					b.Errorf("%s answered %.500s", cmd, got)
				}
			})
		}
		wg.Wait()
	}
	if _, err := sl.WaitFiles(ctx, user); err != nil {
		b.Fatalf("CSV files: %v\n%s", err, logs)
	}
	if err := child.Process.Signal(syscall.SIGTERM); err != nil {
		b.Fatal(err)
	}
	if err := child.Wait(); err != nil {
		b.Fatalf("bot: %v\n%s", err, logs)
	}
	for _, m := range gcLive.FindAllStringSubmatch(logs.String(), -1) {
		n, _ := strconv.ParseInt(m[1], 10, 64)
		peakLive = max(peakLive, n<<20)
	}
	return <-hwm, peakLive
}

// gcLive finds the live heap in gctrace's lines: "gc 14 @0.7s 12%: …,
// 138->158->107 MB, …" has 107 MB marked live.
var gcLive = regexp.MustCompile(`\d+->\d+->(\d+) MB`)

// watchPeak reports the peak RSS (VmHWM) of process pid once it has exited.
// It reads /proc rather than the rusage of wait4, whose ru_maxrss also
// counts the parent's memory at the fork (Linux keeps the larger of the two
// when the child execs): here the fakes' hundreds of megabytes.
func watchPeak(pid int) <-chan int64 {
	out := make(chan int64, 1)
	go func() {
		var peak int64
		tick := time.NewTicker(2 * time.Millisecond)
		defer tick.Stop()
		for range tick.C {
			st, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
			kb, found := int64(0), false
			for l := range strings.Lines(string(st)) {
				if rest, ok := strings.CutPrefix(l, "VmHWM:"); ok {
					kb, err = strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
					found = err == nil
				}
			}
			if !found { // exited (a zombie has no Vm lines)
				out <- peak
				return
			}
			peak = max(peak, kb<<10)
		}
	}()
	return out
}
