package deploy_test

import (
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

func TestDockerfile(t *testing.T) {
	// docker build cannot run in the tests; check the essentials as text.
	df := readFile(t, "deploy", "Dockerfile")
	var froms, users []string
	for line := range strings.Lines(df) {
		f := strings.Fields(line)
		if len(f) < 2 {
			continue
		}
		switch strings.ToUpper(f[0]) {
		case "FROM":
			froms = append(froms, f[len(f)-1])
		case "USER":
			users = append(users, f[1])
		}
	}
	goMod := readFile(t, "go.mod")
	goVersion := regexp.MustCompile(`(?m)^go (\d+\.\d+)`).FindStringSubmatch(goMod)
	for _, tc := range []struct {
		what string
		ok   bool
	}{
		{"multi-stage (two FROMs)", len(froms) >= 2},
		{"golang builder image matching go.mod's go version", goVersion != nil && strings.Contains(df, "GO_VERSION="+goVersion[1]+"\n") && strings.Contains(df, "FROM --platform=$BUILDPLATFORM golang:${GO_VERSION} AS build")},
		{"static runtime image", strings.HasPrefix(froms[len(froms)-1], "gcr.io/distroless/static") || froms[len(froms)-1] == "scratch"},
		{"CGO_ENABLED=0", strings.Contains(df, "CGO_ENABLED=0")},
		{"-trimpath", strings.Contains(df, "-trimpath")},
		{"version stamped with -X main.version", strings.Contains(df, "-X main.version=${VERSION}")},
		{"time zone data embedded", strings.Contains(df, "-tags timetzdata")},
		{"builds ./cmd/attendees-bot", strings.Contains(df, " ./cmd/attendees-bot")},
		{"one numeric non-root USER", len(users) == 1 && users[0] != "0" && !strings.HasPrefix(users[0], "0:") && regexp.MustCompile(`^[1-9][0-9]*(:[0-9]+)?$`).MatchString(users[0])},
		{"EXPOSE 8080", strings.Contains(df, "\nEXPOSE 8080\n")},
		{`ENTRYPOINT ["/attendees-bot"]`, strings.Contains(df, "\nENTRYPOINT [\"/attendees-bot\"]\n")},
		{`CMD ["run"]`, strings.Contains(df, "\nCMD [\"run\"]\n")},
	} {
		if !tc.ok {
			t.Errorf("Dockerfile: want %s", tc.what)
		}
	}
	if _, err := os.Stat(filepath.Join(root, "cmd", "attendees-bot")); err != nil {
		t.Errorf("Dockerfile builds ./cmd/attendees-bot: %v", err)
	}
	// The image's USER must be the pod's runAsUser, or runAsNonRoot cannot verify it.
	k := loadKube(t)
	if uid := strings.Split(users[0], ":")[0]; uid != strconv.FormatInt(*k.deployment.Spec.Template.Spec.SecurityContext.RunAsUser, 10) {
		t.Errorf("Dockerfile USER %s differs from the Deployment's runAsUser %d", users[0], *k.deployment.Spec.Template.Spec.SecurityContext.RunAsUser)
	}
	if _, defaultPort, _ := strings.Cut(configVars(t)["HTTP_ADDR"].Default, ":"); !strings.Contains(df, "\nEXPOSE "+defaultPort+"\n") {
		t.Errorf("Dockerfile does not EXPOSE the default HTTP_ADDR port %s", defaultPort)
	}
}
