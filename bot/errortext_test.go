package bot

import (
	"go/ast"
	"go/importer"
	"go/parser"
	"go/token"
	"go/types"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// userPackages are the packages whose text reaches Slack users: the ones
// TestNoSentenceOutsideTheCatalog reads.
var userPackages = []string{".", "./audit", "./autopost", "./subscription", "../formatting"}

// errorTextReaders may read an error's own text (Error(), or the error
// formatted): each writes it for operators or only looks at it. Error
// methods may too.
var errorTextReaders = map[string]string{
	"errors.go:UserMessage": "a terminal's unexpected error, shown as is: the command line is in English",
	"args.go:FlagError":     "finds the catalog message in the flag package's own complaint",
	"slackout.go:scrubURLs": "the error again, with its URLs cut, for logs",
	"storehealth.go:Check":  "the store check's reason, for /readyz and the log",
	"worker.go:failed":      "the outbox row's last error, for operators",
}

// TestNoErrorTextReachesUsers: errors.New and fmt.Errorf texts are English
// and outside the catalog (TestNoSentenceOutsideTheCatalog lets them be)
// because no error's own text reaches a user: what users read about an
// error is the catalog message explain picks for it, or the one a
// catalog-keyed error (InputError, audit.ArgError, notFound) names. So in
// the user packages an error's text is read (Error(), or the error handed
// to fmt's printing or put in template arguments) only in Error methods,
// in log calls (notForUsers), in operator files, and by errorTextReaders.
// Before this, audit's option errors went to admins as
// catalog.Args{"Problem": err.Error()}: English to a Chinese admin.
func TestNoErrorTextReachesUsers(t *testing.T) {
	exports, pkgs := goList(t, userPackages...)
	fset := token.NewFileSet()
	imp := importer.ForCompiler(fset, "gc", func(path string) (io.ReadCloser, error) {
		f, ok := exports[path]
		if !ok {
			return nil, os.ErrNotExist
		}
		return os.Open(f)
	})
	errType := types.Universe.Lookup("error").Type().Underlying().(*types.Interface)
	isError := func(info *types.Info, e ast.Expr) bool {
		t := info.TypeOf(e)
		return t != nil && types.Implements(t, errType)
	}
	for i, pkg := range pkgs {
		pkgPath, dir := pkg[0], pkg[1]
		var files []*ast.File
		names := map[*ast.File]string{}
		entries, err := os.ReadDir(dir)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range entries {
			name := e.Name()
			if !strings.HasSuffix(name, ".go") || strings.HasSuffix(name, "_test.go") {
				continue
			}
			f, err := parser.ParseFile(fset, filepath.Join(dir, name), nil, 0)
			if err != nil {
				t.Fatal(err)
			}
			files = append(files, f)
			names[f] = name
		}
		info := &types.Info{Types: map[ast.Expr]types.TypeAndValue{}}
		if _, err := (&types.Config{Importer: imp}).Check(pkgPath, fset, files, info); err != nil {
			t.Fatalf("type-check %s: %v", pkgPath, err)
		}
		for _, f := range files {
			name := names[f]
			if i == 0 && operatorFiles[name] { // bot itself
				continue
			}
			var stack []ast.Node
			allowed := func() bool {
				for _, n := range stack[:len(stack)-1] { // what encloses the node
					switch n := n.(type) {
					case *ast.FuncDecl:
						if _, ok := errorTextReaders[name+":"+n.Name.Name]; ok || (n.Recv != nil && n.Name.Name == "Error") {
							return true
						}
					case *ast.CallExpr:
						if notForUsers[callName(n)] {
							return true
						}
					}
				}
				return false
			}
			report := func(n ast.Node, what string) {
				if !allowed() {
					t.Errorf("%s: %s: an error's own text would reach a user; give the user a catalog message (errorTable, or a catalog-keyed error) and the log the error", fset.Position(n.Pos()), what)
				}
			}
			ast.Inspect(f, func(n ast.Node) bool {
				if n == nil {
					stack = stack[:len(stack)-1]
					return true
				}
				stack = append(stack, n)
				switch n := n.(type) {
				case *ast.CallExpr:
					sel, _ := n.Fun.(*ast.SelectorExpr)
					switch {
					case sel != nil && sel.Sel.Name == "Error" && len(n.Args) == 0 && isError(info, sel.X):
						report(n, "Error()")
					case sel != nil && isPkg(sel.X, "fmt") && (strings.HasPrefix(sel.Sel.Name, "Sprint") || strings.HasPrefix(sel.Sel.Name, "Fprint") || strings.HasPrefix(sel.Sel.Name, "Print") || sel.Sel.Name == "Append" || sel.Sel.Name == "Appendf"):
						for _, a := range n.Args {
							if isError(info, a) {
								report(a, "an error printed by fmt."+sel.Sel.Name)
							}
						}
					}
				case *ast.CompositeLit:
					if isTextArgs(info.TypeOf(n)) {
						for _, el := range n.Elts {
							if kv, ok := el.(*ast.KeyValueExpr); ok && isError(info, kv.Value) {
								report(kv.Value, "an error in template arguments")
							}
						}
					}
				case *ast.AssignStmt:
					for i, l := range n.Lhs {
						if ix, ok := l.(*ast.IndexExpr); ok && i < len(n.Rhs) && isTextArgs(info.TypeOf(ix.X)) && isError(info, n.Rhs[i]) {
							report(n.Rhs[i], "an error in template arguments")
						}
					}
				}
				return true
			})
		}
	}
}

// callName is the name a call is made by: f or x.f.
func callName(c *ast.CallExpr) string {
	switch fn := c.Fun.(type) {
	case *ast.Ident:
		return fn.Name
	case *ast.SelectorExpr:
		return fn.Sel.Name
	}
	return ""
}

func isPkg(e ast.Expr, name string) bool {
	id, ok := e.(*ast.Ident)
	return ok && id.Name == name
}

// isTextArgs reports whether t is a map of template arguments (string to
// anything: catalog.Args, formatting's args), whose values a message
// prints.
func isTextArgs(t types.Type) bool {
	if t == nil {
		return false
	}
	m, ok := t.Underlying().(*types.Map)
	if !ok {
		return false
	}
	k, ok := m.Key().Underlying().(*types.Basic)
	return ok && k.Kind() == types.String && types.IsInterface(m.Elem())
}

// goList returns the export data of pkgs' dependencies (import path to
// file) and pkgs' own import paths and directories, in order, from go
// list: the type-checker reads the packages from source and what they
// import from the build cache.
func goList(t *testing.T, pkgs ...string) (exports map[string]string, dirs [][2]string) {
	t.Helper()
	list := func(format string, deps bool) [][2]string {
		args := []string{"list", "-f", format}
		if deps {
			args = append(args, "-export", "-deps")
		}
		out, err := exec.Command("go", append(args, pkgs...)...).Output()
		if err != nil {
			t.Fatalf("go %s: %v", strings.Join(args, " "), err)
		}
		var rows [][2]string
		for line := range strings.Lines(string(out)) {
			a, b, _ := strings.Cut(strings.TrimSpace(line), "\t")
			rows = append(rows, [2]string{a, b})
		}
		return rows
	}
	exports = map[string]string{}
	for _, r := range list("{{.ImportPath}}\t{{.Export}}", true) {
		exports[r[0]] = r[1]
	}
	return exports, list("{{.ImportPath}}\t{{.Dir}}", false)
}
