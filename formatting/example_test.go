package formatting_test

import (
	"bytes"
	"fmt"
	"strings"
	"time"

	"github.com/attendees-bot/attendees-bot/bot/catalog"
	"github.com/attendees-bot/attendees-bot/bot/terminal"
	"github.com/attendees-bot/attendees-bot/formatting"
	"github.com/attendees-bot/attendees-bot/formatting/attendance"
)

// The vendor's confAttendeeRecord example, summarised for a channel.
func ExampleSummary() {
	m := attendance.Meeting{
		ConfUUID: "9a0fa6d10a5b11eaae5e191763c22c0e",
		Records: []attendance.Record{
			{Name: "user8002", Number: "+991116004380", Dept: "wangyue", Device: "软终端", Media: "视频", Join: 1574119917872, Leave: 1574119956881},
			{Name: "+991116005905", Number: "+991116005905", Dept: "wangyue", Device: "软终端", Media: "视频", Join: 1574119935467, Leave: 1574119947620},
		},
	}
	r := attendance.Analyze(m, attendance.Thresholds{}, time.Time{})
	msg := formatting.Summary(r, formatting.MessageOptions{Words: catalog.For(catalog.English), Audience: formatting.Shared})
	fmt.Println(msg.Text)
	fmt.Print(terminal.Render(msg)) // as the demo console shows it
	// Output:
	// Attendance: 9a0fa6d10a5b11eaae5e191763c22c0e — 2 people
	// 9a0fa6d10a5b11eaae5e191763c22c0e
	// ================================
	// *People* 2
	// *Sessions* 2
	// *Span* 2019-11-18 23:31 UTC – 23:32 UTC 39s · first join → last leave
	// *Average / median* 25s / 25s
	// *Peak* 2 at 23:32 UTC
	// *Attendance* present 1 · partial 1 · brief 0
	// *Devices* 软终端 2
	// *Media* 视频 2
	// *Departments* wangyue 2
	// ────────────────────────────────────────
	// *user8002* — 39s · wangyue
	// *+9911****5905* — 12s · wangyue
}

func ExampleWriteCSV() {
	m := attendance.Meeting{Records: []attendance.Record{
		{Name: "=HYPERLINK(\"http://x\")", Number: "+991116004380", Join: 1574119917872, Leave: 1574119956881},
	}}
	r := attendance.Analyze(m, attendance.Thresholds{}, time.Time{})
	var buf bytes.Buffer
	_ = formatting.WriteCSV(&buf, r, formatting.CSVOptions{Location: time.FixedZone("CST", 8*3600)})
	out, bom := strings.CutPrefix(buf.String(), "\uFEFF")
	fmt.Println("BOM:", bom)
	fmt.Print(out)
	// Output:
	// BOM: true
	// person_key,name,record_name,number,dept,device,media,join,leave,join_ms,leave_ms,session_seconds,open,person_time_seconds,person_time_hms,person_joins,person_share_pct,person_level,person_flags
	// n:+991116004380,"'=HYPERLINK(""http://x"")","'=HYPERLINK(""http://x"")",+991116004380,,,,2019-11-19T07:31:57.872+08:00,2019-11-19T07:32:36.881+08:00,1574119917872,1574119956881,39.009,false,39.009,0:00:39,1,100.0,present,
}

func ExampleMaskNumber() {
	fmt.Println(formatting.MaskNumber("+991116004380"))
	fmt.Println(formatting.MaskNumber("+99111600438012"))
	fmt.Println(formatting.MaskNumber("12345"))
	// Output:
	// +9911****4380
	// +99111*****8012
	// *****
}

func ExampleEscape() {
	fmt.Println(formatting.Escape("<!channel> a&b"))
	// Output: &lt;!channel&gt; a&amp;b
}
