package bot

import (
	"net/url"
	"regexp"
)

// Slack IDs are an upper-case letter saying what the thing is followed by
// upper-case letters and digits. IDs and URLs in a payload come from Slack,
// but they are checked anyway: a user ID is written raw into mrkdwn
// (<@U123> mentions), so one like "U1><!channel>" would ping a channel.
var (
	userIDShape    = regexp.MustCompile(`^[UW][A-Z0-9]{1,31}$`)
	channelIDShape = regexp.MustCompile(`^[CDG][A-Z0-9]{1,31}$`)
	teamIDShape    = regexp.MustCompile(`^[TE][A-Z0-9]{1,31}$`)
)

func validUserID(id string) bool    { return userIDShape.MatchString(id) }
func validChannelID(id string) bool { return channelIDShape.MatchString(id) }
func validTeamID(id string) bool    { return teamIDShape.MatchString(id) }

// requestProblem says why req cannot be served as it came, or "" when it
// can. A slash command comes from a channel and is answered through its
// response_url: without a usable one it could never be answered, so it is
// turned away before any work is done. The other requests may come from no
// channel (a shortcut, the Home tab) and without a response_url: their
// answer goes to the user's DM.
func requestProblem(req Request) string {
	slash := req.Action == ""
	switch {
	case !validUserID(req.UserID):
		return "user ID is not a Slack user ID"
	case (slash || req.ChannelID != "") && !validChannelID(req.ChannelID):
		return "channel ID is not a Slack channel ID"
	case req.TeamID != "" && !validTeamID(req.TeamID):
		return "team ID is not a Slack team ID"
	}
	if !slash && req.ResponseURL == "" {
		return ""
	}
	u, err := url.Parse(req.ResponseURL)
	if req.ResponseURL == "" || err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return "no usable response_url"
	}
	return ""
}
