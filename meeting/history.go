package meeting

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"sync"
)

// defaultHistoryMax is HistoryQuery.Max when zero.
const defaultHistoryMax = 500

// meetingIDHistoryMax bounds a meeting-ID lookup. The search key also matches
// subjects, so rows of other meetings can come back; a daily meeting has 180
// instances in the default window.
const meetingIDHistoryMax = 2000

// History lists history conferences matching q, all pages up to q.Max, in
// server order (newest first unless q.Ascending).
func (c *Client) History(ctx context.Context, q HistoryQuery) ([]Conference, error) {
	if err := q.validate(); err != nil {
		return nil, fmt.Errorf("list history: %w", err)
	}
	limit := q.Max
	if limit == 0 {
		limit = defaultHistoryMax
	}
	sortType := sortNewest
	if q.Ascending {
		sortType = sortOldest
	}
	confs, err := collectPages(ctx, c, true, "history "+q.SearchKey, limit, false, func(ctx context.Context, offset, pageSize int) (int, []Conference, int, error) {
		v := url.Values{
			"startDate": {strconv.FormatInt(q.Start.UnixMilli(), 10)},
			"endDate":   {strconv.FormatInt(q.End.UnixMilli(), 10)},
			"offset":    {strconv.Itoa(offset)},
			"limit":     {strconv.Itoa(pageSize)},
			"sortType":  {sortType},
		}
		if q.SearchKey != "" {
			v.Set("searchKey", q.SearchKey)
		}
		resp, err := c.call(ctx, request{op: opHistory, method: http.MethodGet, path: pathHistory, query: v, key: "history " + q.SearchKey})
		if err != nil {
			return 0, nil, 0, err
		}
		count, confs, err := decodeHistoryPage(resp.body)
		if err != nil {
			return 0, nil, 0, decodeError(opHistory, offset, resp, err)
		}
		return count, confs, len(resp.body), nil
	})
	if err != nil {
		return nil, fmt.Errorf("list history: %w", err)
	}
	return confs, nil
}

func (q HistoryQuery) validate() error {
	switch {
	case q.Start.IsZero() || q.End.IsZero():
		return invalid("history query needs a start and an end time")
	case q.End.Before(q.Start):
		return invalid("history query end %s is before its start %s", q.End.UTC().Format("2006-01-02 15:04"), q.Start.UTC().Format("2006-01-02 15:04"))
	case q.Max < 0:
		return invalid("history query max must be 0 (meaning %d) or more, got %d", defaultHistoryMax, q.Max)
	case len(q.SearchKey) > maxSearchKey:
		return invalid("search key must be at most %d bytes, got %d", maxSearchKey, len(q.SearchKey))
	}
	return nil
}

