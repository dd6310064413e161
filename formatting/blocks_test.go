package formatting

import (
	"strings"
	"testing"
	"time"

	"github.com/slack-go/slack"
)

func manyPeople(n int) *Report {
	var recs []Record
	for i := range n {
		recs = append(recs, Record{Name: "P" + itoa(i), Number: "+8613800" + itoa(100000+i), Join: at(float64(i % 50)), Leave: at(60)})
	}
	return analyze(scheduled(recs...), time.Time{})
}

func allText(msg Message) string {
	var b strings.Builder
	for _, blk := range msg.Blocks {
		switch v := blk.(type) {
		case *slack.HeaderBlock:
			b.WriteString(v.Text.Text + "\n")
		case *slack.SectionBlock:
			if v.Text != nil {
				b.WriteString(v.Text.Text + "\n")
			}
			for _, f := range v.Fields {
				b.WriteString(f.Text + "\n")
			}
		case *slack.ContextBlock:
			for _, e := range v.ContextElements.Elements {
				b.WriteString(e.(*slack.TextBlockObject).Text + "\n")
			}
		}
	}
	return b.String()
}

func TestSummaryInlineLimit(t *testing.T) {
	tests := []struct {
		people, limit, shown int
	}{
		{3, 0, 3},
		{30, 0, 25},
		{30, 5, 5},
		{30, 30, 30},
		{500, 1000, 0}, // capped by the budgets, checked below
	}
	for _, tt := range tests {
		msg := Summary(manyPeople(tt.people), MessageOptions{Words: en, InlineLimit: tt.limit})
		checkMessage(t, msg, "")
		txt := allText(msg)
		lines := strings.Count(txt, "* — ")
		if tt.shown > 0 && lines != tt.shown {
			t.Errorf("%d people, limit %d: %d inline lines; want %d", tt.people, tt.limit, lines, tt.shown)
		}
		more := "+" + itoa(tt.people-lines) + " more in the attached file"
		if lines < tt.people && !strings.Contains(txt, more) {
			t.Errorf("%d people, limit %d: no %q", tt.people, tt.limit, more)
		}
		if msg.More != tt.people-lines {
			t.Errorf("%d people, limit %d: More = %d; want %d", tt.people, tt.limit, msg.More, tt.people-lines)
		}
		if lines == tt.people && strings.Contains(txt, "more in the attached file") {
			t.Errorf("%d people all inline but says more", tt.people)
		}
	}
}

func TestSummaryAudience(t *testing.T) {
	r := analyze(scheduled(
		Record{Number: "+991116004380", Join: at(0), Leave: at(60)},
		Record{Name: "+991116005905", Number: "+991116005905", Join: at(0), Leave: at(60)},
		Record{Name: "Alice", Number: "+991116000001", Join: at(0), Leave: at(60)},
	), time.Time{})
	priv := allText(Summary(r, MessageOptions{Words: en, Audience: Private}))
	shared := allText(Summary(r, MessageOptions{Words: en, Audience: Shared}))
	for _, s := range []string{"+991116004380", "+991116005905"} {
		if !strings.Contains(priv, s) {
			t.Errorf("private summary lacks %s:\n%s", s, priv)
		}
		if strings.Contains(shared, s) {
			t.Errorf("shared summary shows %s:\n%s", s, shared)
		}
	}
	if strings.Contains(priv, "+991116000001") {
		t.Error("a named person's number shown inline")
	}
}

func TestSummaryHeader(t *testing.T) {
	long := strings.Repeat("x", 200)
	tests := []struct {
		m    Meeting
		want string
	}{
		{Meeting{Subject: " Sync ", MeetingID: "1", ConfUUID: "u"}, "Sync"},
		{Meeting{MeetingID: "123", ConfUUID: "u"}, "Meeting 123"},
		{Meeting{ConfUUID: "u"}, "u"},
		{Meeting{}, "Attendance"},
		{Meeting{Subject: "a<b"}, "a&lt;b"},
		{Meeting{Subject: long}, strings.Repeat("x", 149) + "…"},
	}
	for _, tt := range tests {
		msg := Summary(analyze(tt.m, time.Time{}), MessageOptions{Words: en})
		if got := msg.Blocks[0].(*slack.HeaderBlock).Text.Text; got != tt.want {
			t.Errorf("header of %+v = %q; want %q", tt.m, got, tt.want)
		}
	}
	if got := Summary(analyze(Meeting{MeetingID: "9"}, time.Time{}), MessageOptions{Words: zh}).Blocks[0].(*slack.HeaderBlock).Text.Text; got != "会议 9" {
		t.Errorf("zh header = %q", got)
	}
}

func TestSummaryFallbackAndNote(t *testing.T) {
	r := manyPeople(3)
	r.Meeting.Subject = "<!here> plan"
	msg := Summary(r, MessageOptions{Words: en, FileNote: "CSV: <https://x.example/f|file>"})
	if msg.Text != "Attendance: &lt;!here&gt; plan — 3 people" {
		t.Errorf("Text = %q", msg.Text)
	}
	last := msg.Blocks[len(msg.Blocks)-1].(*slack.ContextBlock)
	if got := last.ContextElements.Elements[0].(*slack.TextBlockObject).Text; got != "CSV: <https://x.example/f|file>" {
		t.Errorf("file note = %q", got)
	}
	if got := Summary(nil, MessageOptions{Words: en}); len(got.Blocks) == 0 || got.Text == "" {
		t.Errorf("Summary(nil) = %+v", got)
	}
}

func TestDateToken(t *testing.T) {
	b := &msgBuilder{loc: time.FixedZone("CST", 8*3600)}
	ts := time.Date(2019, 11, 18, 23, 31, 57, 0, time.UTC)
	if got, want := DateToken(ts, b.loc), "<!date^1574119917^{date_short_pretty} {time}|2019-11-19 07:31 CST>"; got != want {
		t.Errorf("date = %q; want %q", got, want)
	}
	if got, want := b.date(ts, ts.Add(time.Hour)), "<!date^1574119917^{time}|07:31 CST>"; got != want {
		t.Errorf("time = %q; want %q", got, want)
	}
	if got, want := b.date(ts, ts.Add(-12*time.Hour)), DateToken(ts, b.loc); got != want { // the day before in CST
		t.Errorf("date of another day = %q; want %q", got, want)
	}
}
