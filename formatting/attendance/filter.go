package attendance

import "strings"

// Filter returns the report of the people matching query (see Matches),
// with the meeting's figures recomputed for them and the span kept. The
// invite list is left out: the people who do not match are not no-shows.
// An empty query returns r.
func (r *Report) Filter(query string) *Report {
	if strings.TrimSpace(query) == "" {
		return r
	}
	out := *r
	out.Search = strings.TrimSpace(query)
	out.People = []Person{}
	for i := range r.People {
		p := &r.People[i]
		var texts []string
		for j := range p.Sessions {
			s := &p.Sessions[j]
			texts = append(texts, s.Name, s.Number, s.Dept)
		}
		if Matches(query, texts...) {
			out.People = append(out.People, *p)
		}
	}
	out.InviteKnown, out.Invited, out.NoShows, out.Uninvited = false, 0, nil, 0
	out.Meeting.Invited = nil
	out.summarize()
	return &out
}

// Matches reports whether every word of query occurs in one of texts, in
// any order, compared folded (see Fold); a word with a digit also matches a
// call number with separators ignored (see NormalizeNumber). A query
// without words matches nothing.
func Matches(query string, texts ...string) bool {
	words := strings.Fields(Fold(query))
	for _, w := range words {
		number, found := NormalizeNumber(w), false
		for _, t := range texts {
			if strings.Contains(Fold(t), w) || number != "" && strings.Contains(NormalizeNumber(t), number) {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return len(words) > 0
}
