package main

// The attendance rules of issue 10, through the real binary: the slash
// command, Share, the CSV, automatic posts and lookup.

import (
	"bytes"
	"encoding/csv"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/attendees-bot/attendees-bot/bot/slackfake"
	"github.com/attendees-bot/attendees-bot/meeting"
	"github.com/attendees-bot/attendees-bot/meeting/meetingfake"
)

// conference is a meeting held yesterday from 10:00 UTC for minutes, as the
// history API gives it (to the minute); rec takes minutes after its start.
type conference struct {
	meetingfake.Conference
	start time.Time
}

func newConference(id, uuid, subject string, minutes int) *conference {
	start := time.Now().UTC().Truncate(24 * time.Hour).Add(-14 * time.Hour)
	return &conference{Conference: meetingfake.Conference{Info: meeting.Conference{
		ConferenceID: id, ConfUUID: uuid, Subject: subject, Start: start, End: start.Add(time.Duration(minutes) * time.Minute),
		State: "Destroyed", ConfType: "FUTURE",
	}}, start: start}
}

func (c *conference) rec(name, number, dept string, join, leave float64) *conference {
	ms := func(min float64) int64 { return c.start.Add(time.Duration(min * float64(time.Minute))).UnixMilli() }
	a := meeting.Attendee{DisplayName: name, CallNumber: number, DeptName: dept, DeviceType: "Soft client", MediaType: "Video", JoinTime: ms(join), LeftTime: ms(leave)}
	c.Records = append(c.Records, a)
	return c
}

func (c *conference) raw(a meeting.Attendee) *conference { c.Records = append(c.Records, a); return c }

func (c *conference) invite(names ...string) *conference {
	for _, n := range names {
		c.Invited = append(c.Invited, meeting.Participant{ParticipantID: strings.ToLower(strings.ReplaceAll(n, " ", ".")) + "@example.com",
			Name: n, Email: strings.ToLower(strings.ReplaceAll(n, " ", ".")) + "@example.com", AttendeeType: "normal"})
	}
	return c
}

func with(cs ...*conference) func(*meetingfake.Config) {
	return func(cfg *meetingfake.Config) {
		for _, c := range cs {
			cfg.Conferences = append(cfg.Conferences, c.Conference)
		}
	}
}

// reply is the text of the only reply to a slash command.
func (s *system) reply(t *testing.T, user, command string) string {
	t.Helper()
	id, _ := s.command(t, slackfake.SlashCommand{Text: command, UserID: user}, 1)
	return text(s.settled(t, id)...)
}

// Rule 1: time is not cut at the conference's start and end.
func TestRunTimesNotCutAtTheConference(t *testing.T) {
	// The vendor's own example: the history gives 10:00–10:01; user8002 was
	// in for 39 s, both at once after 10:01.
	seed := newConference("9601234601", "5eed0000000000000000000000000001", "Seed example", 1)
	start := seed.start.UnixMilli()
	seed.raw(meeting.Attendee{DisplayName: "user8002", CallNumber: "+991116004380", JoinTime: start + 57872, LeftTime: start + 96881}).
		raw(meeting.Attendee{DisplayName: "+991116005905", CallNumber: "+991116005905", JoinTime: start + 75467, LeftTime: start + 87620})
	overrun := newConference("9601234602", "5eed0000000000000000000000000002", "Half-hour sync", 30).
		rec("Ann Lee", "+8613800000001", "Sales", 0, 50).rec("Bo Wu", "+8613800000002", "Sales", 6, 20)
	s := startSystem(t, nil, with(seed, overrun))
	got := s.reply(t, "U1", seed.Info.ConfUUID)
	mustContain(t, got, "*user8002* — 39s", "*Peak*\\n2 at")
	got = s.reply(t, "U2", overrun.Info.ConfUUID)
	mustContain(t, got, "*Ann Lee* — 50m 00s", "present 1", "*Bo Wu* — 14m 00s · _late, left early_")
}

