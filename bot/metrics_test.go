package bot

import (
	"errors"
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"

	"github.com/attendees-bot/attendees-bot/bot/autopost"
)

// constValues returns the string constants whose names start with prefix
// in the Go files of dir (tests excluded).
func constValues(t *testing.T, dir, prefix string) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	fset := token.NewFileSet()
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		file, err := parser.ParseFile(fset, f, nil, parser.SkipObjectResolution)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(file, func(n ast.Node) bool {
			vs, ok := n.(*ast.ValueSpec)
			if !ok {
				return true
			}
			for i, name := range vs.Names {
				if !strings.HasPrefix(name.Name, prefix) || i >= len(vs.Values) {
					continue
				}
				if lit, ok := vs.Values[i].(*ast.BasicLit); ok && lit.Kind == token.STRING {
					v, _ := strconv.Unquote(lit.Value)
					out = append(out, v)
				}
			}
			return true
		})
	}
	return out
}

// series returns the label values of name's samples in a fresh scrape,
// with their values.
func series(t *testing.T, m *Metrics, name, label string) map[string]float64 {
	t.Helper()
	mfs, err := m.Registry.Gather()
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]float64{}
	for _, mf := range mfs {
		if mf.GetName() != name {
			continue
		}
		for _, s := range mf.GetMetric() {
			out[labelValue(s, label)] = value(s)
		}
	}
	return out
}

func labelValue(s *dto.Metric, label string) string {
	for _, l := range s.GetLabel() {
		if l.GetName() == label {
			return l.GetValue()
		}
	}
	return ""
}

func value(s *dto.Metric) float64 {
	if c := s.GetCounter(); c != nil {
		return c.GetValue()
	}
	return s.GetGauge().GetValue()
}

// A fresh process exports every known outcome at 0: an alert on
// increase(...{outcome="internal"}) then sees the first error, which it
// would miss if the series only appeared at 1.
func TestCountersStartAtZeroForEveryKnownLabel(t *testing.T) {
	m := NewMetrics()
	for _, tc := range []struct {
		name, label string
		want        []string
	}{
		{"attendees_commands_total", "outcome", constValues(t, ".", "outcome")},
		{"attendees_autopost_posts_total", "outcome", constValues(t, "autopost", "Outcome")},
		{"attendees_meeting_cache_lookups_total", "result", []string{"hit", "miss"}},
	} {
		got := series(t, m, tc.name, tc.label)
		if len(tc.want) == 0 {
			t.Fatalf("%s: found no label values in the code", tc.name)
		}
		for _, v := range tc.want {
			if n, ok := got[v]; !ok || n != 0 {
				t.Errorf("%s{%s=%q} in a fresh scrape = %v (present %v); want 0", tc.name, tc.label, v, n, ok)
			}
		}
		if len(got) != len(tc.want) {
			t.Errorf("%s has %d series; want exactly %v", tc.name, len(got), tc.want)
		}
	}
	if !slices.Equal(constValues(t, "autopost", "Outcome"), autopost.Outcomes) {
		t.Errorf("autopost.Outcomes %v is not every Outcome* constant", autopost.Outcomes)
	}
}

func TestPendingAgeAbsentWhenTheStoreCannotBeRead(t *testing.T) {
	m := NewMetrics()
	var err error
	m.WatchPendingAge(func() (time.Duration, error) { return 42 * time.Second, err })
	if got := series(t, m, "attendees_autopost_pending_age_seconds", ""); got[""] != 42 {
		t.Errorf("pending age = %v; want 42", got)
	}
	err = errors.New("database is locked")
	if got := series(t, m, "attendees_autopost_pending_age_seconds", ""); len(got) != 0 {
		t.Errorf("pending age with an unreadable store = %v; want no sample (not -1, which no alert compares)", got)
	}
}
