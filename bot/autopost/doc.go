// Package autopost posts a meeting's attendance to the Slack channels that
// want it once the meeting concludes, without anyone asking (issue 5).
//
// Two triggers put posts in the outbox of package store: the webhook
// (WebhookHandler, for the vendor's meeting.conclude events, authenticated
// by an HMAC over the raw event bytes) and polling (Poll, for editions
// without webhooks: the history list since a stored cursor, one replica at a
// time under a lease). A post goes to the catch-all channel (Config.ChannelID)
// and to every channel whose subscription matches the meeting ID or subject.
// It becomes due Settle after the trigger, because attendee records lag the
// event. The worker (Work, driven by Run) claims due posts, builds the shared
// report (numbers masked), posts it, attaches the CSV in its thread above
// InlineLimit people, and marks the post done.
//
// # Exactly once, and its limit
//
// A post is keyed by (conference, channel), so webhook redeliveries (the
// vendor retries for 24 hours), a poll that sees the same meeting, and
// several replicas all end in one outbox row, and a row is claimed by one
// replica at a time. A pending row survives restarts and is retried with
// exponential backoff (30 s doubling, at most 30 min) until MaxAttempts, then
// marked failed and logged at error level. An empty record list is retried
// EmptyRetries times, Settle apart, before "No attendee records" is posted.
//
// A crash between Slack accepting the message and the store recording it
// leaves the post pending, marked as handed to Slack (store.MarkSending).
// Every post carries its outbox key in its message metadata
// (MetadataEventType, payload conf_uuid), so whoever claims it next (another
// replica once the lease expires, or this one after a restart) first looks
// for that marker in the channel's history since the first attempt
// (Poster.Posted); found, the post is recorded with that message and counted
// OutcomeFound, not posted again. Only when the history cannot be read (no
// history scope, or over 1,000 messages since) is it posted again unchecked,
// logged: at most one duplicate, never a lost post. A failed CSV upload is
// logged and not retried, since retrying would repeat the message.
//
// A Poster error wrapping ErrPermanent (not in the channel, channel
// archived) gives the post up at once.
//
// Retention: posted and failed rows are what refuses duplicates. Run prunes
// them hourly once older than Config.Retention (default a week, never under
// 48 hours, well past the vendor's 24-hour redelivery window); pending rows
// are never pruned.
package autopost