// Rule 2: implausible times are left out, counted and named.
func TestRunUnreadableTimesLeftOut(t *testing.T) {
	c := newConference("9601234603", "5eed0000000000000000000000000003", "Bad clocks", 60).
		rec("Dan Kim", "+8613800000004", "Ops", 0, 45).
		rec("Dan Kim", "+8613800000004", "Ops", 50, 40). // leave before join
		rec("Eve Ng", "+8613800000005", "Ops", 0, 60)
	c.Records = append(c.Records, meeting.Attendee{DisplayName: "Fay Ho", CallNumber: "+8613800000006", JoinTime: c.start.Unix(), LeftTime: c.start.Add(time.Hour).UnixMilli()}) // seconds
	s := startSystem(t, nil, with(c))
	got := s.reply(t, "U1", c.Info.ConfUUID+" csv")
	mustContain(t, got, "*Dan Kim* — 45m 00s · 2 joins", "2 records with unreadable times were left out", "*Fay Ho* — time unknown",
		"*Average / median*\\n52m 30s / 52m 30s", "1h 00m · as scheduled")
	files, err := s.slack.WaitFiles(ctxT(t), 1)
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(string(files[0].Content), ",unreadable,"); n != 2 {
		t.Errorf("CSV has %d unreadable rows; want 2:\n%s", n, files[0].Content)
	}
}

// Rule 3: one person on two numbers; the invite list adds up.
func TestRunOnePersonTwoNumbersAndTheInviteListAddsUp(t *testing.T) {
	s := startSystem(t, nil, nil)
	got := s.reply(t, "U1", meetingfake.SampleSyncUUID)
	mustContain(t, got, "*Bob Li* — 1h 00m · 2 joins", "*People*\\n8", "*Invited* 8 · *No-shows* 2: Ivan Petrov, Judy Chen · *Uninvited* 2")
	if strings.Count(got, "Bob Li") != 1 {
		t.Errorf("Bob Li listed %d times; want once", strings.Count(got, "Bob Li"))
	}
	got = s.reply(t, "U2", meetingfake.SampleChineseUUID)
	mustContain(t, got, "*People*\\n8", "*Invited* 7 · *No-shows* 1: 赵磊 · *Uninvited* 2", "*陈静* — 48m 00s · 2 joins")
}

// Rule 7: every breakdown adds up to People.
func TestRunBreakdownsAddUp(t *testing.T) {
	s := startSystem(t, nil, nil)
	for i, uuid := range []string{meetingfake.SampleSyncUUID, meetingfake.SampleChineseUUID, meetingfake.SampleHostileUUID} {
		got := s.reply(t, "U"+strconv.Itoa(i), uuid)
		people := regexp.MustCompile(`\*People\*\\n(\d+)`).FindStringSubmatch(got)
		if people == nil {
			t.Fatalf("no People in %s", got)
		}
		for _, label := range []string{"Devices", "Media", "Departments"} {
			line := regexp.MustCompile(`\*` + label + `\* ([^"]*?)(\\n|")`).FindStringSubmatch(got)
			if line == nil {
				t.Errorf("%s: no %s line", uuid, label)
				continue
			}
			sum := 0
			for _, n := range regexp.MustCompile(` (\d+)(?: ·|$)`).FindAllStringSubmatch(line[1], -1) {
				k, _ := strconv.Atoi(n[1])
				sum += k
			}
			if strconv.Itoa(sum) != people[1] {
				t.Errorf("%s: %s %q sum to %d for %s people", uuid, label, line[1], sum, people[1])
			}
		}
	}
	mustContain(t, s.reply(t, "U9", meetingfake.SampleSyncUUID), "other 3") // Frank has no department
}

