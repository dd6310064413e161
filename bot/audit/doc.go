// Package audit keeps the audit trail: who saw which meeting, where, and
// who could see it (issue 15).
//
// The handler and the automatic-post worker hand a Trail one
// store.AuditRow per thing the bot showed or did. Record never blocks and
// never touches the database: rows wait in a bounded queue and one writer
// goroutine (Run) inserts them in batches, so an audit row can never delay
// a reply, and a burst of commands becomes a few statements instead of
// one per command. A row that cannot be written (the queue is full, the
// store fails three times, shutdown ran out of time) is counted through
// Config.OnFailed and logged at error level with every field, so it is
// never lost silently; the rows hold IDs and counts only, so the log may
// keep them.
//
// Retention: when Config.Retention is set, Run deletes older rows every
// hour in batches, on one replica at a time (a lease in the store).
//
// ParseArgs reads the filters shared by `attendees-bot audit` and
// `/attendees audit`; Write prints rows as text, CSV or JSON Lines while
// they stream from the store.
package audit
