package formatting

import (
	"testing"
	"time"
)

// TestDurations: Slack's words and the clock of the CSV and the terminal
// round the same way (down), so no reader sees two values for one time.
func TestDurations(t *testing.T) {
	tests := []struct {
		d             time.Duration
		en, zh, clock string
	}{
		{0, "0s", "0秒", "0:00:00"},
		{-time.Minute, "0s", "0秒", "0:00:00"},
		{999 * time.Millisecond, "0s", "0秒", "0:00:00"},
		{42*time.Second + 900*time.Millisecond, "42s", "42秒", "0:00:42"},
		{time.Minute, "1m 00s", "1分00秒", "0:01:00"},
		{5*time.Minute + 3*time.Second, "5m 03s", "5分03秒", "0:05:03"},
		{49*time.Minute + 18750*time.Millisecond, "49m 18s", "49分18秒", "0:49:18"},
		{59*time.Minute + 59*time.Second + 999*time.Millisecond, "59m 59s", "59分59秒", "0:59:59"},
		{time.Hour + 2*time.Minute + 3*time.Second, "1h 02m", "1小时02分", "1:02:03"},
		{time.Hour + 5*time.Minute + 59*time.Second, "1h 05m", "1小时05分", "1:05:59"},
		{26 * time.Hour, "26h 00m", "26小时00分", "26:00:00"},
		{100 * time.Hour, "100h 00m", "100小时00分", "100:00:00"},
	}
	for _, tt := range tests {
		if got := humanDuration(tt.d, en); got != tt.en {
			t.Errorf("humanDuration(%v, en) = %q; want %q", tt.d, got, tt.en)
		}
		if got := humanDuration(tt.d, zh); got != tt.zh {
			t.Errorf("humanDuration(%v, zh) = %q; want %q", tt.d, got, tt.zh)
		}
		if got := Clock(tt.d); got != tt.clock {
			t.Errorf("Clock(%v) = %q; want %q", tt.d, got, tt.clock)
		}
	}
}
