package main

import (
	"testing"

	"github.com/attendees-bot/attendees-bot/bot/slackfake"
)

// TestRunCommandForms: what people type, through the real binary, gets the
// answer a person would expect, in each reader's language; refusals leave
// nothing behind (watching still lists nothing).
func TestRunCommandForms(t *testing.T) {
	s := startNative(t, nil)
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
		{"U1", "watching", []string{"no automatic attendance posts"}},
	}
	for _, tt := range tests {
		_, rs := s.command(t, slackfake.SlashCommand{Text: tt.text, UserID: tt.user}, 1)
		mustContain(t, text(rs...), tt.want...)
	}
}
