package bot

import (
	"context"
	"fmt"
	"time"
)

// Recording an envelope ID in the shared store is a courtesy to the other
// replicas (a redelivery that reaches one of them goes unanswered); the
// command itself does not need the store. So a slow store may not make a
// lookup wait: after dedupeBound the command goes ahead on this process's
// memory alone, and the store call finishes (or gives up after
// dedupeStoreTimeout) on its own.
const (
	dedupeBound        = 200 * time.Millisecond
	dedupeStoreTimeout = 5 * time.Second
)

// sharedFirstDelivery asks the shared store whether req's envelope is new,
// waiting at most dedupeBound for the answer.
func (p *pool) sharedFirstDelivery(req Request) (bool, error) {
	type answer struct {
		first bool
		err   error
	}
	ch := make(chan answer, 1)
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), dedupeStoreTimeout)
		defer cancel()
		first, err := p.deliveries.FirstDelivery(ctx, req.EnvelopeID, req.Received)
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
