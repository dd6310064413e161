package autopost

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"time"

	"github.com/attendees-bot/attendees-bot/bot/store"
	"github.com/attendees-bot/attendees-bot/formatting"
	"github.com/attendees-bot/attendees-bot/formatting/attendance"
	"github.com/attendees-bot/attendees-bot/meeting"
)

// HistorySource lists concluded conferences; *meeting.Client is one.
type HistorySource interface {
	History(ctx context.Context, q meeting.HistoryQuery) ([]meeting.Conference, error)
}

// Reporter builds the attendance report of a conference (bot's
// NewAutopostReporter is one). The report comes as soon as the records are
// in; the comparison with the invite list may follow.
type Reporter interface {
	Report(ctx context.Context, conf meeting.Conference) (Answer, error)
}

// SeriesReporter is a Reporter that also reads the runs of a meeting ID
// (bot's NewAutopostReporter is one): a channel watching a meeting "with
// series" gets, under each post, who missed the latest runs.
type SeriesReporter interface {
	// Series is the newest runs of conf's meeting ID, conf the newest of
	// them; nil when conf is not among them yet.
	Series(ctx context.Context, conf meeting.Conference) (*attendance.Series, error)
}

// Answer is a report and where its comparison with the invite list stands.
type Answer struct {
	Report *attendance.Report
	// Pending, when set, waits for the report compared with the invite
	// list, which arrives after Report; it returns why there is none when
	// the invite list cannot be had. The post says "comparing…" meanwhile
	// and is edited in place once it is done.
	Pending func(ctx context.Context) (*attendance.Report, error)
	// NoInvites is why Report has no comparison and none follows (nil when
	// it is compared or Pending is set).
	NoInvites error
}

// Poster puts messages and files in Slack channels.
type Poster interface {
	// Post posts m in channelID, marked with key (the conference UUID) in
	// its metadata (event type MetadataEventType), and returns the message
	// timestamp.
	Post(ctx context.Context, channelID string, m formatting.Message, key string) (ts string, err error)
	// Posted looks in channelID's messages since the time given for one
	// that Post marked with key and returns its timestamp, "" if there is
	// none. An error wrapping ErrPermanent means it cannot tell (no access
	// to the history).
	Posted(ctx context.Context, channelID, key string, since time.Time) (ts string, err error)
	// Update edits the message ts that Post sent in channelID.
	Update(ctx context.Context, channelID, ts string, m formatting.Message) error
	// UploadCSV attaches a file in the thread of threadTS.
	UploadCSV(ctx context.Context, channelID, threadTS, filename, title string, content []byte) error
}

// ErrPermanent, wrapped by a Poster's error, says that retrying cannot help
// (the bot was removed from the channel, the channel is archived): the post
// is given up at once instead of after MaxAttempts.
var ErrPermanent = errors.New("permanent failure")

// Outcomes passed to Deps.OnOutcome, one per processed post.
const (
	OutcomePosted    = "posted"     // the attendance summary was posted
	OutcomeNoRecords = "no_records" // posted "no attendee records" after the empty retries
	OutcomeDeferred  = "deferred"   // no records yet, tried again later
	OutcomeRetry     = "retry"      // the meeting API or Slack failed, tried again later
	OutcomeFailed    = "failed"     // given up after MaxAttempts
	OutcomeLost      = "lost"       // the claim was lost meanwhile: the post may appear twice
	OutcomeFound     = "found"      // already in the channel (posted before a crash): recorded, not posted again
)

// MetadataEventType is the metadata event type of automatic posts; the
// payload's conf_uuid is the outbox key. A claim whose earlier owner may
// have posted looks for it (Poster.Posted) instead of posting twice.
const MetadataEventType = "attendees_autopost"

// Outcomes lists every Outcome* value, so counters can start at 0 for each.
var Outcomes = []string{OutcomePosted, OutcomeNoRecords, OutcomeDeferred, OutcomeRetry, OutcomeFailed, OutcomeLost, OutcomeFound}

