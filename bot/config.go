package bot

import (
	"context"
	"fmt"
	"net"
	"net/url"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/sethvargo/go-envconfig"

	"github.com/attendees-bot/attendees-bot/bot/catalog"
	"github.com/attendees-bot/attendees-bot/bot/store"
	"github.com/attendees-bot/attendees-bot/formatting/attendance"
	"github.com/attendees-bot/attendees-bot/meeting"
)

// Config is every setting of the service, read from the environment. The env
// tags are the documentation: the README table and deploy/ are checked
// against them by tests.
type Config struct {
	SlackAppToken meeting.Secret `env:"SLACK_APP_TOKEN"`
	SlackBotToken meeting.Secret `env:"SLACK_BOT_TOKEN"`
	SlackAPIURL   string         `env:"SLACK_API_URL, default=https://slack.com/api/"`
	SlackCommand  string         `env:"SLACK_COMMAND, default=/attendees"`
	BotLanguage   string         `env:"BOT_LANGUAGE, default=en-US"`

	MeetingAPIURL      string         `env:"MEETING_API_URL, default=https://api.meeting.huaweicloud.com"`
	MeetingAppID       string         `env:"MEETING_APP_ID"`
	MeetingAppKey      meeting.Secret `env:"MEETING_APP_KEY"`
	MeetingUserID      string         `env:"MEETING_USER_ID"`
	MeetingCorpID      string         `env:"MEETING_CORP_ID"`
	MeetingAccount     string         `env:"MEETING_ACCOUNT"`
	MeetingPassword    meeting.Secret `env:"MEETING_PASSWORD"`
	MeetingAccessToken meeting.Secret `env:"MEETING_ACCESS_TOKEN"`
	MeetingRateLimit   float64        `env:"MEETING_RATE_LIMIT, default=10"`
	MeetingMaxInflight int            `env:"MEETING_MAX_INFLIGHT, default=16"`
	MeetingLanguage    string         `env:"MEETING_LANGUAGE, default=en-US"`
	MeetingMaxRecords  int            `env:"MEETING_MAX_RECORDS, default=100000"`
	MeetingCacheTTL    time.Duration  `env:"MEETING_CACHE_TTL, default=10m"`
	// MeetingCacheRecords bounds the cache in records (and as many
	// invitees), which is what costs memory: see README, Memory.
	MeetingCacheRecords int `env:"MEETING_CACHE_RECORDS, default=200000"`

	InlineLimit    int           `env:"INLINE_LIMIT, default=25"`
	LateAfter      time.Duration `env:"LATE_AFTER, default=5m"`
	TimeZone       string        `env:"TIME_ZONE, default=UTC"`
	Workers        int           `env:"WORKERS, default=16"`
	CommandTimeout time.Duration `env:"COMMAND_TIMEOUT, default=45s"`
	// InviteListTimeout bounds how long an answer keeps waiting for the
	// meeting's invite list after it went out.
	InviteListTimeout time.Duration `env:"INVITE_LIST_TIMEOUT, default=60s"`
	UserRateLimit     float64       `env:"USER_RATE_LIMIT, default=0.5"`

	AllowedUserIDs    []string `env:"ALLOWED_USER_IDS"`
	AllowedChannelIDs []string `env:"ALLOWED_CHANNEL_IDS"`
	AllowedTeamIDs    []string `env:"ALLOWED_TEAM_IDS"`

	StoreURL             meeting.Secret `env:"STORE_URL, default=attendees.db"` // a postgres:// URL may hold a password
	AutopostChannelID    string         `env:"AUTOPOST_CHANNEL_ID"`
	AutopostPollInterval time.Duration  `env:"AUTOPOST_POLL_INTERVAL, default=5m"`
	AutopostSettle       time.Duration  `env:"AUTOPOST_SETTLE, default=60s"`
	WebhookKey           meeting.Secret `env:"MEETING_WEBHOOK_KEY"`
	WebhookSubscriberID  string         `env:"MEETING_WEBHOOK_SUBSCRIBER_ID"`

	AuditUserIDs   []string      `env:"AUDIT_USER_IDS"`
	AuditRetention time.Duration `env:"AUDIT_RETENTION, default=4320h"` // 180 days

	HTTPAddr  string `env:"HTTP_ADDR, default=:8080"`
	LogLevel  string `env:"LOG_LEVEL, default=info"`
	LogFormat string `env:"LOG_FORMAT, default=json"`

	// Location is TimeZone loaded; set by LoadConfig.
	Location *time.Location `env:"-"`
}

// Placeholder is what the examples in deploy/ hold where a value of the
// operator's own belongs (xapp-REPLACE-ME, a STORE_URL's password). A
// variable holding it, in any letter case, is refused.
const Placeholder = "REPLACE-ME"

// Needs says which credentials a mode of the program requires.
type Needs struct {
	Slack   bool // both Slack tokens
	Meeting bool // one meeting API auth method
}

// ConfigError lists every problem found in the environment at once.
type ConfigError struct{ Problems []string }

func (e *ConfigError) Error() string {
	return "configuration: " + strings.Join(e.Problems, "; ")
}

