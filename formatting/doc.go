// Package formatting turns raw attendee records of one meeting into what
// people read: an analysis (Analyze), a Slack Block Kit summary (Summary),
// an Excel-safe CSV with one row per raw record (WriteCSV) and a terminal
// rendering of a message (RenderText).
//
// The package is pure: no network, no clock and no randomness. Callers pass
// now and a *time.Location in, and every output is sorted before it is
// written, so equal inputs give byte-identical outputs (see the golden files
// in testdata; `go test ./formatting -update` rewrites them).
//
// # Analysis rules
//
// Identity. Records are grouped into people by call number when present
// (trimmed, spaces, dashes, dots and brackets removed, fullwidth digits
// folded), else by display name plus department (trimmed, case-insensitive,
// fullwidth ASCII folded to ASCII). A record with neither a number nor a name
// is a person of its own.
//
// Span. The scheduled Start/End of the meeting when both are known and End is
// after Start; else the first join to the last known leave (or join).
//
// Open records. A record whose leave is 0 or before its join has no known end
// ("still in the meeting" while the meeting is scheduled to go on at now,
// "end unknown" otherwise). For the arithmetic it ends at the span end, or at
// now when now falls inside a scheduled span; it never ends at the epoch and
// never yields a negative duration. A record without a join time counts as a
// session with no time.
//
// Time in meeting. The union of a person's session intervals clipped to the
// span, so two devices at once count once and time is never longer than the
// span nor shorter than the longest session. Counted to the millisecond;
// rounded down only for display.
//
// Flags. Late: first join more than LateAfter after the span start. Early:
// last leave more than EarlyBefore before the span end (never for an open
// person). Share: time in meeting / span; level present when share ≥ Present,
// brief when share < Brief, partial otherwise, and no level for a zero span.
//
// Breakdowns count people, not records: a person who used two device types
// counts once under each.
//
// # Slack safety
//
// All meeting-provided text is untrusted. In mrkdwn it goes through Escape
// (&, <, >) so no <!channel>, <@U…>, <#C…> or link can come from a name, and
// mrkdwn markers (* _ ~ `) get a WORD JOINER (U+2060) on both sides so they
// render literally. The only <!date^…> tokens are generated here from
// numbers. Every limit (blocks, header, section text, fields, total text) is
// enforced while building, by budget, not by hoping inputs are small.
package formatting