// Rule 4: the bot filters people itself, on the whole cached record list.
func TestRunSearchFiltersLocally(t *testing.T) {
	var mu sync.Mutex
	var queries []string
	s := startSystem(t, nil, func(c *meetingfake.Config) {
		c.OnRequest = func(op string, r *http.Request) {
			mu.Lock()
			defer mu.Unlock()
			queries = append(queries, op+"?"+r.URL.RawQuery)
		}
	})
	got := s.reply(t, "U1", "960 123 4501 search:bob")
	mustContain(t, got, "Weekly product sync — filtered: bob", "*Bob Li* — 1h 00m · 2 joins", "attendees_share")
	if strings.Contains(got, "Alice") {
		t.Errorf("search:bob lists Alice:\n%s", got)
	}
	mustContain(t, s.reply(t, "U2", meetingfake.SampleSyncUUID+" search:MULLER"), "*Frank Müller*")
	mu.Lock()
	for _, q := range queries {
		// A UUID lookup asks confDetail for one entry to learn the meeting's
		// subject (limit=1); the invite list itself is never read.
		if strings.HasPrefix(q, meetingfake.OpConfDetail) && !strings.Contains(q, "limit=1&") || strings.Contains(q, "searchKey") && strings.HasPrefix(q, meetingfake.OpAttendees) {
			t.Errorf("a search: lookup asked the meeting API %s", q)
		}
	}
	mu.Unlock()

	// Shared, it still says it is filtered.
	_, rs := s.command(t, slackfake.SlashCommand{Text: "960 123 4501 search:bob", UserID: "U3", ChannelID: "C0GENERAL"}, 1)
	s.press(t, "U3", "C0GENERAL", "attendees_share", buttonValue(t, rs[0], "attendees_share"))
	posts, err := s.slack.WaitPosts(ctxT(t), 1)
	if err != nil {
		t.Fatal(err)
	}
	mustContain(t, string(posts[0].Blocks), "Weekly product sync — filtered: bob", "Bob Li")

	// Nobody matches: one sentence, nothing to share.
	got = s.reply(t, "U4", "960 123 4501 search:nobody")
	mustContain(t, got, "Nobody in Weekly product sync matches “nobody”")
	if strings.Contains(got, "attendees_share") {
		t.Errorf("a reply with nobody in it offers Share:\n%s", got)
	}
}

// Rule 5: every word of a subject search, in any order, folded.
func TestRunSubjectSearch(t *testing.T) {
	var mu sync.Mutex
	var history []string
	s := startSystem(t, nil, func(c *meetingfake.Config) {
		c.OnRequest = func(op string, r *http.Request) {
			if op == meetingfake.OpHistory {
				mu.Lock()
				history = append(history, r.URL.RawQuery)
				mu.Unlock()
			}
		}
	})
	mustContain(t, s.reply(t, "U1", "weekly sync"), "Weekly product sync", "*Bob Li*")
	mustContain(t, s.reply(t, "U2", "SYNC product"), "Weekly product sync")
	mustContain(t, s.reply(t, "U3", "项目周会 复盘"), "项目周会")
	mustContain(t, s.reply(t, "U4", "weekly planning"), "“weekly planning”", "last 30 days")
	mustContain(t, s.reply(t, "U5", "960 123 4599"), "960 123 4599", "last 6 months")
	mu.Lock()
	defer mu.Unlock()
	for _, q := range history {
		if strings.Contains(q, "searchKey=weekly") || strings.Contains(q, "searchKey=SYNC") {
			t.Errorf("a subject search trusted the server's searchKey: %s", q)
		}
	}
}

