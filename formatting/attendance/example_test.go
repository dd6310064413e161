package attendance_test

import (
	"fmt"
	"time"

	"github.com/attendees-bot/attendees-bot/formatting/attendance"
)

// Bob joins on his soft client and, for a while, on his phone: one person,
// his time counted once. The meeting overran its booked half hour.
func ExampleAnalyze() {
	start := time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)
	ms := func(min int) int64 { return start.Add(time.Duration(min) * time.Minute).UnixMilli() }
	m := attendance.Meeting{
		Subject: "Weekly product sync", Start: start, End: start.Add(30 * time.Minute),
		Records: []attendance.Record{
			{Name: "Bob Li", Number: "+99111800002", Dept: "Engineering", Device: "Soft client", Join: ms(0), Leave: ms(50)},
			{Name: "Bob Li", Number: "+99111800003", Dept: "Engineering", Device: "Mobile app", Join: ms(10), Leave: ms(20)},
			{Name: "Alice Zhang", Number: "+99111800001", Dept: "Product", Device: "Soft client", Join: ms(7), Leave: ms(30)},
		},
		Invited: []attendance.Invitee{{Name: "Alice Zhang", Email: "alice@example.com", Dept: "Product"}, {Name: "Ivan Petrov", Email: "ivan@example.com"}},
	}
	r := attendance.Analyze(m, attendance.Thresholds{}, start.Add(24*time.Hour))
	fmt.Println("span", r.Span, "people", len(r.People), "peak", r.Peak)
	for _, p := range r.People {
		fmt.Println(p.Key, p.Name, p.InMeeting, p.Joins, "joins", p.Device, "late", p.Late, "uninvited", p.Uninvited)
	}
	fmt.Println("invited", r.Invited, "no-shows", len(r.NoShows), r.NoShows[0].Name, "uninvited", r.Uninvited)
	fmt.Println("filtered:", r.Filter("BOB").People[0].Name)
	// Output:
	// span 50m0s people 2 peak 2
	// p:bob li|engineering Bob Li 50m0s 2 joins Soft client late false uninvited true
	// i:alice@example.com Alice Zhang 23m0s 1 joins Soft client late true uninvited false
	// invited 2 no-shows 1 Ivan Petrov uninvited 1
	// filtered: Bob Li
}
