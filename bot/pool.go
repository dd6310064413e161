package bot

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"time"

	"github.com/attendees-bot/attendees-bot/meeting"
)

// pool is how the handler runs requests in the background: a bounded number
// at once, each with a deadline from its receipt, a redelivered envelope
// answered once, and one log line and metric per request.
type pool struct {
	slots      chan struct{}
	timeout    time.Duration
	seen       *envelopes
	deliveries deliveries // nil: this process's memory only
	metrics    *Metrics
	work       sync.WaitGroup
	// stopping ends when Drain gives up waiting: background work (a
	// comparison with an invite list still coming) stops waiting then.
	stopping context.Context
	stop     context.CancelFunc
}

func newPool(workers int, timeout time.Duration, d deliveries, m *Metrics) pool {
	if workers < 1 {
		workers = 16
	}
	if timeout <= 0 {
		timeout = 45 * time.Second
	}
	stopping, stop := context.WithCancel(context.Background())
	return pool{slots: make(chan struct{}, workers), timeout: timeout, seen: newEnvelopes(10000), deliveries: d, metrics: m, stopping: stopping, stop: stop}
}

// takeSlot waits for a free worker until ctx is done; a free one is taken
// even when ctx already is.
func (p *pool) takeSlot(ctx context.Context) bool {
	select {
	case p.slots <- struct{}{}:
		return true
	default:
	}
	select {
	case p.slots <- struct{}{}:
		return true
	case <-ctx.Done():
		return false
	}
}

// deliveries remembers envelope IDs, and what was shared where, across
// every replica sharing a store.
type deliveries interface {
	FirstDelivery(ctx context.Context, envelopeID string, now time.Time) (bool, error)
	FirstWithin(ctx context.Context, key string, now time.Time, window time.Duration) (bool, error)
}

// Go handles req in a goroutine of its own and returns at once. The
// deadline starts at req.Received, so time spent waiting for a free worker
// counts against it. Wait waits for every request Go started.
func (h *Handler) Go(ctx context.Context, req Request) {
	if req.Received.IsZero() {
		req.Received = h.now()
	}
	h.work.Add(1)
	h.metrics.inflight.Inc()
	go func() {
		defer h.work.Done()
		defer h.metrics.inflight.Dec()
		ctx, cancel := context.WithDeadline(ctx, req.Received.Add(h.timeout))
		defer cancel()
		if problem := requestProblem(req); problem != "" {
			// Nothing can be answered or trusted: drop it before any work.
			h.metrics.command(outcomeInvalid, 0)
			h.log.Warn("malformed request dropped", slog.String("envelope_id", req.EnvelopeID), slog.String("problem", problem))
			return
		}
		if !h.firstDelivery(ctx, req) {
			return
		}
		ids := &meeting.RequestIDs{}
		ctx = meeting.WithRequestIDs(ctx, ids)
		ctx, giveBack := h.looker.holdScope(ctx)
		res := func() Result {
			defer giveBack() // however Handle returns: the budget is shared
			return h.Handle(ctx, req)
		}()
		took := h.now().Sub(req.Received)
		h.metrics.command(res.Outcome, took)
		logResult(ctx, h.log, req, res, took, ids.List())
	}()
}

// DrainTimeout is how long Drain should wait at shutdown: every request
// reaches its deadline and sends its last reply within it.
func (h *Handler) DrainTimeout() time.Duration { return drainTimeout(h.timeout) }

// Drain waits for the requests Go started and the comparisons with invite
// lists still coming, at most timeout; then it calls cancel (which should
// end the requests' context), stops the comparisons (their messages say
// they were not possible) and waits for them to return.
func (h *Handler) Drain(timeout time.Duration, cancel context.CancelFunc) {
	done := make(chan struct{})
	go func() { h.work.Wait(); close(done) }()
	t := time.NewTimer(timeout)
	defer t.Stop()
	select {
	case <-done:
	case <-t.C:
		h.log.Warn("shutdown: cancelling commands still running", slog.Duration("waited", timeout))
		cancel()
		h.stop()
		<-done
	}
}

// firstDelivery reports whether req's envelope is new: a redelivered
// envelope (Slack resends one whose ack was late) is never answered twice,
// in this process or, through the shared store, on another replica. If the
// store cannot answer, the request is answered: twice is better than never.
func (h *Handler) firstDelivery(ctx context.Context, req Request) bool {
	if req.EnvelopeID == "" {
		return true
	}
	if !h.seen.add(req.EnvelopeID) {
		h.metrics.command(outcomeDuplicate, 0)
		h.log.Info("duplicate envelope dropped", slog.String("envelope_id", req.EnvelopeID))
		return false
	}
	if h.deliveries == nil {
		return true
	}
	first, err := h.sharedFirst(func(ctx context.Context) (bool, error) {
		return h.deliveries.FirstDelivery(ctx, req.EnvelopeID, req.Received)
	})
	if err != nil {
		h.metrics.dedupeDegraded.Inc()
		h.log.Warn("envelope store slow or unavailable; checked for redelivery in this process only", slog.String("envelope_id", req.EnvelopeID), slog.Any("err", err))
		return true
	}
	if !first {
		h.metrics.command(outcomeDuplicate, 0)
		h.log.Info("duplicate envelope dropped (answered by another replica)", slog.String("envelope_id", req.EnvelopeID))
	}
	return first
}

// logResult writes the one log line of a request.
func logResult(ctx context.Context, log *slog.Logger, req Request, res Result, took time.Duration, requestIDs []string) {
	attrs := []slog.Attr{
		slog.String("user", req.UserID), slog.String("channel", req.ChannelID), slog.String("team", req.TeamID),
		slog.String("action", actionName(req)), slog.String("outcome", res.Outcome), slog.Duration("took", took),
	}
	if res.ConfUUID != "" {
		attrs = append(attrs, slog.String("conf_uuid", res.ConfUUID), slog.Int("people", res.People), slog.Int("records", res.Records))
	}
	if len(requestIDs) > 0 {
		attrs = append(attrs, slog.Any("meeting_request_ids", requestIDs))
	}
	level := slog.LevelInfo
	if res.Err != nil {
		attrs = append(attrs, slog.String("err", res.Err.Error()))
		var me *meeting.Error
		if errors.As(res.Err, &me) && me.RequestID != "" {
			attrs = append(attrs, slog.String("meeting_request_id", me.RequestID))
		}
		if res.Ref != "" {
			attrs = append(attrs, slog.String("ref", res.Ref))
			level = slog.LevelError
		}
	}
	log.LogAttrs(ctx, level, "command", attrs...)
}

func actionName(req Request) string {
	if req.Action == "" {
		return "command"
	}
	return req.Action
}

// envelopes remembers the last n envelope IDs seen. Safe for concurrent use.
type envelopes struct {
	mu   sync.Mutex
	set  map[string]struct{}
	ring []string
	next int
}

func newEnvelopes(n int) *envelopes {
	return &envelopes{set: make(map[string]struct{}, n), ring: make([]string, n)}
}

// add records id and reports whether it was new.
func (e *envelopes) add(id string) bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	if _, ok := e.set[id]; ok {
		return false
	}
	if old := e.ring[e.next]; old != "" {
		delete(e.set, old)
	}
	e.ring[e.next] = id
	e.next = (e.next + 1) % len(e.ring)
	e.set[id] = struct{}{}
	return true
}
