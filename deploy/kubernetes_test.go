package deploy_test

import (
	"bytes"
	"errors"
	"maps"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	sigsyaml "sigs.k8s.io/yaml"

	"github.com/attendees-bot/attendees-bot/bot"
)

// The Kubernetes files are decoded strictly into the k8s.io/api types: a
// misspelt or misplaced field fails here, not at kubectl apply.

// kustomization is the part of kustomization.yaml the tests read.
type kustomization struct {
	APIVersion      string   `json:"apiVersion"`
	Kind            string   `json:"kind"`
	Resources       []string `json:"resources"`
	SecretGenerator []struct {
		Name string   `json:"name"`
		Envs []string `json:"envs"`
	} `json:"secretGenerator"`
	Patches []struct {
		Path   string `json:"path"`
		Patch  string `json:"patch"`
		Target *struct {
			Kind string `json:"kind"`
			Name string `json:"name"`
		} `json:"target"`
	} `json:"patches"`
	Images []struct {
		Name    string `json:"name"`
		NewName string `json:"newName"`
		NewTag  string `json:"newTag"`
	} `json:"images"`
}

// kube is one set of Kubernetes objects.
type kube struct {
	configMap  *corev1.ConfigMap
	secret     *corev1.Secret // generated: only from kustomize's output
	deployment *appsv1.Deployment
	service    *corev1.Service
	pdb        *policyv1.PodDisruptionBudget
	pvc        *corev1.PersistentVolumeClaim
}

// decodeObjects strictly decodes every document of a YAML stream into its
// k8s.io/api type and files it in k.
func decodeObjects(t *testing.T, where string, data []byte, k *kube) {
	t.Helper()
	for i, doc := range bytes.Split(data, []byte("\n---")) {
		doc = bytes.TrimPrefix(bytes.TrimSpace(doc), []byte("---"))
		if len(bytes.TrimSpace(doc)) == 0 {
			continue
		}
		var tm metav1.TypeMeta
		if err := sigsyaml.Unmarshal(doc, &tm); err != nil {
			t.Fatalf("%s document %d: %v", where, i+1, err)
		}
		var obj any
		switch tm.APIVersion + "/" + tm.Kind {
		case "v1/ConfigMap":
			k.configMap = &corev1.ConfigMap{}
			obj = k.configMap
		case "v1/Secret":
			k.secret = &corev1.Secret{}
			obj = k.secret
		case "v1/Service":
			k.service = &corev1.Service{}
			obj = k.service
		case "v1/PersistentVolumeClaim":
			k.pvc = &corev1.PersistentVolumeClaim{}
			obj = k.pvc
		case "apps/v1/Deployment":
			k.deployment = &appsv1.Deployment{}
			obj = k.deployment
		case "policy/v1/PodDisruptionBudget":
			k.pdb = &policyv1.PodDisruptionBudget{}
			obj = k.pdb
		default:
			t.Fatalf("%s document %d: %s %s is not a kind the tests know; add it to decodeObjects", where, i+1, tm.APIVersion, tm.Kind)
		}
		if err := sigsyaml.UnmarshalStrict(doc, obj); err != nil {
			t.Errorf("%s document %d (%s): %v", where, i+1, tm.Kind, err)
		}
	}
}

func readKustomization(t *testing.T, dir string) kustomization {
	t.Helper()
	var k kustomization
	if err := sigsyaml.UnmarshalStrict([]byte(readFile(t, "deploy", dir, "kustomization.yaml")), &k); err != nil {
		t.Fatalf("deploy/%s/kustomization.yaml: %v", dir, err)
	}
	return k
}

// loadKube decodes the resource files of the PostgreSQL variant as
// committed (the Secret is generated, so it is not among them).
func loadKube(t *testing.T) kube {
	t.Helper()
	var k kube
	for _, r := range readKustomization(t, "kubernetes").Resources {
		decodeObjects(t, r, []byte(readFile(t, "deploy", "kubernetes", r)), &k)
	}
	if k.configMap == nil || k.deployment == nil || k.service == nil || k.pdb == nil {
		t.Fatal("deploy/kubernetes lacks a ConfigMap, Deployment, Service or PodDisruptionBudget")
	}
	if k.secret != nil {
		t.Fatal("deploy/kubernetes commits a Secret: kubectl apply -k would write its placeholders over the real one")
	}
	return k
}

