package deploy_test

import (
	"maps"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/attendees-bot/attendees-bot/bot"
)

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
