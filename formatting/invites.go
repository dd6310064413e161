package formatting

import "strings"

// matchInvites marks people not on the invite list and lists invitees nobody
// matched. An invitee matches a person by call number, by name, or by the
// local part of the e-mail address equal to the person's name.
func matchInvites(rep *Report) {
	inv := rep.Meeting.Invited
	rep.InviteKnown = true
	rep.Invited = len(inv)
	byNum := make(map[string][]int, len(inv))
	byName := make(map[string][]int, len(inv))
	for i := range inv {
		if n := normNumber(inv[i].Number); n != "" {
			byNum[n] = append(byNum[n], i)
		}
		if n := foldText(inv[i].Name); n != "" {
			byName[n] = append(byName[n], i)
		}
		if at := strings.IndexByte(inv[i].Email, '@'); at > 0 {
			if n := foldText(inv[i].Email[:at]); n != "" && n != foldText(inv[i].Name) {
				byName[n] = append(byName[n], i)
			}
		}
	}
	matched := make([]bool, len(inv))
	for pi := range rep.People {
		p := &rep.People[pi]
		hit := false
		seen := ""
		for si := range p.Sessions {
			r := p.Sessions[si].Record
			if n := normNumber(r.Number); n != "" {
				for _, i := range byNum[n] {
					matched[i], hit = true, true
				}
			}
			if n := foldText(r.Name); n != "" && n != seen {
				seen = n
				for _, i := range byName[n] {
					matched[i], hit = true, true
				}
			}
		}
		if !hit {
			p.Uninvited = true
			rep.Uninvited++
		}
	}
	for i, ok := range matched {
		if !ok {
			rep.NoShows = append(rep.NoShows, inv[i])
		}
	}
}
