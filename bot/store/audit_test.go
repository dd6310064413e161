package store

import (
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"
)

const (
	confA = "5d0c8f3a2b1e4c7d9a6f0e1b2c3d4e51"
	confB = "1234abcd5678ef901234abcd5678ef90"
)

func auditRow(key string, at time.Time, user, action string) AuditRow {
	return AuditRow{
		Key: key, At: at, TeamID: "T1", UserID: user, ChannelID: "C1", Action: action,
		ConfUUIDs: []string{confA}, MeetingID: "9601234501", Audience: AudiencePrivate,
		People: 8, Records: 11, Outcome: "ok",
	}
}

// collect reads every row q selects.
func collect(t *testing.T, s *Store, q AuditQuery) []AuditRow {
	t.Helper()
	var out []AuditRow
	for r, err := range s.AuditRows(t.Context(), q) {
		if err != nil {
			t.Fatalf("AuditRows(%+v): %v", q, err)
		}
		out = append(out, r)
	}
	return out
}

func keys(rows []AuditRow) []string {
	out := make([]string, len(rows))
	for i, r := range rows {
		out[i] = r.Key
	}
	return out
}

func TestAuditRoundTrip(t *testing.T) {
	eachBackend(t, func(t *testing.T, url string) {
		s := open(t, url)
		in := AuditRow{
			Key: "env-1:share", At: t0.Add(1500 * time.Millisecond), TeamID: "T1", UserID: "U1", ChannelID: "C0GENERAL",
			Action: AuditShare, ConfUUIDs: []string{"5D0C8F3A-2B1E-4C7D-9A6F-0E1B2C3D4E51", confB}, MeetingID: "9601234501",
			Audience: AudienceChannel, People: 8, Records: 11, Outcome: "ok",
		}
		written, err := s.InsertAudit(t.Context(), []AuditRow{in})
		if err != nil || written[AuditShare] != 1 {
			t.Fatalf("InsertAudit = %v, %v; want 1 share", written, err)
		}
		got := collect(t, s, AuditQuery{})
		if len(got) != 1 {
			t.Fatalf("rows = %d; want 1", len(got))
		}
		want := in
		want.ID = got[0].ID
		want.ConfUUIDs = []string{confA, confB} // stored in one spelling
		if fmt.Sprint(got[0]) != fmt.Sprint(want) {
			t.Errorf("read back\n %+v\nwant\n %+v", got[0], want)
		}
	})
}

func TestAuditFilters(t *testing.T) {
	eachBackend(t, func(t *testing.T, url string) {
		s := open(t, url)
		rows := []AuditRow{
			auditRow("k1", t0.Add(-40*24*time.Hour), "U1", AuditLookup),
			auditRow("k2", t0.Add(-2*time.Hour), "U2", AuditLookup),
			auditRow("k3", t0.Add(-1*time.Hour), "U1", AuditCSV),
			auditRow("k4", t0.Add(-1*time.Hour), "U3", AuditShare), // same time as k3: ID breaks the tie
			auditRow("k5", t0, "", AuditAutopost),
		}
		rows[1].ConfUUIDs, rows[1].MeetingID = []string{confB}, "9601234504"
		rows[4].ConfUUIDs = []string{confB, confA}
		rows[4].Audience = AudienceAutopost
		if _, err := s.InsertAudit(t.Context(), rows); err != nil {
			t.Fatal(err)
		}
		tests := []struct {
			name string
			q    AuditQuery
			want []string
		}{
			{"all, newest first", AuditQuery{}, []string{"k5", "k4", "k3", "k2", "k1"}},
			{"since", AuditQuery{Since: t0.Add(-720 * time.Hour)}, []string{"k5", "k4", "k3", "k2"}},
			{"users", AuditQuery{Users: []string{"U1", "U3"}}, []string{"k4", "k3", "k1"}},
			{"conference in a list", AuditQuery{ConfUUID: confB}, []string{"k5", "k2"}},
			{"conference spelled otherwise", AuditQuery{ConfUUID: "1234ABCD-5678-EF90-1234-ABCD5678EF90"}, []string{"k5", "k2"}},
			{"meeting ID with spaces", AuditQuery{MeetingID: "960 123 4504"}, []string{"k2"}},
			{"everything together", AuditQuery{Since: t0.Add(-3 * time.Hour), Users: []string{"U2"}, ConfUUID: confB}, []string{"k2"}},
			{"limit", AuditQuery{Limit: 2}, []string{"k5", "k4"}},
			{"nothing", AuditQuery{Users: []string{"U9"}}, nil},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				if got := keys(collect(t, s, tt.q)); !slices.Equal(got, tt.want) {
					t.Errorf("AuditRows(%+v) = %v; want %v", tt.q, got, tt.want)
				}
			})
		}
		for _, err := range s.AuditRows(t.Context(), AuditQuery{ConfUUID: "' OR 1=1 --"}) {
			if !errors.Is(err, ErrInvalid) {
				t.Errorf("bad conference filter: err = %v; want ErrInvalid", err)
			}
		}
	})
}

