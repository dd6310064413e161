package main

import (
	"testing"

	"github.com/attendees-bot/attendees-bot/bot/slackfake"
)

// TestRunCommandForms: what people type, through the real binary, gets the
// answer a person would expect, in each reader's language; refusals leave
// nothing behind (watching still lists nothing).
func TestRunCommandForms(t *testing.T) {
	s := startNative(t, func(e map[string]string) { e["USER_RATE_LIMIT"], e["AUDIT_USER_IDS"] = "1000000", "U1" })
	tests := []struct {
		user, text string
		want       []string
	}{
		// A subscription posts each run; "last N" there is a mistake.
		{"U1", "watch 960 123 4501 last 4", []string{"`watch` takes no `last`", "`watch 987 654 3210 with series`"}},
		{"U2", "watch 960 123 4501 last 4", []string{"`watch` 不接受 `last`", "`with series`"}},
		// A bad count is the count's sentence, not a subject search.
		{"U1", "960 123 4506 last -3", []string{"`last` takes a number of runs from 2 to 20"}},
		{"U1", "960 123 4506 last abc", []string{"`last` takes a number of runs from 2 to 20"}},
		{"U2", "960 123 4506 last abc", []string{"`last` 后面跟 2 到 20 之间的场次数"}},
		{"U1", "960 123 4506 last 2 last 3", []string{"`last` is there twice"}},
		{"U2", "960 123 4506 last 2 last 3", []string{"`last` 写了两次"}},
		// A meeting ID as a CJK input method, a dotted habit or a pasted
		// join link writes it.
		{"U1", "９６０１２３４５０１", []string{"Weekly product sync", "attendees_share"}},
		{"U2", "９６０　１２３　４５０１", []string{"Weekly product sync", "分享到频道"}},
		{"U1", "960.123.4501", []string{"Weekly product sync", "attendees_share"}},
		{"U1", "https://meeting.huaweicloud.com/#/j/9601234501", []string{"Weekly product sync", "attendees_share"}},
		{"U1", "<https://meeting.huaweicloud.com/j/9601234501>", []string{"Weekly product sync", "attendees_share"}},
		{"U1", "<https://meeting.huaweicloud.com/#/j/9601234501|Join Weekly product sync>", []string{"Weekly product sync", "attendees_share"}},
		{"U1", "<https://wiki.example.com/sync|notes>", []string{"I couldn't find a meeting ID in that link"}},
		{"U2", "https://wiki.example.com/sync", []string{"这个链接里没有我能识别的会议 ID"}},
		// 32 digits are a conference UUID, not too long a meeting ID.
		{"U1", "00000000000000000000000000000000", []string{"I couldn't find that meeting"}},
		// An admin's "audit <words>" is options mistyped; anybody else's
		// is a meeting's subject. An option given twice is refused.
		{"U1", "audit extra", []string{"I don't understand “extra”", "`/attendees audit --help` explains them", "`/attendees extra audit`"}},
		{"U1", "audit --since 1h --since 2h", []string{"`--since` is there twice; give it once."}},
		{"U1", "audit --help", []string{"`720h` (the default), `30d`, `90m` or `0`"}},
		{"U2", "audit committee", []string{"最近 30 天内没有主题包含“audit committee”中每个词"}},
		{"U1", "watching", []string{"no automatic attendance posts"}},
	}
	for _, tt := range tests {
		_, rs := s.command(t, slackfake.SlashCommand{Text: tt.text, UserID: tt.user}, 1)
		mustContain(t, text(rs...), tt.want...)
	}
}

// TestRunSearchWithoutMeeting: search: with no meeting lists the recent
// meetings under a sentence that says what search: does, in the reader's
// language, and a Show button there opens the meeting filtered.
func TestRunSearchWithoutMeeting(t *testing.T) {
	s := startNative(t, nil)
	_, rs := s.command(t, slackfake.SlashCommand{Text: "search:alice", UserID: "U2"}, 1)
	mustContain(t, text(rs...), "`search:` 用于筛选某一场会议的参会者", "只看匹配“alice”的人", "Weekly product sync")
	_, rs = s.command(t, slackfake.SlashCommand{Text: "search:alice", UserID: "U1"}, 1)
	mustContain(t, text(rs...), "`search:` filters the people of one meeting: tap a recent one below to see only those matching “alice”")
	shows := accessoryValues(t, rs[0].Blocks, "attendees_open")
	id := s.press(t, "U1", "C0GENERAL", "attendees_open", shows[0])
	opened, err := s.slack.WaitResponsesFor(ctxT(t), id, 1)
	if err != nil {
		t.Fatal(err)
	}
	mustContain(t, text(opened...), "filtered: alice", "Alice Zhang")
}
