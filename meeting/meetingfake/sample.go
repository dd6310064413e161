package meetingfake

import (
	"cmp"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"github.com/attendees-bot/attendees-bot/meeting"
)

// The sample conferences, for READMEs, demos and tests. Times are relative to
// the now passed to Sample; everything else is fixed.
const (
	// A small weekly meeting: re-joins, two devices at once, an open record.
	SampleSyncID   = "9601234501"
	SampleSyncUUID = "5d0c8f3a2b1e4c7d9a6f0e1b2c3d4e51"
	// Chinese names and departments with zh-CN labels.
	SampleChineseID   = "9601234502"
	SampleChineseUUID = "8e3b1d2c4f5a46b7a8c9d0e1f2a3b4c5"
	// Hostile names: Slack mentions, markup, formulas, RTL, emoji, empties.
	SampleHostileID   = "9601234503"
	SampleHostileUUID = "c0ffee00deadbeef0123456789abcdef"
	// A town hall with exactly 1,234 attendee records (3 pages of 500).
	SampleTownHallID   = "9601234504"
	SampleTownHallUUID = "1234abcd5678ef901234abcd5678ef90"
	// One meeting ID held twice: two instances with different confUUIDs.
	SampleStandupID        = "9601234505"
	SampleStandupUUID      = "a1b2c3d4e5f60718293a4b5c6d7e8f90" // yesterday
	SampleStandupUUIDOlder = "0f9e8d7c6b5a49382716f5e4d3c2b1a0" // the day before
)

// SampleTownHallRecords is the number of attendee records of the town hall,
// SampleTownHallNoShows the number of its invitees who did not come.
const (
	SampleTownHallRecords = 1234
	SampleTownHallNoShows = 50
)

// Sample returns the demo data set relative to now: every conference ended
// before the start of now's UTC day, within the last four days. The output is
// the same for the same day. See the package documentation for what each
// conference demonstrates.
func Sample(now time.Time) []Conference {
	day := now.UTC().Truncate(24 * time.Hour)
	return []Conference{
		sampleSync(day.Add(-24*time.Hour + 9*time.Hour)),
		sampleChinese(day.Add(-24*time.Hour + 6*time.Hour)),
		sampleHostile(day.Add(-48*time.Hour + 14*time.Hour)),
		sampleTownHall(day.Add(-72*time.Hour + 8*time.Hour)),
		sampleStandup(SampleStandupUUID, day.Add(-24*time.Hour+1*time.Hour+30*time.Minute), false),
		sampleStandup(SampleStandupUUIDOlder, day.Add(-48*time.Hour+1*time.Hour+30*time.Minute), true),
	}
}

// rec builds a record from minutes after start; leftMin < 0 means still open.
func rec(start time.Time, name, number, device, media, dept string, joinMin, leftMin float64) meeting.Attendee {
	a := meeting.Attendee{DisplayName: name, CallNumber: number, DeviceType: device, MediaType: media, DeptName: dept,
		JoinTime: start.Add(time.Duration(joinMin * float64(time.Minute))).UnixMilli()}
	if leftMin >= 0 {
		a.LeftTime = start.Add(time.Duration(leftMin * float64(time.Minute))).UnixMilli()
	}
	return a
}

func info(id, uuid, subject, scheduler string, start time.Time, minutes int, confType string) meeting.Conference {
	return meeting.Conference{ConferenceID: id, ConfUUID: uuid, Subject: subject, SchedulerName: scheduler,
		Start: start, End: start.Add(time.Duration(minutes) * time.Minute), State: "Destroyed", MediaTypes: "Voice,Video,Data", ConfType: confType}
}

func invitee(id, name, dept string, host bool) meeting.Participant {
	role := 0
	if host {
		role = 1
	}
	email := ""
	if strings.Contains(id, "@") {
		email = id
	}
	return meeting.Participant{ParticipantID: id, Name: name, Role: role, AttendeeType: "normal", Email: email, DeptName: dept}
}

// sortByJoin puts records in join order, as the server lists them.
func sortByJoin(recs []meeting.Attendee) []meeting.Attendee {
	slices.SortStableFunc(recs, func(a, b meeting.Attendee) int { return cmp.Compare(a.JoinTime, b.JoinTime) })
	return recs
}

