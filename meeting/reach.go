package meeting

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"sync"
	"time"

	"golang.org/x/sync/singleflight"
)

// How Ping judges the meeting API: by how its latest requests went, so a
// static token (no login to fail) is not "ok" while the API is down, and
// one 5xx among good answers changes nothing.
const (
	// pingFailures attempts in a row without an answer (no response, or a
	// 5xx) make Ping fail; one answer (any other status) resets the count.
	pingFailures = 3
	// pingFresh: when the latest attempt is older, Ping makes one of its
	// own (a one-row history page); pingFreshFailing while it failed.
	// Idle, a replica asks the API twice a minute; while the API is down,
	// at most every 10 s.
	pingFresh        = 30 * time.Second
	pingFreshFailing = 10 * time.Second
	// pingTimeout bounds Ping's own request: /readyz gives its checks 5 s.
	pingTimeout = 2 * time.Second
)

const opPing = "ping"

// reach is how the latest HTTP attempts went. Safe for concurrent use.
type reach struct {
	mu       sync.Mutex
	at       time.Time // the latest attempt's end; zero before the first
	failures int       // attempts in a row without an answer
	err      error     // the latest failure
	probing  singleflight.Group
}

// record notes one attempt. One the caller gave up on (its context
// cancelled before an answer) says nothing about the API.
func (r *reach) record(ev RequestEvent, at time.Time) {
	if ev.Status == 0 && errors.Is(ev.Err, context.Canceled) {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.at = at
	if ev.Status == 0 || ev.Status >= 500 {
		r.failures++
		r.err = ev.Err
		return
	}
	r.failures, r.err = 0, nil
}

// state is the latest attempt's time and the failures in a row.
func (r *reach) state() (time.Time, int, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.at, r.failures, r.err
}

// Ping reports whether the meeting API answers: a token can be had (it logs
// in only when the client holds no valid one), and the latest requests got
// answers. When nothing was asked lately (pingFresh), it asks one page of
// one row of the history itself, once, within pingTimeout; concurrent Pings
// share it. pingFailures attempts in a row without an answer, or a 5xx,
// fail it: a lone 5xx does not. Used for readiness checks.
func (c *Client) Ping(ctx context.Context) error {
	tok, err := c.token(ctx)
	if err != nil {
		return fmt.Errorf("ping: %w", err)
	}
	at, failures, _ := c.reach.state()
	fresh := pingFresh
	if failures > 0 {
		fresh = pingFreshFailing
	}
	if age := c.now().Sub(at); at.IsZero() || age >= fresh {
		if err := c.probe(ctx, tok); errors.Is(err, ErrUnauthorized) {
			return fmt.Errorf("ping: %w", err)
		}
	}
	if _, failures, err := c.reach.state(); failures >= pingFailures {
		return fmt.Errorf("ping: the last %d requests got no answer or a server error: %w: %w", failures, ErrUnavailable, err)
	}
	return nil
}

// probe makes Ping's one request; concurrent Pings wait for the one under
// way and share its outcome, so none judges on the state from before it.
// The request is not the caller's: it runs to pingTimeout even when the
// Ping that started it gives up, and each Ping waits only until its own
// ctx ends. Its outcome is recorded as every attempt's is.
func (c *Client) probe(ctx context.Context, tok Secret) error {
	ch := c.reach.probing.DoChan(opPing, func() (any, error) {
		ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), pingTimeout)
		defer cancel()
		now := c.now()
		q := url.Values{
			"startDate": {strconv.FormatInt(now.Add(-time.Hour).UnixMilli(), 10)},
			"endDate":   {strconv.FormatInt(now.UnixMilli(), 10)},
			"offset":    {"0"},
			"limit":     {"1"},
			"sortType":  {sortNewest},
		}
		_, _, err := c.attempt(ctx, request{op: opPing, method: http.MethodGet, path: pathHistory, query: q, key: opPing}, tok, 1)
		return nil, err
	})
	select {
	case res := <-ch:
		return res.Err
	case <-ctx.Done():
		return context.Cause(ctx)
	}
}
