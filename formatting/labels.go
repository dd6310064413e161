package formatting

import "github.com/attendees-bot/attendees-bot/formatting/catalog"

// labels holds every visible word of the message in one language.
type labels struct {
	attendance  string // fallback text prefix
	people      string
	sessions    string
	span        string
	avgMedian   string
	peak        string
	attendLevel string
	present     string
	partial     string
	brief       string
	scheduled   string
	observed    string
	late        string
	early       string
	stillIn     string
	endUnknown  string
	uninvited   string
	notInvited  string
	invited     string
	noShows     string
	devices     string
	media       string
	depts       string
	other       string
	noDept      string // the department breakdown's bucket of people without one
	unknown     string // the device and media breakdowns' bucket
	noName      string
	none        string
	timeUnknown string // a person whose records' times are all unreadable
	sep         string // between items of a list
	colon       string // after a label, before a list

	meeting    func(id string) string      // header when there is no subject
	fileTitle  func(subject string) string // a CSV file's title
	filtered   func(search string) string  // after the title of a filtered summary
	seconds    func(s string) string       // durations: 42s, 5m 03s, 1h 05m
	minutes    func(m, s string) string
	hours      func(h, m string) string
	joins      func(n int) string
	more       func(n int) string
	peakAt     func(n int, at string) string
	peopleText func(n int) string
	unreadable func(n int) string // records left out of the times

	// A series of runs (SeriesSummary, SeriesLine).
	lastRuns   func(n int) string                        // in the header
	runs       string                                    // label of the runs and their dates
	meetingID  string                                    // label
	avg        func(d string) string                     // a member's time per attended run
	lateTimes  func(n int) string                        // runs a member came late to
	missedLast func(n int) string                        // the latest runs a member missed in a row
	unreadRuns func(n, readable int, days string) string // the runs that could not be read, and their dates
	fewerRuns  func(n, asked, days int) string           // the meeting ran fewer times than asked for
	perRun     func(avg string) string                   // people per run
	regulars   func(runs, n int) string
	fewest     func(at string, n int) string
}

// labelsByLang are the summary's words in each catalog language, read
// from the catalog once.
var labelsByLang = func() map[string]*labels {
	m := make(map[string]*labels, len(catalog.Languages))
	for _, lang := range catalog.Languages {
		m[lang] = newLabels(catalog.For(lang))
	}
	return m
}()

func newLabels(p *catalog.Printer) *labels {
	return &labels{
		attendance: p.T("summary.attendance"), people: p.T("summary.people"), sessions: p.T("summary.sessions"),
		span: p.T("summary.span"), avgMedian: p.T("summary.avg_median"), peak: p.T("summary.peak"),
		attendLevel: p.T("summary.attend_level"), present: p.T("summary.present"), partial: p.T("summary.partial"),
		brief: p.T("summary.brief"), scheduled: p.T("summary.scheduled"), observed: p.T("summary.observed"),
		late: p.T("summary.late"), early: p.T("summary.early"), stillIn: p.T("summary.still_in"),
		endUnknown: p.T("summary.end_unknown"), uninvited: p.T("summary.uninvited"), notInvited: p.T("summary.not_invited"),
		invited: p.T("summary.invited"), noShows: p.T("summary.no_shows"), devices: p.T("summary.devices"),
		media: p.T("summary.media"), depts: p.T("summary.depts"), other: p.T("summary.others"),
		noDept: p.T("summary.no_dept"), unknown: p.T("summary.unknown"), noName: p.T("summary.no_name"),
		none: p.T("summary.none"), timeUnknown: p.T("summary.time_unknown"),
		sep: p.T("summary.sep"), colon: p.T("summary.colon"),
		meeting: func(id string) string { return p.T("summary.meeting", catalog.Args{"ID": id}) },
		fileTitle: func(subject string) string {
			if subject == "" {
				return p.T("summary.file")
			}
			return p.T("summary.file_of", catalog.Args{"Subject": subject})
		},
		filtered:   func(q string) string { return p.T("summary.filtered", catalog.Args{"Search": q}) },
		seconds:    func(sec string) string { return p.T("summary.seconds", catalog.Args{"S": sec}) },
		minutes:    func(m, sec string) string { return p.T("summary.minutes", catalog.Args{"M": m, "S": sec}) },
		hours:      func(h, m string) string { return p.T("summary.hours", catalog.Args{"H": h, "M": m}) },
		joins:      func(n int) string { return p.N("summary.joins", n) },
		more:       func(n int) string { return p.N("summary.more", n) },
		peakAt:     func(n int, at string) string { return p.T("summary.peak_at", catalog.Args{"N": n, "At": at}) },
		peopleText: func(n int) string { return p.N("summary.people_count", n) },
		unreadable: func(n int) string { return p.N("summary.unreadable", n) },

		lastRuns:   func(n int) string { return p.N("series.last_runs", n) },
		runs:       p.T("series.runs"),
		meetingID:  p.T("series.meeting_id"),
		avg:        func(d string) string { return p.T("series.avg", catalog.Args{"D": d}) },
		lateTimes:  func(n int) string { return p.N("series.late", n) },
		missedLast: func(n int) string { return p.N("series.missed_last", n) },
		unreadRuns: func(n, readable int, days string) string {
			return p.N("series.unreadable", n, catalog.Args{"Readable": readable, "Days": days})
		},
		fewerRuns: func(n, asked, days int) string {
			return p.N("series.fewer", n, catalog.Args{"Asked": asked, "Days": days})
		},
		perRun:   func(avg string) string { return p.T("series.per_run", catalog.Args{"Avg": avg}) },
		regulars: func(runs, n int) string { return p.T("series.regulars", catalog.Args{"Runs": runs, "N": n}) },
		fewest:   func(at string, n int) string { return p.N("series.fewest", n, catalog.Args{"At": at}) },
	}
}

// labelsFor returns the labels of lang: the catalog language nearest to
// it (zh-CN for any Chinese tag), en-US otherwise.
func labelsFor(lang string) *labels { return labelsByLang[catalog.Match(lang, catalog.Default)] }
