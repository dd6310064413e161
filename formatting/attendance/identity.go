package attendance

import (
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Fold is how names, departments, subjects and search words are compared:
// compatibility-decomposed (NFKD: fullwidth letters and digits, the
// ideographic space, ligatures), combining marks dropped (accents; the kana
// voicing marks stay), lower-cased, control characters treated as white
// space, white space trimmed and inner runs of it made one space, and
// recomposed (NFC).
func Fold(s string) string {
	if isFolded(s) {
		return s // the common case: nothing to change
	}
	return fold1(s)
}

// fold1 is Fold the long way.
func fold1(s string) string {
	s = norm.NFKD.String(strings.ToValidUTF8(s, "\uFFFD"))
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range s {
		switch {
		case unicode.IsSpace(r) || unicode.IsControl(r):
			space = b.Len() > 0
			continue
		case isAccent(r):
			continue
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		b.WriteRune(unicode.ToLower(r))
	}
	return norm.NFC.String(b.String())
}

// isAccent reports the combining marks Fold drops: all but the kana
// voicing marks, which make another kana.
func isAccent(r rune) bool {
	return r >= 0x300 && unicode.Is(unicode.Mn, r) && r != 0x3099 && r != 0x309A
}

// isFolded reports whether Fold(s) is s.
func isFolded(s string) bool {
	if norm.NFKD.QuickSpanString(s) < len(s) || norm.NFC.QuickSpanString(s) < len(s) || strings.HasSuffix(s, " ") {
		return false
	}
	space := true // at the start, as after a space
	for _, r := range s {
		switch {
		case r == ' ' && space, r != ' ' && (unicode.IsSpace(r) || unicode.IsControl(r)),
			unicode.ToLower(r) != r, r == utf8.RuneError, isAccent(r):
			return false
		}
		space = r == ' '
	}
	return true
}

// NormalizeNumber is how call numbers are compared: compatibility-folded
// (fullwidth digits), spaces, dashes, dots and brackets removed,
// lower-cased. Text without a digit, or with an '@' (an e-mail address), is
// not a number and gives "".
func NormalizeNumber(s string) string {
	if plainNumber(s) {
		return s // the common case, nothing to fold or drop
	}
	s = norm.NFKD.String(strings.ToValidUTF8(s, "\uFFFD"))
	if strings.ContainsRune(s, '@') || !strings.ContainsAny(s, "0123456789") {
		return ""
	}
	return norm.NFKD.String(strings.Map(func(r rune) rune { // again: what was apart may meet
		if unicode.IsSpace(r) || strings.ContainsRune("-.()", r) {
			return -1
		}
		return unicode.ToLower(r)
	}, s))
}

// folded is a name and department as compared (see Fold).
type folded struct{ name, dept string }

func fold(name, dept string) folded { return folded{Fold(name), Fold(dept)} }

// key is the folded name and department joined by "|" (a "|" or "\"
// inside them escaped), or "" when the name is empty.
func (f folded) key() string {
	if f.name == "" {
		return ""
	}
	return keyEscaper.Replace(f.name) + "|" + keyEscaper.Replace(f.dept)
}

var keyEscaper = strings.NewReplacer(`\`, `\\`, "|", `\|`)

// plainNumber reports whether s is already a normalised number: ASCII
// digits, lower-case letters, '+', '*' and '#', with a digit. (A loop:
// strings.Trim over those characters is nine times slower, 3 ms of
// BenchmarkSeries20x1000.)
func plainNumber(s string) bool {
	digit := false
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= '0' && c <= '9':
			digit = true
		case c >= 'a' && c <= 'z', c == '+', c == '*', c == '#':
		default:
			return false
		}
	}
	return digit
}

// numberKey is the key of a call number: "n:" and the number normalised,
// or "" when it is none.
func numberKey(number string) string {
	if n := NormalizeNumber(number); n != "" {
		return "n:" + n
	}
	return ""
}

// personKey is the key of a name and department: "p:" and their folded
// key, or "" without a name.
func personKey(name, dept string) string {
	if k := fold(name, dept).key(); k != "" {
		return "p:" + k
	}
	return ""
}

// group is the records of one person, in input order, and the invitee they
// were matched to (-1: none).
type group struct {
	records []int
	invitee int
	key     string
}

// identify sorts the records into people, following the identity rules of
// the package documentation, and matches them to the invitees (already
// without duplicates; nil without an invite list).
func identify(recs []Record, invitees []Invitee) []group {
	// 1. By call number, else by name and department, else alone.
	type byID struct {
		group
		number string
		who    folded // the name and department of its records
		multi  bool   // its records carry several
	}
	// At most one per record, allocated once: grown from half the records,
	// a town hall where everyone comes once copied 8 MB more (issue 11).
	ids := make([]byID, 0, len(recs))
	byNumber, byName := make(map[string]int, len(recs)), map[folded]int{}
	shared := map[folded]bool{}                    // names on a number used under several
	names := make(map[[2]string]folded, len(recs)) // folded once per name and department
	for i := range recs {
		r := &recs[i]
		who, ok := names[[2]string{r.Name, r.Dept}]
		if !ok {
			who = fold(r.Name, r.Dept)
			names[[2]string{r.Name, r.Dept}] = who
		}
		number := NormalizeNumber(r.Number)
		at, known := 0, false
		switch {
		case number != "":
			at, known = byNumber[number]
		case who.name != "":
			at, known = byName[who]
		}
		if !known { // a new group; with neither number nor name, a person of its own
			at = len(ids)
			var key string
			switch {
			case number != "":
				byNumber[number], key = at, "n:"+number
			case who.name != "":
				byName[who], key = at, "p:"+who.key()
			default:
				key = "r:" + strconv.Itoa(i)
			}
			ids = append(ids, byID{group: group{invitee: -1, key: key}, number: number})
		}
		g := &ids[at]
		g.records = append(g.records, i)
		switch {
		case who.name == "" || who == g.who:
		case g.who.name == "":
			g.who = who
		default:
			g.multi, shared[g.who], shared[who] = true, true, true
		}
	}

	// 2. Matched to the invite list: by number, else by name when exactly
	// one invitee has it and the same department (or none known).
	invNumber, invNamed := make(map[string]int, len(invitees)), make(map[string][]int, len(invitees))
	invDept := make([]string, len(invitees))
	for i := range invitees {
		if n := NormalizeNumber(invitees[i].Number); n != "" {
			invNumber[n] = i
		}
		if f := fold(invitees[i].Name, invitees[i].Dept); f.name != "" {
			invNamed[f.name] = append(invNamed[f.name], i)
			invDept[i] = f.dept
		}
	}
	named := func(f folded) (at, n int) { // the invitees who fit f, how many
		for _, i := range invNamed[f.name] {
			if f.dept == invDept[i] || f.dept == "" || invDept[i] == "" {
				at, n = i, n+1
			}
		}
		return at, n
	}

	// Each group matched (2), then 3. one person per invitee, and per
	// unambiguous name and department.
	people := make([]group, 0, len(ids))
	byInvitee, sameName := make(map[int]int, len(invitees)), make(map[folded]int, len(ids))
	for _, g := range ids {
		fit, fits := named(g.who)
		if at, ok := invNumber[g.number]; ok {
			g.invitee = at
		} else if fits == 1 && !g.multi {
			g.invitee = fit
		}
		at, found := 0, false
		switch {
		case g.invitee >= 0:
			if at, found = byInvitee[g.invitee]; !found {
				byInvitee[g.invitee] = len(people)
				g.key = invitees[g.invitee].Key()
			}
		case g.who.name != "" && !g.multi && !shared[g.who] && fits == 0:
			if at, found = sameName[g.who]; !found {
				sameName[g.who] = len(people)
			} else {
				people[at].key = "p:" + g.who.key() // several numbers, one name
			}
		}
		if found {
			people[at].records = append(people[at].records, g.records...)
		} else {
			people = append(people, g.group)
		}
	}
	return people
}

// Key is what identifies the invitee, and the Key of the person matched to
// them: "i:" and the call number, else the e-mail address, else the folded
// name|department.
func (inv *Invitee) Key() string {
	if n := NormalizeNumber(inv.Number); n != "" {
		return "i:" + n
	}
	if e := strings.ToLower(strings.TrimSpace(inv.Email)); e != "" {
		return "i:" + e
	}
	return "i:" + fold(inv.Name, inv.Dept).key()
}

// distinctInvitees drops repeated entries of the invite list (the same
// call number or e-mail address): one person invited twice is one invitee.
// A list without repeats, the common case, is not copied: a town hall's is
// 1.3 MB (issue 11).
func distinctInvitees(list []Invitee) []Invitee {
	var out []Invitee // from the first repeat on, the list without repeats
	numbers, emails := make(map[string]bool, len(list)), make(map[string]bool, len(list))
	for i, inv := range list {
		n, e := NormalizeNumber(inv.Number), strings.ToLower(strings.TrimSpace(inv.Email))
		if n != "" && numbers[n] || e != "" && emails[e] {
			if out == nil {
				out = slices.Clone(list[:i])
			}
			continue
		}
		numbers[n], emails[e] = true, true
		if out != nil {
			out = append(out, inv)
		}
	}
	if out == nil {
		return list
	}
	return out
}
