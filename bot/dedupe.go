package bot

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"log/slog"
	"time"
)

// Recording an envelope ID (or a share) in the shared store is a courtesy
// to the other replicas (a redelivery or second tap that reaches one of
// them goes unanswered); the command itself does not need the store. So a slow store may not make a
// lookup wait: after dedupeBound the command goes ahead on this process's
// memory alone, and the store call finishes (or gives up after
// dedupeStoreTimeout) on its own.
const (
	dedupeBound        = 200 * time.Millisecond
	dedupeStoreTimeout = 5 * time.Second
)

// sharedFirst asks the shared store whether something is new (an
// envelope, a share), waiting at most dedupeBound for the answer.
func (p *pool) sharedFirst(ask func(context.Context) (bool, error)) (bool, error) {
	type answer struct {
		first bool
		err   error
	}
	ch := make(chan answer, 1)
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), dedupeStoreTimeout)
		defer cancel()
		first, err := ask(ctx)
		ch <- answer{first, err}
	}()
	t := time.NewTimer(dedupeBound)
	defer t.Stop()
	select {
	case a := <-ch:
		return a.first, a.err
	case <-t.C:
		return true, fmt.Errorf("no answer within %s", dedupeBound)
	}
}

// shareWindow is how long a share counts as just posted: a second tap on
// Share within it posts nothing.
const shareWindow = time.Minute

// firstShare reports whether key (a channel and what would be posted
// there) was not shared in the last shareWindow: by this process, or,
// through the shared store, by another replica that Slack handed the first
// tap to. A slow or failing store leaves this process's memory to decide.
func (h *Handler) firstShare(ctx context.Context, key string) bool {
	now := h.now()
	if !h.shares.first(key, now) {
		return false
	}
	if h.deliveries == nil {
		return true
	}
	sum := sha256.Sum256([]byte(key)) // the search text stays out of the store
	first, err := h.sharedFirst(func(ctx context.Context) (bool, error) {
		return h.deliveries.FirstWithin(ctx, "share:"+hex.EncodeToString(sum[:16]), now, shareWindow)
	})
	if err != nil {
		h.metrics.dedupeDegraded.Inc()
		h.log.LogAttrs(ctx, slog.LevelWarn, "share store slow or unavailable; double taps checked in this process only", slog.Any("err", err))
		return true
	}
	return first
}
