package formatting

import (
	"fmt"
	"strconv"
	"time"
)

// Words are the sentences of a rendering in its reader's language, by
// message ID: bot/catalog's *Printer, whose tests check that every ID used
// here is in every language. T fills a message's template with
// args; N picks its plural form for n, which the template sees as {{.N}}.
type Words interface {
	T(id string, args ...map[string]any) string
	N(id string, n int, args ...map[string]any) string
}

// args are a message's template values, by name.
type args = map[string]any

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
