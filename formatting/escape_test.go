package formatting

import (
	"strings"
	"testing"
)

func TestEscape(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"plain", "plain"},
		{"a&b<c>", "a&amp;b&lt;c&gt;"},
		{"<!channel>", "&lt;!channel&gt;"},
		{"<@U123>", "&lt;@U123&gt;"},
		{"&amp;", "&amp;amp;"},
	}
	for _, tt := range tests {
		if got := Escape(tt.in); got != tt.want {
			t.Errorf("Escape(%q) = %q; want %q", tt.in, got, tt.want)
		}
	}
}

func TestEscapeText(t *testing.T) {
	tests := []struct {
		in   string
		max  int
		want string
	}{
		{"Alice", 60, "Alice"},
		{"  Alice  ", 60, "Alice"},
		{"*bold*", 60, wj + "*" + wj + "bold" + wj + "*" + wj},
		{"a_b~c`d", 60, "a" + wj + "_" + wj + "b" + wj + "~" + wj + "c" + wj + "`" + wj + "d"},
		{"<#C1|x>", 60, "&lt;#C1|x&gt;"},
		{"line1\nline2", 60, "line1 line2"},
		{"abcdef", 3, "abc…"},
		{"张三李四", 2, "张三…"},
		{"&&&&", 2, "&amp;&amp;…"},
		{"\xff", 5, "\uFFFD"},
		{"\u202Egnp.exe", 60, fsi + "gnp.exe" + pdi},
		{"שלום", 60, fsi + "שלום" + pdi},
	}
	for _, tt := range tests {
		if got := escapeText(tt.in, tt.max, 1000); got != tt.want {
			t.Errorf("escapeText(%q, %d) = %q; want %q", tt.in, tt.max, got, tt.want)
		}
	}
}

func TestMaskNumber(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"+991116004380", "+9911****4380"},
		{"+9911160043801234", "+99111*******1234"},
		{"+99 111-600 4380", "+9911****4380"},
		{"12345678", "******78"},
		{"+991116004380123", "+99111******0123"},
		{"13800138000", "138****8000"},
		{"1380013800", "********00"},
		{"123456", "******"},
		{"12", "**"},
		{"＋９９１１１６００４３８０", "+9911****4380"},
		{"alice", "a****"},
		{"ab", "a***"},
		{"+1 (555) 010-9999", "+155****9999"},
	}
	for _, tt := range tests {
		got := MaskNumber(tt.in)
		if got != tt.want {
			t.Errorf("MaskNumber(%q) = %q; want %q", tt.in, got, tt.want)
		}
		if tt.in != "" && strings.Contains(got, "4380") && strings.Contains(got, "6004380") {
			t.Errorf("MaskNumber(%q) = %q shows too much", tt.in, got)
		}
	}
}

func TestLooksLikeNumber(t *testing.T) {
	for s, want := range map[string]bool{"+991116005905": true, "user8002": false, "12 34": false, "(010) 1234-5678": true, "": false} {
		if got := looksLikeNumber(s); got != want {
			t.Errorf("looksLikeNumber(%q) = %v; want %v", s, got, want)
		}
	}
}

func TestCleanTextBudget(t *testing.T) {
	tests := []struct {
		in            string
		mrkdwn        bool
		maxRunes, out int
		want          string
	}{
		{"abcdef", true, 100, 6, "abcdef"},
		{"abcdefg", true, 100, 6, "abcde…"},
		{"&&&", true, 100, 11, "&amp;&amp;…"}, {"&&&", true, 100, 10, "&amp;…"},
		{"&&&", true, 100, 15, "&amp;&amp;&amp;"},
		{"😀😀😀", false, 100, 5, "😀😀…"},
		{"*", true, 100, 2, "…"},
		{"<b>", false, 100, 9, "&lt;b&gt;"},
	}
	for _, tt := range tests {
		got := cleanText(tt.in, tt.mrkdwn, tt.maxRunes, tt.out)
		if got != tt.want || utf16Len(got) > tt.out {
			t.Errorf("cleanText(%q, %v, %d, %d) = %q; want %q", tt.in, tt.mrkdwn, tt.maxRunes, tt.out, got, tt.want)
		}
	}
}

func TestUTF16Len(t *testing.T) {
	for s, want := range map[string]int{"": 0, "abc": 3, "张三": 2, "😀": 2, "é": 1, "\u2060": 1} {
		if got := utf16Len(s); got != want {
			t.Errorf("utf16Len(%q) = %d; want %d", s, got, want)
		}
	}
}

func TestGroupDigits(t *testing.T) {
	tests := map[string]string{
		"960123450":    "960 123 450",
		"9601234501":   "960 123 4501",
		"96012345012":  "960 1234 5012",
		"960123450123": "9601 2345 0123",
		"12345678":     "12345678",
		"9601234501x":  "9601234501x",
		"":             "",
	}
	for in, want := range tests {
		if got := GroupDigits(in); got != want {
			t.Errorf("GroupDigits(%q) = %q; want %q", in, got, want)
		}
	}
}
