package slackfake

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/slack-go/slack"
)

// Shortcut is a user choosing one of the app's shortcuts: a global one
// (from the composer or search, with no channel) or, with ChannelID set, a
// message shortcut on a message in that channel. Empty fields get the
// defaults of SlashCommand.
type Shortcut struct {
	CallbackID string
	UserID     string
	TeamID     string
	// ChannelID, MessageText, MessageTS and MessageUser describe the message
	// of a message shortcut; MessageTS defaults to a new timestamp.
	ChannelID   string
	MessageText string
	MessageTS   string
	MessageUser string
	// TriggerAge is how long ago Slack issued the trigger_id: past
	// TriggerLife, views.open refuses it with expired_trigger_id, as it
	// does when an app answers late.
	TriggerAge time.Duration
}

// Shortcut sends an interactive envelope with a shortcut (no ChannelID) or
// message_action payload and returns its envelope_id and trigger_id.
func (s *Server) Shortcut(ctx context.Context, sc Shortcut) (envelopeID, triggerID string, err error) {
	sc.UserID = cmp.Or(sc.UserID, "U0USER")
	sc.TeamID = cmp.Or(sc.TeamID, s.cfg.TeamID)
	s.mu.Lock()
	triggerID = s.newTriggerLocked(sc.UserID, sc.TriggerAge)
	s.mu.Unlock()
	payload := map[string]any{
		"token":                 "fake-verification-token",
		"action_ts":             actionTS(),
		"team":                  map[string]any{"id": sc.TeamID, "domain": s.cfg.TeamDomain},
		"user":                  map[string]any{"id": sc.UserID, "username": "user-" + strings.ToLower(sc.UserID), "team_id": sc.TeamID},
		"api_app_id":            s.cfg.AppID,
		"is_enterprise_install": false,
		"enterprise":            nil,
		"callback_id":           sc.CallbackID,
		"trigger_id":            triggerID,
	}
	respURL := ""
	if sc.ChannelID == "" {
		payload["type"] = "shortcut"
	} else {
		if sc.MessageTS == "" {
			s.mu.Lock()
			sc.MessageTS = s.tsLocked()
			s.mu.Unlock()
		}
		respURL = s.newResponseURL()
		payload["type"] = "message_action"
		payload["channel"] = map[string]any{"id": sc.ChannelID, "name": s.channelName(sc.ChannelID)}
		payload["message_ts"] = sc.MessageTS
		payload["message"] = map[string]any{
			"type": "message", "user": cmp.Or(sc.MessageUser, "U0AUTHOR"), "ts": sc.MessageTS, "text": sc.MessageText,
		}
		payload["response_url"] = respURL
	}
	envelopeID, err = s.sendInteractive(ctx, payload, respURL, "")
	return envelopeID, triggerID, err
}

// Value is what a user entered in one input of a modal: text for a
// plain_text_input, the value of the chosen option for a select or radio
// buttons.
type Value struct {
	BlockID, ActionID string
	Text              string
}

// SubmitView sends a view_submission of the open modal viewID by userID
// with values (inputs not named are submitted empty, as Slack does) and
// returns its envelope_id. It is an error for a value to name an input the
// modal does not have or an option it does not offer.
func (s *Server) SubmitView(ctx context.Context, viewID, userID string, values ...Value) (string, error) {
	s.mu.Lock()
	v := s.viewLocked(viewID)
	if v == nil || v.Type != "modal" {
		s.mu.Unlock()
		return "", fmt.Errorf("slackfake: no modal %q to submit", viewID)
	}
	inputs, err := inputsLocked(v)
	if err != nil {
		s.mu.Unlock()
		return "", err
	}
	state := map[string]any{}
	for _, in := range inputs {
		action, options := inputElement(in)
		entry := map[string]any{"type": string(in.Element.ElementType())}
		var given *Value
		for i := range values {
			if values[i].BlockID == in.BlockID && values[i].ActionID == action {
				given = &values[i]
			}
		}
		switch {
		case options == nil && given != nil:
			entry["value"] = given.Text
		case options == nil:
			entry["value"] = nil
		case given != nil:
			var found *slack.OptionBlockObject
			for _, o := range options {
				if o.Value == given.Text {
					found = o
				}
			}
			if found == nil {
				s.mu.Unlock()
				return "", fmt.Errorf("slackfake: input %s/%s offers no option %q", in.BlockID, action, given.Text)
			}
			entry["selected_option"] = found
		default:
			entry["selected_option"] = nil
		}
		state[in.BlockID] = map[string]any{action: entry}
	}
	for _, val := range values {
		if _, ok := state[val.BlockID].(map[string]any)[val.ActionID]; !ok {
			s.mu.Unlock()
			return "", fmt.Errorf("slackfake: the modal has no input %s/%s", val.BlockID, val.ActionID)
		}
	}
	v.closed = true // until an errors ack keeps it open
	view := viewJSON(v.View)
	view["state"] = map[string]any{"values": state}
	trigger := s.newTriggerLocked(userID, 0)
	s.mu.Unlock()
	payload := map[string]any{
		"type":       "view_submission",
		"token":      "fake-verification-token",
		"team":       map[string]any{"id": s.cfg.TeamID, "domain": s.cfg.TeamDomain},
		"user":       map[string]any{"id": userID, "username": "user-" + strings.ToLower(userID), "team_id": s.cfg.TeamID},
		"api_app_id": s.cfg.AppID,
		"trigger_id": trigger,
		"view":       view,
		"hash":       v.Hash,
	}
	return s.sendInteractive(ctx, payload, "", viewID)
}

