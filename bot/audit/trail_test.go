package audit

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"iter"
	"log/slog"
	"maps"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/attendees-bot/attendees-bot/bot/store"
	"github.com/attendees-bot/attendees-bot/bot/store/storetest"
)

var t0 = time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)

var _ Store = (*store.Store)(nil)

func row(key, action string) store.AuditRow {
	return store.AuditRow{
		Key: key, At: t0, TeamID: "T1", UserID: "U1", ChannelID: "C1", Action: action,
		ConfUUIDs: []string{"5d0c8f3a2b1e4c7d9a6f0e1b2c3d4e51"}, MeetingID: "9601234501",
		Audience: store.AudiencePrivate, People: 8, Records: 11, Outcome: "ok",
	}
}

// counts collects what a Trail reports through OnWritten and OnFailed.
type counts struct {
	mu      sync.Mutex
	written map[string]int
	failed  int
}

func (c *counts) config(cfg Config) Config {
	c.written = map[string]int{}
	cfg.OnWritten = func(a string, n int) { c.mu.Lock(); c.written[a] += n; c.mu.Unlock() }
	cfg.OnFailed = func(n int) { c.mu.Lock(); c.failed += n; c.mu.Unlock() }
	return cfg
}

func (c *counts) get() (map[string]int, int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return maps.Clone(c.written), c.failed
}

// start runs tr until the test ends (or stop is called) and returns stop,
// which waits for Run to return.
func start(t *testing.T, tr *Trail) (stop func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- tr.Run(ctx) }()
	var once sync.Once
	stop = func() {
		once.Do(func() {
			cancel()
			if err := <-done; err != nil {
				t.Errorf("Run = %v; want nil", err)
			}
		})
	}
	t.Cleanup(stop)
	return stop
}

