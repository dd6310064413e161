package bot

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// operatorFiles write for operators, in English, not for Slack users:
// configuration problems, metric help, the demo's terminal frame and why a
// malformed request was dropped (for its log line).
var operatorFiles = map[string]bool{"config.go": true, "configcheck.go": true, "metrics.go": true, "server.go": true, "console.go": true, "ids.go": true}

// notForUsers are calls whose text goes to logs or errors, never to a
// Slack user: users read the catalog's sentence for an error, and
// TestNoErrorTextReachesUsers checks that no error's own text reaches
// them, so errors.New and fmt.Errorf may write English for the logs.
var notForUsers = map[string]bool{
	"Errorf": true, "New": true, "Info": true, "Warn": true, "Error": true, "Debug": true,
	"LogAttrs": true, "Log": true, "InfoContext": true, "WarnContext": true, "ErrorContext": true, "DebugContext": true, "String": true, "Any": true, "Int": true, "Int64": true,
	"Duration": true, "Bool": true, "Time": true, "MustCompile": true, "panic": true,
	// autopost: an HTTP refusal to the meeting service, a post's state in
	// the store and its log line.
	"refuse": true, "postpone": true, "failed": true,
	// Bytes fed to a MAC.
	"Write": true,
	// Text matched in another package's message, not written.
	"CutPrefix": true,
}

// syntax are constants holding command syntax, the same in every
// language: the catalog's sentences show them in `code`.
var syntax = map[string]bool{"Usage": true}

// sentence is text a person would read: two words, or a Chinese character.
var sentence = regexp.MustCompile(`\p{L}{2,}[ ,'’]+\p{L}{2,}|\p{Han}`)

// TestNoSentenceOutsideTheCatalog: what the bot writes to users comes from
// the catalog, in their language; a sentence written in the code fails.
func TestNoSentenceOutsideTheCatalog(t *testing.T) {
	for _, dir := range userPackages {
		entries, err := os.ReadDir(dir)
		if err != nil {
			t.Fatal(err)
		}
		fset := token.NewFileSet()
		for _, e := range entries {
			name := e.Name()
			if !strings.HasSuffix(name, ".go") || strings.HasSuffix(name, "_test.go") || (dir == userPackages[0] && operatorFiles[name]) {
				continue
			}
			file, err := parser.ParseFile(fset, filepath.Join(dir, name), nil, 0)
			if err != nil {
				t.Fatal(err)
			}
			ast.Inspect(file, func(n ast.Node) bool {
				switch n := n.(type) {
				case *ast.Field, *ast.ImportSpec:
					return false // struct tags, import paths
				case *ast.ValueSpec:
					return len(n.Names) != 1 || !syntax[n.Names[0].Name]
				case *ast.CallExpr:
					name := ""
					switch fn := n.Fun.(type) {
					case *ast.Ident:
						name = fn.Name
					case *ast.SelectorExpr:
						name = fn.Sel.Name
					}
					return !notForUsers[name]
				case *ast.BasicLit:
					if n.Kind != token.STRING {
						return false
					}
					if s, _ := strconv.Unquote(n.Value); sentence.MatchString(s) {
						t.Errorf("%s: %q is written outside the catalog (bot/catalog/*.yaml)", fset.Position(n.Pos()), s)
					}
				}
				return true
			})
		}
	}
}
