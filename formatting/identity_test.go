package formatting

import (
	"strings"
	"testing"
)

func TestNormNumber(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"  ", ""},
		{"+991116004380", "+991116004380"},
		{" +99 111-600.4380 ", "+991116004380"},
		{"(010) 1234", "0101234"},
		{"＋９９１１１", "+99111"},
		{"abc", ""},
		{"ext*12#", "ext*12#"},
	}
	for _, tt := range tests {
		if got := normNumber(tt.in); got != tt.want {
			t.Errorf("normNumber(%q) = %q; want %q", tt.in, got, tt.want)
		}
	}
}

func TestFoldText(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"  Alice  ", "alice"},
		{"alice", "alice"},
		{"ＡＬＩＣＥ　Ｂ", "alice b"},
		{"Alice   B", "alice b"},
		{"张三", "张三"},
		{"\tBob\n", "bob"},
	}
	for _, tt := range tests {
		if got := foldText(tt.in); got != tt.want {
			t.Errorf("foldText(%q) = %q; want %q", tt.in, got, tt.want)
		}
	}
}

func TestIdentityKey(t *testing.T) {
	tests := []struct {
		r    Record
		i    int
		want string
	}{
		{Record{Number: "+99 111", Name: "x"}, 0, "n:+99111"},
		{Record{Name: " Alice ", Dept: "R&D"}, 0, "p:alice|r&d"},
		{Record{Name: "a|b", Dept: `c\`}, 0, `p:a\|b|c\\`},
		{Record{Dept: "only dept"}, 7, "r:7"},
		{Record{}, 3, "r:3"},
		{Record{Number: "no digits", Name: "ＡＢ　 c", Dept: "ｘ｜"}, 0, `p:ab c|x\|`},
		{Record{Name: "张三", Number: "（０１０）１２３"}, 0, "n:010123"},
	}
	for _, tt := range tests {
		if got, _ := appendIdentityKey(nil, &tt.r, tt.i); string(got) != tt.want {
			t.Errorf("appendIdentityKey(%+v) = %q; want %q", tt.r, got, tt.want)
		}
		if got := identityOf(&tt.r, tt.i).key(); got != tt.want {
			t.Errorf("identityOf(%+v).key() = %q; want %q", tt.r, got, tt.want)
		}
	}
}

func TestTrimSpace(t *testing.T) {
	for _, s := range []string{"", " ", "a", " a ", "\u3000张三\u3000", "张三", "\u00a0x\u00a0", "x\u2003", "\u1680y", "软终端", "é", "\x80", "a\xff", "\t\n", "a b"} {
		if got, want := trimSpace(s), strings.TrimSpace(s); got != want {
			t.Errorf("trimSpace(%q) = %q; want %q", s, got, want)
		}
	}
}