func openStore(t *testing.T, url string, now func() time.Time) *store.Store {
	t.Helper()
	st, err := store.Open(t.Context(), url, store.WithClock(now))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

func stored(t *testing.T, tr *Trail) []string {
	t.Helper()
	var keys []string
	for r, err := range tr.Rows(t.Context(), store.AuditQuery{}) {
		if err != nil {
			t.Fatal(err)
		}
		keys = append(keys, r.Key)
	}
	slices.Sort(keys)
	return keys
}

func TestTrailWritesInBatchesAndCounts(t *testing.T) {
	for _, b := range storetest.Backends {
		t.Run(b.Name, func(t *testing.T) {
			st := openStore(t, b.NewURL(t), func() time.Time { return t0 })
			var c counts
			tr, err := New(st, c.config(Config{}))
			if err != nil {
				t.Fatal(err)
			}
			// Queued before the writer starts: they go out as one batch.
			var want []string
			for i := range 450 {
				action := []string{store.AuditLookup, store.AuditShare, store.AuditCSV}[i%3]
				tr.Record(row(fmt.Sprintf("k%03d", i), action))
				want = append(want, fmt.Sprintf("k%03d", i))
			}
			ops := st.Ops()
			start(t, tr)
			if err := tr.Flush(t.Context()); err != nil {
				t.Fatal(err)
			}
			if got := stored(t, tr); !slices.Equal(got, want) {
				t.Errorf("stored %d rows; want %d", len(got), len(want))
			}
			if n := st.Ops() - ops; n > 6 {
				t.Errorf("450 rows took %d statements; want them batched (200 a statement)", n)
			}
			written, failed := c.get()
			if fmt.Sprint(written) != "map[csv:150 lookup:150 share:150]" || failed != 0 {
				t.Errorf("counted written %v, failed %d; want 150 per action and none failed", written, failed)
			}
		})
	}
}

// fakeStore is a Store whose InsertAudit is a function field.
type fakeStore struct {
	insert func(ctx context.Context, rows []store.AuditRow) (map[string]int, error)
}

func (f *fakeStore) InsertAudit(ctx context.Context, rows []store.AuditRow) (map[string]int, error) {
	return f.insert(ctx, rows)
}

func (f *fakeStore) AuditRows(context.Context, store.AuditQuery) iter.Seq2[store.AuditRow, error] {
	return func(func(store.AuditRow, error) bool) {}
}

func (f *fakeStore) PruneAudit(context.Context, time.Time, int) (int64, error) { return 0, nil }

func (f *fakeStore) TryLease(context.Context, string, string, time.Time, time.Duration) (bool, error) {
	return true, nil
}

func written(rows []store.AuditRow) map[string]int {
	m := map[string]int{}
	for _, r := range rows {
		m[r.Action]++
	}
	return m
}

func TestRecordNeverWaitsForTheStore(t *testing.T) {
	entered := make(chan struct{}, 1)
	release := make(chan struct{})
	var mu sync.Mutex
	var got int
	st := &fakeStore{insert: func(ctx context.Context, rows []store.AuditRow) (map[string]int, error) {
		select {
		case entered <- struct{}{}:
		default:
		}
		<-release // the store is stuck (a held SQLite lock, a frozen PostgreSQL)
		mu.Lock()
		got += len(rows)
		mu.Unlock()
		return written(rows), nil
	}}
	var logs bytes.Buffer
	var c counts
	tr, err := New(st, c.config(Config{QueueSize: 10, Log: slog.New(slog.NewJSONHandler(&logs, nil))}))
	if err != nil {
		t.Fatal(err)
	}
	stop := start(t, tr)
	tr.Record(row("first", store.AuditLookup))
	<-entered // the writer holds "first" inside the stuck store
	// The queue takes 10 more; the other 3 are counted and logged. Every
	// Record returns while the store is stuck: that is the test.
	for i := range 13 {
		tr.Record(row(fmt.Sprintf("k%02d", i), store.AuditLookup))
	}
	if _, failed := c.get(); failed != 3 {
		t.Errorf("failed = %d; want the 3 rows past the full queue", failed)
	}
	close(release)
	stop() // shutdown writes what was queued
	if got != 11 {
		t.Errorf("rows written = %d; want 11 (1 in flight + 10 queued)", got)
	}
	for _, k := range []string{"k10", "k11", "k12"} {
		if !strings.Contains(logs.String(), `"key":"`+k+`"`) {
			t.Errorf("dropped row %s is not in the log", k)
		}
	}
	mustLogOnlyIDs(t, logs.String())
}

// mustLogOnlyIDs checks that a log line of a lost row carries its fields.
func mustLogOnlyIDs(t *testing.T, logs string) {
	t.Helper()
	for _, want := range []string{`"msg":"audit row not written"`, `"user":"U1"`, `"conf_uuids":["5d0c8f3a2b1e4c7d9a6f0e1b2c3d4e51"]`, `"audience":"private"`} {
		if !strings.Contains(logs, want) {
			t.Errorf("log of lost rows lacks %s:\n%s", want, logs)
		}
	}
}

func TestWriteFailuresAreRetriedThenCountedAndLogged(t *testing.T) {
	tests := []struct {
		name        string
		failures    int // InsertAudit fails this many times, then works
		wantCalls   int
		wantFailed  int
		wantWritten int
	}{
		{"a passing hiccup", 2, 3, 0, 2},
		{"the store is down", 100, 3, 2, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			calls := 0
			st := &fakeStore{insert: func(ctx context.Context, rows []store.AuditRow) (map[string]int, error) {
				calls++
				if calls <= tt.failures {
					return nil, errors.New("database is locked")
				}
				return written(rows), nil
			}}
			var logs bytes.Buffer
			var c counts
			tr, _ := New(st, c.config(Config{RetryWait: time.Millisecond, Log: slog.New(slog.NewJSONHandler(&logs, nil))}))
			tr.Record(row("a", store.AuditLookup), row("b", store.AuditCSV))
			start(t, tr)
			if err := tr.Flush(t.Context()); err != nil {
				t.Fatal(err)
			}
			w, failed := c.get()
			if calls != tt.wantCalls || failed != tt.wantFailed || w[store.AuditLookup]+w[store.AuditCSV] != tt.wantWritten {
				t.Errorf("calls %d, failed %d, written %v; want %d, %d, %d", calls, failed, w, tt.wantCalls, tt.wantFailed, tt.wantWritten)
			}
			if tt.wantFailed > 0 {
				mustLogOnlyIDs(t, logs.String())
			}
		})
	}
}

