package formatting

import (
	"strings"
	"testing"
)

// TestSummarySameNames checks the distinguishers added after names that two
// or more listed people share.
func TestSummarySameNames(t *testing.T) {
	tests := []struct {
		name  string
		aud   Audience
		limit int
		recs  []Record
		want  []string // person lines' names, in display order
	}{
		{"distinct names stay plain", Private, 0, []Record{
			{Name: "Ann", Number: "+8613800001111", Join: at(0), Leave: at(60)},
			{Name: "Bob", Number: "+8613800002222", Join: at(1), Leave: at(60)},
		}, []string{"Ann", "Bob"}},
		{"number tail", Shared, 0, []Record{
			{Name: "Bob Li", Number: "+8613800004380", Dept: "Eng", Join: at(0), Leave: at(60)},
			{Name: "bob  li", Number: "+8613800001234", Dept: "Ops", Join: at(1), Leave: at(60)},
			{Name: "Ann", Number: "+8613800009999", Join: at(2), Leave: at(60)},
		}, []string{"Bob Li (…4380)", "bob  li (…1234)", "Ann"}},
		{"fullwidth name is the same name", Private, 0, []Record{
			{Name: "Bob", Number: "+8613800004380", Dept: "Eng", Join: at(0), Leave: at(60)},
			{Name: "ＢＯＢ", Number: "+8613800001234", Dept: "Ops", Join: at(1), Leave: at(60)},
		}, []string{"Bob (…4380)", "ＢＯＢ (…1234)"}},
		{"same tail: the number as the audience sees it", Shared, 0, []Record{
			{Name: "Bob Li", Number: "+8675500000002", Dept: "Engineering", Join: at(0), Leave: at(60)},
			{Name: "Bob Li", Number: "+8613800000002", Dept: "Sales", Join: at(1), Leave: at(60)},
		}, []string{"Bob Li (" + escapeText("+86755****0002", 60, 150) + ")", "Bob Li (" + escapeText("+86138****0002", 60, 150) + ")"}},
		{"same tail, private: full number", Private, 0, []Record{
			{Name: "Bob Li", Number: "+8675500000002", Dept: "Eng", Join: at(0), Leave: at(60)},
			{Name: "Bob Li", Number: "+8613800000002", Dept: "Ops", Join: at(1), Leave: at(60)},
		}, []string{"Bob Li (+8675500000002)", "Bob Li (+8613800000002)"}},
		{"shared short number shows only visible digits", Shared, 0, []Record{
			{Name: "Desk", Number: "12345678", Dept: "Sales", Join: at(0), Leave: at(60)},
			{Name: "Desk", Number: "87654321", Dept: "HR", Join: at(1), Leave: at(60)},
		}, []string{"Desk (…78)", "Desk (…21)"}},
		{"shared tiny number hidden: department", Shared, 0, []Record{
			{Name: "Desk", Number: "1234", Dept: "Sales", Join: at(0), Leave: at(60)},
			{Name: "Desk", Number: "4321", Dept: "HR", Join: at(1), Leave: at(60)},
		}, []string{"Desk (Sales)", "Desk (HR)"}},
		{"department, escaped", Private, 0, []Record{
			{Name: "Ann", Dept: "R&D", Join: at(0), Leave: at(60)},
			{Name: "Ann", Dept: "*Ops*", Join: at(1), Leave: at(60)},
		}, []string{"Ann (R&amp;D)", "Ann (" + wj + "*" + wj + "Ops" + wj + "*" + wj + ")"}},
		{"nothing known: #2, #3 by order", Private, 0, []Record{
			{Name: "Chris", Join: at(0), Leave: at(60)},
			{Name: "Chris", Join: at(1), Leave: at(60)}, // same name+dept: one person
			{Name: "Chris", Dept: "HR", Join: at(2), Leave: at(60)},
			{Name: "chris", Dept: "hr ", Join: at(3), Leave: at(60)}, // same person as above
			{Name: "Chris", Number: "+8613800001111", Dept: "Ops", Join: at(4), Leave: at(60)},
		}, []string{"Chris", "Chris (HR)", "Chris (…1111)"}},
		{"number before a repeated department (two invitees of that name: not merged)", Private, 0, []Record{
			{Name: "Chris", Dept: "HR", Join: at(0), Leave: at(60)},
			{Name: "Chris", Number: "+8613800001111", Dept: "HR", Join: at(2), Leave: at(60)},
			{Name: "Chris", Number: "+8613800002222", Dept: "HR", Join: at(3), Leave: at(60)},
		}, []string{"Chris", "Chris (…1111)", "Chris (…2222)"}},
		{"no names at all", Private, 0, []Record{
			{Join: at(0), Leave: at(60)},
			{Join: at(1), Leave: at(60)},
		}, []string{"(no name)", "(no name) #2"}},
		{"only listed people count", Private, 2, []Record{
			{Name: "Eve", Number: "+8613800001111", Dept: "Eng", Join: at(0), Leave: at(60)},
			{Name: "Dan", Number: "+8613800002222", Join: at(1), Leave: at(60)},
			{Name: "Eve", Number: "+8613800003333", Dept: "Ops", Join: at(2), Leave: at(60)},
		}, []string{"Eve", "Dan"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := scheduled(tt.recs...)
			if strings.Contains(tt.name, "two invitees") {
				m.Invited = []Invitee{{Name: "Chris", Dept: "HR", Email: "c1@x"}, {Name: "Chris", Dept: "HR", Email: "c2@x"}}
			}
			r := analyze(m, t0)
			msg := Summary(r, MessageOptions{Words: en, Audience: tt.aud, InlineLimit: tt.limit})
			checkMessage(t, msg, "")
			var got []string
			for _, line := range strings.Split(allText(msg), "\n") {
				if name, _, ok := strings.Cut(line, "* — "); ok && strings.HasPrefix(name, "*") {
					got = append(got, name[1:])
				}
			}
			if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
				t.Errorf("names %q; want %q", got, tt.want)
			}
			// The terminal rendering shows the same names.
			txt := RenderText(msg)
			shown := strings.NewReplacer("&lt;", "<", "&gt;", ">", "&amp;", "&", wj, "", fsi, "", pdi, "")
			for _, w := range tt.want {
				if !strings.Contains(txt, "*"+shown.Replace(w)+"* — ") {
					t.Errorf("RenderText lacks %q:\n%s", w, txt)
				}
			}
		})
	}
}
