package main

import (
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/attendees-bot/attendees-bot/bot/slackfake"
	"github.com/attendees-bot/attendees-bot/meeting/meetingfake"
)

// gate holds the meeting API's requests that match until it is opened (or
// the request is abandoned).
type gate struct {
	open    chan struct{}
	once    sync.Once
	arrived chan string // the confUUID of every request held
}

func newGate(t *testing.T) *gate {
	g := &gate{open: make(chan struct{}), arrived: make(chan string, 1000)}
	t.Cleanup(g.release)
	return g
}

func (g *gate) release() { g.once.Do(func() { close(g.open) }) }

func (g *gate) hold(r *http.Request) {
	g.arrived <- r.URL.Query().Get("confUUID")
	select {
	case <-g.open:
	case <-r.Context().Done():
	}
}

// holdInvitePages holds the invite list's pages past the first: the
// subject comes at once, the comparison when the gate opens.
func holdInvitePages(g *gate) func(*meetingfake.Config) {
	return func(c *meetingfake.Config) {
		c.OnRequest = func(op string, r *http.Request) {
			if op == meetingfake.OpConfDetail && r.URL.Query().Get("offset") != "0" {
				g.hold(r)
			}
		}
	}
}

// TestRunAnswersBeforeInviteListThenUpdatesInPlace: a town hall whose
// invite list is slow gets its answer and CSV at once, saying it is
// comparing; when the list arrives the same message is replaced
// (replace_original) and the no-shows CSV follows in the DM. The
// response_url then shows one message, the compared one.
func TestRunAnswersBeforeInviteListThenUpdatesInPlace(t *testing.T) {
	g := newGate(t)
	s := startSystem(t, nil, holdInvitePages(g))
	id, rs := s.command(t, slackfake.SlashCommand{Text: meetingfake.SampleTownHallUUID, UserID: "U7"}, 1)
	mustContain(t, text(rs...), "Company town hall Q4", "Comparing with the invite list", "direct messages")
	if rs[0].ReplaceOriginal {
		t.Errorf("the first answer replaces something")
	}
	if files := s.slack.Files(); len(files) != 1 {
		t.Fatalf("files before the invite list = %d; want the records' CSV", len(files))
	}
	g.release()
	ctx := ctxT(t)
	rs, err := s.slack.WaitResponsesFor(ctx, id, 2)
	if err != nil {
		t.Fatal(err)
	}
	if !rs[1].ReplaceOriginal || rs[1].ResponseType != "ephemeral" {
		t.Errorf("second post: replace_original %v, type %q; want an ephemeral replacement", rs[1].ReplaceOriginal, rs[1].ResponseType)
	}
	mustContain(t, text(rs[1]), "No-shows", "no-shows (CSV) followed")
	if strings.Contains(text(rs[1]), "Comparing") {
		t.Errorf("the replacement still says it is comparing")
	}
	shown := s.slack.Shown(id)
	if len(shown) != 1 || shown[0].Text != rs[1].Text {
		t.Errorf("on screen = %d messages; want the one compared summary", len(shown))
	}
	files, err := s.slack.WaitFiles(ctx, 2)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(files[1].Name, "-no-shows.csv") || files[1].Channel != "DU7" {
		t.Errorf("second file %s in %s; want the no-shows CSV in DU7", files[1].Name, files[1].Channel)
	}
	s.shutdown(t)
	if n := len(s.slack.ResponsesFor(id)); n != 2 {
		t.Errorf("response_url posts = %d; want 2 (answer, replacement)", n)
	}
}

// TestRunInviteListThatHangs: an invite list that never comes does not
// hold the answer; after INVITE_LIST_TIMEOUT the answer says the
// comparison was not possible.
func TestRunInviteListThatHangs(t *testing.T) {
	g := newGate(t)
	s := startSystem(t, func(e map[string]string) { e["INVITE_LIST_TIMEOUT"] = "1s" }, func(c *meetingfake.Config) {
		c.OnRequest = func(op string, r *http.Request) {
			if op == meetingfake.OpConfDetail && r.URL.Query().Get("limit") != "1" {
				g.hold(r) // the whole invite list hangs; the subject comes on its own
			}
		}
	})
	id, rs := s.command(t, slackfake.SlashCommand{Text: meetingfake.SampleSyncUUID}, 1)
	mustContain(t, text(rs...), "Weekly product sync", "Comparing with the invite list")
	rs, err := s.slack.WaitResponsesFor(ctxT(t), id, 2)
	if err != nil {
		t.Fatal(err)
	}
	mustContain(t, text(rs[1]), "comparison with the invite list was not possible", "did not send the invite list in time", "Weekly product sync")
	if !rs[1].ReplaceOriginal || len(s.slack.Shown(id)) != 1 {
		t.Errorf("replace_original %v, on screen %d; want the answer replaced", rs[1].ReplaceOriginal, len(s.slack.Shown(id)))
	}
}

// TestRunTwoHangingMeetings: two meetings whose every request hangs hold
// all four request slots; another user's lookup of a healthy meeting is
// still answered while they hang.
func TestRunTwoHangingMeetings(t *testing.T) {
	g := newGate(t)
	hung := map[string]bool{meetingfake.SampleTownHallUUID: true, meetingfake.SampleChineseUUID: true}
	s := startSystem(t, nil, func(c *meetingfake.Config) {
		c.OnRequest = func(_ string, r *http.Request) {
			if hung[r.URL.Query().Get("confUUID")] {
				g.hold(r)
			}
		}
	})
	ctx := ctxT(t)
	for uuid := range hung {
		if _, err := s.slack.SlashCommand(ctx, slackfake.SlashCommand{Text: uuid, UserID: "U0HUNG"}); err != nil {
			t.Fatal(err)
		}
	}
	for range 4 { // records and invite list of each: every slot
		select {
		case <-g.arrived:
		case <-ctx.Done():
			t.Fatal("the hanging meetings' requests never arrived")
		}
	}
	_, rs := s.command(t, slackfake.SlashCommand{Text: meetingfake.SampleSyncUUID, UserID: "U0OK"}, 1)
	mustContain(t, text(rs...), "Weekly product sync")
	select {
	case <-g.open:
		t.Fatal("the gate opened: the answer did not come while the meetings hung")
	default:
	}
	g.release()
}

// TestRunShareBeforeInviteList: a share posts at once and the post is
// edited in place (chat.update) when the invite list arrives.
func TestRunShareBeforeInviteList(t *testing.T) {
	g := newGate(t)
	s := startSystem(t, nil, holdInvitePages(g))
	s.pressShare(t, meetingfake.SampleTownHallUUID, "C0GENERAL")
	ctx := ctxT(t)
	posts, err := s.slack.WaitPosts(ctx, 1)
	if err != nil {
		t.Fatal(err)
	}
	mustContain(t, posts[0].Text+string(posts[0].Blocks), "Comparing with the invite list")
	g.release()
	if _, err := s.slack.WaitUpdates(ctx, 1); err != nil {
		t.Fatal(err)
	}
	txt, blocks, _ := s.slack.Message("C0GENERAL", posts[0].TS)
	mustContain(t, txt+string(blocks), "No-shows")
	if strings.Contains(string(blocks), "Comparing") {
		t.Errorf("the edited post still says it is comparing")
	}
	s.shutdown(t)
	if n := len(s.slack.Posts()); n != 1 {
		t.Errorf("posts = %d; want the one, edited", n)
	}
}
