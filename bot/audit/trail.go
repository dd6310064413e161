package audit

import (
	"context"
	"errors"
	"iter"
	"log/slog"
	"sync"
	"time"

	"github.com/attendees-bot/attendees-bot/bot/store"
)

// Store is what a Trail needs of the database; *store.Store is one.
type Store interface {
	InsertAudit(ctx context.Context, rows []store.AuditRow) (map[string]int, error)
	AuditRows(ctx context.Context, q store.AuditQuery) iter.Seq2[store.AuditRow, error]
	PruneAudit(ctx context.Context, olderThan time.Time, limit int) (int64, error)
	TryLease(ctx context.Context, name, owner string, now time.Time, ttl time.Duration) (bool, error)
}

// Config tunes a Trail. Zero values get the defaults noted.
type Config struct {
	Retention  time.Duration // rows older than this are pruned; 0 = kept forever
	Owner      string        // this replica's name in the pruning lease; required with Retention
	QueueSize  int           // rows waiting to be written; default 4096
	PruneEvery time.Duration // default 1h
	PruneBatch int           // rows deleted per statement; default 5000
	RetryWait  time.Duration // before the second try of a failed write (the third waits 4×); default 500ms
	Now        func() time.Time
	Log        *slog.Logger
	// OnWritten is called with the rows written per action, OnFailed with
	// rows that could not be (for metrics).
	OnWritten func(action string, n int)
	OnFailed  func(n int)
}

// Timing of writes: each attempt is bounded, and a batch is tried three
// times (by default 500 ms and 2 s apart) before its rows are given up.
const (
	writeTimeout  = 5 * time.Second
	writeAttempts = 3
	// drainTimeout bounds writing what is queued when Run stops.
	drainTimeout = 10 * time.Second
	// maxBatch is the most rows of one insert (the store's chunk).
	maxBatch = 200
	// pruneLease makes one replica at a time prune.
	pruneLease = "audit-prune"
)

// item is a queued row, or a flush marker (done set) that the writer
// closes once every row queued before it is written or given up.
type item struct {
	row  store.AuditRow
	done chan struct{}
}

// Trail records audit rows in the store without ever making the caller
// wait. Safe for concurrent use; Record and Flush may be called before,
// during and after Run.
type Trail struct {
	cfg   Config
	store Store
	queue chan item

	stopping chan struct{} // closed when Run starts to stop
	mu       sync.RWMutex  // held for writing when Run stops taking rows
	closed   bool
}

// New returns a Trail writing to st. Run must be running for rows to be
// written.
func New(st Store, cfg Config) (*Trail, error) {
	if st == nil {
		return nil, errors.New("audit: a store is required")
	}
	if cfg.Retention < 0 {
		return nil, errors.New("audit: retention must not be negative")
	}
	if cfg.Retention > 0 && cfg.Owner == "" {
		return nil, errors.New("audit: pruning needs the replica's owner name")
	}
	if cfg.QueueSize <= 0 {
		cfg.QueueSize = 4096
	}
	if cfg.PruneEvery <= 0 {
		cfg.PruneEvery = time.Hour
	}
	if cfg.PruneBatch <= 0 {
		cfg.PruneBatch = 5000
	}
	if cfg.RetryWait <= 0 {
		cfg.RetryWait = 500 * time.Millisecond
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	if cfg.OnWritten == nil {
		cfg.OnWritten = func(string, int) {}
	}
	if cfg.OnFailed == nil {
		cfg.OnFailed = func(int) {}
	}
	return &Trail{cfg: cfg, store: st, queue: make(chan item, cfg.QueueSize), stopping: make(chan struct{})}, nil
}

// Now is the Trail's clock, for the times of the rows it is given.
func (t *Trail) Now() time.Time { return t.cfg.Now() }

// Record queues rows to be written and returns at once. A row the store
// would refuse, or one that finds the queue full or the Trail stopped, is
// counted and logged instead.
func (t *Trail) Record(rows ...store.AuditRow) {
	t.mu.RLock()
	defer t.mu.RUnlock()
	for _, r := range rows {
		if err := store.CheckAuditRow(r); err != nil {
			t.fail(err, r)
			continue
		}
		if t.closed {
			t.fail(errStopped, r)
			continue
		}
		select {
		case t.queue <- item{row: r}:
		default:
			t.fail(errQueueFull, r)
		}
	}
}

var (
	errStopped   = errors.New("the audit writer has stopped")
	errQueueFull = errors.New("the audit queue is full (the store is slow or down)")
)

// Flush waits until every row recorded before it is written (or given
// up), or ctx ends. An admin's export calls it so their own last lookup is
// in it.
func (t *Trail) Flush(ctx context.Context) error {
	t.mu.RLock()
	if t.closed {
		t.mu.RUnlock()
		return nil
	}
	done := make(chan struct{})
	select {
	case t.queue <- item{done: done}:
		t.mu.RUnlock()
	case <-t.stopping:
		// Run is writing what is queued and takes nothing more.
		t.mu.RUnlock()
		return nil
	case <-ctx.Done():
		t.mu.RUnlock()
		return ctx.Err()
	}
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Rows yields the stored rows q selects, newest first, as they stream
// from the store.
func (t *Trail) Rows(ctx context.Context, q store.AuditQuery) iter.Seq2[store.AuditRow, error] {
	return t.store.AuditRows(ctx, q)
}

// Run, called once, writes queued rows, and prunes old ones when Retention is set, until
// ctx is done. Then it stops taking rows, writes what is queued (for at
// most 10 s) and returns nil. Store errors are counted and logged, never
// returned: the audit trail must not stop the bot.
func (t *Trail) Run(ctx context.Context) error {
	var pruning sync.WaitGroup
	if t.cfg.Retention > 0 {
		pruning.Go(func() { t.pruneLoop(ctx) })
	}
	for {
		select {
		case it := <-t.queue:
			t.writeBatch(context.WithoutCancel(ctx), it)
		case <-ctx.Done():
			t.stop(ctx)
			pruning.Wait()
			return nil
		}
	}
}

// stop takes no more rows and writes the queued ones within drainTimeout.
func (t *Trail) stop(ctx context.Context) {
	close(t.stopping)
	t.mu.Lock()
	t.closed = true
	t.mu.Unlock()
	// Nothing is sent after closed is set, so the queue only empties now.
	dctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), drainTimeout)
	defer cancel()
	for {
		select {
		case it := <-t.queue:
			t.writeBatch(dctx, it)
		default:
			return
		}
	}
}