// Rule 6: no-shows are in the CSV, and a message that hides one brings it.
func TestRunNoShowsAreInTheCSV(t *testing.T) {
	c := newConference("9601234604", "5eed0000000000000000000000000004", "Board meeting", 60).
		rec("Ann Lee", "+8613800000001", "", 0, 60).rec("Bo Wu", "+8613800000002", "", 0, 60).
		invite("Ann Lee", "Bo Wu", "Cy Ma", "Di Xu", "Ed Yu", "Fu Qi", "Gu Li", "Hu Bo")
	s := startSystem(t, func(e map[string]string) {
		e["MEETING_WEBHOOK_KEY"], e["MEETING_WEBHOOK_SUBSCRIBER_ID"] = webhookKey, webhookApp
		e["AUTOPOST_SETTLE"], e["AUTOPOST_CHANNEL_ID"] = "0s", "C0GENERAL"
	}, with(c))
	ctx := ctxT(t)
	id, _ := s.command(t, slackfake.SlashCommand{Text: c.Info.ConfUUID, UserID: "U1", ChannelID: "C0GENERAL"}, 1)
	rs := s.settled(t, id)
	mustContain(t, text(rs...), "*No-shows* 6: Cy Ma, Di Xu, Ed Yu, Fu Qi, Gu Li +1 more in the attached file", "direct messages")
	checkDelivered(t, s.slack.Files(), "DU1", "", 2, 6)

	share := s.press(t, "U1", "C0GENERAL", "attendees_share", buttonValue(t, rs[0], "attendees_share"))
	if _, err := s.slack.WaitResponsesFor(ctx, share, 1); err != nil { // "Shared", once its CSV is in the thread
		t.Fatal(err)
	}
	posts := s.slack.Posts()
	if len(posts) != 1 {
		t.Fatalf("posts = %d; want the share", len(posts))
	}
	shared, _ := s.settledPost(t, "C0GENERAL", posts[0].TS) // the handler sends the no-shows before the edit
	mustContain(t, shared, "*No-shows* 6")
	checkDelivered(t, s.slack.Files(), "C0GENERAL", posts[0].TS, 2, 6)

	if code, body := postWebhook(t, s.http, concludeEvent(t, webhookKey, c.Info.ConferenceID, c.Info.ConfUUID, "nonce-noshows")); code != http.StatusOK {
		t.Fatalf("conclude event: %d %s", code, body)
	}
	posts, err := s.slack.WaitPosts(ctx, 2)
	if err != nil {
		t.Fatal(err)
	}
	if posts[1].Channel != "C0GENERAL" || posts[1].TS == posts[0].TS {
		t.Fatalf("automatic post in %s at %s; want a post of its own in C0GENERAL", posts[1].Channel, posts[1].TS)
	}
	auto, late := s.settledPost(t, "C0GENERAL", posts[1].TS)
	mustContain(t, auto, "*No-shows* 6")
	s.waitFileIn(t, "C0GENERAL", posts[1].TS, late) // an automatic post edits first, then sends the no-shows
	checkDelivered(t, s.slack.Files(), "C0GENERAL", posts[1].TS, 2, 6)
}

// The same rules through lookup.
func TestLookupRules(t *testing.T) {
	m := fakeMeeting(t, nil)
	env := meetingEnv(m)
	lookup := func(args ...string) string {
		var stdout, stderr bytes.Buffer
		if err := run(t.Context(), append([]string{"lookup"}, args...), getenv(env), nil, &stdout, &stderr); err != nil {
			t.Fatalf("lookup %q: %v\n%s", args, err, stderr.String())
		}
		return stdout.String()
	}
	got := lookup("weekly", "sync")
	mustContain(t, got, "Weekly product sync", "scheduled")
	if !regexp.MustCompile(`\nBob Li +1:00:00 +2 +Engineering`).MatchString(got) || strings.Count(got, "Bob Li") != 1 {
		t.Errorf("Bob Li is not one person of 1:00:00 and 2 joins:\n%s", got)
	}
	mustContain(t, lookup("--search", "bob", meetingfake.SampleSyncID), "Weekly product sync — filtered: bob", "Bob Li")
	rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(lookup("--format", "csv", meetingfake.SampleChineseUUID), "\ufeff"))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if last := rows[len(rows)-1]; last[1] != "赵磊" || last[17] != "no_show" {
		t.Errorf("last CSV row %q; want the no-show 赵磊", last)
	}
}
