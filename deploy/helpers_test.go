package deploy_test

import (
	"bufio"
	"errors"
	"go/ast"
	"go/parser"
	"go/token"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/attendees-bot/attendees-bot/bot"
	"github.com/attendees-bot/attendees-bot/meeting"
)

// root is the repository root; tests run in deploy/.
const root = ".."

// envVar is one variable of bot.Config.
type envVar struct {
	Name    string
	Default string // "" when there is none
	Secret  bool   // a meeting.Secret: only in the Kubernetes Secret
}

// configVars derives the variables from bot.Config's env tags, so the checks
// follow the struct as fields are added.
func configVars(t *testing.T) map[string]envVar {
	t.Helper()
	vars := map[string]envVar{}
	typ := reflect.TypeFor[bot.Config]()
	for f := range typ.Fields() {
		tag := f.Tag.Get("env")
		if tag == "" || tag == "-" {
			continue
		}
		parts := strings.Split(tag, ",")
		v := envVar{Name: strings.TrimSpace(parts[0]), Secret: f.Type == reflect.TypeFor[meeting.Secret]()}
		for _, p := range parts[1:] {
			if d, ok := strings.CutPrefix(strings.TrimSpace(p), "default="); ok {
				v.Default = d
			}
		}
		vars[v.Name] = v
	}
	if len(vars) == 0 {
		t.Fatal("bot.Config has no env tags")
	}
	return vars
}

func readFile(t *testing.T, path ...string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(append([]string{root}, path...)...))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// yamlDocs decodes every document of a (possibly multi-document) YAML file.
func yamlDocs(t *testing.T, path ...string) []*yaml.Node {
	t.Helper()
	dec := yaml.NewDecoder(strings.NewReader(readFile(t, path...)))
	var docs []*yaml.Node
	for {
		var n yaml.Node
		err := dec.Decode(&n)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("%s: %v", filepath.Join(path...), err)
		}
		docs = append(docs, &n)
	}
	return docs
}

// decodeYAML decodes a single-document YAML file into v.
func decodeYAML(t *testing.T, v any, path ...string) {
	t.Helper()
	docs := yamlDocs(t, path...)
	if len(docs) != 1 {
		t.Fatalf("%s: %d YAML documents; want 1", filepath.Join(path...), len(docs))
	}
	if err := docs[0].Decode(v); err != nil {
		t.Fatalf("%s: %v", filepath.Join(path...), err)
	}
}

// loadConfig checks that env, as a whole environment, is a valid bot
// configuration for "attendees-bot run" once its placeholders are filled
// in, and that as shipped it is refused for them: one problem for each
// variable holding bot.Placeholder, and no other, so a forgotten one stops
// the bot at its configuration (exit 78) instead of at its first call.
func loadConfig(t *testing.T, where string, env map[string]string) {
	t.Helper()
	needs := bot.Needs{Slack: true, Meeting: true}
	filled := map[string]string{}
	var placeholders []string
	for k, v := range env {
		if filled[k] = strings.ReplaceAll(v, bot.Placeholder, "filled-in"); filled[k] != v {
			placeholders = append(placeholders, k)
		}
	}
	lookup := func(m map[string]string) func(string) (string, bool) {
		return func(k string) (string, bool) { v, ok := m[k]; return v, ok }
	}
	if _, err := bot.LoadConfig(t.Context(), lookup(filled), needs); err != nil {
		t.Errorf("%s, its placeholders filled in, is not a valid configuration: %v", where, err)
	}
	if len(placeholders) == 0 {
		return
	}
	_, err := bot.LoadConfig(t.Context(), lookup(env), needs)
	var ce *bot.ConfigError
	if !errors.As(err, &ce) {
		t.Fatalf("%s as shipped, with placeholders in %v, loads: %v", where, placeholders, err)
	}
	var named []string
	for _, p := range ce.Problems {
		name, _, _ := strings.Cut(p, " ")
		if !strings.Contains(p, "still holds the placeholder "+bot.Placeholder) {
			t.Errorf("%s as shipped: problem %q is not about a placeholder", where, p)
		}
		named = append(named, name)
	}
	slices.Sort(named)
	slices.Sort(placeholders)
	if !slices.Equal(named, placeholders) {
		t.Errorf("%s as shipped: problems name %v; want the variables holding placeholders, %v", where, named, placeholders)
	}
}

// checkKnown reports names that are not variables of bot.Config.
func checkKnown(t *testing.T, where string, vars map[string]envVar, names []string) {
	t.Helper()
	for _, n := range names {
		if _, ok := vars[n]; !ok {
			t.Errorf("%s sets %s, which is not a variable of bot.Config", where, n)
		}
	}
}

// section returns the text of the README section under "## heading", up to
// the next level-2 heading.
func section(t *testing.T, readme, heading string) string {
	t.Helper()
	_, after, ok := strings.Cut(readme, "\n## "+heading+"\n")
	if !ok {
		t.Fatalf("README has no %q section", "## "+heading)
	}
	if i := strings.Index(after, "\n## "); i >= 0 {
		after = after[:i]
	}
	return after
}

var (
	backticked = regexp.MustCompile("`([A-Z][A-Z0-9_]*)`")
	tableSep   = regexp.MustCompile(`^\|[\s:|-]+\|$`)
)

// envFile reads KEY=value lines; with commented, "#KEY=value" lines count
// too (they document the default).
func envFile(t *testing.T, commented bool, path ...string) (active map[string]string, all []string) {
	t.Helper()
	active = map[string]string{}
	line := regexp.MustCompile(`^(#?)([A-Za-z_][A-Za-z0-9_]*)=(.*)$`)
	sc := bufio.NewScanner(strings.NewReader(readFile(t, path...)))
	for sc.Scan() {
		m := line.FindStringSubmatch(strings.TrimSpace(sc.Text()))
		switch {
		case m == nil:
		case m[1] == "":
			active[m[2]] = m[3]
			all = append(all, m[2])
		case commented:
			all = append(all, m[2])
		}
	}
	return active, all
}

// isPostgres reports whether a STORE_URL selects PostgreSQL (bot/store.Open).
func isPostgres(url string) bool {
	return strings.HasPrefix(url, "postgres://") || strings.HasPrefix(url, "postgresql://")
}

// inspectProgram walks the syntax of the program's non-test Go files (not
// deploy/, testdata or hidden directories; fakes too when skipFakes).
func inspectProgram(t *testing.T, skipFakes bool, visit func(ast.Node) bool) {
	t.Helper()
	fset := token.NewFileSet()
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			n := d.Name()
			if path != root && (strings.HasPrefix(n, ".") || n == "deploy" || n == "testdata" || (skipFakes && strings.HasSuffix(n, "fake"))) {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
		if err != nil {
			return err
		}
		ast.Inspect(f, visit)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