// ConferencesByMeetingID resolves a typed meeting ID (spaces and dashes
// allowed, see NormalizeMeetingID) to its instances that started within the
// history window (WithHistoryWindow), newest first. One meeting ID started
// several times has several instances, each with its own ConfUUID. None found
// is an error satisfying ErrNotFound.
func (c *Client) ConferencesByMeetingID(ctx context.Context, meetingID string) ([]Conference, error) {
	id, err := NormalizeMeetingID(meetingID)
	if err != nil {
		return nil, fmt.Errorf("find meeting: %w", err)
	}
	now := c.now()
	confs, err := c.History(ctx, HistoryQuery{Start: now.Add(-c.historyWindow), End: now, SearchKey: id, Max: meetingIDHistoryMax})
	if err != nil {
		return nil, fmt.Errorf("find meeting %s: %w", id, err)
	}
	var out []Conference
	for _, conf := range confs {
		if CompactMeetingID(conf.ConferenceID) == id {
			out = append(out, conf)
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("find meeting %s: no conference in the last %d days: %w", id, int(c.historyWindow.Hours()/24), ErrNotFound)
	}
	// The server was asked for newest first; sort anyway (stable, so rows
	// without a parsable start keep their server position among equals).
	sort.SliceStable(out, func(i, j int) bool { return out[i].Start.After(out[j].Start) })
	return out, nil
}

// ConferenceDetail returns a conference and its whole invite list (all pages
// of /history/confDetail). The invite list is who was invited at booking, not
// who joined: compare it with Attendees to find no-shows. Like Attendees, it
// is cached (WithCache) and concurrent calls for one conference share one
// fetch; the result is the caller's own, but its Participants are shared
// like Attendees' records: read them, never modify them.
func (c *Client) ConferenceDetail(ctx context.Context, confUUID string) (*ConferenceDetail, error) {
	if err := ValidateConfUUID(confUUID); err != nil {
		return nil, fmt.Errorf("conference detail: %w", err)
	}
	d, _, err := cachedFetch(ctx, c.detailCache, &c.detailFlights, confUUID, c.now, func(ctx context.Context) (*ConferenceDetail, error) {
		return c.fetchDetail(ctx, confUUID)
	})
	if err != nil {
		return nil, fmt.Errorf("conference detail %s: %w", confUUID, err)
	}
	n := len(d.Participants) // capacity capped, as Attendees'
	return &ConferenceDetail{Conference: d.Conference, Participants: d.Participants[:n:n]}, nil
}

// invitePrio is the priority of the invite-list page at offset: the first
// beside the records, the rest after them.
func invitePrio(offset int) int {
	if offset == 0 {
		return prioInvites
	}
	return prioInvitesMore
}

func (c *Client) fetchDetail(ctx context.Context, confUUID string) (*ConferenceDetail, error) {
	var conf Conference
	arrived := c.readingFirstPage(confUUID)
	defer arrived()
	parts, err := collectPages(ctx, c, false, confUUID, c.maxRecords, true, func(ctx context.Context, offset, limit int) (int, []Participant, int, error) {
		q := url.Values{
			"confUUID": {confUUID},
			"offset":   {strconv.Itoa(offset)},
			"limit":    {strconv.Itoa(limit)},
		}
		resp, err := c.call(ctx, request{op: opConfDetail, method: http.MethodGet, path: pathConfDetail, query: q, prio: invitePrio(offset), key: confUUID})
		if err != nil {
			return 0, nil, 0, err
		}
		pageConf, count, parts, err := decodeDetailPage(resp.body)
		if err != nil {
			return 0, nil, 0, decodeError(opConfDetail, offset, resp, err)
		}
		if offset == 0 { // the first page is fetched alone, before the others
			conf = pageConf
			c.infoCache.put(confUUID, conf, c.now())
			arrived()
		}
		return count, parts, len(resp.body), nil
	})
	if err != nil {
		return nil, err
	}
	if parts == nil {
		parts = []Participant{}
	}
	return &ConferenceDetail{Conference: conf, Participants: parts}, nil
}

// ConferenceInfo returns one conference's subject, meeting ID and times
// without its invite list: an answer that only knows the confUUID needs
// them at once, while the invite list may take long. It costs one small
// request (the first entry of confDetail) at the priority of attendee
// records, none when ConferenceDetail or ConferenceInfo already read it
// (cached like the invite lists, see WithCache), and none while
// ConferenceDetail is reading it: the invite list's first page, already
// asked for, brings the same entry, and ConferenceInfo waits for it.
func (c *Client) ConferenceInfo(ctx context.Context, confUUID string) (Conference, error) {
	if err := ValidateConfUUID(confUUID); err != nil {
		return Conference{}, fmt.Errorf("conference info: %w", err)
	}
	conf, _, err := cachedFetch(ctx, c.infoCache, &c.infoFlights, confUUID, c.now, func(ctx context.Context) (Conference, error) {
		if conf, ok := c.infoFromFirstPage(ctx, confUUID); ok {
			return conf, nil
		}
		q := url.Values{"confUUID": {confUUID}, "offset": {"0"}, "limit": {"1"}}
		resp, err := c.call(ctx, request{op: opConfDetail, method: http.MethodGet, path: pathConfDetail, query: q, key: confUUID})
		if err != nil {
			return Conference{}, err
		}
		conf, _, _, err := decodeDetailPage(resp.body)
		if err != nil {
			return Conference{}, decodeError(opConfDetail, 0, resp, err)
		}
		return conf, nil
	})
	if err != nil {
		return Conference{}, fmt.Errorf("conference info %s: %w", confUUID, err)
	}
	return conf, nil
}

// readingFirstPage marks the first page of confUUID's invite list as on
// its way; arrived (idempotent) says it came or will not, once its
// conference is in the info cache if it came.
func (c *Client) readingFirstPage(confUUID string) (arrived func()) {
	ch := make(chan struct{})
	c.firstMu.Lock()
	if c.firstPages == nil {
		c.firstPages = make(map[string]chan struct{})
	}
	c.firstPages[confUUID] = ch
	c.firstMu.Unlock()
	var once sync.Once
	return func() {
		once.Do(func() {
			c.firstMu.Lock()
			if c.firstPages[confUUID] == ch {
				delete(c.firstPages, confUUID)
			}
			c.firstMu.Unlock()
			close(ch)
		})
	}
}

// infoFromFirstPage waits for the first page of confUUID's invite list
// when one is on its way, and returns the conference it brought; false
// when none is on its way, it failed, or ctx ended first.
func (c *Client) infoFromFirstPage(ctx context.Context, confUUID string) (Conference, bool) {
	c.firstMu.Lock()
	arrived, reading := c.firstPages[confUUID]
	c.firstMu.Unlock()
	if !reading {
		return Conference{}, false
	}
	if c.onInfoWait != nil {
		c.onInfoWait()
	}
	select {
	case <-arrived:
	case <-ctx.Done():
		return Conference{}, false
	}
	return c.infoCache.get(confUUID, c.now())
}

// HoldInvites keeps the rest of every invite list (its pages after the
// first) from starting until release is called, as a list of attendee
// records being read does. A lookup holds them while it turns records it
// already has into its answer, so the invite list's pages, decoded as
// they arrive, do not take the CPU the answer needs. Pages already asked
// for go on. release may be called more than once.
func (c *Client) HoldInvites() (release func()) {
	var once sync.Once
	r := c.sched.hold()
	return func() { once.Do(r) }
}