func TestKustomizationListsEveryManifest(t *testing.T) {
	for _, dir := range []string{"kubernetes", "kubernetes-sqlite"} {
		k := readKustomization(t, dir)
		used := slices.Clone(k.Resources)
		for _, p := range k.Patches {
			used = append(used, p.Path)
		}
		files, err := filepath.Glob(filepath.Join(root, "deploy", dir, "*.yaml"))
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range files {
			if b := filepath.Base(f); b != "kustomization.yaml" && !slices.Contains(used, b) {
				t.Errorf("deploy/%s/kustomization.yaml does not use %s", dir, b)
			}
		}
	}
}

// The Secret comes from a secretGenerator reading secrets.env, which is
// never committed, never in the image build and documented by its example.
func TestKubernetesSecretIsGenerated(t *testing.T) {
	k := readKustomization(t, "kubernetes")
	if len(k.SecretGenerator) != 1 || k.SecretGenerator[0].Name != "attendees-bot-secrets" || !slices.Equal(k.SecretGenerator[0].Envs, []string{"secrets.env"}) {
		t.Fatalf("secretGenerator = %+v; want attendees-bot-secrets from envs: [secrets.env]", k.SecretGenerator)
	}
	if _, err := os.Stat(filepath.Join(root, "deploy", "kubernetes", "secrets.env")); err == nil && os.Getenv("CI") != "" {
		t.Error("deploy/kubernetes/secrets.env exists in a CI checkout: it was committed")
	}
	for _, path := range []string{"deploy/kubernetes/secrets.env", "deploy/compose.env", "deploy/systemd/attendees-bot.env"} {
		if !gitIgnored(t, path) {
			t.Errorf("git does not ignore %s", path)
		}
		if !dockerIgnored(t, path) {
			t.Errorf(".dockerignore lets %s into the image build", path)
		}
	}
	for _, path := range []string{"deploy/kubernetes/secrets.env.example", "deploy/compose.env.example"} {
		if gitIgnored(t, path) {
			t.Errorf("git ignores %s, which documents the variables", path)
		}
	}
}

// gitIgnored asks git itself whether path is ignored.
func gitIgnored(t *testing.T, path string) bool {
	t.Helper()
	cmd := exec.Command("git", "check-ignore", "--no-index", "-q", path)
	cmd.Dir = root
	err := cmd.Run()
	var ee *exec.ExitError
	switch {
	case err == nil:
		return true
	case errors.As(err, &ee) && ee.ExitCode() == 1:
		return false
	}
	t.Fatalf("git check-ignore %s: %v", path, err)
	return false
}