func TestAuditRowsPages(t *testing.T) {
	eachBackend(t, func(t *testing.T, url string) {
		s := open(t, url)
		// More than two pages, many rows sharing a millisecond, so the
		// keyset must order by time and ID to lose or repeat none.
		n := 2*auditPage + 17
		rows := make([]AuditRow, n)
		for i := range rows {
			rows[i] = auditRow(fmt.Sprintf("k%05d", i), t0.Add(time.Duration(i/10)*time.Millisecond), "U1", AuditLookup)
		}
		if _, err := s.InsertAudit(t.Context(), rows); err != nil {
			t.Fatal(err)
		}
		got := collect(t, s, AuditQuery{})
		if len(got) != n {
			t.Fatalf("rows = %d; want %d", len(got), n)
		}
		for i := 1; i < len(got); i++ {
			a, b := got[i-1], got[i]
			if a.At.Before(b.At) || a.At.Equal(b.At) && a.ID <= b.ID {
				t.Fatalf("row %d (%v, %d) is not older than row %d (%v, %d)", i, b.At, b.ID, i-1, a.At, a.ID)
			}
		}
		if got := collect(t, s, AuditQuery{Limit: auditPage + 1}); len(got) != auditPage+1 {
			t.Errorf("limit %d across pages: %d rows", auditPage+1, len(got))
		}
		// Stopping early is fine.
		for range s.AuditRows(t.Context(), AuditQuery{}) {
			break
		}
	})
}

func TestAuditRefusesFreeText(t *testing.T) {
	eachBackend(t, func(t *testing.T, url string) {
		s := open(t, url)
		tests := []struct {
			name string
			mod  func(*AuditRow)
		}{
			{"no key", func(r *AuditRow) { r.Key = "" }},
			{"no time", func(r *AuditRow) { r.At = time.Time{} }},
			{"unknown action", func(r *AuditRow) { r.Action = "peek" }},
			{"unknown audience", func(r *AuditRow) { r.Audience = "world" }},
			{"a name as user", func(r *AuditRow) { r.UserID = "Alice Zhang" }},
			{"markup as channel", func(r *AuditRow) { r.ChannelID = "C1><!channel>" }},
			{"a number as meeting ID", func(r *AuditRow) { r.MeetingID = "+991116004380" }},
			{"words as conference", func(r *AuditRow) { r.ConfUUIDs = []string{"board meeting"} }},
			{"a formula as team", func(r *AuditRow) { r.TeamID = "-A1" }},
			{"negative count", func(r *AuditRow) { r.People = -1 }},
		}
		for _, tt := range tests {
			r := auditRow("k", t0, "U1", AuditLookup)
			tt.mod(&r)
			if _, err := s.InsertAudit(t.Context(), []AuditRow{auditRow("good", t0, "U1", AuditLookup), r}); !errors.Is(err, ErrInvalid) {
				t.Errorf("%s: InsertAudit err = %v; want ErrInvalid", tt.name, err)
			}
		}
		if got := collect(t, s, AuditQuery{}); len(got) != 0 {
			t.Errorf("a refused batch wrote %d rows; want none", len(got))
		}
	})
}

func TestAuditTwoReplicasOneRowPerEvent(t *testing.T) {
	eachBackend(t, func(t *testing.T, url string) {
		a, b := open(t, url), open(t, url)
		// Both replicas record the same 50 events at once, as when both
		// answered one redelivered envelope.
		rows := make([]AuditRow, 50)
		for i := range rows {
			rows[i] = auditRow(fmt.Sprintf("env-%d:lookup", i), t0, "U1", AuditLookup)
		}
		var wg sync.WaitGroup
		counts := make([]int, 2)
		for i, s := range []*Store{a, b} {
			wg.Go(func() {
				for _, r := range rows {
					w, err := s.InsertAudit(t.Context(), []AuditRow{r})
					if err != nil {
						t.Error(err)
						return
					}
					counts[i] += w[AuditLookup]
				}
			})
		}
		wg.Wait()
		if got := len(collect(t, a, AuditQuery{})); got != len(rows) {
			t.Errorf("rows = %d; want %d, one per event", got, len(rows))
		}
		if counts[0]+counts[1] != len(rows) {
			t.Errorf("rows reported written = %d + %d; want %d in all", counts[0], counts[1], len(rows))
		}
	})
}

func TestPruneAudit(t *testing.T) {
	eachBackend(t, func(t *testing.T, url string) {
		s := open(t, url)
		var rows []AuditRow
		for i := range 7 {
			rows = append(rows, auditRow(fmt.Sprintf("old%d", i), t0.Add(-200*24*time.Hour+time.Duration(i)*time.Minute), "U1", AuditLookup))
		}
		rows = append(rows, auditRow("edge", t0.Add(-180*24*time.Hour), "U1", AuditLookup), auditRow("new", t0, "U1", AuditLookup))
		if _, err := s.InsertAudit(t.Context(), rows); err != nil {
			t.Fatal(err)
		}
		cutoff := t0.Add(-180 * 24 * time.Hour)
		var batches []int64
		for {
			n, err := s.PruneAudit(t.Context(), cutoff, 3)
			if err != nil {
				t.Fatal(err)
			}
			batches = append(batches, n)
			if n < 3 {
				break
			}
		}
		if !slices.Equal(batches, []int64{3, 3, 1}) {
			t.Errorf("batches = %v; want [3 3 1]", batches)
		}
		if got := keys(collect(t, s, AuditQuery{})); !slices.Equal(got, []string{"new", "edge"}) {
			t.Errorf("kept %v; want the row at the cutoff and the new one", got)
		}
		if _, err := s.PruneAudit(t.Context(), cutoff, 0); !errors.Is(err, ErrInvalid) {
			t.Errorf("limit 0: err = %v; want ErrInvalid", err)
		}
	})
}
