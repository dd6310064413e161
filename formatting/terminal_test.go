package formatting_test

import (
	"github.com/attendees-bot/attendees-bot/bot/terminal"
	"github.com/attendees-bot/attendees-bot/formatting"
)

func init() { formatting.RenderText = terminal.Render }
