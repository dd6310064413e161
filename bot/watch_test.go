package bot

import (
	"path/filepath"
	"strings"
	"testing"

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
	h, out := newTestHandler(t, src, nil)
	h.SetSubscriptions(st)
	steps := []struct {
		text      string
		inChannel bool
		want      string
	}{
		{"watching", false, "no automatic attendance posts"},
		{"watch 960 123-4501", true, "subscribed this channel"},
		{"watch 9601234501", false, "already gets"},
		{"watch Weekly  Sync", true, "“Weekly Sync” in the subject"},
		{"watching", false, "meeting ID 9601234501"},
		{"unwatch 960 123 4501", true, "stopped the automatic attendance posts"},
		{"unwatch 960 123 4501", false, "was not watching"},
		{"watching", false, "“weekly sync” in the subject"},
		{"watch <!channel>", true, "“&lt;!channel&gt;”"},
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

func TestWatchWithoutStore(t *testing.T) {
	h, out := newTestHandler(t, &fakeSource{}, nil)
	h.Handle(t.Context(), slash("watch weekly sync"))
	if !strings.Contains(out.text(0), "not set up") {
		t.Errorf("reply = %q", out.text(0))
	}
}