func TestKubernetesEnv(t *testing.T) {
	vars := configVars(t)
	k := loadKube(t)
	cm := k.configMap.Data
	sec, all := envFile(t, false, "deploy", "kubernetes", "secrets.env.example")
	checkKnown(t, "ConfigMap", vars, slices.Sorted(maps.Keys(cm)))
	checkKnown(t, "secrets.env.example", vars, all)
	env := map[string]string{}
	for _, v := range slices.Sorted(maps.Keys(vars)) {
		c, inCM := cm[v]
		s, inSec := sec[v]
		switch {
		case inCM && inSec:
			t.Errorf("%s is in both the ConfigMap and secrets.env.example", v)
		case vars[v].Secret && !inSec:
			t.Errorf("%s is a secret: it must be in secrets.env.example (and not the ConfigMap)", v)
		case !inCM && !inSec:
			t.Errorf("%s is in neither the ConfigMap nor secrets.env.example", v)
		}
		if inCM {
			env[v] = c
		}
		if inSec {
			env[v] = s
			if s != "" && !strings.Contains(s, "REPLACE-ME") {
				t.Errorf("secrets.env.example %s = %q; want a REPLACE-ME placeholder or empty", v, s)
			}
		}
	}
	loadConfig(t, "ConfigMap + secrets.env.example", env)

	// Replicas share state only through PostgreSQL; SQLite means one replica.
	replicas := int(*k.deployment.Spec.Replicas)
	if replicas > 1 && !isPostgres(env["STORE_URL"]) {
		t.Errorf("Deployment has %d replicas but STORE_URL %q is not PostgreSQL", replicas, env["STORE_URL"])
	}
	if replicas < 2 || replicas > 10 {
		t.Errorf("Deployment replicas = %d; want 2 by default and at most 10 (Socket Mode connections per app)", replicas)
	}

	c := k.deployment.Spec.Template.Spec.Containers[0]
	var refs []string
	for _, e := range c.EnvFrom {
		if e.ConfigMapRef != nil {
			refs = append(refs, "ConfigMap/"+e.ConfigMapRef.Name)
		}
		if e.SecretRef != nil {
			refs = append(refs, "Secret/"+e.SecretRef.Name)
		}
	}
	if want := []string{"ConfigMap/" + k.configMap.Name, "Secret/attendees-bot-secrets"}; !slices.Equal(refs, want) {
		t.Errorf("container envFrom = %v; want %v", refs, want)
	}
	// Only the Go runtime's GOMEMLIMIT is set directly; the bot's own
	// variables live in the ConfigMap and the Secret.
	for _, e := range c.Env {
		if e.Name != "GOMEMLIMIT" {
			t.Errorf("container sets %s directly; put it in the ConfigMap or secrets.env", e.Name)
		}
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
	pod := k.deployment.Spec.Template
	if len(pod.Spec.Containers) != 1 {
		t.Fatalf("pod has %d containers; want 1", len(pod.Spec.Containers))
	}
	c := pod.Spec.Containers[0]
	if len(c.Ports) != 1 {
		t.Fatalf("container has %d ports; want 1 (HTTP_ADDR)", len(c.Ports))
	}
	port := c.Ports[0]
	_, addrPort, _ := strings.Cut(k.configMap.Data["HTTP_ADDR"], ":")
	if strconv.Itoa(int(port.ContainerPort)) != addrPort {
		t.Errorf("containerPort %d differs from HTTP_ADDR %q", port.ContainerPort, k.configMap.Data["HTTP_ADDR"])
	}
	samePort := func(what, p string) {
		t.Helper()
		if p != port.Name && p != strconv.Itoa(int(port.ContainerPort)) {
			t.Errorf("%s port %v is not the container's port (%s/%d)", what, p, port.Name, port.ContainerPort)
		}
	}

	h := mux()
	for _, tc := range []struct {
		name     string
		probe    *corev1.Probe
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
			samePort(tc.name, tc.probe.HTTPGet.Port.String())
			if code := get(t, h, tc.probe.HTTPGet.Path); code != http.StatusOK {
				t.Errorf("GET %s on bot.NewMux = %d; want 200", tc.probe.HTTPGet.Path, code)
			}
		})
	}

	ann := pod.Annotations
	if ann["prometheus.io/scrape"] != "true" {
		t.Error(`pod template lacks the prometheus.io/scrape: "true" annotation`)
	}
	samePort("prometheus.io/port annotation", ann["prometheus.io/port"])
	if code := get(t, h, ann["prometheus.io/path"]); code != http.StatusOK {
		t.Errorf("GET %q (prometheus.io/path) on bot.NewMux = %d; want 200", ann["prometheus.io/path"], code)
	}

	if len(k.service.Spec.Ports) != 1 {
		t.Fatalf("Service has %d ports; want 1", len(k.service.Spec.Ports))
	}
	samePort("Service targetPort", k.service.Spec.Ports[0].TargetPort.String())
	if k.service.Spec.Ports[0].Port != port.ContainerPort {
		t.Errorf("Service port %d; want %d", k.service.Spec.Ports[0].Port, port.ContainerPort)
	}

	labels := pod.Labels
	for what, sel := range map[string]map[string]string{
		"Deployment selector": k.deployment.Spec.Selector.MatchLabels,
		"Service selector":    k.service.Spec.Selector,
		"PDB selector":        k.pdb.Spec.Selector.MatchLabels,
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
	if k.pdb.Spec.MinAvailable == nil || k.pdb.Spec.MinAvailable.IntValue() != 1 {
		t.Error("PDB: want minAvailable: 1 (one bot keeps answering during a drain)")
	}
	// Readiness includes the meeting login: during a vendor outage every pod
	// is unready, and without this a drain would wait for ever.
	if p := k.pdb.Spec.UnhealthyPodEvictionPolicy; p == nil || *p != policyv1.AlwaysAllow {
		t.Error("PDB: want unhealthyPodEvictionPolicy: AlwaysAllow (unready pods never block a node drain)")
	}
}

