package bot

import (
	"html"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/attendees-bot/attendees-bot/meeting"
)

var (
	// Huawei Cloud Meeting join links carry the meeting ID as conf_id
	// (cloudlink://…?conf_id=…, https://…?conf_id=…) or after /j/.
	linkID = regexp.MustCompile(`(?i)(?:[?&]conf_?id=|/j/)(\d{6,20})`)
	uuidRe = regexp.MustCompile(`\b[0-9a-fA-F]{32}\b`)
	// A meeting ID as people write it: 9 to 12 digits, maybe grouped by
	// spaces or dashes (960 123 4501, 960-123-4501).
	idRe = regexp.MustCompile(`\b\d{3}[ -]?\d{3}[ -]?\d{3,6}\b`)
	// slackMarkup is a link, mention or channel in Slack's <…> form.
	slackMarkup = regexp.MustCompile(`<[^<>]*>`)
	// pastedLink is a link pasted into a command: Slack's <url> or
	// <url|label> form, or the bare URL.
	pastedLink = regexp.MustCompile(`<(?i:https?|cloudlink)://[^<>]*>|(?i:https?|cloudlink)://\S+`)
)

// linkedMeetingID is the meeting ID a Huawei Cloud Meeting join link
// carries (conf_id=… or /j/…), or "" when it carries none.
func linkedMeetingID(link string) string {
	m := linkID.FindStringSubmatch(link)
	if m == nil {
		return ""
	}
	id, _ := meeting.NormalizeMeetingID(m[1])
	return id
}

// readLinks writes each link pasted into a command as the meeting ID it
// carries, read as the message shortcut reads links; ok is false when a
// link carries none (a wiki page pasted by mistake).
func readLinks(text string) (_ string, ok bool) {
	ok = true
	text = pastedLink.ReplaceAllStringFunc(text, func(link string) string {
		id := linkedMeetingID(link)
		ok = ok && id != ""
		return " " + id + " "
	})
	return text, ok
}

// maxMessageScan bounds how much of a message is searched for meetings.
const maxMessageScan = 4000

// meetingsIn returns the meetings a Slack message names, in order, each
// once, in a form ParseCommand reads: conference UUIDs, meeting IDs from
// Huawei meeting links, and meeting IDs written out.
func meetingsIn(text string) []string {
	if len(text) > maxMessageScan {
		text = text[:maxMessageScan]
		for !utf8.ValidString(text) {
			text = text[:len(text)-1]
		}
	}
	text = html.UnescapeString(text)
	var out []string
	add := func(s string) {
		// Only what the command reads as one meeting.
		kind, _, err := classify([]string{s})
		if err == nil && (kind == KindMeetingID || kind == KindConfUUID) && !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	for _, link := range linkID.FindAllString(text, -1) {
		if id := linkedMeetingID(link); id != "" {
			add(id)
		}
	}
	rest := linkID.ReplaceAllString(text, " ")
	for _, u := range uuidRe.FindAllString(rest, -1) {
		add(strings.ToLower(u))
	}
	rest = uuidRe.ReplaceAllString(rest, " ")
	for _, m := range idRe.FindAllString(rest, -1) {
		if id, err := meeting.NormalizeMeetingID(m); err == nil {
			add(id)
		}
	}
	return out
}

// plainWords is a message's text without Slack markup, as subject words to
// prefill the modal with.
func plainWords(text string) string {
	text = slackMarkup.ReplaceAllString(html.UnescapeString(text), " ")
	return truncateRunes(strings.Join(strings.Fields(text), " "), maxSubject)
}
