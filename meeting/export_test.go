package meeting

import (
	"context"
	"time"
)

// Hooks for the external tests (package meeting_test), which cannot live in
// package meeting because they use meetingfake, which imports meeting.

// SetRetrySleep replaces the wait between retries.
func SetRetrySleep(c *Client, sleep func(ctx context.Context, d time.Duration) error) {
	c.retry.sleep = sleep
}

// CacheLen reports how many entries the attendee cache holds.
func CacheLen(c *Client) int { n, _ := c.cache.len(); return n }

// CacheWeight is the records the record cache holds.
func CacheWeight(c *Client) int { _, w := c.cache.len(); return w }

var ParseRetryAfter = parseRetryAfter

// DecodeAttendeePage decodes one confAttendeeRecord page.
var DecodeAttendeePage = decodeAttendeePage

// SetSlotLease replaces how long a request may hold a request slot.
func SetSlotLease(c *Client, d time.Duration) { c.sched.lease = d }

// SetMaxListBytes replaces the bound on one list's answers.
func SetMaxListBytes(c *Client, n int64) { c.maxListBytes = n }

// SetInfoWaitHook sets what ConferenceInfo calls when it waits for the
// first page of an invite list being read instead of asking itself.
func SetInfoWaitHook(c *Client, f func()) { c.onInfoWait = f }

// SpareCachedRoom gives the cached records and invite list of confUUID
// spare capacity, as a list whose server count was larger than what came
// would have.
func SpareCachedRoom(c *Client, confUUID string) {
	now := c.now()
	if recs, ok := c.cache.get(confUUID+cacheKeySep, now); ok {
		c.cache.put(confUUID+cacheKeySep, append(make([]Attendee, 0, len(recs)+8), recs...), now)
	}
	if d, ok := c.detailCache.get(confUUID, now); ok {
		p := append(make([]Participant, 0, len(d.Participants)+8), d.Participants...)
		c.detailCache.put(confUUID, &ConferenceDetail{Conference: d.Conference, Participants: p}, now)
	}
}
