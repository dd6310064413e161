package formatting

import (
	"testing"
	"time"
)

func TestHumanDuration(t *testing.T) {
	tests := []struct {
		d      time.Duration
		en, zh string
	}{
		{0, "0s", "0秒"},
		{-time.Minute, "0s", "0秒"},
		{999 * time.Millisecond, "0s", "0秒"},
		{42*time.Second + 900*time.Millisecond, "42s", "42秒"},
		{time.Minute, "1m 00s", "1分00秒"},
		{5*time.Minute + 3*time.Second, "5m 03s", "5分03秒"},
		{59*time.Minute + 59*time.Second, "59m 59s", "59分59秒"},
		{time.Hour + 5*time.Minute + 59*time.Second, "1h 05m", "1小时05分"},
		{26 * time.Hour, "26h 00m", "26小时00分"},
	}
	for _, tt := range tests {
		if got := humanDuration(tt.d, en); got != tt.en {
			t.Errorf("humanDuration(%v, en) = %q; want %q", tt.d, got, tt.en)
		}
		if got := humanDuration(tt.d, zh); got != tt.zh {
			t.Errorf("humanDuration(%v, zh) = %q; want %q", tt.d, got, tt.zh)
		}
	}
}

func TestHMS(t *testing.T) {
	tests := []struct {
		d    time.Duration
		want string
	}{
		{0, "0:00:00"},
		{-time.Second, "0:00:00"},
		{39*time.Second + 9*time.Millisecond, "0:00:39"},
		{time.Hour + 2*time.Minute + 3*time.Second, "1:02:03"},
		{100 * time.Hour, "100:00:00"},
	}
	for _, tt := range tests {
		if got := hms(tt.d); got != tt.want {
			t.Errorf("hms(%v) = %q; want %q", tt.d, got, tt.want)
		}
	}
}
