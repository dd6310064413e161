package slackfake

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// SlashCommand is a user typing a slash command. Empty fields get defaults:
// Command "/attendees", UserID "U0USER", ChannelID the first channel the bot
// is a member of, TeamID the server's, names derived from the IDs.
// ChannelID "D"+UserID is the user's DM with the bot, which the bot may then
// post to; the command is delivered whatever the channel, as Slack does even
// where the bot is not a member.
type SlashCommand struct {
	Command     string
	Text        string
	UserID      string
	UserName    string
	ChannelID   string
	ChannelName string
	TeamID      string
	TeamDomain  string
	TriggerID   string
	// IsEnterpriseInstall is sent as the string "true" or "false", as Slack
	// does.
	IsEnterpriseInstall bool
	EnterpriseID        string
}

// SlashCommand sends a slash_commands envelope with a new response_url and
// returns its envelope_id once the frame is written. It waits, bounded by
// ctx, for a live socket.
func (s *Server) SlashCommand(ctx context.Context, cmd SlashCommand) (string, error) {
	def := func(p *string, v string) {
		if *p == "" {
			*p = v
		}
	}
	def(&cmd.Command, "/attendees")
	def(&cmd.UserID, "U0USER")
	def(&cmd.UserName, "user-"+strings.ToLower(cmd.UserID))
	def(&cmd.ChannelID, s.firstMemberChannel())
	def(&cmd.ChannelName, s.channelName(cmd.ChannelID))
	def(&cmd.TeamID, s.cfg.TeamID)
	def(&cmd.TeamDomain, s.cfg.TeamDomain)
	def(&cmd.TriggerID, s.triggerID(cmd.UserID))
	if !strings.HasPrefix(cmd.Command, "/") {
		return "", fmt.Errorf("slackfake: command %q must start with /", cmd.Command)
	}
	if cmd.ChannelID == "D"+cmd.UserID {
		s.mu.Lock()
		s.channels[cmd.ChannelID] = Channel{ID: cmd.ChannelID, Name: "directmessage", Private: true, Member: true}
		s.mu.Unlock()
	}
	respURL := s.newResponseURL()
	payload := map[string]string{
		"token":                 "fake-verification-token",
		"team_id":               cmd.TeamID,
		"team_domain":           cmd.TeamDomain,
		"channel_id":            cmd.ChannelID,
		"channel_name":          cmd.ChannelName,
		"user_id":               cmd.UserID,
		"user_name":             cmd.UserName,
		"command":               cmd.Command,
		"text":                  cmd.Text,
		"api_app_id":            s.cfg.AppID,
		"is_enterprise_install": strconv.FormatBool(cmd.IsEnterpriseInstall),
		"response_url":          respURL,
		"trigger_id":            cmd.TriggerID,
	}
	if cmd.EnterpriseID != "" {
		payload["enterprise_id"] = cmd.EnterpriseID
	}
	return s.sendEnvelope(ctx, "slash_commands", payload, true, respURL)
}

// BlockAction is a user pressing a button. Empty fields get the same
// defaults as SlashCommand; ResponseURL defaults to a new response_url and
// MessageTS to a new timestamp.
type BlockAction struct {
	ActionID    string
	BlockID     string
	Value       string
	UserID      string
	UserName    string
	ChannelID   string
	ChannelName string
	TeamID      string
	ResponseURL string
	MessageTS   string
	// Ephemeral marks the message holding the button as ephemeral, as it is
	// for a reply sent through a slash command's response_url.
	Ephemeral bool
	// ViewID, when set, puts the button in that view (a Home tab or a
	// modal) instead of a message: the payload then has a view container
	// and no channel, message or response_url, as Slack sends it.
	ViewID string
}

// BlockAction sends an interactive envelope with a block_actions payload for
// one button and returns its envelope_id once the frame is written.
func (s *Server) BlockAction(ctx context.Context, a BlockAction) (string, error) {
	def := func(p *string, v string) {
		if *p == "" {
			*p = v
		}
	}
	def(&a.UserID, "U0USER")
	def(&a.UserName, "user-"+strings.ToLower(a.UserID))
	def(&a.ChannelID, s.firstMemberChannel())
	def(&a.ChannelName, s.channelName(a.ChannelID))
	def(&a.TeamID, s.cfg.TeamID)
	def(&a.BlockID, "block-"+a.ActionID)
	if a.ViewID != "" {
		return s.viewAction(ctx, a)
	}
	if a.ResponseURL == "" {
		a.ResponseURL = s.newResponseURL()
	}
	s.setOriginal(a.ResponseURL, a.Ephemeral)
	if a.MessageTS == "" {
		s.mu.Lock()
		a.MessageTS = s.tsLocked()
		s.mu.Unlock()
	}
	actionTS := fmt.Sprintf("%d.%06d", time.Now().Unix(), time.Now().Nanosecond()/1000)
	payload := map[string]any{
		"type":       "block_actions",
		"user":       map[string]any{"id": a.UserID, "username": a.UserName, "name": a.UserName, "team_id": a.TeamID},
		"api_app_id": s.cfg.AppID,
		"token":      "fake-verification-token",
		"container": map[string]any{
			"type":         "message",
			"message_ts":   a.MessageTS,
			"channel_id":   a.ChannelID,
			"is_ephemeral": a.Ephemeral,
		},
		"trigger_id":   s.triggerID(a.UserID),
		"team":         map[string]any{"id": a.TeamID, "domain": s.cfg.TeamDomain},
		"enterprise":   nil,
		"channel":      map[string]any{"id": a.ChannelID, "name": a.ChannelName},
		"message":      map[string]any{"type": "message", "ts": a.MessageTS, "user": s.cfg.BotUserID},
		"response_url": a.ResponseURL,
		"state":        map[string]any{"values": map[string]any{}},
		"actions": []map[string]any{{
			// block_id must be a string: slack-go tells block actions from
			// attachment actions by its presence.
			"action_id": a.ActionID,
			"block_id":  a.BlockID,
			"value":     a.Value,
			"type":      "button",
			"text":      map[string]any{"type": "plain_text", "text": a.ActionID, "emoji": true},
			"action_ts": actionTS,
		}},
	}
	return s.sendEnvelope(ctx, "interactive", payload, false, a.ResponseURL)
}

// triggerID hands out a new trigger_id for user, good for TriggerLife.
func (s *Server) triggerID(user string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.newTriggerLocked(user, 0)
}

func (s *Server) firstMemberChannel() string {
	for _, c := range s.cfg.Channels {
		if c.Member {
			return c.ID
		}
	}
	return "C0GENERAL"
}

func (s *Server) channelName(id string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if c, ok := s.channels[id]; ok && c.Name != "" {
		return c.Name
	}
	if strings.HasPrefix(id, "D") {
		return "directmessage"
	}
	return strings.ToLower(id)
}
