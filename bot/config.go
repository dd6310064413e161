package bot

import (
	"context"
	"fmt"
	"reflect"
	"strings"
	"time"

	"github.com/sethvargo/go-envconfig"

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