func sampleSync(start time.Time) Conference {
	const pc, mobile, room, phone = "Soft client", "Mobile app", "Room system", "Phone"
	const video, audio = "Video", "Audio"
	return Conference{
		Info: info(SampleSyncID, SampleSyncUUID, "Weekly product sync", "Alice Zhang", start, 60, "CYCLE"),
		Records: sortByJoin([]meeting.Attendee{
			rec(start, "Alice Zhang", "+8675500000001", pc, video, "Product", -2, 61),
			rec(start, "Bob Li", "+8675500000002", pc, video, "Engineering", 0, 60),
			rec(start, "Bob Li", "+8675500000012", mobile, audio, "Engineering", 30, 45), // his phone at once: another number, one person
			rec(start, "Carol Wu", "+8675500000003", pc, video, "Design", 0.5, 20),
			rec(start, "Carol Wu", "+8675500000003", pc, video, "Design", 23, 60),         // re-join after a drop
			rec(start, "Dan Kim", "+8675500000004", mobile, video, "Engineering", 25, 60), // late
			rec(start, "Erin Park", "+8675500000005", pc, audio, "Sales", 1, 15),          // early leaver
			rec(start, "Frank Müller", "+4930123456", phone, audio, "", 3, 58),            // dial-in
			rec(start, "Grace Ho", "+8675500000007", room, video, "Support", 10, -1),      // record still open
			rec(start, "Heidi Ng", "+8675500000008", pc, video, "Support", 5, 50),
			rec(start, "Heidi Ng", "+8675500000008", pc, video, "Support", 52, 64), // the meeting overran
		}),
		Invited: []meeting.Participant{
			invitee("alice@example.com", "Alice Zhang", "Product", true),
			invitee("bob@example.com", "Bob Li", "Engineering", false),
			invitee("carol@example.com", "Carol Wu", "Design", false),
			invitee("dan@example.com", "Dan Kim", "Engineering", false),
			invitee("erin@example.com", "Erin Park", "Sales", false),
			invitee("+4930123456", "Frank Müller", "", false),
			invitee("ivan@example.com", "Ivan Petrov", "Finance", false), // no-show
			invitee("judy@example.com", "Judy Chen", "Legal", false),     // no-show
		},
	}
}

func sampleChinese(start time.Time) Conference {
	const soft, hard, mobile = "软终端", "硬终端", "手机"
	const video, voice = "视频", "语音"
	return Conference{
		Info: info(SampleChineseID, SampleChineseUUID, "项目周会：华南区上线复盘", "王伟", start, 50, "FUTURE"),
		Records: sortByJoin([]meeting.Attendee{
			rec(start, "王伟", "+8675512340001", soft, video, "研发部", 0, 50),
			rec(start, "张伟", "+8675512340002", soft, video, "研发部", 0.2, 48),
			rec(start, "李娜", "+8675512340003", soft, voice, "市场部", 2, 50),
			rec(start, "王芳", "+8613912340004", mobile, video, "财务部", 4, 31),
			rec(start, "刘洋", "+8675512340005", hard, video, "研发部", 0, 50), // from a meeting room
			rec(start, "陈静", "+8675512340006", soft, video, "人力资源部", 1, 12),
			rec(start, "陈静", "+8613912340006", mobile, voice, "人力资源部", 13, 50), // her phone: one person, two numbers
			rec(start, "杨帆", "+8675512340007", soft, video, "研发部", 21, 50),
			rec(start, "+991116005905", "+991116005905", soft, video, "wangyue", 30, 31.5),
		}),
		Invited: []meeting.Participant{
			invitee("wangwei@example.cn", "王伟", "研发部", true),
			invitee("zhangwei@example.cn", "张伟", "研发部", false),
			invitee("lina@example.cn", "李娜", "市场部", false),
			invitee("wangfang@example.cn", "王芳", "财务部", false),
			invitee("liuyang@example.cn", "刘洋", "研发部", false),
			invitee("chenjing@example.cn", "陈静", "人力资源部", false),
			invitee("zhaolei@example.cn", "赵磊", "法务部", false), // no-show
		},
	}
}

// longSampleName is the 300-character display name of the hostile sample.
var longSampleName = strings.Repeat("Wolfeschlegelsteinhausenbergerdorff ", 9)[:300]

