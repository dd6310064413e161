// Package store is the durable state of automatic attendance posts: who
// wants which meetings (subscriptions), how far polling got (cursors), which
// replica polls (leases), and the outbox of posts to make; and the audit
// trail of who saw which meeting.
//
// # Engines
//
// Open takes STORE_URL. A file path (the default, attendees.db) is an
// embedded SQLite database through modernc.org/sqlite, pure Go, nothing to
// install; a postgres:// URL is PostgreSQL through pgx, for several
// replicas. Both go through database/sql with the same statements: they are
// written with ? placeholders (rebound to $n for PostgreSQL), use ON CONFLICT
// for upserts, and UPDATE … RETURNING for claims; the only other difference
// is the claim's FOR UPDATE SKIP LOCKED on PostgreSQL. Times are stored as
// Unix milliseconds in both.
//
// The schema is embedded (migrations/<engine>/NNN_name.sql) and applied by
// Open in one transaction recorded in schema_migrations; on PostgreSQL an
// advisory lock lets replicas that start together take turns. Applying them
// again is a no-op.
//
// # Tables
//
//   - subscriptions: (channel, kind, value), kind meeting_id or subject. Kept
//     until unwatched.
//   - cursors: named times; "poll" is the end time of the newest concluded
//     meeting polling has seen.
//   - leases: named, time-limited locks; "poll" makes one replica poll at a
//     time.
//   - posts: the outbox, one row per (conference, channel), pending → posted
//     or failed, with the claim (owner, lease end), attempts and last error.
//     Posted and failed rows only serve to refuse duplicates; Prune removes
//     them after a retention period (a week is plenty: the vendor redelivers
//     webhooks for 24 hours).
//   - audit: one row per thing the bot showed or did (action, audience,
//     Slack IDs, conference and meeting IDs, counts, outcome), never an
//     attendee's name, number or department: InsertAudit refuses any field
//     that is not shaped like the ID it holds. A unique event key makes two
//     replicas recording one event leave one row. AuditRows reads newest
//     first in pages; PruneAudit deletes the oldest in batches.
//
// # Exactly once, and its limit
//
// Enqueue is idempotent on (conference, channel), so webhook redeliveries,
// a poll that sees the same meeting and several replicas all collapse into
// one row. Claim hands a due row to one owner at a time under a lease;
// Done records the Slack message only if that owner still holds the claim.
// A pending row survives restarts and crashes: once its lease expires any
// replica claims it again.
//
// What the store cannot know is whether a message went out when a process
// died between Slack accepting it and Done. MarkSending records, before the
// message is handed to Slack, that it may exist from then on; a later claim
// sees SendingSince set and the caller (package autopost) looks in the
// channel for the message's marker before posting again. On SQLite, which
// one process holds (see Open), a restart hands dead claims back at once; on
// PostgreSQL another replica claims them when their lease expires.
//
// A Store is safe for concurrent use, and any number of processes may share
// its database.
package store
