package meeting

// This file holds the plumbing every API call goes through: call attaches
// the token and logs in again once on a 401, send retries with backoff,
// attempt makes one HTTP exchange (request slot, per-attempt timeout, size
// bounds, the RequestEvent) and newHTTPRequest builds it. When to retry and
// how long to wait is decided in retry.go; request slots come from sched.go.

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"time"
)

// request is one API call, independent of attempts.
type request struct {
	op     string
	method string
	path   string
	query  url.Values
	body   []byte
	header http.Header // extra headers (login authorization)
	prio   int         // prioRecords or prioInvites
	key    string      // the conference it is for, for fairness between meetings
}

// response is a successful answer.
type response struct {
	body      []byte
	requestID string
}

// call makes an authenticated API call: it attaches the token, and on a 401 /
// USG.000000004 drops the token, logs in again and retries once.
func (c *Client) call(ctx context.Context, req request) (*response, error) {
	tok, err := c.token(ctx)
	if err != nil {
		return nil, err
	}
	resp, err := c.send(ctx, req, tok)
	if err == nil || !unauthorized(err) || !c.auth.renewable() {
		return resp, err
	}
	c.log.InfoContext(ctx, "meeting api: token rejected, logging in again", "op", req.op, "error", err)
	c.tokens.invalidate(tok)
	if tok, err = c.token(ctx); err != nil {
		return nil, err
	}
	return c.send(ctx, req, tok)
}

// send makes a request with retries: 429, 5xx, timeouts and connection errors
// are retried with backoff (honouring Retry-After) up to retry.attempts in all,
// never past the context. The limiter is waited on before every attempt.
func (c *Client) send(ctx context.Context, req request, tok Secret) (*response, error) {
	for attempt := 1; ; attempt++ {
		resp, retryAfter, err := c.attempt(ctx, req, tok, attempt)
		if err == nil {
			return resp, nil
		}
		if ctx.Err() != nil {
			return nil, fmt.Errorf("%s: %w", req.op, context.Cause(ctx))
		}
		if !retryable(err) || attempt >= c.retry.attempts {
			return nil, finalError(req.op, err)
		}
		wait := c.retry.backoff(attempt, retryAfter)
		if dl, ok := deadlineOf(ctx); ok && time.Until(dl) < wait {
			return nil, finalError(req.op, err) // waiting cannot help
		}
		c.log.WarnContext(ctx, "meeting api: retrying", "op", req.op, "attempt", attempt, "wait", wait, "error", err)
		if err := c.retry.sleep(ctx, wait); err != nil {
			return nil, fmt.Errorf("%s: %w", req.op, err)
		}
	}
}

// finalError gives an error that ends the retries its meaning: transport
// failures are wrapped so they satisfy ErrUnavailable.
func finalError(op string, err error) error {
	var apiErr *Error
	if errors.As(err, &apiErr) || errors.Is(err, ErrUnavailable) {
		return fmt.Errorf("%s: %w", op, err)
	}
	return fmt.Errorf("%s: %w: %w", op, ErrUnavailable, err)
}

