package bot

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/attendees-bot/attendees-bot/bot/store"
	"github.com/attendees-bot/attendees-bot/meeting"
)

// runsOf is n weekly runs of meeting ID id, newest first, each with the
// same three people.
func runsOf(id string, n int) []meeting.Conference {
	var out []meeting.Conference
	for i := range n {
		start := t0.AddDate(0, 0, -7*i)
		out = append(out, meeting.Conference{ConferenceID: id, ConfUUID: strings.Repeat("0", 31) + string(rune('a'+i)),
			Subject: "Team stand-up", Start: start, End: start.Add(15 * time.Minute)})
	}
	return out
}

// TestSeriesDoesNotWaitForALateInviteList: invite lists are best effort;
// one that never comes leaves its run without no-shows, it does not hold
// the reply past the invite wait.
func TestSeriesDoesNotWaitForALateInviteList(t *testing.T) {
	runs := runsOf("9601234506", 3)
	src := &fakeSource{
		byID:      func(context.Context, string) ([]meeting.Conference, error) { return runs, nil },
		attendees: func(context.Context, string, string) ([]meeting.Attendee, error) { return people(3), nil },
		confDetail: func(ctx context.Context, uuid string) (*meeting.ConferenceDetail, error) {
			if uuid == runs[1].ConfUUID {
				<-ctx.Done() // hangs until the invite wait ends it
				return nil, ctx.Err()
			}
			return &meeting.ConferenceDetail{Conference: runs[0], Participants: []meeting.Participant{{Name: "Ivan Petrov", Email: "ivan@example.com"}}}, nil
		},
	}
	h, out := newTestHandler(t, src, func(c *Config) { c.InviteListTimeout = time.Millisecond })
	res := h.Handle(t.Context(), slash("960 123 4506 last 3"))
	if res.Outcome != outcomeOK || len(res.ConfUUIDs) != 3 || res.People != 4 || res.Audit[0] != (Audited{store.AuditSeries, store.AudiencePrivate, ""}) {
		t.Fatalf("result %+v", res)
	}
	got := out.text(0)
	for _, want := range []string{"Team stand-up — last 3 runs", "— 3/3", "*Ivan Petrov* — 0/3"} {
		if !strings.Contains(got, want) {
			t.Errorf("reply lacks %q:\n%s", want, got)
		}
	}
}

// TestSeriesOfSubjectWords: one meeting ID among the matches is its
// series; several offer one unsigned button each; matches without a
// meeting ID have no series.
func TestSeriesOfSubjectWords(t *testing.T) {
	for _, tt := range []struct {
		name    string
		matches []meeting.Conference
		want    []string
		outcome string
	}{
		{"one meeting ID", append(runsOf("9601234506", 2), runsOf("9601234506", 1)...), []string{"Team stand-up — last 2 runs", "The meeting ran 2 times in the last 180 days; you asked for 4."}, outcomeOK},
		{"several", append(runsOf("9601234506", 1), runsOf("9601234507", 1)...), []string{"2 meeting IDs match", `"value":"m=9601234506\u0026n=4"`, `m=9601234507`}, outcomeOK},
		{"no meeting ID", runsOf("", 2), []string{"has no meeting ID"}, outcomeInvalid},
	} {
		t.Run(tt.name, func(t *testing.T) {
			src := &fakeSource{
				history:   func(context.Context, meeting.HistoryQuery) ([]meeting.Conference, error) { return tt.matches, nil },
				byID:      func(context.Context, string) ([]meeting.Conference, error) { return runsOf("9601234506", 2), nil },
				attendees: func(context.Context, string, string) ([]meeting.Attendee, error) { return people(2), nil },
				confDetail: func(context.Context, string) (*meeting.ConferenceDetail, error) {
					return nil, meeting.ErrForbidden
				},
			}
			h, out := newTestHandler(t, src, nil)
			res := h.Handle(t.Context(), slash("stand-up last 4"))
			if res.Outcome != tt.outcome {
				t.Fatalf("outcome %q (%v); want %q", res.Outcome, res.Err, tt.outcome)
			}
			if rows := auditRows(slash(""), res, t0); res.Outcome != outcomeOK && (len(rows) != 1 || rows[0].MeetingID != "" || store.CheckAuditRow(rows[0]) != nil) {
				t.Errorf("audit rows of a failed series by subject: %+v", rows)
			}
			got := out.text(0)
			for _, want := range tt.want {
				if !strings.Contains(got, want) {
					t.Errorf("reply lacks %q:\n%s", want, got)
				}
			}
		})
	}
}