// Config tunes a Service. Zero values get the defaults noted.
type Config struct {
	ChannelID    string         // catch-all channel getting every concluded meeting; "" = none
	PollInterval time.Duration  // Run polls this often; 0 = no polling
	Settle       time.Duration  // wait after a meeting concludes before fetching records (and between empty retries)
	WebhookKey   meeting.Secret // subscriber key signing webhook events; "" = webhook refuses everything
	SubscriberID string         // when set, events must carry this appID
	InlineLimit  int            // people listed in the message before the CSV is attached; default 25
	Lang         string         // message language: "en-US" (default) or "zh-CN"
	Location     *time.Location // time zone of the CSV and fallback text; nil = UTC
	Owner        string         // this replica's name in claims and leases; required, unique per process
	MaxAttempts  int            // failures before a post is given up; default 8
	EmptyRetries int            // empty record lists tried again before posting "no attendee records"; default 3

	Retention     time.Duration // Run prunes posted and failed posts older than this; default 7 days, at least 48h
	ClaimLease    time.Duration // how long a claimed post is ours; default 10m, at least 1m
	PollOverlap   time.Duration // polling re-reads this far before the cursor; default 10m
	MaxDuration   time.Duration // polling also lists meetings that started this long before the cursor; default 24h
	FirstLookback time.Duration // with no cursor yet, polling starts this far back; default 1h
}

// Deps are a Service's collaborators. History, Reporter, Poster and Store
// are required.
type Deps struct {
	History  HistorySource
	Reporter Reporter
	Poster   Poster
	Store    *store.Store
	Now      func() time.Time // default time.Now
	Log      *slog.Logger     // default discards
	// OnOutcome, when set, is called once per processed post with an
	// Outcome* constant (for metrics).
	OnOutcome func(outcome string)
	// Audit, when set, gets one row per message posted.
	Audit AuditRecorder
}

// AuditRecorder keeps the audit trail; *audit.Trail is one. Record must
// not block.
type AuditRecorder interface {
	Record(rows ...store.AuditRow)
}

// Service posts attendance after meetings conclude: the webhook handler and
// Poll put posts in the store's outbox, Work and Run deliver them. Any
// number of Services (replicas) may share one store. Safe for concurrent
// use.
type Service struct {
	cfg       Config
	history   HistorySource
	reporter  Reporter
	poster    Poster
	store     *store.Store
	now       func() time.Time
	log       *slog.Logger
	onOutcome func(string)
	audit     AuditRecorder
	wake      chan struct{}
	followUps sync.WaitGroup // comparisons with invite lists still coming
}