// CloseView sends the view_closed of modal viewID, which Slack sends only
// for a view opened with notify_on_close; for others it is an error.
func (s *Server) CloseView(ctx context.Context, viewID, userID string) (string, error) {
	s.mu.Lock()
	v := s.viewLocked(viewID)
	if v == nil || !v.NotifyOnClose {
		s.mu.Unlock()
		return "", fmt.Errorf("slackfake: view %q was not opened with notify_on_close; Slack sends no view_closed", viewID)
	}
	v.closed = true
	view := viewJSON(v.View)
	s.mu.Unlock()
	payload := map[string]any{
		"type":       "view_closed",
		"token":      "fake-verification-token",
		"team":       map[string]any{"id": s.cfg.TeamID, "domain": s.cfg.TeamDomain},
		"user":       map[string]any{"id": userID, "team_id": s.cfg.TeamID},
		"api_app_id": s.cfg.AppID,
		"view":       view,
		"is_cleared": false,
	}
	return s.sendInteractive(ctx, payload, "", "")
}

// viewAction is a button pressed in a view (Home tab or modal).
func (s *Server) viewAction(ctx context.Context, a BlockAction) (string, error) {
	s.mu.Lock()
	v := s.viewLocked(a.ViewID)
	if v == nil {
		s.mu.Unlock()
		return "", fmt.Errorf("slackfake: no view %q holds a button", a.ViewID)
	}
	view := viewJSON(v.View)
	trigger := s.newTriggerLocked(a.UserID, 0)
	s.mu.Unlock()
	payload := map[string]any{
		"type":       "block_actions",
		"user":       map[string]any{"id": a.UserID, "username": a.UserName, "name": a.UserName, "team_id": a.TeamID},
		"api_app_id": s.cfg.AppID,
		"token":      "fake-verification-token",
		"container":  map[string]any{"type": "view", "view_id": a.ViewID},
		"trigger_id": trigger,
		"team":       map[string]any{"id": a.TeamID, "domain": s.cfg.TeamDomain},
		"enterprise": nil,
		"view":       view,
		"actions": []map[string]any{{
			"action_id": a.ActionID, "block_id": a.BlockID, "value": a.Value, "type": "button",
			"text":      map[string]any{"type": "plain_text", "text": a.ActionID, "emoji": true},
			"action_ts": actionTS(),
		}},
	}
	return s.sendInteractive(ctx, payload, "", "")
}

// AppHomeOpened sends the events_api envelope of userID opening the app's
// Home tab (with the Home view published for them, if any) and returns its
// envelope_id.
func (s *Server) AppHomeOpened(ctx context.Context, userID string) (string, error) {
	s.mu.Lock()
	event := map[string]any{
		"type": "app_home_opened", "user": userID, "channel": "D" + userID, "tab": "home", "event_ts": actionTS(),
	}
	for _, v := range s.views {
		if v.Type == "home" && v.UserID == userID {
			event["view"] = viewJSON(v.View)
		}
	}
	n := s.nextLocked()
	s.mu.Unlock()
	payload := map[string]any{
		"token": "fake-verification-token", "team_id": s.cfg.TeamID, "api_app_id": s.cfg.AppID,
		"event": event, "type": "event_callback", "event_id": fmt.Sprintf("Ev%08d", n),
		"event_time": time.Now().Unix(),
		"authorizations": []map[string]any{{
			"team_id": s.cfg.TeamID, "user_id": s.cfg.BotUserID, "is_bot": true, "is_enterprise_install": false,
		}},
	}
	return s.SendEnvelope(ctx, "events_api", payload, false)
}

func (s *Server) sendInteractive(ctx context.Context, payload map[string]any, responseURL, viewID string) (string, error) {
	raw, err := json.Marshal(payload)
	if err != nil {
		return "", fmt.Errorf("slackfake: marshal payload: %w", err)
	}
	env := &envelope{
		id: randomID(), typ: "interactive", responseURL: responseURL, viewID: viewID,
		frame: map[string]any{"type": "interactive", "payload": json.RawMessage(raw), "accepts_response_payload": false},
	}
	env.kind, _ = payload["type"].(string)
	return s.send(ctx, env)
}

func actionTS() string {
	now := time.Now()
	return fmt.Sprintf("%d.%06d", now.Unix(), now.Nanosecond()/1000)
}