// writeBatch writes first and whatever else is queued right now, up to
// maxBatch rows, releasing flush markers once the rows before them are
// done.
func (t *Trail) writeBatch(ctx context.Context, first item) {
	var rows []store.AuditRow
	var flushed []chan struct{}
	add := func(it item) {
		if it.done != nil {
			flushed = append(flushed, it.done)
		} else {
			rows = append(rows, it.row)
		}
	}
	add(first)
more:
	for len(rows) < maxBatch {
		select {
		case it := <-t.queue:
			add(it)
		default:
			break more
		}
	}
	if len(rows) > 0 {
		t.write(ctx, rows)
	}
	for _, d := range flushed {
		close(d)
	}
}

// write inserts rows, trying again after a failure, and gives them up
// (counted and logged) when the store keeps failing or ctx ends.
func (t *Trail) write(ctx context.Context, rows []store.AuditRow) {
	var err error
	wait := t.cfg.RetryWait
	for attempt := range writeAttempts {
		if attempt > 0 {
			if !sleep(ctx, wait) {
				break
			}
			wait *= 4
		}
		actx, cancel := context.WithTimeout(ctx, writeTimeout)
		var written map[string]int
		written, err = t.store.InsertAudit(actx, rows)
		cancel()
		if err == nil {
			for action, n := range written {
				t.cfg.OnWritten(action, n)
			}
			return
		}
		t.cfg.Log.LogAttrs(ctx, slog.LevelWarn, "audit write failed", slog.Int("rows", len(rows)), slog.Int("attempt", attempt+1), slog.Any("err", err))
	}
	if err == nil {
		err = ctx.Err()
	}
	t.fail(err, rows...)
}

func sleep(ctx context.Context, d time.Duration) bool {
	tm := time.NewTimer(d)
	defer tm.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-tm.C:
		return true
	}
}

// fail counts rows that will not be stored and logs each whole: the log
// line is then the record.
func (t *Trail) fail(err error, rows ...store.AuditRow) {
	t.cfg.OnFailed(len(rows))
	for _, r := range rows {
		t.cfg.Log.LogAttrs(context.Background(), slog.LevelError, "audit row not written",
			slog.Any("err", err), slog.String("key", r.Key), slog.Time("at", r.At),
			slog.String("team", r.TeamID), slog.String("user", r.UserID), slog.String("channel", r.ChannelID),
			slog.String("action", r.Action), slog.String("audience", r.Audience), slog.Any("conf_uuids", r.ConfUUIDs),
			slog.String("meeting_id", r.MeetingID), slog.Int("people", r.People), slog.Int("records", r.Records),
			slog.String("outcome", r.Outcome))
	}
}

func (t *Trail) pruneLoop(ctx context.Context) {
	tick := time.NewTicker(t.cfg.PruneEvery)
	defer tick.Stop()
	for {
		if n, err := t.Prune(ctx); err != nil && ctx.Err() == nil {
			t.cfg.Log.LogAttrs(ctx, slog.LevelWarn, "audit prune failed", slog.Int64("pruned", n), slog.Any("err", err))
		} else if n > 0 {
			t.cfg.Log.LogAttrs(ctx, slog.LevelInfo, "audit rows pruned", slog.Int64("rows", n), slog.Duration("retention", t.cfg.Retention))
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}

// Prune deletes rows older than Retention in batches of PruneBatch, if this
// replica holds (or takes) the pruning lease, and reports how many. The
// lease outlasts the interval, so the replica that pruned keeps pruning and
// another takes over only when it is gone. With no Retention it does
// nothing.
func (t *Trail) Prune(ctx context.Context) (int64, error) {
	if t.cfg.Retention <= 0 {
		return 0, nil
	}
	now := t.cfg.Now()
	ok, err := t.store.TryLease(ctx, pruneLease, t.cfg.Owner, now, t.cfg.PruneEvery+t.cfg.PruneEvery/2)
	if err != nil || !ok {
		return 0, err
	}
	var total int64
	for ctx.Err() == nil {
		n, err := t.store.PruneAudit(ctx, now.Add(-t.cfg.Retention), t.cfg.PruneBatch)
		total += n
		if err != nil {
			return total, err
		}
		if n < int64(t.cfg.PruneBatch) {
			break
		}
	}
	return total, nil
}
