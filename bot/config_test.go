package bot

import (
	"errors"
	"maps"
	"strings"
	"testing"
	"time"

	"github.com/attendees-bot/attendees-bot/meeting"
)

func env(m map[string]string) func(string) (string, bool) {
	return func(k string) (string, bool) { v, ok := m[k]; return v, ok }
}

func TestLoadConfigDefaults(t *testing.T) {
	cfg, err := LoadConfig(t.Context(), env(map[string]string{
		"SLACK_APP_TOKEN": "xapp-1", "SLACK_BOT_TOKEN": "xoxb-1",
		"MEETING_APP_ID": "app", "MEETING_APP_KEY": "key",
		"ALLOWED_USER_IDS": " U1, U2 ,,", "AUDIT_USER_IDS": "U0ADMIN,",
	}), Needs{Slack: true, Meeting: true})
	if err != nil {
		t.Fatalf("LoadConfig: %v", err)
	}
	checks := []struct {
		name      string
		got, want any
	}{
		{"SlackAPIURL", cfg.SlackAPIURL, "https://slack.com/api/"},
		{"SlackCommand", cfg.SlackCommand, "/attendees"},
		{"MeetingAPIURL", cfg.MeetingAPIURL, "https://api.meeting.huaweicloud.com"},
		{"MeetingRateLimit", cfg.MeetingRateLimit, 10.0},
		{"MeetingMaxInflight", cfg.MeetingMaxInflight, 16},
		{"MeetingLanguage", cfg.MeetingLanguage, "en-US"},
		{"InlineLimit", cfg.InlineLimit, 25},
		{"LateAfter", cfg.LateAfter, 5 * time.Minute},
		{"HTTPAddr", cfg.HTTPAddr, ":8080"},
		{"Workers", cfg.Workers, 16},
		{"Location", cfg.Location, time.UTC},
		{"AllowedUserIDs", strings.Join(cfg.AllowedUserIDs, "|"), "U1|U2"},
		{"AllowedTeamIDs", len(cfg.AllowedTeamIDs), 0},
		{"AuditUserIDs", strings.Join(cfg.AuditUserIDs, "|"), "U0ADMIN"},
		{"AuditRetention", cfg.AuditRetention, 180 * 24 * time.Hour},
		{"MeetingCacheRecords", cfg.MeetingCacheRecords, meeting.DefaultCacheRecords},
		{"LookerConfig.AnalysisRecords", cfg.LookerConfig().AnalysisRecords, cfg.MeetingMaxRecords},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s = %v; want %v", c.name, c.got, c.want)
		}
	}
}

func TestLoadConfigReportsEverything(t *testing.T) {
	secret := "xoxp-super-secret-value"
	_, err := LoadConfig(t.Context(), env(map[string]string{
		"SLACK_BOT_TOKEN":      secret,
		"MEETING_RATE_LIMIT":   "fast",
		"MEETING_MAX_INFLIGHT": "0",
		"INLINE_LIMIT":         "many",
		"LATE_AFTER":           "5 minutes",
		"MEETING_LANGUAGE":     "fr-FR",
		"BOT_LANGUAGE":         "zh",
		"TIME_ZONE":            "Mars/Olympus",
		"LOG_FORMAT":           "xml",
		"SLACK_API_URL":        "https://slack.com/api",
		"MEETING_ACCOUNT":      "me",
		"AUDIT_RETENTION":      "90m",
		"AUDIT_USER_IDS":       "U1,<@U2>",
	}), Needs{Slack: true, Meeting: true})
	var ce *ConfigError
	if !errors.As(err, &ce) {
		t.Fatalf("LoadConfig error = %v; want *ConfigError", err)
	}
	msg := err.Error()
	for _, want := range []string{
		"SLACK_APP_TOKEN is missing", "SLACK_BOT_TOKEN must start with xoxb-", "MEETING_RATE_LIMIT is malformed",
		"MEETING_MAX_INFLIGHT must be between", "INLINE_LIMIT is malformed", "LATE_AFTER is malformed",
		"MEETING_LANGUAGE must be", "BOT_LANGUAGE must be en-US or zh-CN", "TIME_ZONE must be", "LOG_FORMAT must be", "SLACK_API_URL must be",
		"MEETING_PASSWORD is missing", "AUDIT_RETENTION must be 0", "AUDIT_USER_IDS must be",
	} {
		if !strings.Contains(msg, want) {
			t.Errorf("error does not mention %q:\n%s", want, msg)
		}
	}
	if strings.Contains(msg, secret) {
		t.Errorf("error echoes a secret: %s", msg)
	}
}

