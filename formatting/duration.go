package formatting

import (
	"fmt"
	"strconv"
	"time"
)

// Every duration a person reads is rounded down to the second, in Slack,
// in the CSV and in a terminal, so the three agree on the same report.

// humanDuration writes d for people to read, rounded down: "42s" under a
// minute, "5m 03s" under an hour, "1h 05m" above (zh-CN: 42秒, 5分03秒,
// 1小时05分). Negative durations show as zero.
func humanDuration(d time.Duration, w Words) string {
	s := int64(max(d, 0) / time.Second)
	switch {
	case s < 60:
		return w.T("summary.seconds", args{"S": strconv.FormatInt(s, 10)})
	case s < 3600:
		return w.T("summary.minutes", args{"M": strconv.FormatInt(s/60, 10), "S": fmt.Sprintf("%02d", s%60)})
	}
	return w.T("summary.hours", args{"H": strconv.FormatInt(s/3600, 10), "M": fmt.Sprintf("%02d", s/60%60)})
}

// Clock writes d as h:mm:ss, rounded down as humanDuration is, hours
// unbounded: the CSV's person_time_hms and the lookup command's columns.
// Negative durations show as zero.
func Clock(d time.Duration) string {
	s := int64(max(d, 0) / time.Second)
	return fmt.Sprintf("%d:%02d:%02d", s/3600, s/60%60, s%60)
}
