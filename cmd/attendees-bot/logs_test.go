package main

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/attendees-bot/attendees-bot/bot/slackfake"
)

// JSON logs write durations as the text logs and the configuration do
// ("5m0s", "12.5ms"), not as nanoseconds: the started line's
// poll_interval and a command's took.
func TestRunLogsDurationsAsText(t *testing.T) {
	s := startSystem(t, func(e map[string]string) { e["AUTOPOST_POLL_INTERVAL"] = "5m" }, nil)
	s.command(t, slackfake.SlashCommand{Text: "help"}, 1)
	if err := s.logs.waitFor(ctxT(t), `"msg":"command"`, 1); err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"attendees-bot started": "poll_interval", "command": "took"}
	for line := range strings.Lines(s.logs.String()) {
		var l map[string]any
		if err := json.Unmarshal([]byte(line), &l); err != nil {
			t.Fatalf("log line %q: %v", line, err)
		}
		key, ok := want[l["msg"].(string)]
		if !ok {
			continue
		}
		delete(want, l["msg"].(string))
		v, isString := l[key].(string)
		d, err := time.ParseDuration(v)
		if !isString || err != nil || d <= 0 {
			t.Errorf("%q: %s = %#v; want a duration like 5m0s", l["msg"], key, l[key])
		}
		if key == "poll_interval" && v != "5m0s" {
			t.Errorf("poll_interval = %q; want 5m0s", v)
		}
	}
	if len(want) > 0 {
		t.Errorf("no log lines %v", want)
	}
}
