package formatting

// The straightforward identity of a record, kept to check appendIdentityKey,
// normNumber and foldText, which skip work on text that needs none.

import (
	"strconv"
	"strings"
	"testing"
	"unicode"
)

// identity is the grouping key of a record.
type identity struct {
	kind byte // 'n' number, 'p' name+dept, 'r' record of its own
	a, b string
	i    int
}

// identityOf returns the grouping identity of record i.
func identityOf(r *Record, i int) identity {
	if n := normNumberRef(r.Number); n != "" {
		return identity{kind: 'n', a: n}
	}
	if name := foldTextRef(r.Name); name != "" {
		return identity{kind: 'p', a: name, b: foldTextRef(r.Dept)}
	}
	return identity{kind: 'r', i: i}
}

// key renders the identity as Person.Key.
func (id identity) key() string {
	switch id.kind {
	case 'n':
		return "n:" + id.a
	case 'p':
		return "p:" + keyPart(id.a) + "|" + keyPart(id.b)
	}
	return "r:" + strconv.Itoa(id.i)
}

func keyPart(s string) string {
	return strings.NewReplacer(`\`, `\\`, `|`, `\|`).Replace(s)
}

func normNumberRef(s string) string {
	var b strings.Builder
	digit := false
	for _, r := range strings.TrimSpace(s) {
		r = foldRune(r)
		switch {
		case r == ' ' || r == '-' || r == '.' || r == '(' || r == ')' || unicode.IsSpace(r):
			continue
		case r >= '0' && r <= '9':
			digit = true
		}
		b.WriteRune(r)
	}
	if !digit {
		return ""
	}
	return b.String()
}

func foldTextRef(s string) string {
	var b strings.Builder
	space := false
	for _, r := range strings.TrimSpace(s) {
		r = unicode.ToLower(foldRune(r))
		if unicode.IsSpace(r) {
			space = true
			continue
		}
		if space && b.Len() > 0 {
			b.WriteByte(' ')
		}
		space = false
		b.WriteRune(r)
	}
	return b.String()
}

// FuzzIdentityKey checks the fast identity functions (and trimSpace)
// against the straightforward ones on any text.
func FuzzIdentityKey(f *testing.F) {
	for _, s := range []string{"", " Alice ", "ＡＬＩＣＥ　Ｂ", "张三", "a|b", `c\`, "ab\xff", "AB\xff", "+99 111-600", "＋９９", "ext*12#", "Ǆ", "a\u00a0 b", "\x01x", "ｌ｜"} {
		f.Add(s, s, s, 3)
	}
	f.Fuzz(func(t *testing.T, name, number, dept string, i int) {
		r := Record{Name: name, Number: number, Dept: dept}
		key, own := appendIdentityKey([]byte("junk"), &r, i)
		id := identityOf(&r, i)
		if got, want := string(key[4:]), id.key(); got != want {
			t.Fatalf("appendIdentityKey(%q, %q, %q) = %q; want %q", name, number, dept, got, want)
		}
		if own != (id.kind == 'r') {
			t.Fatalf("own = %v for %q", own, id.key())
		}
		for _, s := range []string{name, number, dept} {
			if got, want := trimSpace(s), strings.TrimSpace(s); got != want {
				t.Fatalf("trimSpace(%q) = %q; want %q", s, got, want)
			}
			if got, want := normNumber(s), normNumberRef(s); got != want {
				t.Fatalf("normNumber(%q) = %q; want %q", s, got, want)
			}
			if got, want := foldText(s), foldTextRef(s); got != want {
				t.Fatalf("foldText(%q) = %q; want %q", s, got, want)
			}
		}
	})
}
