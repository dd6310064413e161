package bot

import (
	"html"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestParseCommand(t *testing.T) {
	tests := []struct {
		text string
		want Command
	}{
		{"", Command{Kind: KindRecent}},
		{"   ", Command{Kind: KindRecent}},
		{"recent", Command{Kind: KindRecent}},
		{"RECENT csv", Command{Kind: KindRecent, CSV: true}},
		{"help", Command{Kind: KindHelp}},
		{"9a0fa6d10a5b11eaae5e191763c22c0e", Command{Kind: KindConfUUID, Target: "9a0fa6d10a5b11eaae5e191763c22c0e"}},
		{" 9A0FA6D10A5B11EAAE5E191763C22C0E ", Command{Kind: KindConfUUID, Target: "9A0FA6D10A5B11EAAE5E191763C22C0E"}},
		{"9a0fa6d10a5b11eaae5e191763c22c0e csv", Command{Kind: KindConfUUID, Target: "9a0fa6d10a5b11eaae5e191763c22c0e", CSV: true}},
		{"csv 9a0fa6d10a5b11eaae5e191763c22c0e search:alice", Command{Kind: KindConfUUID, Target: "9a0fa6d10a5b11eaae5e191763c22c0e", CSV: true, Search: "alice"}},
		{`9a0fa6d10a5b11eaae5e191763c22c0e search:"Li Wei"`, Command{Kind: KindConfUUID, Target: "9a0fa6d10a5b11eaae5e191763c22c0e", Search: "Li Wei"}},
		{`9a0fa6d10a5b11eaae5e191763c22c0e search:“Li Wei”`, Command{Kind: KindConfUUID, Target: "9a0fa6d10a5b11eaae5e191763c22c0e", Search: "Li Wei"}},
		{"987 654 3210", Command{Kind: KindMeetingID, Target: "9876543210"}},
		{"987-654-3210", Command{Kind: KindMeetingID, Target: "9876543210"}},
		{"9876543210", Command{Kind: KindMeetingID, Target: "9876543210"}},
		{"weekly sync", Command{Kind: KindSubject, Target: "weekly sync"}},
		{"周例会", Command{Kind: KindSubject, Target: "周例会"}},
		{"Q3 &amp; Q4 review", Command{Kind: KindSubject, Target: "Q3 & Q4 review"}},
		{"abc", Command{Kind: KindSubject, Target: "abc"}},
		{"watch 987 654 3210", Command{Kind: KindWatch, Of: KindMeetingID, Target: "9876543210"}},
		{"WATCH weekly sync", Command{Kind: KindWatch, Of: KindSubject, Target: "weekly sync"}},
		{"unwatch weekly sync", Command{Kind: KindUnwatch, Of: KindSubject, Target: "weekly sync"}},
		{"watching", Command{Kind: KindWatching}},
		{"watch a &amp;lt;b sync", Command{Kind: KindWatch, Of: KindSubject, Target: "a &lt;b sync"}},
		{"watch 周会", Command{Kind: KindWatch, Of: KindSubject, Target: "周会"}},
		{"unwatch ab", Command{Kind: KindUnwatch, Of: KindSubject, Target: "ab"}},
		{"watchdog review", Command{Kind: KindSubject, Target: "watchdog review"}},
		{"987 654 3210 last 4", Command{Kind: KindMeetingID, Target: "9876543210", Last: 4}},
		{"watch 987 654 3210 with series", Command{Kind: KindWatch, Of: KindMeetingID, Target: "9876543210", Last: defaultLast}},
		{"watch weekly sync WITH Series", Command{Kind: KindWatch, Of: KindSubject, Target: "weekly sync", Last: defaultLast}},
		{"unwatch 987 654 3210 with series", Command{Kind: KindUnwatch, Of: KindMeetingID, Target: "9876543210"}},
		{"watch series with weekly sync", Command{Kind: KindWatch, Of: KindSubject, Target: "series with weekly sync"}},
		{"last 4 987 654 3210", Command{Kind: KindMeetingID, Target: "9876543210", Last: 4}},
		{"weekly sync last", Command{Kind: KindSubject, Target: "weekly sync", Last: defaultLast}},
		{"LAST 20 weekly sync csv search:bob", Command{Kind: KindSubject, Target: "weekly sync", Last: 20, CSV: true, Search: "bob"}},
		{"weekly last 2 sync", Command{Kind: KindSubject, Target: "weekly sync", Last: 2}},
		{"last mile sync", Command{Kind: KindSubject, Target: "last mile sync"}},
		{"the last word last 3", Command{Kind: KindSubject, Target: "the last word", Last: 3}},
		{"９６０１２３４５０１", Command{Kind: KindMeetingID, Target: "9601234501"}},
		{"９６０　１２３　４５０１", Command{Kind: KindMeetingID, Target: "9601234501"}},
		{"960.123.4501", Command{Kind: KindMeetingID, Target: "9601234501"}},
		{"960．123．4501 last ４", Command{Kind: KindMeetingID, Target: "9601234501", Last: 4}},
		{"https://meeting.huaweicloud.com/#/j/9601234501", Command{Kind: KindMeetingID, Target: "9601234501"}},
		{"<https://meeting.huaweicloud.com/j/9601234501>", Command{Kind: KindMeetingID, Target: "9601234501"}},
		{"&lt;https://meeting.huaweicloud.com/j/9601234501&gt; csv", Command{Kind: KindMeetingID, Target: "9601234501", CSV: true}},
		{"<https://meeting.huaweicloud.com/#/j/9601234501|Join the weekly sync> last 3", Command{Kind: KindMeetingID, Target: "9601234501", Last: 3}},
		{"HTTPS://meeting.huaweicloud.com/joinmeeting?conf_id=9601234501&pwd=x", Command{Kind: KindMeetingID, Target: "9601234501"}},
		{"watch <https://meeting.huaweicloud.com/j/9601234501>", Command{Kind: KindWatch, Of: KindMeetingID, Target: "9601234501"}},
		{"00000000000000000000000000000000", Command{Kind: KindConfUUID, Target: "00000000000000000000000000000000"}},
		{"00000000-0000-0000-0000-000000000000", Command{Kind: KindConfUUID, Target: "00000000-0000-0000-0000-000000000000"}},
		{"９ａ０ｆａ６ｄ１０ａ５ｂ１１ｅａａｅ５ｅ１９１７６３ｃ２２ｃ０ｅ", Command{Kind: KindConfUUID, Target: "9a0fa6d10a5b11eaae5e191763c22c0e"}},
		{"项目周会（华南）", Command{Kind: KindSubject, Target: "项目周会（华南）"}},
		{"last call review", Command{Kind: KindSubject, Target: "last call review"}},
		{"weekly sync last abc", Command{Kind: KindSubject, Target: "weekly sync last abc"}},
		{"987 654 3210 last ４", Command{Kind: KindMeetingID, Target: "9876543210", Last: 4}},
		{"987 654 3210 last +4", Command{Kind: KindMeetingID, Target: "9876543210", Last: 4}},
		{"weekly last last", Command{Kind: KindSubject, Target: "weekly last", Last: defaultLast}},
		{"watch last mile sync", Command{Kind: KindWatch, Of: KindSubject, Target: "last mile sync"}},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			got, err := ParseCommand(tt.text)
			if err != nil {
				t.Fatalf("ParseCommand(%q) error %v", tt.text, err)
			}
			if got != tt.want {
				t.Errorf("ParseCommand(%q) = %+v; want %+v", tt.text, got, tt.want)
			}
		})
	}
}

