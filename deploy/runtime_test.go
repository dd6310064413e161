package deploy_test

import (
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/debug"
	"strconv"
	"strings"
	"testing"

	"github.com/moby/patternmatcher"
	"github.com/moby/patternmatcher/ignorefile"
)

// TestMain lets the test binary report the Go runtime's memory limit, so
// GOMEMLIMIT values are read by the runtime's own parser.
func TestMain(m *testing.M) {
	if os.Getenv("ATTENDEES_PRINT_MEMLIMIT") == "1" {
		fmt.Println(debug.SetMemoryLimit(-1))
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// goMemLimit is the limit in bytes the Go runtime takes from GOMEMLIMIT=v.
func goMemLimit(t *testing.T, v string) int64 {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "ATTENDEES_PRINT_MEMLIMIT=1", "GOMEMLIMIT="+v)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("GOMEMLIMIT=%s: the Go runtime refused it: %v\n%s", v, err, out)
	}
	n, err := strconv.ParseInt(strings.TrimSpace(string(out)), 10, 64)
	if err != nil {
		t.Fatalf("GOMEMLIMIT=%s: %q", v, out)
	}
	return n
}

// dockerPatterns are the patterns of .dockerignore as docker reads them.
func dockerPatterns(t *testing.T) []string {
	t.Helper()
	f, err := os.Open(filepath.Join(root, ".dockerignore"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	patterns, err := ignorefile.ReadAll(f)
	if err != nil {
		t.Fatal(err)
	}
	return patterns
}

// embedded lists the files the //go:embed lines of the Go file at path
// name (a directory stands for every file under it).
func embedded(t *testing.T, path string) []string {
	t.Helper()
	src, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for line := range strings.Lines(string(src)) {
		rest, ok := strings.CutPrefix(strings.TrimSpace(line), "//go:embed ")
		if !ok {
			continue
		}
		for _, pattern := range strings.Fields(rest) {
			matches, _ := filepath.Glob(filepath.Join(filepath.Dir(path), pattern))
			if len(matches) == 0 {
				t.Errorf("%s: //go:embed %s matches nothing", path, pattern)
			}
			for _, m := range matches {
				_ = filepath.WalkDir(m, func(p string, d fs.DirEntry, err error) error {
					if err == nil && !d.IsDir() {
						out = append(out, p)
					}
					return err
				})
			}
		}
	}
	return out
}

// dockerIgnored reports whether the image build leaves path (relative to
// the repository root) out of its context, reading .dockerignore with the
// matcher docker itself uses.
func dockerIgnored(t *testing.T, path string) bool {
	t.Helper()
	pm, err := patternmatcher.New(dockerPatterns(t))
	if err != nil {
		t.Fatal(err)
	}
	ignored, err := pm.MatchesOrParentMatches(filepath.ToSlash(path))
	if err != nil {
		t.Fatal(err)
	}
	return ignored
}

// The build context holds every Go file the binary is built from and no
// file that may hold credentials or state.
func TestDockerignore(t *testing.T) {
	goFiles := 0
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		if d.IsDir() {
			if n := d.Name(); path != root && (strings.HasPrefix(n, ".") || n == "testdata" || n == "deploy") {
				return filepath.SkipDir
			}
			return nil
		}
		if strings.HasSuffix(path, ".go") && !strings.HasSuffix(path, "_test.go") {
			goFiles++
			if dockerIgnored(t, rel) {
				t.Errorf(".dockerignore leaves %s out of the build; re-include its directory", rel)
			}
			for _, e := range embedded(t, path) {
				if er, _ := filepath.Rel(root, e); dockerIgnored(t, er) {
					t.Errorf(".dockerignore leaves %s out of the build; %s embeds it", er, rel)
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if goFiles == 0 {
		t.Fatal("found no Go files")
	}
	// Every directory the allowlist lets in exists: a stale line is a
	// directory that moved and whose new place may be left out.
	for _, p := range dockerPatterns(t) {
		if dir, ok := strings.CutPrefix(p, "!"); ok && !strings.ContainsAny(dir, "*?[") {
			if _, err := os.Stat(filepath.Join(root, dir)); err != nil {
				t.Errorf(".dockerignore lets in %s, which does not exist", dir)
			}
		}
	}
	for _, keep := range []string{"go.mod", "go.sum", "cmd/attendees-bot/main.go"} {
		if dockerIgnored(t, keep) {
			t.Errorf(".dockerignore leaves %s out", keep)
		}
	}
	for _, secret := range []string{
		"deploy/kubernetes/secrets.env", "deploy/compose.env", "attendees.db", "bot/attendees.db-wal", "attendees.db.lock",
		"bot/store/secrets.env", ".git/config", "deploy/Dockerfile",
	} {
		if !dockerIgnored(t, secret) {
			t.Errorf(".dockerignore sends %s to the build", secret)
		}
	}
}
