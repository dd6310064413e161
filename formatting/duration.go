package formatting

import (
	"fmt"
	"strconv"
	"time"
)

// humanDuration writes d for people to read, rounded down: "42s" under a
// minute, "5m 03s" under an hour, "1h 05m" above (zh-CN: 42秒, 5分03秒,
// 1小时05分). Negative durations show as zero.
func humanDuration(d time.Duration, l *labels) string {
	s := int64(max(d, 0) / time.Second)
	switch {
	case s < 60:
		return l.seconds(strconv.FormatInt(s, 10))
	case s < 3600:
		return l.minutes(strconv.FormatInt(s/60, 10), fmt.Sprintf("%02d", s%60))
	}
	return l.hours(strconv.FormatInt(s/3600, 10), fmt.Sprintf("%02d", s/60%60))
}

// hms writes d as h:mm:ss, rounded down, hours unbounded.
func hms(d time.Duration) string {
	s := int64(max(d, 0) / time.Second)
	return fmt.Sprintf("%d:%02d:%02d", s/3600, s/60%60, s%60)
}
