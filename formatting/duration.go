package formatting

import (
	"fmt"
	"time"
)

// humanDuration writes d for people to read, rounded down: "42s" under a
// minute, "5m 03s" under an hour, "1h 05m" above (zh-CN: 42秒, 5分03秒,
// 1小时05分). Negative durations show as zero.
func humanDuration(d time.Duration, l *labels) string {
	s := int64(max(d, 0) / time.Second)
	switch {
	case s < 60:
		return fmt.Sprintf("%d%s", s, l.sec)
	case s < 3600:
		return fmt.Sprintf("%d%s%s%02d%s", s/60, l.min, l.unitSpace, s%60, l.sec)
	}
	return fmt.Sprintf("%d%s%s%02d%s", s/3600, l.hour, l.unitSpace, s/60%60, l.min)
}

// hms writes d as h:mm:ss, rounded down, hours unbounded.
func hms(d time.Duration) string {
	s := int64(max(d, 0) / time.Second)
	return fmt.Sprintf("%d:%02d:%02d", s/3600, s/60%60, s%60)
}
