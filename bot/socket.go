package bot

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync/atomic"
	"time"

	"github.com/attendees-bot/attendees-bot/meeting"
	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"
	"github.com/slack-go/slack/socketmode"
)

// Bot is the Socket Mode adapter: it translates every envelope into a
// Request, acks it at once and hands it to the Handler, which decides
// whether and how to answer.
type Bot struct {
	sm        *socketmode.Client
	handler   *Handler
	command   string
	log       *slog.Logger
	metrics   *Metrics
	connected atomic.Bool
	// stopping is the Done channel of Run's context: once it is closed the
	// bot is shutting down, even before Run's loop has noticed, because the
	// socket closes from another goroutine as soon as the context ends.
	stopping atomic.Pointer[<-chan struct{}]
	now      func() time.Time
}

// NewSlack builds the Slack Web API client for the API at apiURL (ending
// with /). Slack 429s are retried after their Retry-After.
func NewSlack(apiURL string, appToken, botToken meeting.Secret, opts ...slack.Option) *slack.Client {
	opts = append([]slack.Option{
		// Before OptionRetry, which wraps the client it finds.
		slack.OptionHTTPClient(hostOnlyHTTP{&http.Client{}}),
		slack.OptionAPIURL(apiURL),
		slack.OptionAppLevelToken(appToken.Reveal()),
		slack.OptionRetry(3),
	}, opts...)
	return slack.New(botToken.Reveal(), opts...)
}

// hostOnlyHTTP is the HTTP client slack-go calls through. net/http names a
// request's whole URL in its transport errors (a response_url, an upload
// link, a method's path) and slack-go hands them on as they are, to
// slackOut's callers and to Socket Mode's connection events alike: cut
// here, each of them shows only the host.
type hostOnlyHTTP struct{ hc *http.Client }

func (c hostOnlyHTTP) Do(req *http.Request) (*http.Response, error) {
	resp, err := c.hc.Do(req)
	return resp, meeting.HideURLPath(err)
}

// SlackDeps returns the handler's Slack collaborators, all through api:
// replies, modals and the Home tab, users' locales.
func SlackDeps(api *slack.Client, d HandlerDeps) HandlerDeps {
	out := slackOut{api: api}
	d.Out, d.Views, d.Locales = out, out, out
	return d
}

// NewBot wires a Socket Mode client for api to h. command is the slash
// command the bot answers (others are acked and ignored).
func NewBot(command string, api *slack.Client, h *Handler, m *Metrics, log *slog.Logger, opts ...socketmode.Option) *Bot {
	return &Bot{
		sm:      socketmode.New(api, opts...),
		handler: h,
		command: command,
		log:     log,
		metrics: m,
		now:     time.Now,
	}
}

// Connected reports whether the Socket Mode connection is up.
func (b *Bot) Connected() bool {
	if done := b.stopping.Load(); done != nil {
		select {
		case <-*done:
			return false
		default:
		}
	}
	return b.connected.Load()
}

// Run connects and serves until ctx is done, then stops taking envelopes
// and waits for commands in flight (see ShutdownBound). It returns nil after a
// clean shutdown and an error when Slack refuses the tokens.
func (b *Bot) Run(ctx context.Context) error {
	done := ctx.Done()
	b.stopping.Store(&done)
	// Work outlives ctx so that a shutdown finishes what was accepted.
	workCtx, stopWork := context.WithCancel(context.WithoutCancel(ctx))
	defer stopWork()
	runCtx, stopRun := context.WithCancel(ctx)
	defer stopRun()
	runErr := make(chan error, 1)
	go func() { runErr <- b.sm.RunContext(runCtx) }()

	var err error
loop:
	for {
		select {
		case <-ctx.Done():
			break loop
		case err = <-runErr:
			if errors.Is(err, context.Canceled) && ctx.Err() != nil {
				err = nil
			} else if err != nil {
				err = socketError(err)
			}
			break loop
		case evt := <-b.sm.Events:
			// Ack everything already waiting before starting any work, so a
			// burst of commands is acknowledged at the pace of the socket,
			// not of the lookups it starts.
			reqs := b.dispatch(evt, nil)
			for drained := false; !drained && len(reqs) < 256; {
				select {
				case evt := <-b.sm.Events:
					reqs = b.dispatch(evt, reqs)
				default:
					drained = true
				}
			}
			for _, r := range reqs {
				b.handler.Go(workCtx, r)
			}
		}
	}
	b.connected.Store(false)
	stopRun()
	b.handler.Drain(b.handler.DrainTimeout(), stopWork)
	return err
}

// socketError explains why the Socket Mode client gave up.
func socketError(err error) error {
	var se slack.SlackErrorResponse
	if errors.As(err, &se) && refusedAuth(se.Err) {
		return fmt.Errorf("slack refused the Socket Mode connection (check SLACK_APP_TOKEN, its connections:write scope and that Socket Mode is on): %w", err)
	}
	return fmt.Errorf("slack socket mode: %w", err)
}

