package catalog

import (
	"go/ast"
	"go/parser"
	"go/token"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// pluralForms are the CLDR forms each language's plural messages need.
var pluralForms = map[string][]string{English: {"one", "other"}, Chinese: {"other"}}

// messages flattens a catalog file: message ID → plural form ("" for a
// plain message) → template.
func messages(t *testing.T, lang string) map[string]map[string]string {
	t.Helper()
	data, err := files.ReadFile(lang + ".yaml")
	if err != nil {
		t.Fatal(err)
	}
	var raw map[string]any
	if err := yaml.Unmarshal(data, &raw); err != nil {
		t.Fatalf("%s.yaml: %v", lang, err)
	}
	out := map[string]map[string]string{}
	var walk func(prefix string, v any)
	walk = func(prefix string, v any) {
		switch v := v.(type) {
		case string:
			out[prefix] = map[string]string{"": v}
		case map[string]any:
			if _, plural := v["other"]; plural {
				forms := map[string]string{}
				for k, f := range v {
					s, ok := f.(string)
					if !ok {
						t.Errorf("%s %s.%s: not a string", lang, prefix, k)
					}
					forms[k] = s
				}
				out[prefix] = forms
				return
			}
			for k, child := range v {
				walk(strings.TrimPrefix(prefix+"."+k, "."), child)
			}
		default:
			t.Errorf("%s %s: unexpected %T", lang, prefix, v)
		}
	}
	walk("", raw)
	return out
}

var field = regexp.MustCompile(`\{\{\s*\.(\w+)\s*\}\}`)

func fields(s string) []string {
	var out []string
	for _, m := range field.FindAllStringSubmatch(s, -1) {
		out = append(out, m[1])
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// TestEveryMessageInEveryLanguage: the same IDs in every language, each
// plural message with its language's forms, the same template fields in
// every language and form, and every template runs.
func TestEveryMessageInEveryLanguage(t *testing.T) {
	all := map[string]map[string]map[string]string{}
	for _, lang := range Languages {
		all[lang] = messages(t, lang)
	}
	ref := all[Default]
	for _, lang := range Languages {
		for id := range ref {
			if _, ok := all[lang][id]; !ok {
				t.Errorf("%s lacks %q", lang, id)
			}
		}
		for id, forms := range all[lang] {
			if _, ok := ref[id]; !ok {
				t.Errorf("%s has %q, which %s lacks", lang, id, Default)
			}
			_, plain := forms[""]
			_, refPlain := ref[id][""]
			if plain != refPlain {
				t.Errorf("%s %q: plural in one language, plain in another", lang, id)
			}
			if !plain {
				if got, want := slices.Sorted(maps.Keys(forms)), pluralForms[lang]; !slices.Equal(got, want) {
					t.Errorf("%s %q: plural forms %v; want %v", lang, id, got, want)
				}
			}
			want := fields(strings.Join(slices.Collect(maps.Values(ref[id])), " "))
			for form, tmpl := range forms {
				if got := fields(tmpl); !slices.Equal(got, want) && !(form == "one" && len(got) < len(want)) {
					t.Errorf("%s %q %s: fields %v; want %v", lang, id, form, got, want)
				}
				if strings.TrimSpace(tmpl) == "" {
					t.Errorf("%s %q %s: empty", lang, id, form)
				}
			}
			args := Args{}
			for _, f := range want {
				args[f] = "X"
			}
			p := For(lang)
			var s string
			if plain {
				s = p.T(id, args)
			} else {
				s = p.N(id, 2, args)
			}
			if s == id || strings.Contains(s, "{{") || strings.Contains(s, "<no value>") {
				t.Errorf("%s %q renders %q", lang, id, s)
			}
		}
	}
}

// codeOrTemplate is what Chinese text keeps as typed: `code` (commands,
// options) and {{.Fields}}.
var codeOrTemplate = regexp.MustCompile("`[^`]*`|\\{\\{[^}]*\\}\\}")

// TestChinesePunctuation: Chinese sentences take full-width punctuation
// (，；：？！（）), not the ASCII marks an English keyboard types; commands
// in `code` keep theirs.
func TestChinesePunctuation(t *testing.T) {
	for id, forms := range messages(t, Chinese) {
		for form, tmpl := range forms {
			if i := strings.IndexAny(codeOrTemplate.ReplaceAllString(tmpl, ""), ",;:?!()"); i >= 0 {
				t.Errorf("zh-CN %q %s: ASCII punctuation in %q; use the full-width mark", id, form, tmpl)
			}
		}
	}
}

func TestMatch(t *testing.T) {
	tests := []struct{ locale, fallback, want string }{
		{"zh-CN", English, Chinese},
		{"zh-TW", English, Chinese}, // closer than English for a Chinese reader
		{"ZH", English, Chinese},
		{"zh-Hans", English, Chinese},
		{"fr", English, English},
		{"en-GB", Chinese, English},
		{"ja-JP", Chinese, Chinese}, // none near: the fallback
		{"", Chinese, Chinese},
		{"not a tag!", English, English},
		{"fr-FR", "xx", Default},
	}
	for _, tt := range tests {
		if got := Match(tt.locale, tt.fallback); got != tt.want {
			t.Errorf("Match(%q, %q) = %q; want %q", tt.locale, tt.fallback, got, tt.want)
		}
	}
}

func TestPlural(t *testing.T) {
	en, zh := For(English), For(Chinese)
	if got := en.N("csv.sent", 1); !strings.Contains(got, "1 record)") {
		t.Errorf("en one = %q", got)
	}
	if got := en.N("csv.sent", 2); !strings.Contains(got, "2 records)") {
		t.Errorf("en other = %q", got)
	}
	if got := zh.N("csv.sent", 1); !strings.Contains(got, "1 条记录") {
		t.Errorf("zh = %q", got)
	}
	if got := en.T("no.such.message"); got != "no.such.message" {
		t.Errorf("missing message = %q; want its ID", got)
	}
}

// sourceDirs are the packages whose sentences come from the catalog.
var sourceDirs = []string{"..", "../autopost", "../audit", "../../formatting", "../../cmd/attendees-bot"}

// keyArgs are the functions whose first argument is a message ID, and
// keyFields the struct type and field holding one.
var (
	keyArgs   = map[string]bool{"T": true, "N": true, "inputError": true, "argError": true, "message": true, "say": true, "announce": true}
	keyFields = map[string]string{"InputError": "Key", "ArgError": "Key"}
)

// TestCodeAndCatalogAgree: every message ID the code names is in the
// catalog (each must be a literal, or a helper's parameter named key, so
// this is complete), and every message in the catalog is named by the
// code.
func TestCodeAndCatalogAgree(t *testing.T) {
	ids := messages(t, Default)
	used := map[string]bool{}
	check := func(pos token.Position, e ast.Expr) {
		switch e := e.(type) {
		case *ast.Ident:
			if e.Name == "key" {
				return // a helper passing its caller's ID through; the caller is checked
			}
		case *ast.SelectorExpr:
			if e.Sel.Name == "Key" || e.Sel.Name == "key" {
				return // a table's or an error's ID, checked where it is written
			}
		}
		lit, ok := e.(*ast.BasicLit)
		if !ok || lit.Kind != token.STRING {
			t.Errorf("%s: a message ID that is not a string literal; the catalog test cannot check it", pos)
			return
		}
		id, _ := strconv.Unquote(lit.Value)
		used[id] = true
		if _, ok := ids[id]; !ok {
			t.Errorf("%s: message %q is not in the catalog", pos, id)
		}
	}
	for _, dir := range sourceDirs {
		eachFile(t, dir, func(fset *token.FileSet, file *ast.File) {
			ast.Inspect(file, func(n ast.Node) bool {
				switch n := n.(type) {
				case *ast.CallExpr:
					name := ""
					switch fn := n.Fun.(type) {
					case *ast.Ident:
						name = fn.Name
					case *ast.SelectorExpr:
						name = fn.Sel.Name
					}
					if keyArgs[name] && len(n.Args) > 0 {
						check(fset.Position(n.Pos()), n.Args[0])
					}
				case *ast.BasicLit:
					// An ID in a table (a key field) counts as used.
					if s, err := strconv.Unquote(n.Value); err == nil && n.Kind == token.STRING {
						if _, ok := ids[s]; ok {
							used[s] = true
						}
					}
				case *ast.CompositeLit:
					typ, ok := n.Type.(*ast.Ident)
					if !ok || keyFields[typ.Name] == "" {
						break
					}
					for _, e := range n.Elts {
						if kv, ok := e.(*ast.KeyValueExpr); ok {
							if k, ok := kv.Key.(*ast.Ident); ok && k.Name == keyFields[typ.Name] {
								check(fset.Position(kv.Pos()), kv.Value)
							}
						}
					}
				}
				return true
			})
		})
	}
	for id := range ids {
		if !used[id] {
			t.Errorf("catalog message %q is used by no code", id)
		}
	}
}

// eachFile calls f with every non-test Go file of dir, parsed.
func eachFile(t *testing.T, dir string, f func(*token.FileSet, *ast.File)) {
	t.Helper()
	fset := token.NewFileSet()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || !strings.HasSuffix(name, ".go") || strings.HasSuffix(name, "_test.go") {
			continue
		}
		file, err := parser.ParseFile(fset, filepath.Join(dir, name), nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		f(fset, file)
	}
}