func sampleHostile(start time.Time) Conference {
	const pc, video = "Soft client", "Video"
	return Conference{
		Info: info(SampleHostileID, SampleHostileUUID, "Q&A <!here> *launch* <b>review</b> & `retro`", "<@U123> Mallory", start, 45, "IMMEDIATELY"),
		Records: sortByJoin([]meeting.Attendee{
			rec(start, "<!channel>", "+10000000001", pc, video, "<!here>", 0, 45),
			rec(start, "<@U123>", "+10000000002", pc, video, "<#C999|general>", 1, 44),
			rec(start, "*bold* _italic_ ~strike~ `code`", "+10000000003", pc, video, "> quote", 2, 40),
			rec(start, "a&b<c>", "+10000000004", pc, video, "R&D <team>", 3, 30),
			rec(start, `=HYPERLINK("x")`, "+10000000005", pc, video, "=1+1", 4, 45),
			rec(start, "+cmd|' /C calc'!A0", "@SUM(1)", pc, video, "-2+3", 5, 6),
			rec(start, longSampleName, "+10000000006", pc, video, strings.Repeat("部", 100), 6, 45),
			rec(start, "🎉 Ana 🦜 👩‍👩‍👧‍👦", "+10000000007", pc, video, "🚀", 7, 45),
			rec(start, "مريم الحسن", "+10000000008", pc, video, "قسم المبيعات", 8, 45),
			rec(start, "דוד כהן", "+10000000009", pc, video, "", 9, 45),
			rec(start, "Eve \u202egnp.exe", "+10000000010", pc, video, "", 10, 20),
			rec(start, "line one\nline two\ttab", "+10000000011", pc, video, "", 11, 12),
			rec(start, "", "+10000000012", pc, video, "", 12, 13), // no name, only a number
			{JoinTime: start.Add(13 * time.Minute).UnixMilli()},   // every field empty
			rec(start, "<https://evil.example|click me>", "", "", "", "", 14, 15),
		}),
		Invited: []meeting.Participant{
			invitee("mallory@example.com", "<@U123> Mallory", "<!here>", true),
			invitee("ana@example.com", "🎉 Ana 🦜 👩‍👩‍👧‍👦", "🚀", false),
			invitee("zed@example.com", "Zed <script>alert(1)</script>", "", false), // no-show
			invitee("", "", "", false), // an empty invitee
		},
	}
}

func sampleTownHall(start time.Time) Conference {
	rng := rand.New(rand.NewPCG(1234, 5678))
	depts := []string{"Engineering", "Sales", "Support", "Finance", "Product", "Design", "Legal", "Operations"}
	devices := []string{"Soft client", "Soft client", "Soft client", "Mobile app", "Room system", "Phone"}
	media := []string{"Video", "Video", "Audio"}
	const people, total = 1000, SampleTownHallRecords
	recs := make([]meeting.Attendee, 0, total)
	for p := range people {
		name := fmt.Sprintf("Employee %04d", p+1)
		number := fmt.Sprintf("+86755%08d", 10000+p)
		dept := depts[p%len(depts)]
		join := float64(rng.IntN(30)) - 5 + rng.Float64()
		left := 60 + float64(rng.IntN(31))
		if rng.IntN(10) == 0 {
			left = join + 5 + float64(rng.IntN(40)) // left early
		}
		dev := devices[rng.IntN(len(devices))]
		recs = append(recs, rec(start, name, number, dev, media[rng.IntN(len(media))], dept, join, left))
		if len(recs) < total && p < total-people { // the first 234 re-join once
			back := left + 1 + float64(rng.IntN(5))
			recs = append(recs, rec(start, name, number, dev, media[rng.IntN(len(media))], dept, back, max(back+1, 90)))
		}
	}
	var invited []meeting.Participant
	for p := 1; p <= 1050; p++ {
		if p >= 990 && p <= 1000 {
			continue // joined without an invitation
		}
		invited = append(invited, invitee(fmt.Sprintf("employee%04d@example.com", p), fmt.Sprintf("Employee %04d", p), depts[(p-1)%len(depts)], p == 1))
	} // 1001..1050 were invited and did not come
	return Conference{
		Info:    info(SampleTownHallID, SampleTownHallUUID, "Company town hall Q4", "Employee 0001", start, 90, "FUTURE"),
		Records: sortByJoin(recs),
		Invited: invited,
	}
}

func sampleStandup(uuid string, start time.Time, older bool) Conference {
	const pc, mobile, video = "Soft client", "Mobile app", "Video"
	recs := []meeting.Attendee{
		rec(start, "Alice Zhang", "+8675500000001", pc, video, "Product", 0, 15),
		rec(start, "Bob Li", "+8675500000002", mobile, video, "Engineering", 1, 15),
		rec(start, "Carol Wu", "+8675500000003", pc, video, "Design", 2, 14),
		rec(start, "Dan Kim", "+8675500000004", pc, video, "Engineering", 6, 15),
	}
	if older {
		recs = []meeting.Attendee{
			rec(start, "Alice Zhang", "+8675500000001", pc, video, "Product", 0, 17),
			rec(start, "Bob Li", "+8675500000002", pc, video, "Engineering", 0.5, 17),
			rec(start, "Erin Park", "+8675500000005", pc, video, "Sales", 3, 10), // uninvited
		}
	}
	minutes := 15
	if older {
		minutes = 17
	}
	return Conference{
		Info:    info(SampleStandupID, uuid, "Daily stand-up", "Alice Zhang", start, minutes, "CYCLE"),
		Records: sortByJoin(recs),
		Invited: []meeting.Participant{
			invitee("alice@example.com", "Alice Zhang", "Product", true),
			invitee("bob@example.com", "Bob Li", "Engineering", false),
			invitee("carol@example.com", "Carol Wu", "Design", false),
			invitee("dan@example.com", "Dan Kim", "Engineering", false),
		},
	}
}
