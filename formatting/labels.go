package formatting

import (
	"strconv"
	"strings"
)

// labels holds every visible word of the message in one language.
type labels struct {
	attendance  string // fallback text prefix
	meeting     string // header when there is no subject: meeting + ID
	people      string
	sessions    string
	span        string
	avgMedian   string
	peak        string
	attendLevel string
	present     string
	partial     string
	brief       string
	scheduled   string
	observed    string
	late        string
	early       string
	stillIn     string
	endUnknown  string
	uninvited   string
	notInvited  string
	invited     string
	noShows     string
	devices     string
	media       string
	depts       string
	other       string
	noDept      string // the department breakdown's bucket of people without one
	unknown     string // the device and media breakdowns' bucket
	noName      string
	none        string
	timeUnknown string // a person whose records' times are all unreadable
	filtered    string // before the search in the title of a filtered summary
	sep         string // between items of a list
	colon       string // after a label, before a list

	hour, min, sec string // duration units
	unitSpace      string // between "1h" and "05m"

	joins      func(n int) string
	more       func(n int) string
	peakAt     func(n int, at string) string
	peopleText func(n int) string
	unreadable func(n int) string // records left out of the times
}

var labelsEN = labels{
	attendance:  "Attendance",
	meeting:     "Meeting ",
	people:      "People",
	sessions:    "Sessions",
	span:        "Span",
	avgMedian:   "Average / median",
	peak:        "Peak",
	attendLevel: "Attendance",
	present:     "present",
	partial:     "partial",
	brief:       "brief",
	scheduled:   "scheduled",
	observed:    "first join → last leave",
	late:        "late",
	early:       "left early",
	stillIn:     "still in",
	endUnknown:  "end unknown",
	uninvited:   "Uninvited",
	notInvited:  "not invited",
	invited:     "Invited",
	noShows:     "No-shows",
	devices:     "Devices",
	media:       "Media",
	depts:       "Departments",
	other:       "other",
	noDept:      "no department",
	unknown:     "unknown",
	noName:      "(no name)",
	none:        "none",
	timeUnknown: "time unknown",
	filtered:    "filtered: ",
	sep:         ", ",
	colon:       ": ",
	hour:        "h", min: "m", sec: "s", unitSpace: " ",
	joins:      func(n int) string { return strconv.Itoa(n) + " joins" },
	more:       func(n int) string { return "+" + strconv.Itoa(n) + " more in the attached file" },
	peakAt:     func(n int, at string) string { return strconv.Itoa(n) + " at " + at },
	peopleText: func(n int) string { return pluralEN(n, "person", "people") },
	unreadable: func(n int) string {
		if n == 1 {
			return "1 record with unreadable times was left out"
		}
		return strconv.Itoa(n) + " records with unreadable times were left out"
	},
}

var labelsZH = labels{
	attendance:  "参会情况",
	meeting:     "会议 ",
	people:      "人数",
	sessions:    "入会次数",
	span:        "会议时段",
	avgMedian:   "平均 / 中位时长",
	peak:        "同时在会峰值",
	attendLevel: "出席程度",
	present:     "全程",
	partial:     "部分",
	brief:       "短暂",
	scheduled:   "预定时间",
	observed:    "首次入会 → 最后离会",
	late:        "迟到",
	early:       "早退",
	stillIn:     "仍在会中",
	endUnknown:  "离会时间未知",
	uninvited:   "未受邀",
	notInvited:  "未受邀",
	invited:     "受邀",
	noShows:     "未参会",
	devices:     "设备",
	media:       "媒体",
	depts:       "部门",
	other:       "其他",
	noDept:      "无部门",
	unknown:     "未知",
	noName:      "(无名称)",
	none:        "无",
	timeUnknown: "时间未知",
	filtered:    "筛选:",
	sep:         "、",
	colon:       ":",
	hour:        "小时", min: "分", sec: "秒", unitSpace: "",
	joins:      func(n int) string { return "入会 " + strconv.Itoa(n) + " 次" },
	more:       func(n int) string { return "另有 " + strconv.Itoa(n) + " 人,见附件" },
	peakAt:     func(n int, at string) string { return strconv.Itoa(n) + " 人(" + at + ")" },
	peopleText: func(n int) string { return strconv.Itoa(n) + " 人" },
	unreadable: func(n int) string { return strconv.Itoa(n) + " 条记录时间无法识别,未计入" },
}

func pluralEN(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}

// labelsFor returns the labels of lang: zh-CN for any "zh…" tag, en-US
// otherwise.
func labelsFor(lang string) *labels {
	if strings.HasPrefix(strings.ToLower(strings.TrimSpace(lang)), "zh") {
		return &labelsZH
	}
	return &labelsEN
}