// dispatch acks evt and appends the request it carries to reqs.
func (b *Bot) dispatch(evt socketmode.Event, reqs []Request) []Request {
	switch evt.Type {
	case socketmode.EventTypeConnected:
		b.connected.Store(true)
		b.log.Info("slack connected")
	case socketmode.EventTypeConnecting:
		b.connected.Store(false)
	case socketmode.EventTypeConnectionError, socketmode.EventTypeInvalidAuth:
		b.connected.Store(false)
		b.log.Warn("slack connection problem", slog.String("event", string(evt.Type)), slog.Any("detail", evt.Data))
	case socketmode.EventTypeSlashCommand:
		received := b.now()
		cmd, ok := evt.Data.(slack.SlashCommand)
		if !ok || evt.Request == nil {
			return reqs
		}
		b.ack(evt.Request, received, nil)
		if cmd.Command != b.command {
			b.log.Warn("unexpected slash command", slog.String("command", cmd.Command))
			return reqs
		}
		reqs = append(reqs, Request{
			UserID: cmd.UserID, ChannelID: cmd.ChannelID, TeamID: cmd.TeamID,
			Text: cmd.Text, ResponseURL: cmd.ResponseURL,
			EnvelopeID: evt.Request.EnvelopeID, Received: received,
		})
	case socketmode.EventTypeInteractive:
		received := b.now()
		cb, ok := evt.Data.(slack.InteractionCallback)
		if !ok || evt.Request == nil {
			return reqs
		}
		base := Request{
			UserID: cb.User.ID, ChannelID: cb.Channel.ID, TeamID: cb.Team.ID, TriggerID: cb.TriggerID,
			EnvelopeID: evt.Request.EnvelopeID, Received: received,
		}
		// The view_submission's ack carries the handler's verdict on it.
		var form []Request
		switch cb.Type {
		case slack.InteractionTypeViewSubmission, slack.InteractionTypeViewClosed:
			if cb.View.CallbackID == actionSubmit {
				r := base
				r.Action, r.TeamID = actionClosed, cmp.Or(cb.Team.ID, cb.View.TeamID)
				if cb.Type == slack.InteractionTypeViewSubmission {
					r.Action, r.Form = actionSubmit, formOf(cb.View)
				}
				form = append(form, r)
			}
		}
		var payload any
		if len(form) == 1 {
			payload = b.handler.AckPayload(form[0])
		}
		b.ack(evt.Request, received, payload)
		switch cb.Type {
		case slack.InteractionTypeViewSubmission, slack.InteractionTypeViewClosed:
			if payload == nil {
				reqs = append(reqs, form...)
			}
		case slack.InteractionTypeShortcut:
			if cb.CallbackID == actionShortcut {
				r := base
				r.Action = actionShortcut
				reqs = append(reqs, r)
			}
		case slack.InteractionTypeMessageAction:
			if cb.CallbackID == actionMessageShortcut {
				// No response_url: the answer goes to the user's DM, where it
				// stays; Share offers the message's channel.
				r := base
				r.Action, r.Text = actionMessageShortcut, cb.Message.Text
				reqs = append(reqs, r)
			}
		case slack.InteractionTypeBlockActions:
			for _, a := range cb.ActionCallback.BlockActions {
				switch a.ActionID {
				case actionShare, actionCSV, actionOpen, actionUnwatch, actionModal:
					r := base
					r.Action, r.Value, r.ResponseURL = a.ActionID, a.Value, cb.ResponseURL
					if cb.Container.Type == "message" && !cb.Container.IsEphemeral && strings.HasPrefix(cb.Channel.ID, "D") {
						// A button on a message the bot posted in the DM: the
						// answer is a new message there, not an ephemeral one.
						r.ResponseURL = ""
					}
					reqs = append(reqs, r)
				}
			}
		}
	case socketmode.EventTypeEventsAPI:
		received := b.now()
		if evt.Request == nil {
			return reqs
		}
		b.ack(evt.Request, received, nil)
		ev, ok := evt.Data.(slackevents.EventsAPIEvent)
		if !ok {
			return reqs
		}
		if home, ok := ev.InnerEvent.Data.(*slackevents.AppHomeOpenedEvent); ok && home.Tab == "home" {
			reqs = append(reqs, Request{
				UserID: home.User, ChannelID: home.Channel, TeamID: ev.TeamID, Action: actionHome,
				EnvelopeID: evt.Request.EnvelopeID, Received: received,
			})
		}
	}
	return reqs
}

// formOf reads a submitted lookup modal's fields.
func formOf(v slack.View) *Form {
	f := &Form{Meta: v.PrivateMetadata, Runs: runsThis}
	if v.State == nil {
		return f
	}
	values := v.State.Values
	f.Target = values[blockTarget][actionTarget].Value
	f.Picked = values[blockRecent][actionRecent].SelectedOption.Value
	if r := values[blockRuns][actionRuns].SelectedOption.Value; r == runsLast {
		f.Runs = runsLast
	}
	return f
}

// ack acknowledges the envelope before anything slow, with payload (nil
// for none). A redelivered
// envelope is acked again (Slack wants that); the handler makes sure it is
// not answered twice.
func (b *Bot) ack(req *socketmode.Request, received time.Time, payload any) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	if err := b.sm.AckCtx(ctx, req.EnvelopeID, payload); err != nil {
		b.log.Warn("ack failed", slog.String("envelope_id", req.EnvelopeID), slog.Any("err", err))
	}
	b.metrics.observeAck(b.now().Sub(received))
	if req.RetryAttempt > 0 {
		b.log.Info("envelope redelivered", slog.String("envelope_id", req.EnvelopeID), slog.Int("retry_attempt", req.RetryAttempt))
	}
}
