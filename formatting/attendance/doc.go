// Package attendance is the domain model of attendees-bot: who attended one
// meeting, for how long, and how that compares with the invite list.
// Analyze turns a Meeting (its raw records, its times and invite list when
// known) into a Report; Filter keeps the people matching a search. The
// package is pure: no network, clock or randomness (now is passed in), and
// equal inputs give equal reports. Rendering (Slack blocks, text, CSV) is
// the parent package formatting's.
//
// # Times
//
// A record's time is readable when its join, and its leave when it has
// one, lie between 2000-01-01 and now + 1 day, and the leave is not before
// the join. Unreadable records (a time in seconds, a zero join, a leave
// before the join) still make their person, but are left out of every time
// figure and counted (Report.Unreadable). A record without a leave time
// (Leave 0) is open: it counts up to now while the conference is on (now is
// before its end), else up to the span's end, never negative.
//
// The span runs from the earlier of the conference's start and the first
// join to the later of its end and the last leave: meetings overrun, and
// nobody's time is cut at the conference's times. A person's time in the
// meeting is the union of their readable sessions (two devices at once
// count once), to the millisecond. Late: first join more than LateAfter
// after the conference's start (the span's when the conference's times are
// unknown). Left early: last leave more than EarlyBefore before its end
// (never for a person with an open session). Share: time in the meeting
// over the conference's length (else the span's), at most 1; present from
// Thresholds.Present, brief below Thresholds.Brief, partial between. Peak:
// most people in at once, and the first moment it was reached. Average and
// median are over the people with a readable time.
//
// # Who is who
//
// Names and departments are compared folded (Fold: case, width and accents
// ignored), call numbers normalised (NormalizeNumber: separators ignored).
//
//  1. Records with the same call number are one person; records without
//     one, by name and department; a record with neither is its own person.
//  2. With an invite list (repeated entries, by number or e-mail, dropped),
//     each such group is matched to the invitee with its call number, else
//     to the invitee with its name and department, when exactly one
//     invitee has them and all of the group's records carry that one name
//     and department; a department unknown on either side fits any.
//     Everything matched to one invitee is one person.
//  3. Groups matched to no invitee that carry one name and department are
//     one person, unless invitees have that name and department (two or
//     more: it is ambiguous), or a call number used under several names (a
//     shared room or desk phone) carries it too.
//
// So with an invite list People = Invited − No-shows + Uninvited, and no
// invitee is a no-show while someone matched to them attended.
//
// # Series of runs
//
// Person.Key is built from what identifies the person: "i:" and the
// invitee's call number, e-mail address or name|department; "n:" and the
// call number; "p:" and the folded name|department; "r:" and the record's
// position for a record that identifies nobody. Person.Keys adds every call
// number and name the person used, so the people of several runs of a
// meeting are linked by the keys they share.
//
// # Breakdowns
//
// Every person counts once in each breakdown: under their main device type
// and media type (the one with the most time, the first used on a tie) and
// their department; the bucket with an empty Name holds the people without
// one. Each breakdown sums to len(People).
package attendance
