package deploy_test

import (
	"bufio"
	"bytes"
	"errors"
	"go/ast"
	"go/parser"
	"go/token"
	"io"
	"io/fs"
	"maps"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/slack-go/slack"
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
// configuration for "attendees-bot run".
func loadConfig(t *testing.T, where string, env map[string]string) {
	t.Helper()
	lookup := func(k string) (string, bool) { v, ok := env[k]; return v, ok }
	if _, err := bot.LoadConfig(t.Context(), lookup, bot.Needs{Slack: true, Meeting: true}); err != nil {
		t.Errorf("%s is not a valid configuration: %v", where, err)
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

// Kubernetes objects, only the fields the tests read.
type (
	meta struct {
		Name        string            `yaml:"name"`
		Labels      map[string]string `yaml:"labels"`
		Annotations map[string]string `yaml:"annotations"`
	}
	object struct {
		APIVersion string            `yaml:"apiVersion"`
		Kind       string            `yaml:"kind"`
		Metadata   meta              `yaml:"metadata"`
		Data       map[string]string `yaml:"data"`
		StringData map[string]string `yaml:"stringData"`
		Spec       yaml.Node         `yaml:"spec"`
	}
	selector struct {
		MatchLabels map[string]string `yaml:"matchLabels"`
	}
	probe struct {
		HTTPGet *struct {
			Path string `yaml:"path"`
			Port any    `yaml:"port"`
		} `yaml:"httpGet"`
	}
	container struct {
		Name    string   `yaml:"name"`
		Image   string   `yaml:"image"`
		Args    []string `yaml:"args"`
		EnvFrom []struct {
			ConfigMapRef *struct{ Name string } `yaml:"configMapRef"`
			SecretRef    *struct{ Name string } `yaml:"secretRef"`
		} `yaml:"envFrom"`
		Env   []any `yaml:"env"`
		Ports []struct {
			Name          string `yaml:"name"`
			ContainerPort int    `yaml:"containerPort"`
		} `yaml:"ports"`
		LivenessProbe  *probe `yaml:"livenessProbe"`
		ReadinessProbe *probe `yaml:"readinessProbe"`
		StartupProbe   *probe `yaml:"startupProbe"`
		Resources      struct {
			Requests map[string]string `yaml:"requests"`
			Limits   map[string]string `yaml:"limits"`
		} `yaml:"resources"`
		SecurityContext struct {
			AllowPrivilegeEscalation *bool `yaml:"allowPrivilegeEscalation"`
			ReadOnlyRootFilesystem   *bool `yaml:"readOnlyRootFilesystem"`
			RunAsNonRoot             *bool `yaml:"runAsNonRoot"`
			Capabilities             struct {
				Drop []string `yaml:"drop"`
			} `yaml:"capabilities"`
		} `yaml:"securityContext"`
		VolumeMounts []struct {
			Name      string `yaml:"name"`
			MountPath string `yaml:"mountPath"`
		} `yaml:"volumeMounts"`
	}
	deploymentSpec struct {
		Replicas int      `yaml:"replicas"`
		Selector selector `yaml:"selector"`
		Template struct {
			Metadata meta `yaml:"metadata"`
			Spec     struct {
				TerminationGracePeriodSeconds int `yaml:"terminationGracePeriodSeconds"`
				SecurityContext               struct {
					RunAsNonRoot   *bool `yaml:"runAsNonRoot"`
					RunAsUser      int   `yaml:"runAsUser"`
					SeccompProfile struct {
						Type string `yaml:"type"`
					} `yaml:"seccompProfile"`
				} `yaml:"securityContext"`
				Containers []container `yaml:"containers"`
				Volumes    []struct {
					Name     string `yaml:"name"`
					EmptyDir any    `yaml:"emptyDir"`
				} `yaml:"volumes"`
			} `yaml:"spec"`
		} `yaml:"template"`
	}
	serviceSpec struct {
		Selector map[string]string `yaml:"selector"`
		Ports    []struct {
			Name       string `yaml:"name"`
			Port       int    `yaml:"port"`
			TargetPort any    `yaml:"targetPort"`
		} `yaml:"ports"`
	}
	pdbSpec struct {
		MinAvailable   *int     `yaml:"minAvailable"`
		MaxUnavailable *int     `yaml:"maxUnavailable"`
		Selector       selector `yaml:"selector"`
	}
)

// kube is the Kubernetes set, read through kustomization.yaml.
type kube struct {
	configMap, secret object
	deployment        deploymentSpec
	service           serviceSpec
	pdb               pdbSpec
}

func loadKube(t *testing.T) kube {
	t.Helper()
	var kust struct {
		Resources []string `yaml:"resources"`
	}
	decodeYAML(t, &kust, "deploy", "kubernetes", "kustomization.yaml")
	byKind := map[string][]object{}
	for _, r := range kust.Resources {
		for _, d := range yamlDocs(t, "deploy", "kubernetes", r) {
			var o object
			if err := d.Decode(&o); err != nil {
				t.Fatalf("%s: %v", r, err)
			}
			if o.APIVersion == "" || o.Kind == "" || o.Metadata.Name == "" {
				t.Errorf("%s: an object without apiVersion, kind or metadata.name", r)
			}
			byKind[o.Kind] = append(byKind[o.Kind], o)
		}
	}
	one := func(kind string) object {
		if len(byKind[kind]) != 1 {
			t.Fatalf("kustomization has %d %s objects; want 1", len(byKind[kind]), kind)
		}
		return byKind[kind][0]
	}
	k := kube{configMap: one("ConfigMap"), secret: one("Secret")}
	for kind, v := range map[string]any{"Deployment": &k.deployment, "Service": &k.service, "PodDisruptionBudget": &k.pdb} {
		o := one(kind)
		if err := o.Spec.Decode(v); err != nil {
			t.Fatalf("%s spec: %v", kind, err)
		}
	}
	return k
}

func TestKustomizationListsEveryManifest(t *testing.T) {
	var kust struct {
		Resources []string `yaml:"resources"`
	}
	decodeYAML(t, &kust, "deploy", "kubernetes", "kustomization.yaml")
	files, err := filepath.Glob(filepath.Join(root, "deploy", "kubernetes", "*.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		if b := filepath.Base(f); b != "kustomization.yaml" && !slices.Contains(kust.Resources, b) {
			t.Errorf("kustomization.yaml does not list %s", b)
		}
	}
}

func TestKubernetesEnv(t *testing.T) {
	vars := configVars(t)
	k := loadKube(t)
	cm, sec := k.configMap.Data, k.secret.StringData
	if len(k.secret.Data) > 0 {
		t.Error("Secret uses data (base64); use stringData with placeholders so nothing real is committed")
	}
	checkKnown(t, "ConfigMap", vars, slices.Sorted(maps.Keys(cm)))
	checkKnown(t, "Secret", vars, slices.Sorted(maps.Keys(sec)))
	env := map[string]string{}
	for _, v := range slices.Sorted(maps.Keys(vars)) {
		c, inCM := cm[v]
		s, inSec := sec[v]
		switch {
		case inCM && inSec:
			t.Errorf("%s is in both the ConfigMap and the Secret", v)
		case vars[v].Secret && !inSec:
			t.Errorf("%s is a secret: it must be in the Secret (and not the ConfigMap)", v)
		case !inCM && !inSec:
			t.Errorf("%s is in neither the ConfigMap nor the Secret", v)
		}
		if inCM {
			env[v] = c
		}
		if inSec {
			env[v] = s
			// Any value in the Secret is a placeholder or empty (not used).
			if s != "" && !strings.Contains(s, "REPLACE-ME") {
				t.Errorf("Secret %s = %q; want a REPLACE-ME placeholder or empty", v, s)
			}
		}
	}
	loadConfig(t, "ConfigMap + Secret", env)

	// Replicas share state only through PostgreSQL; SQLite means one replica.
	if k.deployment.Replicas > 1 && !isPostgres(env["STORE_URL"]) {
		t.Errorf("Deployment has %d replicas but STORE_URL %q is not PostgreSQL", k.deployment.Replicas, env["STORE_URL"])
	}
	if k.deployment.Replicas < 2 || k.deployment.Replicas > 10 {
		t.Errorf("Deployment replicas = %d; want 2 by default and at most 10 (Socket Mode connections per app)", k.deployment.Replicas)
	}

	// envFrom names the ConfigMap and Secret defined here.
	c := k.deployment.Template.Spec.Containers[0]
	var refs []string
	for _, e := range c.EnvFrom {
		if e.ConfigMapRef != nil {
			refs = append(refs, "ConfigMap/"+e.ConfigMapRef.Name)
		}
		if e.SecretRef != nil {
			refs = append(refs, "Secret/"+e.SecretRef.Name)
		}
	}
	want := []string{"ConfigMap/" + k.configMap.Metadata.Name, "Secret/" + k.secret.Metadata.Name}
	if !slices.Equal(refs, want) {
		t.Errorf("container envFrom = %v; want %v", refs, want)
	}
	if len(c.Env) > 0 {
		t.Errorf("container sets env directly (%v); put variables in the ConfigMap or Secret", c.Env)
	}
}

// mux is the server's handler as "attendees-bot run" builds it, minus checks.
func mux() http.Handler { return bot.NewMux(bot.NewMetrics()) }

func get(t *testing.T, h http.Handler, path string) int {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequestWithContext(t.Context(), http.MethodGet, path, nil))
	return rec.Code
}

func TestKubernetesProbesAndPorts(t *testing.T) {
	k := loadKube(t)
	pod := k.deployment.Template
	if len(pod.Spec.Containers) != 1 {
		t.Fatalf("pod has %d containers; want 1", len(pod.Spec.Containers))
	}
	c := pod.Spec.Containers[0]
	if len(c.Ports) != 1 {
		t.Fatalf("container has %d ports; want 1 (HTTP_ADDR)", len(c.Ports))
	}
	port := c.Ports[0]
	_, addrPort, _ := strings.Cut(k.configMap.Data["HTTP_ADDR"], ":")
	if strconv.Itoa(port.ContainerPort) != addrPort {
		t.Errorf("containerPort %d differs from HTTP_ADDR %q", port.ContainerPort, k.configMap.Data["HTTP_ADDR"])
	}
	samePort := func(what string, p any) {
		t.Helper()
		if p != port.Name && p != port.ContainerPort && p != strconv.Itoa(port.ContainerPort) {
			t.Errorf("%s port %v is not the container's port (%s/%d)", what, p, port.Name, port.ContainerPort)
		}
	}

	h := mux()
	for _, tc := range []struct {
		name     string
		probe    *probe
		path     string
		required bool
	}{
		{"livenessProbe", c.LivenessProbe, "/healthz", true},
		{"readinessProbe", c.ReadinessProbe, "/readyz", true},
		{"startupProbe", c.StartupProbe, "", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.probe == nil {
				if tc.required {
					t.Fatal("missing")
				}
				return
			}
			if tc.probe.HTTPGet == nil {
				t.Fatal("not an httpGet probe")
			}
			if tc.path != "" && tc.probe.HTTPGet.Path != tc.path {
				t.Errorf("path %q; want %q", tc.probe.HTTPGet.Path, tc.path)
			}
			samePort(tc.name, tc.probe.HTTPGet.Port)
			if code := get(t, h, tc.probe.HTTPGet.Path); code != http.StatusOK {
				t.Errorf("GET %s on bot.NewMux = %d; want 200", tc.probe.HTTPGet.Path, code)
			}
		})
	}

	ann := pod.Metadata.Annotations
	if ann["prometheus.io/scrape"] != "true" {
		t.Error(`pod template lacks the prometheus.io/scrape: "true" annotation`)
	}
	samePort("prometheus.io/port annotation", ann["prometheus.io/port"])
	if code := get(t, h, ann["prometheus.io/path"]); code != http.StatusOK {
		t.Errorf("GET %q (prometheus.io/path) on bot.NewMux = %d; want 200", ann["prometheus.io/path"], code)
	}

	if len(k.service.Ports) != 1 {
		t.Fatalf("Service has %d ports; want 1", len(k.service.Ports))
	}
	samePort("Service targetPort", k.service.Ports[0].TargetPort)
	if k.service.Ports[0].Port != port.ContainerPort {
		t.Errorf("Service port %d; want %d", k.service.Ports[0].Port, port.ContainerPort)
	}

	// Selectors pick the pods.
	labels := pod.Metadata.Labels
	for what, sel := range map[string]map[string]string{
		"Deployment selector": k.deployment.Selector.MatchLabels,
		"Service selector":    k.service.Selector,
		"PDB selector":        k.pdb.Selector.MatchLabels,
	} {
		if len(sel) == 0 {
			t.Errorf("%s is empty", what)
		}
		for key, v := range sel {
			if labels[key] != v {
				t.Errorf("%s %s=%s does not match the pod labels %v", what, key, v, labels)
			}
		}
	}
	if k.pdb.MinAvailable == nil || *k.pdb.MinAvailable != 1 {
		t.Error("PDB: want minAvailable: 1 (one bot keeps answering during a drain)")
	}
}

func TestKubernetesHardening(t *testing.T) {
	k := loadKube(t)
	spec := k.deployment.Template.Spec
	c := spec.Containers[0]
	isTrue := func(b *bool) bool { return b != nil && *b }
	for _, tc := range []struct {
		what string
		ok   bool
	}{
		{"pod runAsNonRoot", isTrue(spec.SecurityContext.RunAsNonRoot)},
		{"pod runAsUser non-zero", spec.SecurityContext.RunAsUser > 0},
		{"seccompProfile RuntimeDefault", spec.SecurityContext.SeccompProfile.Type == "RuntimeDefault"},
		{"readOnlyRootFilesystem", isTrue(c.SecurityContext.ReadOnlyRootFilesystem)},
		{"allowPrivilegeEscalation false", c.SecurityContext.AllowPrivilegeEscalation != nil && !*c.SecurityContext.AllowPrivilegeEscalation},
		{"capabilities drop ALL", slices.Equal(c.SecurityContext.Capabilities.Drop, []string{"ALL"})},
		{"terminationGracePeriodSeconds >= 30 (shutdown drains up to 20s)", spec.TerminationGracePeriodSeconds >= 30},
		{"cpu and memory requests", c.Resources.Requests["cpu"] != "" && c.Resources.Requests["memory"] != ""},
		{"cpu and memory limits", c.Resources.Limits["cpu"] != "" && c.Resources.Limits["memory"] != ""},
		{"args run", slices.Equal(c.Args, []string{"run"})},
	} {
		if !tc.ok {
			t.Errorf("Deployment: want %s", tc.what)
		}
	}
	// A read-only root needs a writable /tmp.
	tmp := ""
	for _, m := range c.VolumeMounts {
		if m.MountPath == "/tmp" {
			tmp = m.Name
		}
	}
	emptyDir := false
	for _, v := range spec.Volumes {
		emptyDir = emptyDir || (v.Name == tmp && v.EmptyDir != nil)
	}
	if tmp == "" || !emptyDir {
		t.Error("Deployment: want an emptyDir volume mounted at /tmp")
	}
}

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
		ReadOnly bool `yaml:"read_only"`
	} `yaml:"services"`
}

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
			return err == nil && s >= 30
		}},
		{"Restart", func(v string) bool { return v == "on-failure" || v == "always" }},
	} {
		got := directives[tc.key]
		if len(got) != 1 || !tc.want(got[0]) {
			t.Errorf("attendees-bot.service %s=%v is missing or wrong", tc.key, got)
		}
	}
}

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
	if uid := strings.Split(users[0], ":")[0]; uid != strconv.Itoa(k.deployment.Template.Spec.SecurityContext.RunAsUser) {
		t.Errorf("Dockerfile USER %s differs from the Deployment's runAsUser %d", users[0], k.deployment.Template.Spec.SecurityContext.RunAsUser)
	}
	if _, defaultPort, _ := strings.Cut(configVars(t)["HTTP_ADDR"].Default, ":"); !strings.Contains(df, "\nEXPOSE "+defaultPort+"\n") {
		t.Errorf("Dockerfile does not EXPOSE the default HTTP_ADDR port %s", defaultPort)
	}
}