func TestParseCommandErrors(t *testing.T) {
	tests := []struct {
		text, wantIn string
	}{
		{"!!!", "Try `/attendees"},
		{"--- ...", "Try `/attendees"},
		{"123", "6 to 20 digits"},
		{"1234567890123456789012", "6 to 20 digits"},
		{"9a0fa6d10a5b11eaae5e19", "32 hexadecimal"},
		{"9a0fa6d10a5b11eaae5e191763c22c0e00", "32 hexadecimal"},
		{"search:", "needs some text"},
		{"9a0fa6d10a5b11eaae5e191763c22c0e search:\"\"", "needs some text"},
		{strings.Repeat("word ", 30), "too long"},
		{"watch", "needs a meeting ID or subject words"},
		{"unwatch 9a0fa6d10a5b11eaae5e191763c22c0e", "one past meeting"},
		{"watch recent", "needs a meeting ID or subject words"},
		{"watch !!!", "couldn't read"},
		{"watching extra", "takes nothing"},
		{"watch weekly csv", "takes no `csv`"},
		{"watch ab", "match too many meetings"},
		{"watch ab ab ab", "match too many meetings"},
		{"watch " + strings.Repeat("watch ", 2000), "too long for me"},
		{"9a0fa6d10a5b11eaae5e191763c22c0e search:" + strings.Repeat("李", 101), "`search:` is too long"},
		{strings.Repeat("x", 501), "too long for me"},
		{"987 654 3210 last 1", "from 2 to 20"},
		{"987 654 3210 last 21", "from 2 to 20"},
		{"weekly sync last 99999999999999999999", "from 2 to 20"},
		{"last 4", "needs a meeting ID or subject words before it"},
		{"last", "needs a meeting ID or subject words before it"},
		{"recent last 3", "needs a meeting ID or subject words before it"},
		{"9a0fa6d10a5b11eaae5e191763c22c0e last 4", "A conference UUID is one run"},
		{"watch with series", "needs a meeting ID or subject words"},
		{"0000 0000 0000 0000 0000 0000 0000 0000", "6 to 20 digits"},
		{"https://wiki.example.com/weekly-sync", "couldn't find a meeting ID in that link"},
		{"<https://wiki.example.com/weekly-sync|notes> last 3", "couldn't find a meeting ID in that link"},
		{"watch https://meeting.huaweicloud.com/j/123", "couldn't find a meeting ID in that link"},
		{"987 654 3210 last -3", "from 2 to 20"},
		{"987 654 3210 last −3", "from 2 to 20"},
		{"987 654 3210 last 0", "from 2 to 20"},
		{"weekly sync last -3", "from 2 to 20"},
		{"weekly sync last 2.5", "from 2 to 20"},
		{"987 654 3210 last abc", "from 2 to 20"},
		{"9a0fa6d10a5b11eaae5e191763c22c0e last abc", "from 2 to 20"},
		{"987 654 3210 last 2 last 3", "`last` is there twice"},
		{"weekly sync last 2 last", "`last` is there twice"},
		{"watch 960 123 4501 last 4", "`watch` takes no `last`"},
		{"watch 960 123 4501 last", "add `with series`"},
		{"watch weekly sync last -3 with series", "`watch` takes no `last`"},
		{"unwatch 960 123 4501 last 4", "`unwatch` takes no `last`"},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			got, err := ParseCommand(tt.text)
			if err == nil {
				t.Fatalf("ParseCommand(%q) = %+v; want an error", tt.text, got)
			}
			if !errInvalid(err) {
				t.Errorf("ParseCommand(%q) error %v is not an input error", tt.text, err)
			}
			if !strings.Contains(err.Error(), tt.wantIn) {
				t.Errorf("ParseCommand(%q) error %q; want it to contain %q", tt.text, err, tt.wantIn)
			}
		})
	}
}

