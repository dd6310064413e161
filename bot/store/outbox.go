package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"
)

// Post states.
const (
	StatePending = "pending" // waiting for NotBefore, or claimed and in progress
	StatePosted  = "posted"  // Slack accepted it; PostedTS is its message
	StateFailed  = "failed"  // given up after too many attempts
)

// Post is one attendance post in the outbox: the conference ConfUUID, to go
// to ChannelID. (ConfUUID, ChannelID) is unique.
type Post struct {
	ID        int64
	ConfUUID  string
	ChannelID string
	MeetingID string
	Subject   string
	NotBefore time.Time // due time; a claim is never made earlier
	Attempts  int       // failed or deferred attempts so far
	State     string
	LastError string
	PostedTS  string    // Slack message timestamp, once posted
	CreatedAt time.Time // when it was enqueued
	// SendingSince is when the post was first handed to Slack (MarkSending),
	// zero if never: the message may exist even though the post is still
	// pending, so it is looked for before posting again.
	SendingSince time.Time
}

// ErrLeaseLost is returned by Done, Retry, Fail and Release when the caller
// no longer holds the post's claim: its lease expired and another owner
// claimed it, or the post is no longer pending.
var ErrLeaseLost = errors.New("post claim lost")

const postColumns = "id, conf_uuid, channel_id, meeting_id, subject, not_before, attempts, state, last_error, posted_ts, created_at, sending_since"

func scanPost(sc interface{ Scan(...any) error }) (Post, error) {
	var p Post
	var notBefore, created, sending int64
	err := sc.Scan(&p.ID, &p.ConfUUID, &p.ChannelID, &p.MeetingID, &p.Subject, &notBefore, &p.Attempts, &p.State, &p.LastError, &p.PostedTS, &created, &sending)
	p.NotBefore, p.CreatedAt, p.SendingSince = timeOf(notBefore), timeOf(created), timeOf(sending)
	return p, err
}

// Enqueue adds a pending post. created is false when a post for the same
// conference and channel already exists, whatever its state: enqueueing is
// idempotent, which is what turns webhook redeliveries and a poll that sees
// the same meeting into a single post. ID, Attempts, State, LastError and
// PostedTS of p are ignored; a zero CreatedAt is set to the store clock.
func (s *Store) Enqueue(ctx context.Context, p Post) (created bool, err error) {
	if p.ConfUUID == "" || p.ChannelID == "" {
		return false, fmt.Errorf("enqueue: conference and channel are required: %w", ErrInvalid)
	}
	at := p.CreatedAt
	if at.IsZero() {
		at = s.now()
	}
	res, err := s.exec(ctx, `INSERT INTO posts (conf_uuid, channel_id, meeting_id, subject, not_before, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (conf_uuid, channel_id) DO NOTHING`,
		p.ConfUUID, p.ChannelID, p.MeetingID, p.Subject, ms(p.NotBefore), ms(at), ms(at))
	if err != nil {
		return false, fmt.Errorf("enqueue %s for %s: %w", p.ConfUUID, p.ChannelID, err)
	}
	return affected(res)
}

// enqueueChunk bounds the rows of one multi-row insert: 7 parameters a row
// stay far below SQLite's 32,766 and PostgreSQL's 65,535.
const enqueueChunk = 200

// EnqueueMany is Enqueue for many posts: one multi-row statement per 200
// posts instead of one per post, which matters when a poll finds hundreds
// of meetings. It reports how many posts were new; each chunk is atomic,
// and after an error the chunks before it stay enqueued (enqueueing them
// again is harmless).
func (s *Store) EnqueueMany(ctx context.Context, posts []Post) (created int, err error) {
	now := s.now()
	for len(posts) > 0 {
		chunk := posts[:min(len(posts), enqueueChunk)]
		posts = posts[len(chunk):]
		var q strings.Builder
		q.WriteString("INSERT INTO posts (conf_uuid, channel_id, meeting_id, subject, not_before, created_at, updated_at) VALUES ")
		args := make([]any, 0, 7*len(chunk))
		for i, p := range chunk {
			if p.ConfUUID == "" || p.ChannelID == "" {
				return created, fmt.Errorf("enqueue: conference and channel are required: %w", ErrInvalid)
			}
			at := p.CreatedAt
			if at.IsZero() {
				at = now
			}
			if i > 0 {
				q.WriteString(", ")
			}
			q.WriteString("(?, ?, ?, ?, ?, ?, ?)")
			args = append(args, p.ConfUUID, p.ChannelID, p.MeetingID, p.Subject, ms(p.NotBefore), ms(at), ms(at))
		}
		q.WriteString(" ON CONFLICT (conf_uuid, channel_id) DO NOTHING")
		res, err := s.exec(ctx, q.String(), args...)
		if err != nil {
			return created, fmt.Errorf("enqueue %d posts: %w", len(chunk), err)
		}
		n, err := res.RowsAffected()
		if err != nil {
			return created, fmt.Errorf("enqueue %d posts: %w", len(chunk), err)
		}
		created += int(n)
	}
	return created, nil
}