// LoadConfig reads the environment through lookup (os.LookupEnv in
// production) and validates everything, reporting every missing or
// malformed variable in one error. Secret values never appear in it.
func LoadConfig(ctx context.Context, lookup func(string) (string, bool), needs Needs) (*Config, error) {
	var cfg Config
	var problems []string
	malformed := map[string]bool{} // variables already reported as unreadable
	// go-envconfig stops at the first bad field; decoding field by field keeps
	// the library's parsing while still reporting every bad variable at once.
	v := reflect.ValueOf(&cfg).Elem()
	t := v.Type()
	for i := range t.NumField() {
		f := t.Field(i)
		tag := f.Tag.Get("env")
		if tag == "" || tag == "-" {
			continue
		}
		name := strings.TrimSpace(strings.Split(tag, ",")[0])
		one := reflect.New(reflect.StructOf([]reflect.StructField{{Name: f.Name, Type: f.Type, Tag: f.Tag}}))
		err := envconfig.ProcessWith(ctx, &envconfig.Config{
			Target:   one.Interface(),
			Lookuper: envconfig.LookuperFunc(lookup),
		})
		if err != nil {
			problems = append(problems, fmt.Sprintf("%s is malformed (%s)", name, describe(f.Type)))
			malformed[name] = true
			continue
		}
		if raw, _ := lookup(name); strings.Contains(strings.ToUpper(raw), Placeholder) {
			// Without this, xapp-REPLACE-ME passes and the bot exits 1 at
			// connect, to be restarted, instead of 78 here. The value is
			// not repeated: with a real password beside it, it is a secret.
			problems = append(problems, fmt.Sprintf("%s still holds the placeholder %s of the examples: put the real value in its place", name, Placeholder))
			malformed[name] = true
		}
		v.Field(i).Set(one.Elem().Field(0))
	}
	for _, ids := range []*[]string{&cfg.AllowedUserIDs, &cfg.AllowedChannelIDs, &cfg.AllowedTeamIDs, &cfg.AuditUserIDs} {
		*ids = cleanList(*ids)
	}
	// A malformed variable was left at its zero value, which validate would
	// report a second time ("must be above 0"): one problem per variable.
	for _, p := range cfg.validate(needs) {
		if name, _, _ := strings.Cut(p, " "); !malformed[name] {
			problems = append(problems, p)
		}
	}
	if len(problems) > 0 {
		return nil, &ConfigError{Problems: problems}
	}
	return &cfg, nil
}

func describe(t reflect.Type) string {
	switch {
	case t == reflect.TypeOf(time.Duration(0)):
		return "want a duration like 90s or 5m"
	case t.Kind() == reflect.Int:
		return "want a whole number"
	case t.Kind() == reflect.Float64:
		return "want a number"
	default:
		return "want text"
	}
}

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

// HandlerConfig is the part of the configuration the handler uses.
func (c *Config) HandlerConfig() HandlerConfig {
	return HandlerConfig{
		Command: c.SlackCommand, InlineLimit: c.InlineLimit, Location: c.Location, Language: c.BotLanguage,
		Access: AccessConfig{
			Users: c.AllowedUserIDs, Channels: c.AllowedChannelIDs, Teams: c.AllowedTeamIDs, UserRate: c.UserRateLimit,
		},
		Workers: c.Workers, Timeout: c.CommandTimeout, MeetingRate: c.MeetingRateLimit, ButtonSecret: c.SlackBotToken, Auditors: c.AuditUserIDs,
	}
}

// LookerConfig is the part of the configuration lookups use.
func (c *Config) LookerConfig() LookerConfig {
	th := attendance.DefaultThresholds()
	th.LateAfter = c.LateAfter
	return LookerConfig{Thresholds: th, InviteWait: c.InviteListTimeout, AnalysisRecords: c.MeetingMaxRecords}
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

// MeetingOptions turns the configuration into meeting client options.
func (c *Config) MeetingOptions() []meeting.Option {
	opts := []meeting.Option{
		meeting.WithRateLimit(c.MeetingRateLimit),
		meeting.WithMaxInFlight(c.MeetingMaxInflight),
		meeting.WithLanguage(c.MeetingLanguage),
		meeting.WithMaxRecords(c.MeetingMaxRecords),
	}
	if c.MeetingCacheTTL > 0 && c.MeetingCacheRecords > 0 {
		opts = append(opts, meeting.WithCache(c.MeetingCacheRecords, c.MeetingCacheTTL))
	} else {
		opts = append(opts, meeting.WithCache(0, 0))
	}
	switch {
	case c.MeetingAppID != "":
		opts = append(opts, meeting.WithAppAuth(c.MeetingAppID, c.MeetingAppKey, c.MeetingUserID, c.MeetingCorpID))
	case c.MeetingAccount != "":
		opts = append(opts, meeting.WithAccountAuth(c.MeetingAccount, c.MeetingPassword))
	case c.MeetingAccessToken != "":
		opts = append(opts, meeting.WithStaticToken(c.MeetingAccessToken))
	}
	return opts
}

// cleanList trims every ID and drops empty ones, so "U1, U2," means U1 and U2.
func cleanList(ids []string) []string {
	var out []string
	for _, id := range ids {
		if id = strings.TrimSpace(id); id != "" {
			out = append(out, id)
		}
	}
	return out
}