// attempt makes one HTTP exchange. It returns the Retry-After delay of a
// 429/503 answer, if any.
func (c *Client) attempt(ctx context.Context, req request, tok Secret, n int) (resp *response, retryAfter time.Duration, err error) {
	release, err := c.sched.acquire(ctx, req.prio, req.key)
	if err != nil {
		if ctx.Err() != nil {
			return nil, 0, context.Cause(ctx)
		}
		return nil, 0, &permanentError{fmt.Errorf("rate limiter: %w", err)}
	}
	defer release()
	// The attempt's own deadline: one request that hangs is abandoned and
	// retried, not waited for until the caller gives up.
	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()

	hreq, err := c.newHTTPRequest(ctx, req, tok)
	if err != nil {
		return nil, 0, &permanentError{err}
	}
	start := time.Now()
	ev := RequestEvent{Op: req.op, Attempt: n}
	defer func() {
		ev.Duration = time.Since(start)
		ev.Err = err
		c.reach.record(ev, c.now())
		if c.requestHook != nil {
			c.requestHook(ev)
		}
	}()
	hresp, err := c.hc.Do(hreq)
	if err != nil {
		// net/http names the whole URL, query and all; logs get its host.
		return nil, 0, c.scrubErr(HideURLPath(err))
	}
	defer hresp.Body.Close()
	ev.Status = hresp.StatusCode
	ev.RequestID = hresp.Header.Get("X-Request-Id")
	requestIDsFrom(ctx).add(ev.RequestID)

	if hresp.StatusCode < 200 || hresp.StatusCode > 299 {
		body, _ := io.ReadAll(io.LimitReader(hresp.Body, maxErrorBody))
		apiErr := parseError(hresp.StatusCode, ev.RequestID, body)
		apiErr.Message = c.scrub(apiErr.Message)
		return nil, parseRetryAfter(hresp.Header.Get("Retry-After"), time.Now()), apiErr
	}
	if hresp.ContentLength > MaxPageBytes {
		return nil, 0, &permanentError{tooLarge(ev.RequestID, hresp.ContentLength)}
	}
	body, err := readBody(hresp)
	if err != nil {
		return nil, 0, fmt.Errorf("read response (request id %s): %w", ev.RequestID, c.scrubErr(err))
	}
	if len(body) > MaxPageBytes {
		return nil, 0, &permanentError{tooLarge(ev.RequestID, -1)}
	}
	return &response{body: body, requestID: ev.RequestID}, 0, nil
}

// readBody reads a success body of at most MaxPageBytes+1 bytes (more is
// the caller's error). With the size announced it reads into a buffer of
// that size: io.ReadAll grows one by doubling, about three times the
// garbage per page, which is most of what a large lookup allocates.
func readBody(resp *http.Response) ([]byte, error) {
	r := io.LimitReader(resp.Body, MaxPageBytes+1)
	n := resp.ContentLength
	if n <= 0 || n > MaxPageBytes {
		return io.ReadAll(r)
	}
	body := make([]byte, n, n+1)
	if _, err := io.ReadFull(r, body); err != nil {
		return nil, err
	}
	// A body longer than announced is a broken answer: keep one byte of the
	// rest so the size check sees it.
	var extra [1]byte
	if k, _ := r.Read(extra[:]); k > 0 {
		body = append(body, extra[0])
	}
	return body, nil
}

// tooLarge describes an answer over MaxPageBytes; size is -1 when unknown.
func tooLarge(requestID string, size int64) error {
	if size < 0 {
		return fmt.Errorf("answer larger than %d bytes (request id %s): %w", MaxPageBytes, requestID, ErrTooLarge)
	}
	return fmt.Errorf("answer of %d bytes, more than %d (request id %s): %w", size, MaxPageBytes, requestID, ErrTooLarge)
}

func (c *Client) newHTTPRequest(ctx context.Context, req request, tok Secret) (*http.Request, error) {
	u := *c.base
	u.Path += req.path
	u.RawQuery = req.query.Encode()
	var body io.Reader
	if req.body != nil {
		body = bytes.NewReader(req.body)
	}
	hreq, err := http.NewRequestWithContext(ctx, req.method, u.String(), body)
	if err != nil {
		return nil, fmt.Errorf("build request: %w", err)
	}
	for k, v := range req.header {
		hreq.Header[k] = v
	}
	hreq.Header.Set("User-Agent", c.userAgent)
	hreq.Header.Set("Accept", "application/json")
	hreq.Header.Set("Accept-Language", c.lang)
	if req.body != nil {
		hreq.Header.Set("Content-Type", "application/json; charset=UTF-8")
	}
	if tok != "" {
		hreq.Header.Set("X-Access-Token", tok.Reveal())
	}
	return hreq, nil
}