// Claim takes up to limit pending posts that are due (NotBefore ≤ now) and
// not claimed by a live lease, and leases them to owner until now+lease,
// oldest due first. It is one statement: on PostgreSQL the candidate rows are
// locked with FOR UPDATE SKIP LOCKED, on SQLite the statement holds the
// database's write lock, so two claimers never get the same post. A claim
// whose lease expires (its owner crashed) is claimed again by the next
// caller.
func (s *Store) Claim(ctx context.Context, owner string, now time.Time, lease time.Duration, limit int) ([]Post, error) {
	if owner == "" || limit < 1 || lease <= 0 {
		return nil, fmt.Errorf("claim: want an owner, a positive lease and limit: %w", ErrInvalid)
	}
	n := now.UnixMilli()
	rows, err := s.query(ctx, `UPDATE posts SET lease_owner = ?, lease_until = ?, updated_at = ?
		WHERE id IN (
			SELECT id FROM posts
			WHERE state = 'pending' AND not_before <= ? AND lease_until <= ?
			ORDER BY not_before, id
			LIMIT ?`+s.dialect.skipLocked+`
		)
		RETURNING `+postColumns,
		owner, now.Add(lease).UnixMilli(), n, n, n, limit)
	if err != nil {
		return nil, fmt.Errorf("claim: %w", err)
	}
	defer rows.Close()
	var out []Post
	for rows.Next() {
		p, err := scanPost(rows)
		if err != nil {
			return nil, fmt.Errorf("claim: %w", err)
		}
		out = append(out, p)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("claim: %w", err)
	}
	sort.Slice(out, func(i, j int) bool {
		if !out[i].NotBefore.Equal(out[j].NotBefore) {
			return out[i].NotBefore.Before(out[j].NotBefore)
		}
		return out[i].ID < out[j].ID
	})
	return out, nil
}

// MarkSending records, before a claimed post is handed to Slack, that it
// may exist from now on. The first mark stays: a later claim looks for the
// message from then. It fails with ErrLeaseLost unless owner still holds
// the claim.
func (s *Store) MarkSending(ctx context.Context, id int64, owner string, now time.Time) error {
	res, err := s.exec(ctx, `UPDATE posts SET sending_since = CASE WHEN sending_since = 0 THEN ? ELSE sending_since END, updated_at = ?
		WHERE id = ? AND lease_owner = ? AND state = 'pending'`, ms(now), ms(s.now()), id, owner)
	if err != nil {
		return fmt.Errorf("mark post %d sending: %w", id, err)
	}
	ok, err := affected(res)
	if err != nil {
		return fmt.Errorf("mark post %d sending: %w", id, err)
	}
	if !ok {
		return fmt.Errorf("mark post %d sending by %s: %w", id, owner, ErrLeaseLost)
	}
	return nil
}

// Done marks a claimed post posted, with the Slack message timestamp. It
// fails with ErrLeaseLost unless owner still holds the claim.
func (s *Store) Done(ctx context.Context, id int64, owner, postedTS string) error {
	return s.settle(ctx, "done", id, owner, `state = 'posted', posted_ts = ?`, postedTS)
}

// Retry releases a claimed post to be tried again at next, counting an
// attempt and keeping errText for the record. It fails with ErrLeaseLost
// unless owner still holds the claim.
func (s *Store) Retry(ctx context.Context, id int64, owner string, next time.Time, errText string) error {
	return s.settle(ctx, "retry", id, owner, `attempts = attempts + 1, not_before = ?, last_error = ?`, ms(next), errText)
}

// Fail gives up a claimed post: it counts the attempt and keeps errText. It
// fails with ErrLeaseLost unless owner still holds the claim.
func (s *Store) Fail(ctx context.Context, id int64, owner, errText string) error {
	return s.settle(ctx, "fail", id, owner, `state = 'failed', attempts = attempts + 1, last_error = ?`, errText)
}

