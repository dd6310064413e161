package bot

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/slack-go/slack"

	"github.com/attendees-bot/attendees-bot/bot/catalog"
	"github.com/attendees-bot/attendees-bot/bot/store"
)

var _ subscriptions = (*store.Store)(nil)

func TestWatchCommands(t *testing.T) {
	st, err := store.Open(t.Context(), filepath.Join(t.TempDir(), "s.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	src := &fakeSource{}
	h, out := newTestHandler(t, src, nil, withStore(st))
	steps := []struct {
		text      string
		inChannel bool
		want      string
	}{
		{"watching", false, "no automatic attendance posts"},
		{"watch 960 123-4501", true, "<@U1> subscribed this channel"},
		{"watch 9601234501", false, "already gets"},
		{"watch Weekly  Sync", true, "“Weekly Sync” in the subject"},
		{"watching", false, "meeting ID 960 123 4501"},
		{"unwatch 960 123 4501", true, "<@U1> stopped the automatic attendance posts"},
		{"unwatch 960 123 4501", false, "was not watching"},
		{"watching", false, "“Weekly Sync” in the subject"},
		// Every word in any order: the same subscription, in its own words.
		{"watch sync WEEKLY sync", false, "already gets the attendance of every meeting with “Weekly Sync” in the subject"},
		{"watch <!channel>", true, "“&lt;!channel&gt;”"},
		{"unwatch SYNC weekly", true, "stopped the automatic attendance posts for meetings with “Weekly Sync” in the subject"},
		{"watching", false, "“&lt;!channel&gt;” in the subject"},
	}
	for i, s := range steps {
		res := h.Handle(t.Context(), slash(s.text))
		if res.Outcome != outcomeOK {
			t.Fatalf("%q: outcome %q (%v)", s.text, res.Outcome, res.Err)
		}
		got := out.text(i)
		if !strings.Contains(got, s.want) || out.replies[i].InChannel != s.inChannel {
			t.Errorf("%q: reply %q (in channel %v); want %q (in channel %v)", s.text, got, out.replies[i].InChannel, s.want, s.inChannel)
		}
	}
	if n := src.calls.Load(); n != 0 {
		t.Errorf("meeting API calls = %d; want 0", n)
	}
}

// TestWatchAnnouncementsMentionOnce: the channel reads who changed its
// subscriptions as one mention, in BOT_LANGUAGE.
func TestWatchAnnouncementsMentionOnce(t *testing.T) {
	for _, lang := range catalog.Languages {
		t.Run(lang, func(t *testing.T) {
			st, err := store.Open(t.Context(), filepath.Join(t.TempDir(), "s.db"))
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { st.Close() })
			h, out := newTestHandler(t, &fakeSource{}, func(c *Config) { c.BotLanguage = lang }, withStore(st))
			for i, text := range []string{"watch 960 123 4501", "unwatch 960 123 4501"} {
				h.Handle(t.Context(), slash(text))
				if got := out.text(i); !strings.HasPrefix(got, "<@U1> ") || strings.Count(got, "<@") != 1 {
					t.Errorf("%q announces %q; want it to start with the one mention <@U1>", text, got)
				}
			}
		})
	}
}

func TestWatchWithoutStore(t *testing.T) {
	h, out := newTestHandler(t, &fakeSource{}, nil)
	h.Handle(t.Context(), slash("watch weekly sync"))
	if !strings.Contains(out.text(0), "not set up") {
		t.Errorf("reply = %q", out.text(0))
	}
}

func TestWatchListIsBoundedAndTappable(t *testing.T) {
	st, err := store.Open(t.Context(), filepath.Join(t.TempDir(), "s.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	h, out := newTestHandler(t, &fakeSource{}, nil, withStore(st))
	long := strings.Repeat("quarterly planning review ", 3)
	for i := range maxWatches + 1 {
		h.Handle(t.Context(), slash(fmt.Sprintf("watch %s %03d", long, i)))
	}
	if got := out.text(maxWatches); !strings.Contains(got, "the most I keep per channel") {
		t.Errorf("watch number %d: %q; want a refusal", maxWatches+1, got)
	}
	out.replies = nil
	if res := h.Handle(t.Context(), slash("watching")); res.Outcome != outcomeOK {
		t.Fatalf("watching: %q (%v)", res.Outcome, res.Err)
	}
	if n := strings.Count(out.text(0), actionUnwatch); n != maxWatches {
		t.Errorf("unwatch buttons = %d; want %d", n, maxWatches)
	}
	var value string
	for _, b := range out.replies[0].Message.Blocks {
		if s, ok := b.(*slack.SectionBlock); ok && s.Accessory != nil && s.Accessory.ButtonElement != nil {
			value = s.Accessory.ButtonElement.Value
			break
		}
	}
	req := slash("")
	req.Action, req.Value = actionUnwatch, value
	if res := h.Handle(t.Context(), req); res.Outcome != outcomeOK {
		t.Fatalf("unwatch button: %q (%v)", res.Outcome, res.Err)
	}
	if got := out.text(1); !strings.Contains(got, "stopped the automatic attendance posts") {
		t.Errorf("unwatch button reply = %q", got)
	}
	subs, _ := st.Watching(t.Context(), "C1")
	if len(subs) != maxWatches-1 {
		t.Errorf("subscriptions after unwatch = %d; want %d", len(subs), maxWatches-1)
	}
}

func TestWatchRefusedUserTouchesNothing(t *testing.T) {
	st, err := store.Open(t.Context(), filepath.Join(t.TempDir(), "s.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	h, out := newTestHandler(t, &fakeSource{}, func(c *Config) { c.AllowedUserIDs = []string{"U9"} }, withStore(st))
	if res := h.Handle(t.Context(), slash("watch weekly sync")); res.Outcome != outcomeRefused {
		t.Errorf("outcome = %q; want %q", res.Outcome, outcomeRefused)
	}
	if subs, _ := st.Watching(t.Context(), "C1"); len(subs) != 0 || !strings.Contains(out.text(0), "don't have access") {
		t.Errorf("subscriptions = %v, reply %q; want none and a refusal", subs, out.text(0))
	}
}

func withStore(st *store.Store) func(*HandlerDeps) {
	return func(d *HandlerDeps) { d.Subscriptions = st }
}