func FuzzParseCommand(f *testing.F) {
	for _, s := range []string{"", "help", "987 654 3210", "9a0fa6d10a5b11eaae5e191763c22c0e csv", `search:"a b" x`, "“", "search:“", "\x00", "&lt;!channel&gt;",
		"987 654 3210 last -3", "987 654 3210 last abc", "a last 2 last 3", "watch 960 123 4501 last 4", "last call review last",
		"９６０１２３４５０１", "960.123.4501", "<https://meeting.huaweicloud.com/#/j/9601234501|join>", "https://x/j/12", "00000000000000000000000000000000",
		"audit extra", "audit --since 1h --since 2h", "audit help", "watch ab ab ab", "watch sync weekly sync"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		cmd, err := ParseCommand(text)
		if utf8.RuneCountInString(html.UnescapeString(text)) > maxCommandText && err == nil {
			t.Fatalf("ParseCommand accepted %d characters; the bound is %d", len(text), maxCommandText)
		}
		if err != nil {
			if !errInvalid(err) || err.Error() == "" {
				t.Fatalf("ParseCommand(%q) error %v is not a user-facing input error", text, err)
			}
			return
		}
		if cmd.Last != 0 && (cmd.Last < minLast || cmd.Last > maxLast || cmd.Kind != KindMeetingID && cmd.Kind != KindSubject) {
			t.Fatalf("ParseCommand(%q) = %+v: a series of %d runs of a %v", text, cmd, cmd.Last, cmd.Kind)
		}
		switch cmd.Kind {
		case KindMeetingID:
			if !isDigits(cmd.Target) {
				t.Fatalf("ParseCommand(%q) meeting ID %q is not digits", text, cmd.Target)
			}
		case KindSubject:
			if strings.TrimSpace(cmd.Target) == "" {
				t.Fatalf("ParseCommand(%q) has an empty subject", text)
			}
		}
	})
}
