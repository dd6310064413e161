package bot

import (
	"strings"
	"time"
	"unicode/utf8"

	"github.com/slack-go/slack"

	"github.com/attendees-bot/attendees-bot/bot/catalog"
	"github.com/attendees-bot/attendees-bot/formatting"
	"github.com/attendees-bot/attendees-bot/meeting"
)

// textMessage is a one-sentence reply. text is trusted (written by the bot,
// with untrusted parts escaped by the caller).
func textMessage(text string) formatting.Message {
	return formatting.Message{Text: text, Blocks: []slack.Block{section(text)}}
}

// section is a block of mrkdwn text (trusted, as for textMessage).
func section(text string) slack.Block {
	return slack.NewSectionBlock(slack.NewTextBlockObject(slack.MarkdownType, text, false, false), nil, nil)
}

func helpMessage(p *catalog.Printer, command string) formatting.Message {
	return textMessage(p.T("help.text", catalog.Args{"Cmd": command}))
}

// choicesMessage lists conferences, one tappable line each, newest first;
// value makes each line's button value.
func choicesMessage(p *catalog.Printer, title, empty string, confs []meeting.Conference, value func(meeting.Conference) string, loc *time.Location) formatting.Message {
	if len(confs) == 0 {
		return textMessage(empty)
	}
	blocks := []slack.Block{slack.NewSectionBlock(slack.NewTextBlockObject(slack.MarkdownType, title, false, false), nil, nil)}
	for i, c := range confs {
		if i == maxChoices {
			break
		}
		blocks = append(blocks, conferenceLine(p, c, value(c), loc))
	}
	return formatting.Message{Text: title, Blocks: blocks}
}

// conferenceText is one conference in a line: subject, date, meeting ID
// and organiser, escaped for mrkdwn.
func conferenceText(p *catalog.Printer, c meeting.Conference, loc *time.Location) string {
	subject := c.Subject
	if strings.TrimSpace(subject) == "" {
		subject = p.T("choices.no_subject")
	}
	parts := []string{"*" + formatting.Escape(truncateRunes(subject, 80)) + "*"}
	if !c.Start.IsZero() {
		parts = append(parts, formatting.DateToken(c.Start, loc))
	}
	if c.ConferenceID != "" {
		parts = append(parts, p.T("choices.meeting_id", catalog.Args{"ID": formatting.Escape(formatting.GroupDigits(c.ConferenceID))}))
	}
	if c.SchedulerName != "" {
		parts = append(parts, formatting.Escape(truncateRunes(c.SchedulerName, 40)))
	}
	return strings.Join(parts, " · ")
}

// conferenceLine is one conference with a "Show" button beside it; value
// is the button's value (Handler.openValue, or lookupRef.String).
func conferenceLine(p *catalog.Printer, c meeting.Conference, value string, loc *time.Location) slack.Block {
	btn := slack.NewButtonBlockElement(actionOpen, value, plain(p.T("button.show")))
	return slack.NewSectionBlock(slack.NewTextBlockObject(slack.MarkdownType, conferenceText(p, c, loc), false, false),
		nil, slack.NewAccessory(btn))
}

// instancesBlocks offers the other instances of a meeting ID; value makes
// each button's value.
func instancesBlocks(p *catalog.Printer, others []meeting.Conference, value func(meeting.Conference) string, loc *time.Location) []slack.Block {
	if len(others) == 0 {
		return nil
	}
	n := min(len(others), maxChoices-1)
	text := p.N("choices.earlier", len(others))
	if len(others) > n {
		text = p.N("choices.before", len(others), catalog.Args{"Shown": n})
	}
	blocks := []slack.Block{slack.NewContextBlock("", slack.NewTextBlockObject(slack.MarkdownType, text, false, false))}
	for _, c := range others[:n] {
		blocks = append(blocks, conferenceLine(p, c, value(c), loc))
	}
	return blocks
}

// lookupActions are the buttons under a private summary, value the signed
// reference (buttonKey.sign): Share only where there is a channel to share
// in.
func lookupActions(p *catalog.Printer, value string, share bool) slack.Block {
	csv := slack.NewButtonBlockElement(actionCSV, value, plain(p.T("button.csv")))
	if !share {
		return slack.NewActionBlock("attendees_actions", csv)
	}
	btn := slack.NewButtonBlockElement(actionShare, value, plain(p.T("button.share")))
	btn.Style = slack.StylePrimary
	return slack.NewActionBlock("attendees_actions", btn, csv)
}

// plain is a plain_text object, as buttons, titles and labels need.
func plain(s string) *slack.TextBlockObject {
	return slack.NewTextBlockObject(slack.PlainTextType, s, false, false)
}

func truncateRunes(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}
