package attendance

import (
	"strings"
	"testing"
	"time"
	"unicode"
)

func FuzzAnalyze(f *testing.F) {
	f.Add([]byte{1, 2, 3, 4, 5, 6, 7, 8}, int64(0), int64(0), int64(0), int64(0), "bob")
	f.Add([]byte("some records with times"), at(0), at(30), int64(1)<<62, int64(-1)<<62, "1")
	f.Fuzz(func(t *testing.T, data []byte, start, end, join, leave int64, query string) {
		m := Meeting{}
		if start != 0 && end != 0 {
			m.Start, m.End = time.UnixMilli(start), time.UnixMilli(end)
		}
		names := []string{"Bob", "ｂｏｂ", "Ann", ""}
		for i := 0; i+4 < len(data); i += 5 {
			// Small values so records collide and overlap.
			m.Records = append(m.Records, Record{
				Number: strings.Repeat("1", int(data[i]%3)), Name: names[data[i+1]%4], Dept: names[data[i+2]%2],
				Join:  at(float64(data[i+3]%90) - 10),
				Leave: at(float64(data[i+4]%90)) * int64(data[i+4]%5),
			})
			if data[i]%7 == 0 {
				m.Invited = append(m.Invited, Invitee{Name: names[data[i+2]%4], Number: strings.Repeat("1", int(data[i+3]%3))})
			}
		}
		m.Records = append(m.Records, Record{Number: "x1", Join: join, Leave: leave}, Record{Number: "1", Join: join, Leave: at(4)})
		r := Analyze(m, Thresholds{}, t0.Add(time.Duration(len(data))*time.Minute))
		checkReport(t, r, len(m.Records))
		checkReport(t, r.Filter(query), len(m.Records))
	})
}

func FuzzFold(f *testing.F) {
	for _, s := range []string{"", "  ＡＢＣ　Müller\tJosé ", "ガギ", "ｶﾞ", "ß", "İstanbul", "\xff\xfe", "a\u0301", "ﬁ", "①"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := Fold(s)
		if slow := fold1(s); got != slow {
			t.Errorf("Fold(%q) = %q, the long way %q", s, got, slow)
		}
		if Fold(got) != got {
			t.Errorf("Fold(%q) = %q, not stable: %q", s, got, Fold(got))
		}
		if got != strings.TrimSpace(got) || strings.Contains(got, "  ") || strings.ContainsFunc(got, func(r rune) bool {
			return unicode.IsUpper(r) && unicode.ToLower(r) != r || unicode.IsControl(r) || r != ' ' && unicode.IsSpace(r)
		}) {
			t.Errorf("Fold(%q) = %q", s, got)
		}
		if n := NormalizeNumber(s); n != "" && (NormalizeNumber(n) != n || strings.ContainsAny(n, " -.()@")) {
			t.Errorf("NormalizeNumber(%q) = %q", s, n)
		}
	})
}

func TestFold(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"  Alice  ", "alice"},
		{"ＡＬＩＣＥ　Ｂ", "alice b"},
		{"Alice \t\n B", "alice b"},
		{"Frank Müller", "frank muller"},
		{"José", "jose"},
		{"张三", "张三"},
		{"ガ", "ガ"},
		{"ｶﾞ", "ガ"},
		{"a\x00b", "a b"},
	}
	for _, tt := range tests {
		if got := Fold(tt.in); got != tt.want {
			t.Errorf("Fold(%q) = %q; want %q", tt.in, got, tt.want)
		}
	}
}

func TestNormalizeNumber(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"+99 111-600.4380 ", "+991116004380"},
		{"(010) 1234", "0101234"},
		{"＋９９１１１", "+99111"},
		{"abc", ""},
		{"Ext*12#", "ext*12#"},
		{"employee0001@example.com", ""},
	}
	for _, tt := range tests {
		if got := NormalizeNumber(tt.in); got != tt.want {
			t.Errorf("NormalizeNumber(%q) = %q; want %q", tt.in, got, tt.want)
		}
	}
}

func TestKeys(t *testing.T) {
	r := Analyze(booked(60,
		Record{Name: "Bob Li", Number: "+99 111", Dept: "Eng", Join: at(0), Leave: at(10)},
		Record{Name: "BOB LI", Number: "+99112", Dept: "eng", Join: at(20), Leave: at(30)},
		Record{Name: "a|b", Dept: `c\`, Join: at(5), Leave: at(6)},
	), Thresholds{}, later)
	want := map[string]string{
		"p:bob li|eng": "p:bob li|eng n:+99111 n:+99112",
		`p:a\|b|c\\`:   `p:a\|b|c\\`,
	}
	for _, p := range r.People {
		if got := strings.Join(p.Keys(), " "); got != want[p.Key] {
			t.Errorf("%s: Keys() = %q; want %q", p.Key, got, want[p.Key])
		}
	}
}
