package attendance

import (
	"strconv"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// Fold is how names, departments, subjects and search words are compared:
// compatibility-decomposed (NFKD: fullwidth letters and digits, the
// ideographic space, ligatures), combining marks dropped (accents; the kana
// voicing marks stay), lower-cased, control characters treated as white
// space, white space trimmed and inner runs of it made one space, and
// recomposed (NFC).
func Fold(s string) string {
	s = norm.NFKD.String(s)
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range s {
		switch {
		case unicode.IsSpace(r) || unicode.IsControl(r):
			space = b.Len() > 0
			continue
		case r >= 0x300 && unicode.Is(unicode.Mn, r) && r != 0x3099 && r != 0x309A:
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

// NormalizeNumber is how call numbers are compared: compatibility-folded
// (fullwidth digits), spaces, dashes, dots and brackets removed,
// lower-cased. Text without a digit, or with an '@' (an e-mail address), is
// not a number and gives "".
func NormalizeNumber(s string) string {
	s = norm.NFKD.String(s)
	if strings.ContainsRune(s, '@') || !strings.ContainsAny(s, "0123456789") {
		return ""
	}
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) || strings.ContainsRune("-.()", r) {
			return -1
		}
		return unicode.ToLower(r)
	}, s)
}

// nameKey is the folded name and department of a record or invitee joined
// by "|" (a "|" or "\" inside them escaped), or "" when the name is empty.
func nameKey(name, dept string) string {
	n := Fold(name)
	if n == "" {
		return ""
	}
	return keyEscaper.Replace(n) + "|" + keyEscaper.Replace(Fold(dept))
}

var keyEscaper = strings.NewReplacer(`\`, `\\`, "|", `\|`)

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
		number, name string // name: the name key of its records
		multi        bool   // its records carry several name keys
	}
	var ids []byID
	byNumber, byName := map[string]int{}, map[string]int{}
	shared := map[string]bool{}        // name keys on a number used under several
	nameKeys := map[[2]string]string{} // computed once per name and department
	find := func(index map[string]int, k, key string) int {
		at, ok := index[k]
		if !ok {
			at = len(ids)
			index[k] = at
			ids = append(ids, byID{group: group{invitee: -1, key: key}})
		}
		return at
	}
	for i := range recs {
		r := &recs[i]
		name, ok := nameKeys[[2]string{r.Name, r.Dept}]
		if !ok {
			name = nameKey(r.Name, r.Dept)
			nameKeys[[2]string{r.Name, r.Dept}] = name
		}
		var at int
		switch number := NormalizeNumber(r.Number); {
		case number != "":
			at = find(byNumber, number, "n:"+number)
			ids[at].number = number
		case name != "":
			at = find(byName, name, "p:"+name)
		default: // neither: a person of its own
			at = len(ids)
			ids = append(ids, byID{group: group{invitee: -1, key: "r:" + strconv.Itoa(i)}})
		}
		g := &ids[at]
		g.records = append(g.records, i)
		switch {
		case name == "" || name == g.name:
		case g.name == "":
			g.name = name
		default:
			g.multi, shared[g.name], shared[name] = true, true, true
		}
	}

	// 2. Matched to the invite list: by number, else by name and
	// department when exactly one invitee has them.
	invNumber, invName := map[string]int{}, map[string]int{} // -1: several
	for i := range invitees {
		if n := NormalizeNumber(invitees[i].Number); n != "" {
			invNumber[n] = i
		}
		if k := nameKey(invitees[i].Name, invitees[i].Dept); k != "" {
			at := i
			if _, dup := invName[k]; dup {
				at = -1
			}
			invName[k] = at
		}
	}
	for i := range ids {
		g := &ids[i]
		if at, ok := invNumber[g.number]; ok && g.number != "" {
			g.invitee = at
		} else if at, ok := invName[g.name]; ok && at >= 0 && !g.multi {
			g.invitee = at
		}
	}

	// 3. One person per invitee, and per unambiguous name and department.
	people := make([]group, 0, len(ids))
	byInvitee, sameName := map[int]int{}, map[string]int{}
	for _, g := range ids {
		at, found := 0, false
		_, invited := invName[g.name]
		switch {
		case g.invitee >= 0:
			if at, found = byInvitee[g.invitee]; !found {
				byInvitee[g.invitee] = len(people)
				g.key = "i:" + inviteeKey(&invitees[g.invitee])
			}
		case g.name != "" && !g.multi && !shared[g.name] && !invited:
			if at, found = sameName[g.name]; !found {
				sameName[g.name] = len(people)
			} else {
				people[at].key = "p:" + g.name // several numbers, one name
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

// inviteeKey is what identifies an invitee: the call number, else the
// e-mail address (with an '@'), else the name and department (with a '|').
func inviteeKey(inv *Invitee) string {
	if n := NormalizeNumber(inv.Number); n != "" {
		return n
	}
	if e := strings.ToLower(strings.TrimSpace(inv.Email)); e != "" {
		return e
	}
	return nameKey(inv.Name, inv.Dept)
}

// distinctInvitees drops repeated entries of the invite list (the same
// call number or e-mail address): one person invited twice is one invitee.
func distinctInvitees(list []Invitee) []Invitee {
	if list == nil {
		return nil
	}
	out := make([]Invitee, 0, len(list))
	numbers, emails := map[string]bool{}, map[string]bool{}
	for _, inv := range list {
		n, e := NormalizeNumber(inv.Number), strings.ToLower(strings.TrimSpace(inv.Email))
		if n != "" && numbers[n] || e != "" && emails[e] {
			continue
		}
		numbers[n], emails[e] = true, true
		out = append(out, inv)
	}
	return out
}
