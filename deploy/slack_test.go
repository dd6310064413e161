package deploy_test

import (
	"go/ast"
	"go/token"
	"maps"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/slack-go/slack"

	"github.com/attendees-bot/attendees-bot/bot/slackfake"
)

// scopeFor maps the slack.Client methods the code may call to the bot scopes
// each needs (none for nil). A call to a method missing here fails the test:
// add it with its scope (see api.slack.com/methods) and update the manifest.
var scopeFor = map[string][]string{
	"PostMessage": {"chat:write"}, "PostMessageContext": {"chat:write"},
	"SendMessage": {"chat:write"}, "SendMessageContext": {"chat:write"},
	"PostEphemeral": {"chat:write"}, "PostEphemeralContext": {"chat:write"},
	"UpdateMessage": {"chat:write"}, "UpdateMessageContext": {"chat:write"},
	"OpenConversation": {"im:write"}, "OpenConversationContext": {"im:write"},
	"UploadFile": {"files:write"}, "UploadFileContext": {"files:write"},
	"GetUploadURLExternal": {"files:write"}, "GetUploadURLExternalContext": {"files:write"},
	"CompleteUploadExternal": {"files:write"}, "CompleteUploadExternalContext": {"files:write"},
	"GetUserInfo": {"users:read"}, "GetUserInfoContext": {"users:read"},
	"GetUsersInfo": {"users:read"}, "GetUsersInfoContext": {"users:read"},
	"GetConversationInfo": {"channels:read"}, "GetConversationInfoContext": {"channels:read"},
	// Automatic posts go to public and private channels, and the history of
	// each kind needs its own scope.
	"GetConversationHistory": {"channels:history", "groups:history"}, "GetConversationHistoryContext": {"channels:history", "groups:history"},
	"AuthTest": nil, "AuthTestContext": nil,
	"OpenView": nil, "OpenViewContext": nil, "UpdateView": nil, "UpdateViewContext": nil,
	"PushView": nil, "PushViewContext": nil, "PublishView": nil, "PublishViewContext": nil,
	// Names shared with other types in the code (logging, the meeting
	// client's Search); search.* needs a user token, which the bot has not.
	"Debug": nil, "Debugf": nil, "Debugln": nil, "Search": nil, "SearchContext": nil,
}

// slackCalls returns the names of slack.Client methods called by the
// program's non-test code (fakes excluded).
func slackCalls(t *testing.T) []string {
	t.Helper()
	methods := map[string]bool{}
	for _, typ := range []reflect.Type{reflect.TypeFor[*slack.Client]()} {
		for m := range typ.Methods() {
			methods[m.Name] = true
		}
	}
	called := map[string]bool{}
	inspectProgram(t, true, func(n ast.Node) bool {
		if call, ok := n.(*ast.CallExpr); ok {
			if sel, ok := call.Fun.(*ast.SelectorExpr); ok && methods[sel.Sel.Name] {
				called[sel.Sel.Name] = true
			}
		}
		return true
	})
	return slices.Sorted(maps.Keys(called))
}

