package autopost

import (
	"strings"
	"testing"

	"github.com/attendees-bot/attendees-bot/bot/store"
	"github.com/attendees-bot/attendees-bot/bot/store/storetest"
	"github.com/attendees-bot/attendees-bot/formatting/attendance"
)

// TestPostBeforeInviteList: an automatic post goes out when the records
// are in, saying it is comparing with the invite list; once the list
// arrives the same post is edited (never posted again) and, the no-shows
// not fitting in it, they follow in its thread as a CSV of their own.
func TestPostBeforeInviteList(t *testing.T) {
	e := newEnv(t, storetest.SQLiteURL(t), Config{})
	e.reporter.set(uuid1, "Alice", "Bob")
	e.reporter.invites = make(chan []attendance.Invitee, 1)
	enqueueNow(t, e, uuid1, "C")
	e.work(t)
	posts := e.poster.Posts()
	if len(posts) != 1 || !strings.Contains(posts[0].Blocks, "Comparing with the invite list") {
		t.Fatalf("posts = %+v; want one saying it is comparing", posts)
	}
	if p, _, _ := e.store.Get(t.Context(), uuid1, "C"); p.State != store.StatePosted {
		t.Errorf("post state = %s before the invite list; want posted (the post exists)", p.State)
	}
	var invited []attendance.Invitee
	for _, n := range []string{"Alice", "Carol", "Dan", "Erin", "Frank", "Grace", "Heidi"} {
		invited = append(invited, attendance.Invitee{Name: n})
	}
	e.reporter.invites <- invited
	e.svc.followUps.Wait()
	up := e.poster.Updates()
	if len(up) != 1 || up[0].TS != posts[0].TS || strings.Contains(up[0].Blocks, "Comparing") || !strings.Contains(up[0].Blocks, "No-shows") {
		t.Fatalf("updates = %+v; want the post edited with the no-shows", up)
	}
	if n := len(e.poster.Posts()); n != 1 {
		t.Errorf("posts = %d; want the one, edited", n)
	}
	files := e.poster.files
	if len(files) != 1 || !strings.HasSuffix(files[0].Name, "-no-shows.csv") || files[0].ThreadTS != posts[0].TS || strings.Count(string(files[0].Content), "no_show") != 6 {
		t.Errorf("files = %+v; want the 6 no-shows in the post's thread", files)
	}
}

// TestPostInviteListFails: when the invite list never comes, the post says
// the comparison was not possible, and nothing else is sent.
func TestPostInviteListFails(t *testing.T) {
	e := newEnv(t, storetest.SQLiteURL(t), Config{})
	e.reporter.set(uuid1, "Alice")
	e.reporter.invites = make(chan []attendance.Invitee)
	enqueueNow(t, e, uuid1, "C")
	e.work(t)
	close(e.reporter.invites)
	e.svc.followUps.Wait()
	up := e.poster.Updates()
	if len(up) != 1 || !strings.Contains(up[0].Blocks, "comparison with the invite list was not possible") {
		t.Fatalf("updates = %+v; want the post saying the comparison was not possible", up)
	}
	if len(e.poster.Posts()) != 1 || len(e.poster.files) != 0 {
		t.Errorf("posts %d, files %d; want the one post and no file", len(e.poster.Posts()), len(e.poster.files))
	}
}
