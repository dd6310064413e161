package terminal

import (
	"testing"

	"github.com/slack-go/slack"

	"github.com/attendees-bot/attendees-bot/formatting"
)

const wj = "\u2060"

func TestRender(t *testing.T) {
	txt := func(s string) *slack.TextBlockObject {
		return slack.NewTextBlockObject(slack.MarkdownType, s, false, false)
	}
	msg := formatting.Message{Text: "fallback", Blocks: []slack.Block{
		slack.NewHeaderBlock(slack.NewTextBlockObject(slack.PlainTextType, "会议 a&amp;b", false, false)),
		slack.NewSectionBlock(txt("*Span* <!date^1^{time}|09:00 UTC> &lt;!here&gt; "+wj+"*"+wj), []*slack.TextBlockObject{txt("*People*\n2")}, nil),
		slack.NewDividerBlock(),
		slack.NewContextBlock("", txt("see <https://x.example/f|file> and <https://y.example>")),
		slack.NewActionBlock("a",
			slack.NewButtonBlockElement("csv", "v", slack.NewTextBlockObject(slack.PlainTextType, "Download CSV", false, false)),
			slack.NewButtonBlockElement("again", "v", slack.NewTextBlockObject(slack.PlainTextType, "Refresh", false, false))),
	}}
	want := "会议 a&b\n" +
		"========\n" +
		"*Span* 09:00 UTC <!here> *\n" +
		"*People* 2\n" +
		"────────────────────────────────────────\n" +
		"see file (https://x.example/f) and https://y.example\n" +
		"[Download CSV] [Refresh]\n"
	if got := Render(msg); got != want {
		t.Errorf("Render =\n%s\nwant\n%s", got, want)
	}
	if got := Render(formatting.Message{Text: "a &amp; b"}); got != "a & b\n" {
		t.Errorf("Render(text only) = %q", got)
	}
}

func TestWidth(t *testing.T) {
	for s, want := range map[string]int{"": 0, "abc": 3, "会议": 4, "ｱ": 1, "😀": 2, "e\u0301": 1} {
		if got := Width(s); got != want {
			t.Errorf("Width(%q) = %d; want %d", s, got, want)
		}
	}
}

func TestCut(t *testing.T) {
	tests := []struct {
		s    string
		cols int
		want string
	}{
		{"", 3, ""},
		{"abc", 3, "abc"},
		{"abcd", 3, "ab…"},
		{"会议会议", 8, "会议会议"},
		{"会议会议", 7, "会议会…"},
		{"会议会议", 6, "会议…"}, // a wide rune never half-fits
		{"a会议", 4, "a会…"},
		{"e\u0301e\u0301e\u0301", 2, "e\u0301…"},
		{"😀😀😀", 5, "😀😀…"},
	}
	for _, tt := range tests {
		got := Cut(tt.s, tt.cols)
		if got != tt.want {
			t.Errorf("Cut(%q, %d) = %q; want %q", tt.s, tt.cols, got, tt.want)
		}
		if Width(got) > tt.cols {
			t.Errorf("Cut(%q, %d) is %d columns wide", tt.s, tt.cols, Width(got))
		}
	}
}
