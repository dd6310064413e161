package audit

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/attendees-bot/attendees-bot/bot/store"
	"github.com/attendees-bot/attendees-bot/bot/store/storetest"
)

// benchRows are n audit rows as a busy bot records them: lookups with
// their CSVs, shares and refusals from many users.
func benchRows(n int, at time.Time, prefix string) []store.AuditRow {
	actions := []string{store.AuditLookup, store.AuditCSV, store.AuditShare, store.AuditRefused}
	audiences := []string{store.AudiencePrivate, store.AudienceDM, store.AudienceChannel, store.AudiencePrivate}
	rows := make([]store.AuditRow, n)
	for i := range rows {
		r := row(fmt.Sprintf("%s%08d:%s", prefix, i, actions[i%4]), actions[i%4])
		r.At = at.Add(-time.Duration(i) * time.Second)
		r.UserID = fmt.Sprintf("U%07d", i%5000)
		r.Audience = audiences[i%4]
		rows[i] = r
	}
	return rows
}

// BenchmarkAuditWrite10k records 10,000 audit rows through a Trail, as
// bursts of 100 commands would (Record, then Flush), and reports rows/s.
// The "one-by-one" variant inserts each row with its own statement: what a
// bot idle enough to never batch costs.
//
//	go test -run '^$' -bench AuditWrite10k -benchtime 3x ./bot/audit
func BenchmarkAuditWrite10k(b *testing.B) {
	const n = 10_000
	for _, be := range storetest.Backends {
		b.Run(be.Name+"/trail", func(b *testing.B) {
			st, err := store.Open(b.Context(), be.NewURL(b))
			if err != nil {
				b.Fatal(err)
			}
			defer st.Close()
			var c counts
			tr, _ := New(st, c.config(Config{}))
			ctx, cancel := context.WithCancel(context.Background())
			done := make(chan error, 1)
			go func() { done <- tr.Run(ctx) }()
			defer func() { cancel(); <-done }()
			iter := 0
			for b.Loop() {
				rows := benchRows(n, t0, fmt.Sprintf("i%d-", iter))
				iter++
				for i := 0; i < n; i += 100 {
					tr.Record(rows[i : i+100]...)
					if err := tr.Flush(b.Context()); err != nil {
						b.Fatal(err)
					}
				}
			}
			if _, failed := c.get(); failed != 0 {
				b.Fatalf("%d rows failed", failed)
			}
			b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "rows/s")
		})
		b.Run(be.Name+"/one-by-one", func(b *testing.B) {
			st, err := store.Open(b.Context(), be.NewURL(b))
			if err != nil {
				b.Fatal(err)
			}
			defer st.Close()
			iter := 0
			for b.Loop() {
				rows := benchRows(n, t0, fmt.Sprintf("i%d-", iter))
				iter++
				for i := range rows {
					if _, err := st.InsertAudit(b.Context(), rows[i:i+1]); err != nil {
						b.Fatal(err)
					}
				}
			}
			b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "rows/s")
		})
	}
}
