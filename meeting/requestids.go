package meeting

import (
	"context"
	"sync"
)

// maxRequestIDs bounds how many IDs one RequestIDs keeps; a single command
// makes a few hundred requests at most.
const maxRequestIDs = 1000

// RequestIDs collects the X-Request-Id of every response made on behalf of a
// context, so a caller can log them with the command that caused them. When
// callers share one fetch (coalescing), each of them receives the IDs of the
// shared requests. The zero value is ready to use; it is safe for concurrent use.
type RequestIDs struct {
	mu  sync.Mutex
	ids []string
}

type requestIDsKey struct{}

// WithRequestIDs returns a context whose requests append their X-Request-Id to ids.
func WithRequestIDs(ctx context.Context, ids *RequestIDs) context.Context {
	return context.WithValue(ctx, requestIDsKey{}, ids)
}

func requestIDsFrom(ctx context.Context) *RequestIDs {
	ids, _ := ctx.Value(requestIDsKey{}).(*RequestIDs)
	return ids
}

// List returns a copy of the collected IDs in arrival order.
func (r *RequestIDs) List() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.ids...)
}

func (r *RequestIDs) add(ids ...string) {
	if r == nil {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, id := range ids {
		if id != "" && len(r.ids) < maxRequestIDs {
			r.ids = append(r.ids, id)
		}
	}
}