func TestLoadConfigNeeds(t *testing.T) {
	tests := []struct {
		name    string
		env     map[string]string
		needs   Needs
		wantErr string
	}{
		{"demo needs nothing", nil, Needs{}, ""},
		{"lookup needs meeting", nil, Needs{Meeting: true}, "meeting credentials are missing"},
		{"static token is enough", map[string]string{"MEETING_ACCESS_TOKEN": "t"}, Needs{Meeting: true}, ""},
		{"two logins", map[string]string{"MEETING_ACCESS_TOKEN": "t", "MEETING_ACCOUNT": "a", "MEETING_PASSWORD": "p"}, Needs{Meeting: true}, "set only one meeting login"},
		{"half slack", map[string]string{"SLACK_APP_TOKEN": "xapp-1"}, Needs{}, "SLACK_BOT_TOKEN is missing"},
		{"app token prefix", map[string]string{"SLACK_APP_TOKEN": "xoxb-1", "SLACK_BOT_TOKEN": "xoxb-1"}, Needs{}, "SLACK_APP_TOKEN must start with xapp-"},
		{"user id without app", map[string]string{"MEETING_USER_ID": "u", "MEETING_ACCESS_TOKEN": "t"}, Needs{Meeting: true}, "only apply with MEETING_APP_ID"},
		{"bad command", map[string]string{"SLACK_COMMAND": "attendees"}, Needs{}, "SLACK_COMMAND must be"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := LoadConfig(t.Context(), env(tt.env), tt.needs)
			switch {
			case tt.wantErr == "" && err != nil:
				t.Fatalf("LoadConfig: %v", err)
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
				t.Fatalf("LoadConfig error = %v; want it to mention %q", err, tt.wantErr)
			}
		})
	}
}

func TestLoadConfigRefusesMalformedValues(t *testing.T) {
	base := map[string]string{"SLACK_APP_TOKEN": "xapp-1", "SLACK_BOT_TOKEN": "xoxb-1", "MEETING_ACCESS_TOKEN": "t"}
	tests := []struct {
		key, value, want string
	}{
		{"HTTP_ADDR", "nonsense", "HTTP_ADDR must be host:port"},
		{"HTTP_ADDR", ":http-alt", "HTTP_ADDR must end with a port number"},
		{"HTTP_ADDR", ":70000", "HTTP_ADDR must end with a port number"},
		{"STORE_URL", "mysql://bot:hunter2@db.example/attendees", `STORE_URL: scheme "mysql" is not supported`},
		{"STORE_URL", "redis://db.example", `scheme "redis" is not supported`},
		// libpq's keyword/value form is not a file name.
		{"STORE_URL", "host=db.example port=5432 user=bot password=hunter2 dbname=attendees sslmode=require", "write it as a postgres:// URL"},
		{"STORE_URL", "dbname=attendees host=/run/postgresql", "write it as a postgres:// URL"},
		{"STORE_URL", "  password='hunter2' host=db.example", "write it as a postgres:// URL"},
		{"MEETING_RATE_LIMIT", "0", "MEETING_RATE_LIMIT must be above 0"},
		{"MEETING_CACHE_RECORDS", "-1", "MEETING_CACHE_RECORDS must not be negative"},
		{"MEETING_API_URL", "http://user:hunter2@meeting.example", "MEETING_API_URL must not contain a user name or password"},
		{"SLACK_API_URL", "https://user:hunter2@slack.example/api/", "SLACK_API_URL must not contain a user name or password"},
		{"ALLOWED_USER_IDS", "U1,U2><!channel>", "ALLOWED_USER_IDS must be a comma-separated list"},
		{"ALLOWED_CHANNEL_IDS", "general", "ALLOWED_CHANNEL_IDS must be a comma-separated list"},
		{"AUTOPOST_CHANNEL_ID", "#general", "AUTOPOST_CHANNEL_ID must be a channel ID"},
		// The examples' placeholders (deploy/*.example, the ConfigMap).
		{"SLACK_APP_TOKEN", "xapp-REPLACE-ME", "SLACK_APP_TOKEN still holds the placeholder REPLACE-ME of the examples"},
		{"SLACK_BOT_TOKEN", "xoxb-REPLACE-ME", "SLACK_BOT_TOKEN still holds the placeholder"},
		{"MEETING_ACCESS_TOKEN", "replace-me", "MEETING_ACCESS_TOKEN still holds the placeholder"},
		{"STORE_URL", "postgres://attendees:REPLACE-ME@postgres.example.internal:5432/attendees?sslmode=require", "STORE_URL still holds the placeholder"},
		{"MEETING_WEBHOOK_KEY", "REPLACE-ME-hunter2", "MEETING_WEBHOOK_KEY still holds the placeholder"},
	}
	for _, tt := range tests {
		t.Run(tt.key+"="+tt.value, func(t *testing.T) {
			e := maps.Clone(base)
			e[tt.key] = tt.value
			_, err := LoadConfig(t.Context(), env(e), Needs{Slack: true, Meeting: true})
			var ce *ConfigError
			if !errors.As(err, &ce) || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("LoadConfig(%s=%s) = %v; want a problem saying %q", tt.key, tt.value, err, tt.want)
			}
			if len(ce.Problems) != 1 {
				t.Errorf("%d problems %q; want exactly one", len(ce.Problems), ce.Problems)
			}
			if strings.Contains(err.Error(), "hunter2") || (strings.Contains(strings.ToUpper(tt.value), Placeholder) && strings.Contains(err.Error(), tt.value)) {
				t.Errorf("the error echoes a password: %v", err)
			}
		})
	}
	for _, ok := range []string{":8080", "127.0.0.1:9090", "[::1]:0", "localhost:8080"} {
		e := map[string]string{"HTTP_ADDR": ok}
		for k, v := range base {
			e[k] = v
		}
		if _, err := LoadConfig(t.Context(), env(e), Needs{}); err != nil {
			t.Errorf("HTTP_ADDR=%s refused: %v", ok, err)
		}
	}
}

