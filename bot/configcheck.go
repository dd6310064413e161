package bot

import (
	"fmt"
	"net"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/attendees-bot/attendees-bot/bot/catalog"
	"github.com/attendees-bot/attendees-bot/bot/store"
	"github.com/attendees-bot/attendees-bot/meeting"
)

// Checks on a configuration LoadConfig has read: validate, one problem per
// missing or inconsistent setting (LoadConfig reports them all at once),
// and Warnings for valid settings that are probably a mistake in
// production.

func (c *Config) validate(needs Needs) []string {
	var p []string
	add := func(format string, args ...any) { p = append(p, fmt.Sprintf(format, args...)) }

	app, bot := string(c.SlackAppToken), string(c.SlackBotToken)
	if needs.Slack || app != "" || bot != "" {
		switch {
		case app == "":
			add("SLACK_APP_TOKEN is missing (an app-level token starting with xapp-)")
		case !strings.HasPrefix(app, "xapp-"):
			add("SLACK_APP_TOKEN must start with xapp- (an app-level token with connections:write)")
		}
		switch {
		case bot == "":
			add("SLACK_BOT_TOKEN is missing (a bot token starting with xoxb-)")
		case !strings.HasPrefix(bot, "xoxb-"):
			add("SLACK_BOT_TOKEN must start with xoxb-")
		}
	}
	if u, err := url.Parse(c.SlackAPIURL); err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") || !strings.HasSuffix(c.SlackAPIURL, "/") {
		add("SLACK_API_URL must be an http(s) URL ending with /, like https://slack.com/api/")
	} else if u.User != nil {
		add("SLACK_API_URL must not contain a user name or password")
	}
	if !strings.HasPrefix(c.SlackCommand, "/") || len(c.SlackCommand) < 2 || len(c.SlackCommand) > 32 || strings.ContainsAny(c.SlackCommand, " \t") {
		add("SLACK_COMMAND must be a slash command like /attendees")
	}

	if u, err := url.Parse(c.MeetingAPIURL); err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") || u.RawQuery != "" || u.Fragment != "" {
		add("MEETING_API_URL must be an http(s) URL like %s", meeting.DefaultBaseURL)
	} else if u.User != nil {
		add("MEETING_API_URL must not contain a user name or password: the bot signs in with MEETING_APP_ID and MEETING_APP_KEY (or MEETING_ACCOUNT and MEETING_PASSWORD)")
	}
	methods := 0
	if c.MeetingAppID != "" || c.MeetingAppKey != "" {
		methods++
		if c.MeetingAppID == "" {
			add("MEETING_APP_ID is missing (MEETING_APP_KEY is set)")
		}
		if c.MeetingAppKey == "" {
			add("MEETING_APP_KEY is missing (MEETING_APP_ID is set)")
		}
	}
	if c.MeetingAccount != "" || c.MeetingPassword != "" {
		methods++
		if c.MeetingAccount == "" {
			add("MEETING_ACCOUNT is missing (MEETING_PASSWORD is set)")
		}
		if c.MeetingPassword == "" {
			add("MEETING_PASSWORD is missing (MEETING_ACCOUNT is set)")
		}
	}
	if c.MeetingAccessToken != "" {
		methods++
	}
	switch {
	case methods > 1:
		add("set only one meeting login: MEETING_APP_ID+MEETING_APP_KEY, MEETING_ACCOUNT+MEETING_PASSWORD or MEETING_ACCESS_TOKEN")
	case methods == 0 && needs.Meeting:
		add("meeting credentials are missing: set MEETING_APP_ID and MEETING_APP_KEY (or MEETING_ACCOUNT and MEETING_PASSWORD, or MEETING_ACCESS_TOKEN)")
	}
	if (c.MeetingUserID != "" || c.MeetingCorpID != "") && c.MeetingAppID == "" {
		add("MEETING_USER_ID and MEETING_CORP_ID only apply with MEETING_APP_ID")
	}
	if c.MeetingRateLimit <= 0 || c.MeetingRateLimit > 1000 {
		add("MEETING_RATE_LIMIT must be above 0 and at most 1000 requests per second")
	}
	if c.MeetingMaxInflight < 1 || c.MeetingMaxInflight > 64 {
		add("MEETING_MAX_INFLIGHT must be between 1 and 64")
	}
	if c.MeetingLanguage != "en-US" && c.MeetingLanguage != "zh-CN" {
		add("MEETING_LANGUAGE must be en-US or zh-CN")
	}
	if catalog.Supported(c.BotLanguage) != c.BotLanguage {
		add("BOT_LANGUAGE must be %s", strings.Join(catalog.Languages, " or "))
	}
	if c.MeetingMaxRecords < 1 {
		add("MEETING_MAX_RECORDS must be at least 1")
	}
	if c.MeetingCacheTTL < 0 {
		add("MEETING_CACHE_TTL must not be negative")
	}
	if c.MeetingCacheRecords < 0 {
		add("MEETING_CACHE_RECORDS must not be negative")
	}
	if c.InlineLimit < 1 || c.InlineLimit > 100 {
		add("INLINE_LIMIT must be between 1 and 100")
	}
	if c.LateAfter < 0 {
		add("LATE_AFTER must not be negative")
	}
	if loc, err := time.LoadLocation(c.TimeZone); err != nil {
		add("TIME_ZONE must be an IANA zone like UTC or Asia/Shanghai")
	} else {
		c.Location = loc
	}
	if c.Workers < 1 || c.Workers > 1024 {
		add("WORKERS must be between 1 and 1024")
	}
	if c.CommandTimeout < time.Second {
		add("COMMAND_TIMEOUT must be at least 1s")
	}
	if c.InviteListTimeout < time.Second || c.InviteListTimeout > 25*time.Minute {
		// A response_url takes edits for 30 minutes.
		add("INVITE_LIST_TIMEOUT must be between 1s and 25m")
	}
	if c.UserRateLimit <= 0 {
		add("USER_RATE_LIMIT must be above 0 commands per second")
	}
	// A slice, not a map: the problems come out in the same order every run.
	for _, l := range []struct {
		name, example string
		ids           []string
		valid         func(string) bool
	}{
		{"ALLOWED_USER_IDS", "U0123ABCD", c.AllowedUserIDs, validUserID},
		{"ALLOWED_CHANNEL_IDS", "C0123ABCD", c.AllowedChannelIDs, validChannelID},
		{"ALLOWED_TEAM_IDS", "T0123ABCD", c.AllowedTeamIDs, validTeamID},
		{"AUDIT_USER_IDS", "U0123ABCD", c.AuditUserIDs, validUserID},
	} {
		if slices.ContainsFunc(l.ids, func(id string) bool { return !l.valid(id) }) {
			add("%s must be a comma-separated list of Slack IDs like %s", l.name, l.example)
		}
	}
	if c.AutopostPollInterval < 0 {
		add("AUTOPOST_POLL_INTERVAL must be 0 (off) or a positive duration like 5m")
	}
	if c.AutopostSettle < 0 || c.AutopostSettle > time.Hour {
		add("AUTOPOST_SETTLE must be between 0s and 1h")
	}
	if c.AutopostChannelID != "" && !validChannelID(c.AutopostChannelID) {
		add("AUTOPOST_CHANNEL_ID must be a channel ID like C0123ABCD (not a #name)")
	}
	if c.WebhookSubscriberID != "" && c.WebhookKey == "" {
		add("MEETING_WEBHOOK_KEY is missing (MEETING_WEBHOOK_SUBSCRIBER_ID is set)")
	}
	if c.AuditRetention != 0 && c.AuditRetention < 24*time.Hour {
		add("AUDIT_RETENTION must be 0 (keep every row) or at least 24h, like 4320h for 180 days")
	}
	if strings.TrimSpace(c.StoreURL.Reveal()) == "" {
		add("STORE_URL must be a SQLite file path or a postgres:// URL")
	} else if _, err := store.Engine(c.StoreURL.Reveal()); err != nil {
		// The error names the scheme only: the URL may hold a password.
		add("STORE_URL: %v", err)
	}
	if problem := httpAddrProblem(c.HTTPAddr); problem != "" {
		add("HTTP_ADDR %s", problem)
	}
	switch strings.ToLower(c.LogLevel) {
	case "debug", "info", "warn", "error":
	default:
		add("LOG_LEVEL must be debug, info, warn or error")
	}
	if c.LogFormat != "json" && c.LogFormat != "text" {
		add("LOG_FORMAT must be json or text")
	}
	return p
}

// httpAddrProblem says what is wrong with a listen address like :8080 or
// 127.0.0.1:9090, or "" when nothing is. Host names are left to net.Listen.
func httpAddrProblem(addr string) string {
	_, port, err := net.SplitHostPort(addr)
	if err != nil {
		return "must be host:port or :port, like :8080"
	}
	if n, err := strconv.Atoi(port); err != nil || n < 0 || n > 65535 {
		return "must end with a port number from 0 to 65535, like :8080"
	}
	return ""
}

// minQuietPoll is the poll interval below which the history list is asked
// for so often that it eats into the meeting API quota the lookups share.
const minQuietPoll = 10 * time.Second

// Warnings lists settings that are valid but probably a mistake in
// production; the bot logs each once at start.
func (c *Config) Warnings() []string {
	var w []string
	if c.AutopostPollInterval > 0 && c.AutopostPollInterval < minQuietPoll {
		w = append(w, fmt.Sprintf("AUTOPOST_POLL_INTERVAL=%v polls the meeting API's history list more than every %v: fine for staging, but it spends the request quota (MEETING_RATE_LIMIT) that lookups share", c.AutopostPollInterval, minQuietPoll))
	}
	return w
}
