package meeting

import (
	"context"
	"crypto/tls"
	"errors"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// retryPolicy decides how often and how long to wait between attempts.
type retryPolicy struct {
	attempts int           // in all, first attempt included
	base     time.Duration // first backoff
	max      time.Duration // cap of one backoff, and of an honoured Retry-After
	// sleep waits for d or until ctx ends; tests replace it to run without
	// waiting.
	sleep func(ctx context.Context, d time.Duration) error
}

var defaultRetry = retryPolicy{
	attempts: 4,
	base:     200 * time.Millisecond,
	max:      30 * time.Second,
	sleep:    sleepCtx,
}

// backoff returns the wait after the given failed attempt: full jitter over an
// exponentially growing window, or the server's Retry-After when it asked for
// longer.
func (p retryPolicy) backoff(attempt int, retryAfter time.Duration) time.Duration {
	window := p.base << min(attempt-1, 16)
	if window > p.max || window <= 0 {
		window = p.max
	}
	d := window/2 + rand.N(window/2+1)
	if retryAfter > d {
		d = min(retryAfter, p.max)
	}
	return d
}

// sleepCtx sleeps for d or until ctx is done, whichever comes first.
func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return context.Cause(ctx)
	}
}

// parseRetryAfter reads a Retry-After header: delay seconds or an HTTP date.
// Absent or unreadable gives 0.
func parseRetryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil {
		if secs <= 0 {
			return 0
		}
		return time.Duration(min(secs, 24*3600)) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil {
		if d := t.Sub(now); d > 0 {
			return d
		}
	}
	return 0
}

// retryable reports whether another attempt may succeed: throttling, server
// errors, timeouts and broken connections. Other 4xx answers will not change.
func retryable(err error) bool {
	var apiErr *Error
	if errors.As(err, &apiErr) {
		return apiErr.HTTPStatus == http.StatusTooManyRequests || apiErr.HTTPStatus >= 500
	}
	var perm *permanentError
	var certErr *tls.CertificateVerificationError
	if errors.As(err, &perm) || errors.As(err, &certErr) {
		return false // asking again gives the same answer
	}
	// Timeouts, connection resets, unexpected EOFs: transport trouble.
	return true
}

// permanentError marks a failure that another attempt would repeat (a
// response over the size limit, a request that cannot be built).
type permanentError struct{ err error }

func (e *permanentError) Error() string { return e.err.Error() }
func (e *permanentError) Unwrap() error { return e.err }
