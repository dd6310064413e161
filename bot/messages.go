package bot

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/slack-go/slack"

	"github.com/attendees-bot/attendees-bot/formatting"
	"github.com/attendees-bot/attendees-bot/meeting"
)

// textMessage is a one-sentence reply. text is trusted (written by the bot,
// with untrusted parts escaped by the caller).
func textMessage(text string) formatting.Message {
	return formatting.Message{
		Text:   text,
		Blocks: []slack.Block{slack.NewSectionBlock(slack.NewTextBlockObject(slack.MarkdownType, text, false, false), nil, nil)},
	}
}

func helpMessage(command string) formatting.Message {
	c := "`" + command
	text := strings.Join([]string{
		"*Who was in that meeting?*",
		c + "` shows recent meetings to tap.",
		c + " 987 654 3210` looks up a meeting ID (the newest time it ran).",
		c + " 9a0fa6d10a5b11eaae5e191763c22c0e` looks up one conference UUID.",
		c + " weekly sync` searches meeting subjects.",
		"Add `csv` to always get the full list as a file, or `search:alice` to show only matching people.",
		c + " watch 987 654 3210` (or subject words) posts every future run's attendance in this channel; `" + command + " watching` lists them, `" + command + " unwatch …` stops one.",
		"Replies are private to you; *Share in channel* posts a copy with phone numbers masked.",
	}, "\n")
	return textMessage(text)
}

// choicesMessage lists conferences, one tappable line each, newest first.
func choicesMessage(title, empty string, confs []meeting.Conference, search string, loc *time.Location) formatting.Message {
	if len(confs) == 0 {
		return textMessage(empty)
	}
	blocks := []slack.Block{slack.NewSectionBlock(slack.NewTextBlockObject(slack.MarkdownType, title, false, false), nil, nil)}
	for i, c := range confs {
		if i == maxChoices {
			break
		}
		blocks = append(blocks, conferenceLine(c, search, loc))
	}
	return formatting.Message{Text: title, Blocks: blocks}
}

// conferenceLine is one conference with a "Show" button beside it.
func conferenceLine(c meeting.Conference, search string, loc *time.Location) slack.Block {
	subject := c.Subject
	if strings.TrimSpace(subject) == "" {
		subject = "(no subject)"
	}
	parts := []string{"*" + formatting.Escape(truncateRunes(subject, 80)) + "*"}
	if !c.Start.IsZero() {
		parts = append(parts, formatting.DateToken(c.Start, loc))
	}
	if c.ConferenceID != "" {
		parts = append(parts, "ID "+formatting.Escape(groupDigits(c.ConferenceID)))
	}
	if c.SchedulerName != "" {
		parts = append(parts, formatting.Escape(truncateRunes(c.SchedulerName, 40)))
	}
	btn := slack.NewButtonBlockElement(actionOpen, lookupRef{ConfUUID: c.ConfUUID, Search: search}.String(),
		slack.NewTextBlockObject(slack.PlainTextType, "Show", false, false))
	return slack.NewSectionBlock(slack.NewTextBlockObject(slack.MarkdownType, strings.Join(parts, " · "), false, false),
		nil, slack.NewAccessory(btn))
}

// instancesBlocks offers the other instances of a meeting ID.
func instancesBlocks(others []meeting.Conference, search string, loc *time.Location) []slack.Block {
	if len(others) == 0 {
		return nil
	}
	n := min(len(others), maxChoices-1)
	text := fmt.Sprintf("This meeting ID ran %d more time(s); this is the newest. Earlier:", len(others))
	if len(others) > n {
		text = fmt.Sprintf("This meeting ID ran %d more time(s); this is the newest. The %d before it:", len(others), n)
	}
	blocks := []slack.Block{slack.NewContextBlock("", slack.NewTextBlockObject(slack.MarkdownType, text, false, false))}
	for _, c := range others[:n] {
		blocks = append(blocks, conferenceLine(c, search, loc))
	}
	return blocks
}

// lookupActions are the buttons under a private summary; value is the
// signed reference (buttonKey.sign).
func lookupActions(value string) slack.Block {
	share := slack.NewButtonBlockElement(actionShare, value, slack.NewTextBlockObject(slack.PlainTextType, "Share in channel", false, false))
	share.Style = slack.StylePrimary
	csv := slack.NewButtonBlockElement(actionCSV, value, slack.NewTextBlockObject(slack.PlainTextType, "CSV file", false, false))
	return slack.NewActionBlock("attendees_actions", share, csv)
}

func truncateRunes(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}

// groupDigits writes a meeting ID the way people read it out: 960 123 4501.
// Anything that is not 9 to 12 plain digits is returned as it is.
func groupDigits(id string) string {
	if len(id) < 9 || len(id) > 12 || !isDigits(id) {
		return id
	}
	cut := [][]int{9: {3, 6}, 10: {3, 6}, 11: {3, 7}, 12: {4, 8}}[len(id)]
	return id[:cut[0]] + " " + id[cut[0]:cut[1]] + " " + id[cut[1]:]
}
