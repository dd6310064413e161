package deploy_test

import (
	"bytes"
	"go/ast"
	"go/token"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
)

func TestYAMLParses(t *testing.T) {
	var files []string
	err := filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && (strings.HasSuffix(path, ".yaml") || strings.HasSuffix(path, ".yml")) {
			files = append(files, path)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(files) < 7 {
		t.Fatalf("found YAML files %v; want the manifest, compose and the Kubernetes files", files)
	}
	for _, f := range files {
		t.Run(f, func(t *testing.T) {
			docs := yamlDocs(t, "deploy", f)
			if len(docs) == 0 {
				t.Fatal("no YAML document")
			}
			for i, d := range docs {
				var m map[string]any
				if err := d.Decode(&m); err != nil || len(m) == 0 {
					t.Errorf("document %d is not a non-empty mapping (%v)", i+1, err)
				}
			}
		})
	}
}

func TestREADMEDocumentsEveryVariable(t *testing.T) {
	vars := configVars(t)
	conf := section(t, readFile(t, "README.md"), "Configuration")
	var rows []string
	for line := range strings.Lines(conf) {
		line = strings.TrimSpace(line)
		if strings.HasPrefix(line, "|") && !tableSep.MatchString(line) {
			rows = append(rows, line)
		}
	}
	if len(rows) == 0 {
		t.Fatal("README Configuration section has no table")
	}
	table := strings.Join(rows, "\n")
	for _, v := range slices.Sorted(maps.Keys(vars)) {
		if !strings.Contains(table, "`"+v+"`") {
			t.Errorf("README Configuration table has no row for `%s`", v)
		}
	}
	// The first cell names the variable(s) a row documents.
	for _, row := range rows {
		cells := strings.Split(strings.Trim(row, "|"), "|")
		for _, m := range backticked.FindAllStringSubmatch(cells[0], -1) {
			checkKnown(t, "README Configuration table", vars, []string{m[1]})
		}
	}
}

func TestREADMEDocumentsEveryMetric(t *testing.T) {
	// Metric names defined in the code: Name: "attendees_..." in metric options.
	defined := map[string]bool{}
	name := regexp.MustCompile(`^attendees_[a-z0-9_]+$`)
	// Name: "attendees_…" in metric options, or the first argument of
	// prometheus.NewDesc for hand-written collectors.
	inspectProgram(t, false, func(n ast.Node) bool {
		var lit *ast.BasicLit
		switch n := n.(type) {
		case *ast.KeyValueExpr:
			if key, _ := n.Key.(*ast.Ident); key != nil && key.Name == "Name" {
				lit, _ = n.Value.(*ast.BasicLit)
			}
		case *ast.CallExpr:
			if sel, _ := n.Fun.(*ast.SelectorExpr); sel != nil && sel.Sel.Name == "NewDesc" && len(n.Args) > 0 {
				lit, _ = n.Args[0].(*ast.BasicLit)
			}
		}
		if lit == nil || lit.Kind != token.STRING {
			return true
		}
		if s, err := strconv.Unquote(lit.Value); err == nil && name.MatchString(s) {
			defined[s] = true
		}
		return true
	})
	if len(defined) == 0 {
		t.Fatal("found no attendees_* metric names in the code")
	}

	ops := section(t, readFile(t, "README.md"), "Operating")
	documented := map[string]bool{}
	for _, m := range regexp.MustCompile(`attendees_[a-z0-9_]+`).FindAllString(ops, -1) {
		for _, suffix := range []string{"_bucket", "_count", "_sum"} {
			if base, ok := strings.CutSuffix(m, suffix); ok && defined[base] {
				m = base
			}
		}
		documented[m] = true
	}
	for _, m := range slices.Sorted(maps.Keys(defined)) {
		if !documented[m] {
			t.Errorf("README Operating does not explain the metric %s", m)
		}
	}
	for _, m := range slices.Sorted(maps.Keys(documented)) {
		if !defined[m] {
			t.Errorf("README Operating names the metric %s, which the code does not define", m)
		}
	}
}

func TestNoRealLookingSecrets(t *testing.T) {
	// Slack tokens look like xoxb-123-..., xapp-1-...; placeholders don't.
	token := regexp.MustCompile(`\b(xox[a-z]|xapp)-[0-9A-Za-z]*[0-9]`)
	err := filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || strings.HasSuffix(path, "_test.go") {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		if loc := token.FindIndex(b); loc != nil {
			t.Errorf("%s has a real-looking token %q; use xapp-REPLACE-ME / xoxb-REPLACE-ME", path, b[loc[0]:loc[1]])
		}
		if bytes.Contains(b, []byte("BEGIN PRIVATE KEY")) {
			t.Errorf("%s holds a private key", path)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
