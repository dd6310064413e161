// Package formatting renders an attendance report (package attendance,
// which holds the rules behind every number) for people: a Slack Block Kit
// summary (Summary), an Excel-safe CSV with one row per raw record and per
// no-show (WriteCSV, CSVFile), and the same of a series of runs
// (SeriesSummary, WriteSeriesCSV). bot/terminal prints a message for a
// terminal.
//
// The package is pure: no network, no clock and no randomness. Callers pass
// a *time.Location in, and equal reports give byte-identical outputs (see
// the golden files in testdata; `go test ./formatting -update` rewrites
// them).
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
// and replaces keys with "person-N".
//
// Same names. When two or more people listed inline share a name (compared
// folded, as identity compares names), each gets a short distinguisher after
// it: the last 4 digits of the call number, "Bob Li (…4380)" (Shared: only
// digits MaskNumber shows); if those are shared too, the number as the
// audience may see it; else the department, "Ann (Sales)"; else "#2", "#3"
// in display order.
//
// Hidden names. Message.More counts the people and no-shows a message could
// not name: the CSV, which has every record and every no-show, goes with it.
//
// Language. Every word comes from MessageOptions.Words (CSVOptions.Words
// for a file's title), the catalog's sentences in the reader's language;
// durations read en-US "1h 05m", "5m 03s", "42s", zh-CN "1小时05分",
// "5分03秒", "42秒". The CSV header is always English snake_case
// (CSVHeader) so scripts do not depend on the language.
package formatting
