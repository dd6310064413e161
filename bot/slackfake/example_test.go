package slackfake_test

import (
	"context"
	"fmt"
	"time"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/socketmode"

	"github.com/attendees-bot/attendees-bot/bot/slackfake"
)

// A Socket Mode app answers a slash command through its response_url; the
// fake records the reply and has no complaints.
func ExampleStart() {
	srv, err := slackfake.Start(slackfake.Config{})
	if err != nil {
		panic(err)
	}
	defer srv.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()

	cfg := srv.Config()
	api := slack.New(cfg.BotToken, slack.OptionAPIURL(srv.APIURL()), slack.OptionAppLevelToken(cfg.AppToken))
	client := socketmode.New(api)
	h := socketmode.NewSocketmodeHandler(client)
	h.HandleSlashCommand("/attendees", func(evt *socketmode.Event, c *socketmode.Client) {
		cmd := evt.Data.(slack.SlashCommand)
		_ = c.Ack(*evt.Request)
		_, _, _ = api.PostMessageContext(ctx, "",
			slack.MsgOptionResponseURL(cmd.ResponseURL, slack.ResponseTypeEphemeral),
			slack.MsgOptionText("Looking up "+cmd.Text, false))
	})
	go func() { _ = h.RunEventLoopContext(ctx) }()

	id, err := srv.SlashCommand(ctx, slackfake.SlashCommand{Text: "123456789"})
	if err != nil {
		panic(err)
	}
	replies, err := srv.WaitResponsesFor(ctx, id, 1)
	if err != nil {
		panic(err)
	}
	fmt.Println(replies[0].ResponseType, replies[0].Text)
	fmt.Println("violations:", len(srv.Violations()))
	// Output:
	// ephemeral Looking up 123456789
	// violations: 0
}
