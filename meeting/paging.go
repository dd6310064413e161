package meeting

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"

	"golang.org/x/sync/errgroup"
)

// pageLimit is what every paged request asks for: the documented maximum.
const pageLimit = 500

// maxPages bounds one list read, so a server that answers with tiny pages
// cannot make the client issue an unbounded number of requests.
const maxPages = 2000

// pageFunc fetches one page: the server's total count, the items and the
// size of the answer in bytes.
type pageFunc[T any] func(ctx context.Context, offset, limit int) (count int, items []T, size int, err error)

// changedError reports paging that contradicted itself. It satisfies both
// ErrInconsistent and ErrUnavailable.
type changedError struct{ detail string }

func (e *changedError) Error() string { return "records changed while paging: " + e.detail }
func (e *changedError) Is(target error) bool {
	return target == ErrInconsistent || target == ErrUnavailable
}

// collectPages reads a whole offset/limit/count list. The first page gives the
// count and the server's real page size (its length, in case the server clamps
// below pageLimit); the remaining pages are then all known and fetched
// concurrently (bounded by the client's page slots) and placed by offset, so the
// result is in server order, as a sequential loop would return it.
//
// Every page must report the same count and hold exactly the records its
// offset implies. If not, the list changed under us (a meeting still running),
// and a slice stitched from two versions could duplicate or drop records, so
// the whole list is read once more from the start; a second inconsistency is
// an error satisfying ErrInconsistent and ErrUnavailable.
//
// With capIsError, a count above limit fails with ErrTooManyRecords before any
// further page is fetched; otherwise the list is cut to limit records.
//
// A list of records (what an answer needs, as opposed to an invite list) is
// marked in the client's scheduler while it is read, so the invite lists of
// the same moment wait until all its pages are queued; key names its
// meeting.
func collectPages[T any](ctx context.Context, c *Client, records bool, key string, limit int, capIsError bool, fetch pageFunc[T]) ([]T, error) {
	items, err := collectOnce(ctx, c, records, key, limit, capIsError, fetch)
	var changed *changedError
	if errors.As(err, &changed) && ctx.Err() == nil {
		c.log.WarnContext(ctx, "meeting api: list changed while paging, reading it again", "detail", changed.detail)
		items, err = collectOnce(ctx, c, records, key, limit, capIsError, fetch)
	}
	return items, err
}

func collectOnce[T any](ctx context.Context, c *Client, records bool, key string, limit int, capIsError bool, fetch pageFunc[T]) ([]T, error) {
	expect := func(int) {}
	if records {
		var mark *listMark
		ctx, mark = c.sched.openList(ctx, key)
		defer c.sched.closeList(mark)
		expect = func(n int) { c.sched.expect(mark, n) }
	}
	count, first, size, err := fetch(ctx, 0, pageLimit)
	if err != nil {
		return nil, err
	}
	var read atomic.Int64 // bytes of answers, bounded by MaxListBytes
	read.Add(int64(size))
	if capIsError && max(count, len(first)) > limit {
		return nil, fmt.Errorf("%d records, more than the limit of %d: %w", max(count, len(first)), limit, ErrTooManyRecords)
	}
	step := len(first)
	if count <= step {
		// Everything is on the first page. A count below the page length is a
		// server quirk; the records themselves are kept.
		return first[:min(step, limit)], nil
	}
	switch {
	case step == 0:
		return nil, &changedError{fmt.Sprintf("count %d but the first page is empty", count)}
	case step > pageLimit:
		return nil, &changedError{fmt.Sprintf("first page holds %d records, more than the %d asked for", step, pageLimit)}
	}
	want := min(count, limit)
	if pages := (want + step - 1) / step; pages > maxPages {
		return nil, fmt.Errorf("%d records in pages of %d would take %d requests, more than %d: %w", count, step, pages, maxPages, ErrUnavailable)
	}

	pages := make([][]T, (want+step-1)/step)
	pages[0] = first
	expect(len(pages) - 1)
	g, gctx := errgroup.WithContext(ctx)
	// One goroutine per page slot; the client-wide slots bound the requests of
	// all callers together.
	g.SetLimit(c.maxInFlight)
	for i := 1; i < len(pages); i++ {
		offset := i * step
		g.Go(func() error {
			n, items, size, err := fetch(gctx, offset, step)
			if err != nil {
				return err
			}
			if total := read.Add(int64(size)); total > c.maxListBytes {
				return fmt.Errorf("answers of more than %d bytes for one list of %d: %w", c.maxListBytes, count, ErrTooLarge)
			}
			expect := min(step, count-offset)
			switch {
			case n != count:
				return &changedError{fmt.Sprintf("count %d on the first page, %d at offset %d", count, n, offset)}
			case len(items) != expect:
				return &changedError{fmt.Sprintf("%d records at offset %d, expected %d of %d", len(items), offset, expect, count)}
			}
			pages[i] = items
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	out := make([]T, 0, want)
	for _, p := range pages {
		out = append(out, p...)
	}
	return out[:want], nil
}
