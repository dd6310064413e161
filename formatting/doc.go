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
// fullwidth ASCII folded to ASCII; a byte that is not UTF-8 counts as
// U+FFFD). A record with neither a number nor a name is a person of its own.
//
// Span. The scheduled Start/End of the meeting when both are known and End is
// after Start; else the first join to the last known leave (or join).
//
// Open records. A record whose leave is 0 or before its join has no known end
// ("still in the meeting" while the meeting is scheduled to go on at now,
// "end unknown" otherwise). For the arithmetic it ends at the span end, or at
// now when now falls inside a scheduled span; it never ends at the epoch and
// never yields a negative duration. A record without a join time counts as a
// session with no time. Epoch times ≤ 0 or after 2200 are treated as unknown,
// so absurd input cannot overflow a duration.
//
// Time in meeting. The union of a person's session intervals clipped to the
// span, so two devices at once count once and time is never longer than the
// span nor shorter than the longest session. Time before a scheduled start
// or after a scheduled end is not counted. Counted to the millisecond;
// rounded down only for display.
//
// Display order. People are ordered by first join (unknown last), then name,
// then key, in the message, the CSV and Report.People alike.
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
// enforced while building, by budget, not by hoping inputs are small. Text is
// measured in UTF-16 units, which is never less than Slack's count. Names are
// cut at 60 runes and departments at 40, with "…". plain_text (the header)
// is escaped too, as Slack asks for every text field. Explicit bidi controls
// are dropped and right-to-left names are isolated (U+2068…U+2069) so a name
// cannot reorder the rest of its line.
//
// Numbers. Inline lines never show call numbers, except as the name of a
// person who has none or to tell apart people listed under the same name;
// Shared masks those, number-like names (dial-in users whose name is their
// number) and no-show numbers with MaskNumber, and the CSV masks every number
// and replaces number-based keys with "person-N".
//
// Same names. When two or more people listed inline share a name (compared
// like identity compares names), each gets a short distinguisher after it:
// the last 4 digits of the call number, "Bob Li (…4380)" (Shared: only
// digits MaskNumber shows); if those are shared too, the number as the
// audience may see it; else the department, "Ann (Sales)"; else "#2", "#3"
// in display order.
//
// Language. Labels and durations are localized: en-US "1h 05m", "5m 03s",
// "42s"; zh-CN "1小时05分", "5分03秒", "42秒". Any tag starting with "zh"
// is zh-CN; anything else is en-US. The CSV header is always English
// snake_case (CSVHeader) so scripts do not depend on the language.
//
// # Cost
//
// Analyze keeps no copy of the records: each Session points into
// Meeting.Records, which must not change while the Report is used.
// Analyze from 4,096 records and WriteCSV from 1,025 rows use up to
// min(GOMAXPROCS, 4) goroutines (grouping, per-person figures and CSV rows
// in parts, merged in order, so the output does not depend on the number
// of cores); the CSV is still written to the io.Writer from the caller's
// goroutine, in chunks of 512 rows, so its memory does not grow with the
// file. Analyze's working memory that does not end up in the Report is
// kept for the next call (for meetings of up to 32,768 records).
// BenchmarkReport25k (analysis, summary and CSV of 25,000 records of
// 8,000 people) and BenchmarkParts measure it.
package formatting