// Release hands a claimed post back without counting an attempt, for an
// owner that stops (shutdown) before finishing it: the post is due again at
// once instead of when the lease expires. It fails with ErrLeaseLost unless
// owner still holds the claim.
func (s *Store) Release(ctx context.Context, id int64, owner string) error {
	return s.settle(ctx, "release", id, owner, "state = 'pending'")
}

// settle ends owner's claim on a post with the update set. The claim is
// checked by owner alone, not by lease time: a slow owner whose lease ran
// out is still the right one to record the outcome as long as nobody else
// claimed the post meanwhile.
func (s *Store) settle(ctx context.Context, op string, id int64, owner, set string, args ...any) error {
	args = append(args, ms(s.now()), id, owner)
	res, err := s.exec(ctx, `UPDATE posts SET `+set+`, lease_owner = '', lease_until = 0, updated_at = ?
		WHERE id = ? AND lease_owner = ? AND state = 'pending'`, args...)
	if err != nil {
		return fmt.Errorf("%s post %d: %w", op, id, err)
	}
	ok, err := affected(res)
	if err != nil {
		return fmt.Errorf("%s post %d: %w", op, id, err)
	}
	if !ok {
		return fmt.Errorf("%s post %d by %s: %w", op, id, owner, ErrLeaseLost)
	}
	return nil
}

// Get returns the post for a conference and channel; ok is false if none.
func (s *Store) Get(ctx context.Context, confUUID, channelID string) (p Post, ok bool, err error) {
	p, err = scanPost(s.queryRow(ctx, "SELECT "+postColumns+" FROM posts WHERE conf_uuid = ? AND channel_id = ?", confUUID, channelID))
	if errors.Is(err, sql.ErrNoRows) {
		return Post{}, false, nil
	}
	if err != nil {
		return Post{}, false, fmt.Errorf("get post %s for %s: %w", confUUID, channelID, err)
	}
	return p, true, nil
}

// NextDue returns the earliest NotBefore among pending posts that are not
// under a live claim at now; ok is false when there is none. A worker sleeps
// until then. Claimed posts count from their lease end.
func (s *Store) NextDue(ctx context.Context, now time.Time) (t time.Time, ok bool, err error) {
	var v sql.NullInt64
	err = s.queryRow(ctx, `SELECT MIN(CASE WHEN lease_until > not_before THEN lease_until ELSE not_before END)
		FROM posts WHERE state = 'pending'`).Scan(&v)
	if err != nil {
		return time.Time{}, false, fmt.Errorf("next due post: %w", err)
	}
	if !v.Valid {
		return time.Time{}, false, nil
	}
	return time.UnixMilli(v.Int64).UTC(), true, nil
}

// PendingAge returns how long the oldest pending post has waited since it
// was enqueued, or 0 when nothing is pending. A value well above the settle
// delay means posts are stuck (Slack or the meeting API failing).
func (s *Store) PendingAge(ctx context.Context, now time.Time) (time.Duration, error) {
	var v sql.NullInt64
	if err := s.queryRow(ctx, "SELECT MIN(created_at) FROM posts WHERE state = 'pending'").Scan(&v); err != nil {
		return 0, fmt.Errorf("pending age: %w", err)
	}
	if !v.Valid {
		return 0, nil
	}
	return max(now.Sub(time.UnixMilli(v.Int64)), 0), nil
}

// Prune deletes posted and failed posts last changed before olderThan and
// reports how many. A pruned post no longer blocks a duplicate: keep
// olderThan well beyond the vendor's 24-hour webhook redelivery and the poll
// overlap (a week is a sensible default).
func (s *Store) Prune(ctx context.Context, olderThan time.Time) (int64, error) {
	res, err := s.exec(ctx, "DELETE FROM posts WHERE state IN ('posted', 'failed') AND updated_at < ?", olderThan.UnixMilli())
	if err != nil {
		return 0, fmt.Errorf("prune posts: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("prune posts: %w", err)
	}
	// Slack redelivers within minutes; a day of envelope IDs is plenty.
	if _, err := s.exec(ctx, "DELETE FROM envelopes WHERE seen_at < ?", max(olderThan.UnixMilli(), ms(s.now().Add(-24*time.Hour)))); err != nil {
		return n, fmt.Errorf("prune envelopes: %w", err)
	}
	return n, nil
}

// Count reports how many posts are in state (StatePending, StatePosted or
// StateFailed), for metrics and tests.
func (s *Store) Count(ctx context.Context, state string) (int, error) {
	var n int
	if err := s.queryRow(ctx, "SELECT COUNT(*) FROM posts WHERE state = ?", state).Scan(&n); err != nil {
		return 0, fmt.Errorf("count %s posts: %w", state, err)
	}
	return n, nil
}