// scopeFor maps the slack.Client methods the code may call to the bot scope
// each needs ("" for none). A call to a method missing here fails the test:
// add it with its scope (see api.slack.com/methods) and update the manifest.
var scopeFor = map[string]string{
	"PostMessage": "chat:write", "PostMessageContext": "chat:write",
	"SendMessage": "chat:write", "SendMessageContext": "chat:write",
	"PostEphemeral": "chat:write", "PostEphemeralContext": "chat:write",
	"UpdateMessage": "chat:write", "UpdateMessageContext": "chat:write",
	"OpenConversation": "im:write", "OpenConversationContext": "im:write",
	"UploadFile": "files:write", "UploadFileContext": "files:write",
	"GetUploadURLExternal": "files:write", "GetUploadURLExternalContext": "files:write",
	"CompleteUploadExternal": "files:write", "CompleteUploadExternalContext": "files:write",
	"GetUserInfo": "users:read", "GetUserInfoContext": "users:read",
	"GetUsersInfo": "users:read", "GetUsersInfoContext": "users:read",
	"GetConversationInfo": "channels:read", "GetConversationInfoContext": "channels:read",
	"AuthTest": "", "AuthTestContext": "",
	// Names shared with other types in the code (logging, the meeting
	// client's Search); search.* needs a user token, which the bot has not.
	"Debug": "", "Debugf": "", "Debugln": "", "Search": "", "SearchContext": "",
}

