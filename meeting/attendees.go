package meeting

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
)

const (
	pathAttendees  = "/v1/mmc/management/conferences/history/confAttendeeRecord"
	maxSearchKey   = 200
	cacheKeySep    = "\x00"
	opAttendees    = "attendees"
	opHistory      = "history"
	opConfDetail   = "confdetail"
	sortNewest     = "DSC_StartTIME"
	sortOldest     = "ASC_StartTIME"
	pathHistory    = "/v1/mmc/management/conferences/history"
	pathConfDetail = "/v1/mmc/management/conferences/history/confDetail"
)

// Attendees returns every attendee record of the conference in server order:
// one record per join of one device, so a person can appear several times.
// Results are cached (see WithCache) and concurrent calls for the same
// conference share one fetch. The returned slice is shared with the cache
// and the other callers: read it, never modify it (copying it for every
// caller cost 96 bytes a record each, 154 MB for sixteen people asking for
// one 100,000-record meeting at once; BenchmarkPodMemory).
//
// A confUUID of the wrong shape fails with ErrInvalidInput before any request;
// an unknown conference fails with ErrNotFound; more records than the cap
// (WithMaxRecords) fails with ErrTooManyRecords.
func (c *Client) Attendees(ctx context.Context, confUUID string) ([]Attendee, error) {
	return c.SearchAttendees(ctx, confUUID, "")
}

// SearchAttendees is Attendees with the server-side searchKey filter; an empty
// searchKey returns every record.
func (c *Client) SearchAttendees(ctx context.Context, confUUID, searchKey string) ([]Attendee, error) {
	if err := ValidateConfUUID(confUUID); err != nil {
		return nil, fmt.Errorf("list attendees: %w", err)
	}
	if len(searchKey) > maxSearchKey {
		return nil, fmt.Errorf("list attendees: %w", invalid("search key must be at most %d bytes, got %d", maxSearchKey, len(searchKey)))
	}
	key := confUUID + cacheKeySep + searchKey
	recs, shared, err := cachedFetch(ctx, c.cache, &c.attendees, key, c.now, func(ctx context.Context) ([]Attendee, error) {
		return c.fetchAttendees(ctx, confUUID, searchKey)
	})
	c.reportCache(shared)
	if err != nil {
		return nil, fmt.Errorf("list attendees %s: %w", confUUID, err)
	}
	// Capacity capped: an append copies instead of writing into the
	// spare room of the shared array.
	return recs[:len(recs):len(recs)], nil
}

func (c *Client) reportCache(hit bool) {
	if c.cacheHook != nil {
		c.cacheHook(hit)
	}
}

// fetchAttendees reads all pages of the conference's attendee records.
func (c *Client) fetchAttendees(ctx context.Context, confUUID, searchKey string) ([]Attendee, error) {
	return collectPages(ctx, c, true, confUUID, c.maxRecords, true, func(ctx context.Context, offset, limit int) (int, []Attendee, int, error) {
		q := url.Values{
			"confUUID": {confUUID},
			"offset":   {strconv.Itoa(offset)},
			"limit":    {strconv.Itoa(limit)},
		}
		if searchKey != "" {
			q.Set("searchKey", searchKey)
		}
		resp, err := c.call(ctx, request{op: opAttendees, method: http.MethodGet, path: pathAttendees, query: q, key: confUUID})
		if err != nil {
			return 0, nil, 0, err
		}
		count, recs, err := decodeAttendeePage(resp.body)
		if err != nil {
			return 0, nil, 0, decodeError(opAttendees, offset, resp, err)
		}
		return count, recs, len(resp.body), nil
	})
}

// decodeError describes an unreadable 200 answer. It satisfies ErrUnavailable:
// the server (or a proxy in front of it) is not answering as documented.
func decodeError(op string, offset int, resp *response, err error) error {
	return fmt.Errorf("%s: decode page at offset %d (request id %s): %w: %w", op, offset, resp.requestID, ErrUnavailable, err)
}
