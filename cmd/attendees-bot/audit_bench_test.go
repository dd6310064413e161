package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/attendees-bot/attendees-bot/bot/store"
	"github.com/attendees-bot/attendees-bot/bot/store/storetest"
)

// lines counts the newlines written to it.
type lines struct{ n atomic.Int64 }

func (l *lines) Write(p []byte) (int, error) {
	l.n.Add(int64(bytes.Count(p, []byte{'\n'})))
	return len(p), nil
}

// fillAudit writes n audit rows to the store at url, one every two seconds
// back from now (a million rows span 23 days: all inside --since 720h).
func fillAudit(b *testing.B, url string, n int) {
	b.Helper()
	st, err := store.Open(b.Context(), url)
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	now := time.Now()
	const chunk = 10_000
	rows := make([]store.AuditRow, chunk)
	for done := 0; done < n; done += chunk {
		for i := range rows {
			k := done + i
			rows[i] = store.AuditRow{
				Key: fmt.Sprintf("env-%08d:lookup", k), At: now.Add(-time.Duration(k) * 2 * time.Second),
				TeamID: "T0FAKE", UserID: fmt.Sprintf("U%07d", k%5000), ChannelID: fmt.Sprintf("C%07d", k%300),
				Action: store.AuditLookup, ConfUUIDs: []string{fmt.Sprintf("%032x", k%20000)}, MeetingID: fmt.Sprintf("96012%05d", k%20000),
				Audience: store.AudiencePrivate, People: k % 500, Records: k % 900, Outcome: "ok",
			}
		}
		if _, err := st.InsertAudit(b.Context(), rows); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkAuditExport1M runs `attendees-bot audit --since 720h --format
// csv` as a process of its own over a million rows, on SQLite and (with
// ATTENDEES_TEST_POSTGRES_URL) PostgreSQL, and reports rows/s and the
// process's peak RSS (the bound: 50 MiB).
//
//	go test -run '^$' -bench AuditExport1M -benchtime 3x ./cmd/attendees-bot
func BenchmarkAuditExport1M(b *testing.B) {
	const n = 1_000_000
	for _, be := range storetest.Backends {
		b.Run(be.Name, func(b *testing.B) {
			url := be.NewURL(b)
			fillAudit(b, url, n)
			var peak int64
			for b.Loop() {
				var out lines
				cmd := exec.CommandContext(b.Context(), os.Args[0])
				cmd.Env = []string{childEnv + "=audit --since 720h --format csv", "STORE_URL=" + url}
				cmd.Stdout = &out
				var stderr bytes.Buffer
				cmd.Stderr = &stderr
				if err := cmd.Run(); err != nil {
					b.Fatalf("audit: %v\n%s", err, stderr.String())
				}
				if got := out.n.Load(); got != n+1 {
					b.Fatalf("exported %d lines; want the header and %d rows", got, n)
				}
				peak = max(peak, cmd.ProcessState.SysUsage().(*syscall.Rusage).Maxrss) // KiB on Linux
			}
			b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "rows/s")
			b.ReportMetric(float64(peak)/1024, "peak_RSS_MiB")
		})
	}
}
