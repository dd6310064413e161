package deploy_test

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/attendees-bot/attendees-bot/bot"
)

// composeFile is the part of docker-compose.yml the tests read.
type composeFile struct {
	Services map[string]struct {
		Image string `yaml:"image"`
		Build *struct {
			Context    string `yaml:"context"`
			Dockerfile string `yaml:"dockerfile"`
		} `yaml:"build"`
		Environment map[string]string `yaml:"environment"`
		EnvFile     []string          `yaml:"env_file"`
		DependsOn   map[string]struct {
			Condition string `yaml:"condition"`
		} `yaml:"depends_on"`
		Healthcheck *struct {
			Test []string `yaml:"test"`
		} `yaml:"healthcheck"`
		ReadOnly        bool   `yaml:"read_only"`
		StopGracePeriod string `yaml:"stop_grace_period"`
	} `yaml:"services"`
}

func TestCompose(t *testing.T) {
	vars := configVars(t)
	var c composeFile
	decodeYAML(t, &c, "deploy", "docker-compose.yml")

	pg, ok := c.Services["postgres"]
	if !ok || !strings.HasPrefix(pg.Image, "postgres:") || pg.Healthcheck == nil {
		t.Error("compose: want a postgres service with a healthcheck")
	}
	bots := 0
	for _, name := range slices.Sorted(maps.Keys(c.Services)) {
		s := c.Services[name]
		if s.Build == nil {
			continue
		}
		bots++
		t.Run(name, func(t *testing.T) {
			if s.Build.Context != ".." || s.Build.Dockerfile != "deploy/Dockerfile" {
				t.Errorf("build %+v; want context .. and dockerfile deploy/Dockerfile", *s.Build)
			}
			if s.DependsOn["postgres"].Condition != "service_healthy" {
				t.Error("want depends_on postgres: condition: service_healthy")
			}
			if !s.ReadOnly {
				t.Error("want read_only: true, as in Kubernetes")
			}
			if d, err := time.ParseDuration(s.StopGracePeriod); err != nil || d <= shutdownBound(t) {
				t.Errorf("stop_grace_period %q; want more than the shutdown bound %s", s.StopGracePeriod, shutdownBound(t))
			}
			checkKnown(t, "compose environment", vars, slices.Sorted(maps.Keys(s.Environment)))
			env := maps.Clone(s.Environment)
			for _, f := range s.EnvFile {
				// The env file holds secrets and is not committed; its example is.
				active, all := envFile(t, false, "deploy", f+".example")
				checkKnown(t, f+".example", vars, all)
				for k, v := range active {
					if _, dup := env[k]; dup {
						t.Errorf("%s is set both in environment and in %s", k, f)
					}
					env[k] = v
				}
			}
			if !isPostgres(env["STORE_URL"]) {
				t.Errorf("STORE_URL = %q; want the postgres service", env["STORE_URL"])
			}
			loadConfig(t, "compose "+name+" environment", env)
		})
	}
	if bots != 2 {
		t.Errorf("compose has %d bot services; want 2 (a two-replica try)", bots)
	}
}

func TestSystemd(t *testing.T) {
	vars := configVars(t)
	active, all := envFile(t, true, "deploy", "systemd", "attendees-bot.env.example")
	checkKnown(t, "attendees-bot.env.example", vars, all)
	for _, v := range slices.Sorted(maps.Keys(vars)) {
		if !slices.Contains(all, v) {
			t.Errorf("attendees-bot.env.example does not list %s (commented, with its default, if optional)", v)
		}
	}
	loadConfig(t, "attendees-bot.env.example", active)

	unit := readFile(t, "deploy", "systemd", "attendees-bot.service")
	directives := map[string][]string{}
	for line := range strings.Lines(unit) {
		if k, v, ok := strings.Cut(strings.TrimSpace(line), "="); ok && !strings.HasPrefix(k, "#") {
			directives[k] = append(directives[k], v)
		}
	}
	for _, tc := range []struct {
		key  string
		want func(string) bool
	}{
		{"User", func(v string) bool { return v != "" && v != "root" }},
		{"NoNewPrivileges", func(v string) bool { return v == "yes" || v == "true" }},
		{"ProtectSystem", func(v string) bool { return v == "strict" || v == "full" }},
		{"ProtectHome", func(v string) bool { return v == "yes" || v == "read-only" }},
		{"PrivateTmp", func(v string) bool { return v == "yes" }},
		{"EnvironmentFile", func(v string) bool { return strings.HasSuffix(v, "/attendees-bot.env") }},
		{"ExecStart", func(v string) bool { return strings.HasSuffix(v, "/attendees-bot run") }},
		{"TimeoutStopSec", func(v string) bool {
			s, err := strconv.Atoi(strings.TrimSuffix(v, "s"))
			return err == nil && time.Duration(s)*time.Second > shutdownBound(t)
		}},
		{"Restart", func(v string) bool { return v == "on-failure" || v == "always" }},
		// A bad configuration exits 78 (cmd/attendees-bot exitConfig):
		// restarting cannot fix it, and a start limit ends any other loop.
		{"RestartPreventExitStatus", func(v string) bool { return v == "78" }},
		{"StartLimitIntervalSec", func(v string) bool { n, err := strconv.Atoi(v); return err == nil && n > 0 }},
		{"StartLimitBurst", func(v string) bool { n, err := strconv.Atoi(v); return err == nil && n > 0 && n <= 10 }},
	} {
		got := directives[tc.key]
		if len(got) != 1 || !tc.want(got[0]) {
			t.Errorf("attendees-bot.service %s=%v is missing or wrong", tc.key, got)
		}
	}
}

// TestSystemdAuditCommand: the README's command for the audit trail on a
// VM runs `audit` as the unit runs the bot: its user, its environment file
// (read by systemd, as root) and its working directory, where the default
// STORE_URL is. A plain `attendees-bot audit` finds neither the file nor,
// with PostgreSQL, STORE_URL (README said it could run "as another user").
func TestSystemdAuditCommand(t *testing.T) {
	unit := readFile(t, "deploy", "systemd", "attendees-bot.service")
	get := func(key string) string {
		for line := range strings.Lines(unit) {
			if v, ok := strings.CutPrefix(strings.TrimSpace(line), key+"="); ok {
				return v
			}
		}
		t.Fatalf("the unit has no %s=", key)
		return ""
	}
	binary := strings.TrimSuffix(get("ExecStart"), " run")
	want := fmt.Sprintf("sudo systemd-run --quiet --pipe --wait --collect -p User=%s -p EnvironmentFile=%s -p WorkingDirectory=%s %s audit",
		get("User"), get("EnvironmentFile"), get("WorkingDirectory"), binary)
	for name, text := range map[string]string{"README Commands": section(t, readFile(t, "README.md"), "Commands"), "the unit's header": unit} {
		if !strings.Contains(text, want) {
			t.Errorf("%s lacks the audit command %q", name, want)
		}
	}
	if strings.Contains(section(t, readFile(t, "README.md"), "Commands"), "as another user") {
		t.Errorf("README Commands still says audit runs as another user")
	}
}

// shutdownBound is how long a SIGTERM may take with the default
// COMMAND_TIMEOUT; every grace period in deploy/ must exceed it.
func shutdownBound(t *testing.T) time.Duration {
	t.Helper()
	d, err := time.ParseDuration(configVars(t)["COMMAND_TIMEOUT"].Default)
	if err != nil {
		t.Fatal(err)
	}
	return bot.ShutdownBound(d)
}
