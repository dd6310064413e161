package main

import (
	"database/sql"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/attendees-bot/attendees-bot/bot/slackfake"
	"github.com/attendees-bot/attendees-bot/bot/store"
	"github.com/attendees-bot/attendees-bot/meeting/meetingfake"
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
		// Subject words match in any order: one subscription, shown in
		// the words it was made with.
		{"U1", "watch Weekly product sync", []string{"subscribed this channel", "“Weekly product sync” in the subject"}},
		{"U2", "watch sync PRODUCT weekly weekly", []string{"本频道已经在接收每场主题包含“Weekly product sync”的会议"}},
		{"U1", "watching", []string{"with “Weekly product sync” in the subject (since"}},
		{"U1", "unwatch product sync weekly", []string{"stopped the automatic attendance posts for meetings with “Weekly product sync” in the subject"}},
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

// TestRunOlderSubscriptionsKeepWorking: the subject subscriptions an older
// bot stored (words in the order typed, one row per order) are rekeyed when
// this binary starts: the two orders of one subject become one, with the
// series line either had, shown in the older words; it still matches, and
// the same words in another order are the same subscription.
func TestRunOlderSubscriptionsKeepWorking(t *testing.T) {
	storeURL, db := olderStore(t)
	at := time.Now().Add(-time.Hour).UnixMilli()
	for i, words := range []string{"weekly sync", "sync weekly"} {
		if _, err := db.Exec("INSERT INTO subscriptions (channel_id, kind, value, created_by, created_at, series) VALUES ('C0GENERAL', 'subject', ?, 'U1', ?, ?)",
			words, at+int64(i), i); err != nil {
			t.Fatal(err)
		}
	}

	sl := fakeSlack(t, slackfake.Config{Channels: []slackfake.Channel{{ID: "C0GENERAL", Name: "general", Member: true}}})
	s := startOn(t, sl, 1, autopostEnv(storeURL), nil)
	_, rs := s.command(t, slackfake.SlashCommand{Text: "watching", ChannelID: "C0GENERAL", UserID: "U1"}, 1)
	got := text(rs...)
	mustContain(t, got, "with “weekly sync” in the subject (since", "· with series")
	if n := strings.Count(rs[0].Text, "in the subject"); n != 1 {
		t.Errorf("watching lists %d subject subscriptions; want the one:\n%s", n, rs[0].Text)
	}
	_, rs = s.command(t, slackfake.SlashCommand{Text: "watch Sync Weekly", ChannelID: "C0GENERAL", UserID: "U1"}, 1)
	mustContain(t, text(rs...), "already gets the attendance of every meeting with “weekly sync” in the subject")

	if code, body := postWebhook(t, s.http, concludeEvent(t, webhookKey, meetingfake.SampleSyncID, meetingfake.SampleSyncUUID, "nonce-older")); code != http.StatusOK {
		t.Fatalf("conclude event: %d %s", code, body)
	}
	posts, err := s.slack.WaitPosts(ctxT(t), 1)
	if err != nil {
		t.Fatal(err)
	}
	mustContain(t, body(posts[0]), "Weekly product sync")
}

// olderStore is a SQLite store as the bot before the newest migration
// (006, subscription words) left it, and the database to change it with.
func olderStore(t *testing.T) (string, *sql.DB) {
	t.Helper()
	storeURL := filepath.Join(t.TempDir(), "attendees.db")
	st, err := store.Open(t.Context(), storeURL)
	if err != nil {
		t.Fatal(err)
	}
	st.Close()
	db, err := sql.Open("sqlite", storeURL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	for _, q := range []string{"ALTER TABLE subscriptions DROP COLUMN words", "DELETE FROM schema_migrations WHERE version = 6"} {
		if _, err := db.ExecContext(t.Context(), q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	return storeURL, db
}