// slackCalls returns the names of slack.Client methods called by the
// program's non-test code (fakes excluded).
func slackCalls(t *testing.T) []string {
	t.Helper()
	methods := map[string]bool{}
	for _, typ := range []reflect.Type{reflect.TypeFor[*slack.Client]()} {
		for m := range typ.Methods() {
			methods[m.Name] = true
		}
	}
	called := map[string]bool{}
	fset := token.NewFileSet()
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if n := d.Name(); path != root && (strings.HasPrefix(n, ".") || n == "deploy" || n == "testdata" || strings.HasSuffix(n, "fake")) {
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
		ast.Inspect(f, func(n ast.Node) bool {
			if call, ok := n.(*ast.CallExpr); ok {
				if sel, ok := call.Fun.(*ast.SelectorExpr); ok && methods[sel.Sel.Name] {
					called[sel.Sel.Name] = true
				}
			}
			return true
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return slices.Sorted(maps.Keys(called))
}

func TestSlackManifest(t *testing.T) {
	var m struct {
		DisplayInformation struct {
			Name        string `yaml:"name"`
			Description string `yaml:"description"`
		} `yaml:"display_information"`
		Features struct {
			BotUser *struct {
				DisplayName string `yaml:"display_name"`
			} `yaml:"bot_user"`
			SlashCommands []map[string]any `yaml:"slash_commands"`
		} `yaml:"features"`
		OAuthConfig struct {
			Scopes struct {
				Bot  []string `yaml:"bot"`
				User []string `yaml:"user"`
			} `yaml:"scopes"`
		} `yaml:"oauth_config"`
		Settings struct {
			SocketModeEnabled bool `yaml:"socket_mode_enabled"`
			Interactivity     struct {
				IsEnabled  bool   `yaml:"is_enabled"`
				RequestURL string `yaml:"request_url"`
			} `yaml:"interactivity"`
			TokenRotationEnabled bool `yaml:"token_rotation_enabled"`
		} `yaml:"settings"`
	}
	decodeYAML(t, &m, "deploy", "slack-app-manifest.yaml")

	if n := len(m.DisplayInformation.Name); n < 1 || n > 35 {
		t.Errorf("display_information.name %q: want 1-35 characters", m.DisplayInformation.Name)
	}
	if n := len(m.DisplayInformation.Description); n > 140 {
		t.Errorf("display_information.description is %d characters; want at most 140", n)
	}
	if m.Features.BotUser == nil || m.Features.BotUser.DisplayName == "" {
		t.Error("features.bot_user.display_name is missing")
	}
	if !m.Settings.SocketModeEnabled {
		t.Error("settings.socket_mode_enabled: want true")
	}
	if !m.Settings.Interactivity.IsEnabled || m.Settings.Interactivity.RequestURL != "" {
		t.Error("settings.interactivity: want is_enabled true and no request_url (Socket Mode)")
	}
	if m.Settings.TokenRotationEnabled {
		t.Error("settings.token_rotation_enabled: want false (the bot cannot refresh its token)")
	}

	if len(m.Features.SlashCommands) != 1 {
		t.Fatalf("%d slash commands; want 1", len(m.Features.SlashCommands))
	}
	cmd := m.Features.SlashCommands[0]
	if want := configVars(t)["SLACK_COMMAND"].Default; cmd["command"] != want {
		t.Errorf("slash command %v; want the SLACK_COMMAND default %q", cmd["command"], want)
	}
	for _, key := range []string{"description", "usage_hint"} {
		if s, _ := cmd[key].(string); s == "" {
			t.Errorf("slash command has no %s", key)
		}
	}
	if _, ok := cmd["url"]; ok {
		t.Error("slash command has a url; Socket Mode needs none")
	}
	if cmd["should_escape"] != false {
		t.Errorf("slash command should_escape = %v; want false", cmd["should_escape"])
	}

	// Bot scopes: exactly what the code needs.
	want := map[string]bool{"commands": true}
	for _, name := range slackCalls(t) {
		scope, ok := scopeFor[name]
		if !ok {
			t.Errorf("the code calls slack.Client.%s: add it to scopeFor with its scope", name)
			continue
		}
		if scope != "" {
			want[scope] = true
		}
	}
	if got := slices.Sorted(slices.Values(m.OAuthConfig.Scopes.Bot)); !slices.Equal(got, slices.Sorted(maps.Keys(want))) {
		t.Errorf("bot scopes %v; the code needs exactly %v", got, slices.Sorted(maps.Keys(want)))
	}
	if len(m.OAuthConfig.Scopes.User) > 0 {
		t.Errorf("user scopes %v; want none", m.OAuthConfig.Scopes.User)
	}
}

// pendingMetrics are documented before the code that exports them lands
// (automatic posts). Remove a name once it is defined in the code.
var pendingMetrics = map[string]bool{"attendees_autopost_pending_age_seconds": true}

func TestREADMEDocumentsEveryMetric(t *testing.T) {
	// Metric names defined in the code: Name: "attendees_..." in metric options.
	defined := map[string]bool{}
	name := regexp.MustCompile(`^attendees_[a-z0-9_]+$`)
	fset := token.NewFileSet()
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if n := d.Name(); path != root && (strings.HasPrefix(n, ".") || n == "deploy" || n == "testdata") {
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
		ast.Inspect(f, func(n ast.Node) bool {
			kv, ok := n.(*ast.KeyValueExpr)
			if !ok {
				return true
			}
			key, _ := kv.Key.(*ast.Ident)
			lit, _ := kv.Value.(*ast.BasicLit)
			if key == nil || key.Name != "Name" || lit == nil || lit.Kind != token.STRING {
				return true
			}
			if s, err := strconv.Unquote(lit.Value); err == nil && name.MatchString(s) {
				defined[s] = true
			}
			return true
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
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
		if !defined[m] && !pendingMetrics[m] {
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

// isPostgres reports whether a STORE_URL selects PostgreSQL (bot/store.Open).
func isPostgres(url string) bool {
	return strings.HasPrefix(url, "postgres://") || strings.HasPrefix(url, "postgresql://")
}