func TestKubernetesHardening(t *testing.T) {
	k := loadKube(t)
	spec := k.deployment.Spec.Template.Spec
	c := spec.Containers[0]
	isTrue := func(b *bool) bool { return b != nil && *b }
	psc, csc := spec.SecurityContext, c.SecurityContext
	if psc == nil || csc == nil || csc.Capabilities == nil {
		t.Fatal("Deployment: want pod and container securityContext with capabilities")
	}
	grace := time.Duration(0)
	if spec.TerminationGracePeriodSeconds != nil {
		grace = time.Duration(*spec.TerminationGracePeriodSeconds) * time.Second
	}
	timeout, err := time.ParseDuration(k.configMap.Data["COMMAND_TIMEOUT"])
	if err != nil {
		t.Fatalf("ConfigMap COMMAND_TIMEOUT: %v", err)
	}
	for _, tc := range []struct {
		what string
		ok   bool
	}{
		{"pod runAsNonRoot", isTrue(psc.RunAsNonRoot)},
		{"pod runAsUser non-zero", psc.RunAsUser != nil && *psc.RunAsUser > 0},
		{"seccompProfile RuntimeDefault", psc.SeccompProfile != nil && psc.SeccompProfile.Type == corev1.SeccompProfileTypeRuntimeDefault},
		{"readOnlyRootFilesystem", isTrue(csc.ReadOnlyRootFilesystem)},
		{"allowPrivilegeEscalation false", csc.AllowPrivilegeEscalation != nil && !*csc.AllowPrivilegeEscalation},
		{"capabilities drop ALL", slices.Equal(csc.Capabilities.Drop, []corev1.Capability{"ALL"})},
		{"terminationGracePeriodSeconds above the shutdown bound for COMMAND_TIMEOUT (" + bot.ShutdownBound(timeout).String() + ")", grace > bot.ShutdownBound(timeout)},
		{"cpu and memory requests", !c.Resources.Requests.Cpu().IsZero() && !c.Resources.Requests.Memory().IsZero()},
		{"cpu and memory limits", !c.Resources.Limits.Cpu().IsZero() && !c.Resources.Limits.Memory().IsZero()},
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
	checkMemoryLimit(t, c)
}

// checkMemoryLimit wants GOMEMLIMIT at 80-95 % of the container's memory
// limit: the Go runtime collects harder before the kernel kills the pod, and
// memory outside the Go heap (SQLite's page cache) still has room.
func checkMemoryLimit(t *testing.T, c corev1.Container) {
	t.Helper()
	limit := c.Resources.Limits.Memory().Value()
	gomem := ""
	for _, e := range c.Env {
		if e.Name == "GOMEMLIMIT" {
			gomem = e.Value
		}
	}
	if gomem == "" {
		t.Fatal("container: want GOMEMLIMIT set against the memory limit")
	}
	got := goMemLimit(t, gomem)
	if float64(got) < 0.8*float64(limit) || float64(got) > 0.95*float64(limit) {
		t.Errorf("GOMEMLIMIT %s = %d bytes is %.0f%% of the memory limit %s; want 80-95%%",
			gomem, got, 100*float64(got)/float64(limit), resource.NewQuantity(limit, resource.BinarySI))
	}
}