// New returns a Service; it checks cfg and deps and fills in defaults.
func New(cfg Config, d Deps) (*Service, error) {
	switch {
	case d.History == nil || d.Reporter == nil || d.Poster == nil || d.Store == nil:
		return nil, errors.New("autopost: history, reporter, poster and store are required")
	case cfg.Owner == "":
		return nil, errors.New("autopost: owner (replica name) is required")
	case cfg.PollInterval < 0 || cfg.Settle < 0:
		return nil, errors.New("autopost: poll interval and settle must not be negative")
	}
	def := func(v *time.Duration, d time.Duration) {
		if *v <= 0 {
			*v = d
		}
	}
	def(&cfg.Retention, 7*24*time.Hour)
	// Pruned rows no longer refuse duplicates: keep them past the vendor's
	// 24-hour redelivery window whatever the setting.
	cfg.Retention = max(cfg.Retention, 48*time.Hour)
	def(&cfg.ClaimLease, 10*time.Minute)
	cfg.ClaimLease = max(cfg.ClaimLease, time.Minute)
	def(&cfg.PollOverlap, 10*time.Minute)
	def(&cfg.MaxDuration, 24*time.Hour)
	def(&cfg.FirstLookback, time.Hour)
	if cfg.InlineLimit <= 0 {
		cfg.InlineLimit = 25
	}
	if cfg.MaxAttempts <= 0 {
		cfg.MaxAttempts = 8
	}
	if cfg.EmptyRetries < 0 {
		cfg.EmptyRetries = 0
	} else if cfg.EmptyRetries == 0 {
		cfg.EmptyRetries = 3
	}
	if cfg.Location == nil {
		cfg.Location = time.UTC
	}
	s := &Service{
		cfg: cfg, history: d.History, reporter: d.Reporter, poster: d.Poster, store: d.Store,
		now: d.Now, log: d.Log, onOutcome: d.OnOutcome, audit: d.Audit, wake: make(chan struct{}, 1),
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if s.onOutcome == nil {
		s.onOutcome = func(string) {}
	}
	return s, nil
}

// signal wakes the worker of this process; other replicas find new posts on
// their next idle check.
func (s *Service) signal() {
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// maxIdle bounds how long Run's worker sleeps without checking the store,
// so posts enqueued by other replicas are not left waiting.
const maxIdle = 30 * time.Second

// pruneEvery is how often Run deletes posts older than Retention.
const pruneEvery = time.Hour

// minIdle is the shortest sleep after a pass that delivered nothing.
const minIdle = 100 * time.Millisecond

// Run polls every PollInterval (when it is positive) and delivers due posts
// until ctx is done, then returns nil. Errors are logged and retried, never
// returned: a broken Slack or meeting API must not stop the process.
func (s *Service) Run(ctx context.Context) error {
	done := make(chan struct{})
	if s.cfg.PollInterval > 0 {
		go func() {
			defer close(done)
			s.pollLoop(ctx)
		}()
	} else {
		close(done)
	}
	s.workLoop(ctx)
	<-done
	s.followUps.Wait()
	return nil
}

func (s *Service) pollLoop(ctx context.Context) {
	t := time.NewTicker(s.cfg.PollInterval)
	defer t.Stop()
	// Hand the poll lease over at once, so a restarted or other replica
	// polls on its next tick instead of after the lease runs out.
	defer func() {
		rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), recordTimeout)
		defer cancel()
		if err := s.store.ReleaseLease(rctx, pollLease, s.cfg.Owner); err != nil {
			s.log.LogAttrs(rctx, slog.LevelWarn, "autopost poll lease not released", slog.Any("err", err))
		}
	}()
	for {
		if err := s.Poll(ctx); err != nil && ctx.Err() == nil {
			s.log.LogAttrs(ctx, slog.LevelWarn, "autopost poll failed", slog.Any("err", err))
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

func (s *Service) workLoop(ctx context.Context) {
	timer := time.NewTimer(0)
	defer timer.Stop()
	var pruned time.Time
	for {
		select {
		case <-ctx.Done():
			return
		case <-timer.C:
		case <-s.wake:
		}
		if now := s.now(); now.Sub(pruned) >= pruneEvery {
			pruned = now
			if n, err := s.store.Prune(ctx, now.Add(-s.cfg.Retention)); err != nil {
				s.log.LogAttrs(ctx, slog.LevelWarn, "autopost prune failed", slog.Any("err", err))
			} else if n > 0 {
				s.log.LogAttrs(ctx, slog.LevelInfo, "autopost pruned old posts", slog.Int64("posts", n))
			}
		}
		n, err := s.Work(ctx)
		if err != nil && ctx.Err() == nil {
			s.log.LogAttrs(ctx, slog.LevelWarn, "autopost work failed", slog.Any("err", err))
		}
		wait := maxIdle
		if next, ok, err := s.store.NextDue(ctx, s.now()); err == nil && ok {
			wait = min(max(next.Sub(s.now()), 0), maxIdle)
		}
		if n == 0 {
			// Something due that this pass could not claim: do not spin.
			wait = max(wait, minIdle)
		}
		timer.Reset(wait)
	}
}