func TestRecordRefusesFreeTextAndLateRows(t *testing.T) {
	st := &fakeStore{insert: func(ctx context.Context, rows []store.AuditRow) (map[string]int, error) {
		t.Errorf("a refused row reached the store: %+v", rows)
		return nil, nil
	}}
	var c counts
	tr, _ := New(st, c.config(Config{}))
	bad := row("bad", store.AuditLookup)
	bad.UserID = "Alice Zhang"
	tr.Record(bad)
	stop := start(t, tr)
	stop()
	tr.Record(row("late", store.AuditLookup)) // after shutdown
	if err := tr.Flush(t.Context()); err != nil {
		t.Errorf("Flush after shutdown = %v; want nil", err)
	}
	if _, failed := c.get(); failed != 2 {
		t.Errorf("failed = %d; want the bad row and the late one", failed)
	}
}

func TestFlushWaitsForEarlierRowsOnly(t *testing.T) {
	release := make(chan struct{})
	st := &fakeStore{insert: func(ctx context.Context, rows []store.AuditRow) (map[string]int, error) {
		<-release
		return written(rows), nil
	}}
	tr, _ := New(st, Config{})
	start(t, tr)
	tr.Record(row("a", store.AuditLookup))
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if err := tr.Flush(ctx); !errors.Is(err, context.Canceled) {
		t.Errorf("Flush with an ended context = %v; want context.Canceled", err)
	}
	close(release)
	if err := tr.Flush(t.Context()); err != nil {
		t.Errorf("Flush = %v", err)
	}
}

func TestPruneOneReplicaAtATime(t *testing.T) {
	for _, b := range storetest.Backends {
		t.Run(b.Name, func(t *testing.T) {
			url := b.NewURL(t)
			now := t0
			clock := func() time.Time { return now }
			st := openStore(t, url, clock)
			var rows []store.AuditRow
			for i := range 5 {
				r := row(fmt.Sprintf("old%d", i), store.AuditLookup)
				r.At = t0.Add(-200*24*time.Hour + time.Duration(i)*time.Hour)
				rows = append(rows, r)
			}
			recent := row("recent", store.AuditShare)
			recent.At = t0.Add(-179 * 24 * time.Hour)
			rows = append(rows, recent)
			if _, err := st.InsertAudit(t.Context(), rows); err != nil {
				t.Fatal(err)
			}
			cfg := Config{Retention: 180 * 24 * time.Hour, PruneBatch: 2, PruneEvery: time.Hour, Now: clock}
			cfg.Owner = "replica-a"
			a, _ := New(st, cfg)
			cfg.Owner = "replica-b"
			b, _ := New(openStore(t, url, clock), cfg)

			if n, err := b.Prune(t.Context()); err != nil || n != 5 {
				t.Fatalf("first replica's prune = %d, %v; want 5 in batches of 2", n, err)
			}
			if got := stored(t, a); !slices.Equal(got, []string{"recent"}) {
				t.Errorf("kept %v; want only the row inside the retention", got)
			}
			// A new old row: only the lease holder prunes it until its
			// lease runs out.
			now = t0.Add(30 * time.Minute)
			if _, err := st.InsertAudit(t.Context(), []store.AuditRow{func() store.AuditRow {
				r := row("old-again", store.AuditLookup)
				r.At = now.Add(-181 * 24 * time.Hour)
				return r
			}()}); err != nil {
				t.Fatal(err)
			}
			if n, err := a.Prune(t.Context()); err != nil || n != 0 {
				t.Errorf("other replica's prune while the lease is held = %d, %v; want 0", n, err)
			}
			now = t0.Add(2 * time.Hour) // b's lease (1.5 h) ran out: b died
			if n, err := a.Prune(t.Context()); err != nil || n != 1 {
				t.Errorf("prune after the holder's lease ran out = %d, %v; want 1", n, err)
			}
			keep, _ := New(st, Config{Now: clock}) // AUDIT_RETENTION=0 keeps everything
			if n, err := keep.Prune(t.Context()); err != nil || n != 0 {
				t.Errorf("prune with no retention = %d, %v; want 0", n, err)
			}
		})
	}
}

func TestNewChecksConfig(t *testing.T) {
	st := &fakeStore{}
	for _, tt := range []struct {
		name string
		st   Store
		cfg  Config
	}{
		{"no store", nil, Config{}},
		{"negative retention", st, Config{Retention: -time.Hour}},
		{"retention without owner", st, Config{Retention: time.Hour}},
	} {
		if _, err := New(tt.st, tt.cfg); err == nil {
			t.Errorf("%s: New succeeded; want an error", tt.name)
		}
	}
}
