package meetingfake

import (
	"fmt"
	"time"
)

// SampleSeriesID is the meeting ID of SampleSeries' runs.
const SampleSeriesID = "9601234506"

// SampleSeriesUUID is the confUUID of run r (0 = the newest) of
// SampleSeries.
func SampleSeriesUUID(r int) string { return fmt.Sprintf("5e21e5%026x", r) }

// SampleSeries returns runs runs of a weekly 15-minute "Team stand-up"
// (meeting ID SampleSeriesID) of people people, newest first, the newest
// the day before now's UTC day. Everybody is invited, and so is Ivan
// Petrov, who never comes. Dan Kim and Erin Park came until the two newest
// runs; Carol Wu skips every other run; Frank Müller is late every other
// run; Bob Li once dials in from his phone (another number, one person);
// from the ninth person on, each misses about one run in five. Each run
// has one record per person who came, so with 50 people and no more than
// 500 records it is one page of records and one of invitees.
func SampleSeries(now time.Time, runs, people int) []Conference {
	names := []string{"Alice Zhang", "Bob Li", "Carol Wu", "Dan Kim", "Erin Park", "Frank Müller", "Grace Ho", "Heidi Ng"}
	depts := []string{"Product", "Engineering", "Design", "Engineering", "Sales", "", "Support", "Support"}
	day := now.UTC().Truncate(24 * time.Hour)
	var out []Conference
	for r := range runs {
		start := day.Add(-24*time.Hour - time.Duration(7*r)*24*time.Hour + 2*time.Hour)
		conf := Conference{Info: info(SampleSeriesID, SampleSeriesUUID(r), "Team stand-up", "Alice Zhang", start, 15, "CYCLE")}
		for p := range people {
			name, dept := fmt.Sprintf("Member %02d", p+1), "Engineering"
			if p < len(names) {
				name, dept = names[p], depts[p]
			}
			number := fmt.Sprintf("+86755%08d", p+1)
			conf.Invited = append(conf.Invited, invitee(number, name, dept, p == 0))
			switch {
			case (p == 3 || p == 4) && r < 2, p == 2 && r%2 == 1, p >= 8 && (p*7+r*3)%5 == 0:
				continue // absent
			case p == 1 && r == 2:
				number = "+86755900000002" // Bob's phone
			}
			join := float64(p % 3)
			if p == 5 && r%2 == 0 {
				join = 7 // late
			}
			conf.Records = append(conf.Records, rec(start, name, number, "Soft client", "Video", dept, join, 14+float64(p%2)))
		}
		conf.Invited = append(conf.Invited, invitee("ivan@example.com", "Ivan Petrov", "Finance", false))
		out = append(out, conf)
	}
	return out
}

// lost is the answer for the records of a conference the service lists
// but cannot read (Conference.Lost).
var lost = Failure{Status: 400, Code: codeNoConf, Message: "The conference does not exist"}
