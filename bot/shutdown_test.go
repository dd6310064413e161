package bot

import (
	"testing"
	"time"
)

// Shutdown waits for every command to reach its deadline and answer: the
// drain was 20 s against a 45 s COMMAND_TIMEOUT, so restarts cut commands.
func TestDrainCoversTheCommandDeadline(t *testing.T) {
	for _, timeout := range []time.Duration{time.Second, 45 * time.Second, 5 * time.Minute} {
		h, _ := newTestHandler(t, &fakeSource{}, func(c *Config) { c.CommandTimeout = timeout })
		if got := h.DrainTimeout(); got < timeout+replyGrace {
			t.Errorf("DrainTimeout with COMMAND_TIMEOUT %s = %s; want at least %s", timeout, got, timeout+replyGrace)
		}
		if b := ShutdownBound(timeout); b < h.DrainTimeout()+replyGrace+httpShutdown {
			t.Errorf("ShutdownBound(%s) = %s leaves no room for the last replies and the HTTP server", timeout, b)
		}
	}
}