// Every problem is reported once, in the same order on every run (the
// order of the fields in Config).
func TestLoadConfigProblemsAreStable(t *testing.T) {
	bad := env(map[string]string{
		"ALLOWED_USER_IDS": "a b", "ALLOWED_CHANNEL_IDS": "c d", "ALLOWED_TEAM_IDS": "e f",
		"MEETING_RATE_LIMIT": "0", "HTTP_ADDR": "nonsense", "STORE_URL": "mysql://x",
		"LOG_LEVEL": "loud", "WORKERS": "0", "INLINE_LIMIT": "0",
		// Unreadable, and so left at a zero value validation would refuse too.
		"MEETING_MAX_INFLIGHT": "x", "COMMAND_TIMEOUT": "soon", "USER_RATE_LIMIT": "fast",
	})
	_, first := LoadConfig(t.Context(), bad, Needs{Slack: true, Meeting: true})
	if first == nil {
		t.Fatal("bad configuration accepted")
	}
	for range 20 {
		_, err := LoadConfig(t.Context(), bad, Needs{Slack: true, Meeting: true})
		if err.Error() != first.Error() {
			t.Fatalf("problems changed between runs:\n%v\n%v", first, err)
		}
	}
	var ce *ConfigError
	errors.As(first, &ce)
	seen := map[string]bool{}
	for _, p := range ce.Problems {
		if seen[p] {
			t.Errorf("problem reported twice: %q", p)
		}
		seen[p] = true
	}
	for _, v := range []string{"ALLOWED_USER_IDS", "ALLOWED_CHANNEL_IDS", "ALLOWED_TEAM_IDS", "MEETING_RATE_LIMIT", "HTTP_ADDR", "STORE_URL", "LOG_LEVEL", "WORKERS", "INLINE_LIMIT", "MEETING_MAX_INFLIGHT", "COMMAND_TIMEOUT", "USER_RATE_LIMIT"} {
		n := 0
		for _, p := range ce.Problems {
			if strings.HasPrefix(p, v+" ") || strings.HasPrefix(p, v+":") {
				n++
			}
		}
		if n != 1 {
			t.Errorf("%s is named by %d problems; want 1:\n%s", v, n, strings.Join(ce.Problems, "\n"))
		}
	}
}

// TestPollIntervalAnyPositive: a staging set-up may poll every second;
// below 10 s the configuration carries one warning, at or above none, and
// a negative interval is refused.
func TestPollIntervalAnyPositive(t *testing.T) {
	tests := []struct {
		value    string
		warnings int
		problem  bool
	}{
		{"1s", 1, false}, {"500ms", 1, false}, {"10s", 0, false}, {"5m", 0, false}, {"0", 0, false}, {"-1s", 0, true},
	}
	for _, tt := range tests {
		cfg, err := LoadConfig(t.Context(), env(map[string]string{"AUTOPOST_POLL_INTERVAL": tt.value}), Needs{})
		if tt.problem {
			if err == nil || !strings.Contains(err.Error(), "AUTOPOST_POLL_INTERVAL must be 0 (off) or a positive duration") {
				t.Errorf("AUTOPOST_POLL_INTERVAL=%s: %v; want it refused", tt.value, err)
			}
			continue
		}
		if err != nil {
			t.Fatalf("AUTOPOST_POLL_INTERVAL=%s: %v", tt.value, err)
		}
		w := cfg.Warnings()
		if len(w) != tt.warnings || (len(w) == 1 && !strings.Contains(w[0], "quota")) {
			t.Errorf("AUTOPOST_POLL_INTERVAL=%s warnings = %q; want %d about the quota", tt.value, w, tt.warnings)
		}
	}
}
