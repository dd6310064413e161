package meeting

import (
	"container/list"
	"context"
	"sync"
	"time"
)

// lruCache is a least-recently-used cache bounded by the weight of what it
// holds (a list's records, so its bound is in memory, not in meetings),
// whose entries also expire after a TTL. A value heavier than the whole
// budget is not kept. A nil *lruCache (caching disabled) misses every
// lookup. Values are shared: callers copy before handing them out. Safe for
// concurrent use.
type lruCache[V any] struct {
	mu      sync.Mutex
	budget  int // the most weight held
	weight  int // held now
	weigh   func(V) int
	ttl     time.Duration
	order   *list.List // front: most recently used
	entries map[string]*list.Element
}

type cacheEntry[V any] struct {
	key     string
	value   V
	weight  int
	expires time.Time
}

// newLRUCache keeps up to budget of weight, weigh(value) each (at least 1).
func newLRUCache[V any](budget int, ttl time.Duration, weigh func(V) int) *lruCache[V] {
	if budget <= 0 {
		return nil
	}
	return &lruCache[V]{budget: budget, weigh: weigh, ttl: ttl, order: list.New(), entries: make(map[string]*list.Element)}
}

// get returns the cached value. Callers must not modify it.
func (c *lruCache[V]) get(key string, now time.Time) (v V, ok bool) {
	if c == nil {
		return v, false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.dropExpired(now)
	el, ok := c.entries[key]
	if !ok {
		return v, false
	}
	e := el.Value.(*cacheEntry[V])
	if !now.Before(e.expires) {
		c.remove(el)
		return v, false
	}
	c.order.MoveToFront(el)
	return e.value, true
}

// put stores value, which must not be modified afterwards, evicting the
// least recently used entries until the weight fits the budget.
func (c *lruCache[V]) put(key string, value V, now time.Time) {
	if c == nil {
		return
	}
	w := max(1, c.weigh(value))
	c.mu.Lock()
	defer c.mu.Unlock()
	c.dropExpired(now)
	if el, ok := c.entries[key]; ok {
		c.remove(el)
	}
	if w > c.budget {
		return
	}
	c.entries[key] = c.order.PushFront(&cacheEntry[V]{key: key, value: value, weight: w, expires: now.Add(c.ttl)})
	c.weight += w
	for c.weight > c.budget {
		c.remove(c.order.Back())
	}
}

// dropExpired removes the expired entries at the least recently used
// end, so that lists nobody asks for again do not stay in memory until
// evicted. It stops at the first entry still fresh: one read again later
// may have expired before it, and goes when it is read or reaches the end.
func (c *lruCache[V]) dropExpired(now time.Time) {
	for el := c.order.Back(); el != nil && !now.Before(el.Value.(*cacheEntry[V]).expires); el = c.order.Back() {
		c.remove(el)
	}
}

func (c *lruCache[V]) remove(el *list.Element) {
	e := c.order.Remove(el).(*cacheEntry[V])
	delete(c.entries, e.key)
	c.weight -= e.weight
}

// len is the number of entries and the weight they hold.
func (c *lruCache[V]) len() (entries, weight int) {
	if c == nil {
		return 0, 0
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.order.Len(), c.weight
}

// flightGroup coalesces concurrent calls with the same key into one execution
// (like x/sync/singleflight), with two differences that matter here: the
// shared work runs on a context that is not the first caller's, and is
// cancelled only when every waiting caller has given up, so one impatient
// caller cannot fail the others and abandoned work does not keep running; and
// every caller receives the request IDs of the shared requests.
// cachedFetch returns key's value from cache, or else from one fetch shared
// by the concurrent callers (flights) that puts its value into the cache
// before its flight ends. The flight looks in the cache again before
// fetching: a caller that missed it may reach flights just after another
// flight filled it and ended. shared reports that the value came from the
// cache or from another caller's flight.
func cachedFetch[V any](ctx context.Context, cache *lruCache[V], flights *flightGroup[V], key string, now func() time.Time, fetch func(context.Context) (V, error)) (v V, shared bool, err error) {
	if v, ok := cache.get(key, now()); ok {
		return v, true, nil
	}
	return flights.do(ctx, key, func(ctx context.Context) (V, error) {
		if v, ok := cache.get(key, now()); ok {
			return v, nil
		}
		v, err := fetch(ctx)
		if err == nil {
			cache.put(key, v, now())
		}
		return v, err
	})
}

type flightGroup[V any] struct {
	mu      sync.Mutex
	flights map[string]*flight[V]
}

type flight[V any] struct {
	done    chan struct{}
	val     V
	err     error
	waiters int
	cancel  context.CancelFunc
	ids     RequestIDs

	// The latest deadline of the callers that joined, guarded by the
	// group's mutex; unbounded once a caller without a deadline joined.
	latest    time.Time
	unbounded bool
}

// deadlineHintKey carries, in a flight's context, a function reporting the
// deadline of the callers waiting for it: the work itself runs without a
// deadline, but retries use the hint to stop waiting when no caller is left
// to receive the answer.
type deadlineHintKey struct{}

// deadlineOf is ctx.Deadline, or the deadline hint of a flight's context.
func deadlineOf(ctx context.Context) (time.Time, bool) {
	if hint, ok := ctx.Value(deadlineHintKey{}).(func() (time.Time, bool)); ok {
		return hint()
	}
	return ctx.Deadline()
}

// do runs fn once for all concurrent callers of key and returns its result.
// joined reports whether this caller joined a flight another caller started.
// If ctx ends first, do returns ctx's error at once.
func (g *flightGroup[V]) do(ctx context.Context, key string, fn func(context.Context) (V, error)) (v V, joined bool, err error) {
	dl, hasDeadline := deadlineOf(ctx) // before locking: it may lock an outer flight's group
	g.mu.Lock()
	if g.flights == nil {
		g.flights = make(map[string]*flight[V])
	}
	f, joined := g.flights[key]
	if !joined {
		fctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
		f = &flight[V]{done: make(chan struct{}), cancel: cancel}
		fctx = WithRequestIDs(fctx, &f.ids)
		fctx = context.WithValue(fctx, deadlineHintKey{}, func() (time.Time, bool) {
			g.mu.Lock()
			defer g.mu.Unlock()
			return f.latest, !f.unbounded
		})
		g.flights[key] = f
		go func() {
			defer cancel()
			f.val, f.err = fn(fctx)
			g.mu.Lock()
			if g.flights[key] == f {
				delete(g.flights, key)
			}
			g.mu.Unlock()
			close(f.done)
		}()
	}
	f.waiters++
	if !hasDeadline {
		f.unbounded = true
	} else if dl.After(f.latest) {
		f.latest = dl
	}
	g.mu.Unlock()

	select {
	case <-f.done:
		requestIDsFrom(ctx).add(f.ids.List()...)
		return f.val, joined, f.err
	case <-ctx.Done():
		g.mu.Lock()
		f.waiters--
		if f.waiters == 0 {
			f.cancel()
			if g.flights[key] == f {
				delete(g.flights, key)
			}
		}
		g.mu.Unlock()
		var zero V
		return zero, joined, context.Cause(ctx)
	}
}
