package deploy_test

import (
	"strings"
	"testing"
)

// The README's alert table is the rules file, row for row.
func TestAlertRulesMatchREADME(t *testing.T) {
	var rules struct {
		Groups []struct {
			Rules []struct {
				Alert string `yaml:"alert"`
				Expr  string `yaml:"expr"`
				For   string `yaml:"for"`
			} `yaml:"rules"`
		} `yaml:"groups"`
	}
	decodeYAML(t, &rules, "deploy", "prometheus", "alerts.yaml")
	ops := section(t, readFile(t, "README.md"), "Operating")
	rows := map[string]string{}
	for line := range strings.Lines(ops) {
		if strings.HasPrefix(line, "| `AttendeesBot") {
			name, _, _ := strings.Cut(strings.TrimPrefix(line, "| `"), "`")
			rows[name] = strings.ReplaceAll(line, `\|`, "|")
		}
	}
	n := 0
	for _, g := range rules.Groups {
		for _, r := range g.Rules {
			n++
			row, ok := rows[r.Alert]
			if !ok {
				t.Errorf("README has no alert row for %s", r.Alert)
				continue
			}
			if !strings.Contains(row, "`"+r.Expr+"`") {
				t.Errorf("README row of %s does not show its expression %q", r.Alert, r.Expr)
			}
			if r.For != "" && !strings.Contains(row, "| "+r.For+" |") {
				t.Errorf("README row of %s does not say for %s", r.Alert, r.For)
			}
			delete(rows, r.Alert)
		}
	}
	if n == 0 {
		t.Fatal("alerts.yaml has no rules")
	}
	for name := range rows {
		t.Errorf("README names the alert %s, which alerts.yaml does not define", name)
	}
}
