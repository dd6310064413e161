package formatting

import (
	"strconv"
	"time"
)

// appendDuration appends d for people to read, rounded down: "42s" under a
// minute, "5m 03s" under an hour, "1h 05m" above (zh-CN: 42秒, 5分03秒,
// 1小时05分). Negative durations show as zero.
func appendDuration(b []byte, d time.Duration, l *labels) []byte {
	s := int64(max(d, 0) / time.Second)
	switch {
	case s < 60:
		b = strconv.AppendInt(b, s, 10)
		return append(b, l.sec...)
	case s < 3600:
		b = strconv.AppendInt(b, s/60, 10)
		b = append(b, l.min...)
		b = append(b, l.unitSpace...)
		b = append2(b, s%60)
		return append(b, l.sec...)
	}
	b = strconv.AppendInt(b, s/3600, 10)
	b = append(b, l.hour...)
	b = append(b, l.unitSpace...)
	b = append2(b, s/60%60)
	return append(b, l.min...)
}

func humanDuration(d time.Duration, l *labels) string {
	var buf [32]byte
	return string(appendDuration(buf[:0], d, l))
}

// appendHMS appends d as h:mm:ss, rounded down, hours unbounded.
func appendHMS(b []byte, d time.Duration) []byte {
	s := int64(max(d, 0) / time.Second)
	b = strconv.AppendInt(b, s/3600, 10)
	b = append(b, ':')
	b = append2(b, s/60%60)
	b = append(b, ':')
	return append2(b, s%60)
}

func append2(b []byte, n int64) []byte {
	return append(b, byte('0'+n/10), byte('0'+n%10))
}