func TestSlackManifest(t *testing.T) {
	var m struct {
		DisplayInformation struct {
			Name        string `yaml:"name"`
			Description string `yaml:"description"`
		} `yaml:"display_information"`
		Features struct {
			BotUser *struct {
				DisplayName string `yaml:"display_name"`
			} `yaml:"bot_user"`
			SlashCommands []map[string]any `yaml:"slash_commands"`
			Shortcuts     []struct {
				Name        string `yaml:"name"`
				Type        string `yaml:"type"`
				CallbackID  string `yaml:"callback_id"`
				Description string `yaml:"description"`
			} `yaml:"shortcuts"`
			AppHome struct {
				HomeTabEnabled bool `yaml:"home_tab_enabled"`
			} `yaml:"app_home"`
		} `yaml:"features"`
		OAuthConfig struct {
			Scopes struct {
				Bot  []string `yaml:"bot"`
				User []string `yaml:"user"`
			} `yaml:"scopes"`
		} `yaml:"oauth_config"`
		Settings struct {
			SocketModeEnabled bool `yaml:"socket_mode_enabled"`
			Interactivity     struct {
				IsEnabled  bool   `yaml:"is_enabled"`
				RequestURL string `yaml:"request_url"`
			} `yaml:"interactivity"`
			TokenRotationEnabled bool `yaml:"token_rotation_enabled"`
			EventSubscriptions   struct {
				BotEvents []string `yaml:"bot_events"`
			} `yaml:"event_subscriptions"`
		} `yaml:"settings"`
	}
	decodeYAML(t, &m, "deploy", "slack-app-manifest.yaml")

	if n := len(m.DisplayInformation.Name); n < 1 || n > 35 {
		t.Errorf("display_information.name %q: want 1-35 characters", m.DisplayInformation.Name)
	}
	if n := len(m.DisplayInformation.Description); n > 140 {
		t.Errorf("display_information.description is %d characters; want at most 140", n)
	}
	if m.Features.BotUser == nil || m.Features.BotUser.DisplayName == "" {
		t.Error("features.bot_user.display_name is missing")
	}
	if !m.Settings.SocketModeEnabled {
		t.Error("settings.socket_mode_enabled: want true")
	}
	if !m.Settings.Interactivity.IsEnabled || m.Settings.Interactivity.RequestURL != "" {
		t.Error("settings.interactivity: want is_enabled true and no request_url (Socket Mode)")
	}
	if m.Settings.TokenRotationEnabled {
		t.Error("settings.token_rotation_enabled: want false (the bot cannot refresh its token)")
	}

	if len(m.Features.SlashCommands) != 1 {
		t.Fatalf("%d slash commands; want 1", len(m.Features.SlashCommands))
	}
	cmd := m.Features.SlashCommands[0]
	if want := configVars(t)["SLACK_COMMAND"].Default; cmd["command"] != want {
		t.Errorf("slash command %v; want the SLACK_COMMAND default %q", cmd["command"], want)
	}
	for _, key := range []string{"description", "usage_hint"} {
		if s, _ := cmd[key].(string); s == "" {
			t.Errorf("slash command has no %s", key)
		}
	}
	// The hint is what Slack shows while the command is typed, often the
	// only usage a phone user sees: every form of a lookup (README's usage
	// table), within Slack's 1,000 characters.
	hint, _ := cmd["usage_hint"].(string)
	if n := len(hint); n > 1000 {
		t.Errorf("usage_hint is %d characters; Slack allows 1,000", n)
	}
	for _, form := range []string{"meeting ID", "conference UUID", "subject words", "last N", "csv", "search:", "watch", "watching"} {
		if !strings.Contains(hint, form) {
			t.Errorf("usage_hint %q does not mention %q", hint, form)
		}
	}
	if _, ok := cmd["url"]; ok {
		t.Error("slash command has a url; Socket Mode needs none")
	}
	if cmd["should_escape"] != false {
		t.Errorf("slash command should_escape = %v; want false", cmd["should_escape"])
	}

	// Shortcuts: a global and a message one, whose callback IDs the code
	// answers; the Home tab with the event that publishes it.
	literals := programStrings(t)
	types := map[string]bool{}
	for _, sc := range m.Features.Shortcuts {
		types[sc.Type] = true
		if !literals[sc.CallbackID] {
			t.Errorf("shortcut callback_id %q is not in the code", sc.CallbackID)
		}
		if n := len(sc.Name); n < 1 || n > 24 || sc.Description == "" || len(sc.Description) > 80 {
			t.Errorf("shortcut %q: want a name of 1-24 and a description of 1-80 characters", sc.CallbackID)
		}
	}
	if len(m.Features.Shortcuts) != 2 || !types["global"] || !types["message"] {
		t.Errorf("shortcuts %+v; want one global and one message shortcut", m.Features.Shortcuts)
	}
	if !m.Features.AppHome.HomeTabEnabled || !slices.Contains(m.Settings.EventSubscriptions.BotEvents, "app_home_opened") || !literals["app_home_opened"] {
		t.Error("the Home tab needs home_tab_enabled, the app_home_opened bot event and code answering it")
	}

	// Bot scopes: exactly what the code needs.
	want := map[string]bool{"commands": true}
	for _, name := range slackCalls(t) {
		scopes, ok := scopeFor[name]
		if !ok {
			t.Errorf("the code calls slack.Client.%s: add it to scopeFor with its scope", name)
			continue
		}
		for _, scope := range scopes {
			want[scope] = true
		}
	}
	if got := slices.Sorted(slices.Values(m.OAuthConfig.Scopes.Bot)); !slices.Equal(got, slices.Sorted(maps.Keys(want))) {
		t.Errorf("bot scopes %v; the code needs exactly %v", got, slices.Sorted(maps.Keys(want)))
	}
	// The fake Slack grants the manifest's scopes, so tests see the
	// missing_scope a real install would give.
	if got := slices.Sorted(slices.Values(slackfake.DefaultScopes())); !slices.Equal(got, slices.Sorted(slices.Values(m.OAuthConfig.Scopes.Bot))) {
		t.Errorf("slackfake.DefaultScopes() = %v; want the manifest's %v", got, m.OAuthConfig.Scopes.Bot)
	}
	if len(m.OAuthConfig.Scopes.User) > 0 {
		t.Errorf("user scopes %v; want none", m.OAuthConfig.Scopes.User)
	}
}

// programStrings returns the string literals of the program's non-test code.
func programStrings(t *testing.T) map[string]bool {
	t.Helper()
	out := map[string]bool{}
	inspectProgram(t, true, func(n ast.Node) bool {
		if lit, ok := n.(*ast.BasicLit); ok && lit.Kind == token.STRING {
			if s, err := strconv.Unquote(lit.Value); err == nil {
				out[s] = true
			}
		}
		return true
	})
	return out
}
