package deploy_test

import (
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
)

// The SQLite variant as committed: one replica, Recreate, the store on a
// PersistentVolumeClaim at the image's working directory, no PDB.
func TestKubernetesSQLiteVariant(t *testing.T) {
	k := readKustomization(t, "kubernetes-sqlite")
	if !slices.Equal(k.Resources, []string{"../kubernetes", "pvc.yaml"}) {
		t.Errorf("resources = %v; want the PostgreSQL variant and pvc.yaml", k.Resources)
	}
	var patch kube
	deletesPDB := false
	for _, p := range k.Patches {
		switch {
		case p.Path != "":
			decodeObjects(t, p.Path, []byte(readFile(t, "deploy", "kubernetes-sqlite", p.Path)), &patch)
		case p.Target != nil && p.Target.Kind == "PodDisruptionBudget" && strings.Contains(p.Patch, "$patch: delete"):
			deletesPDB = true
		}
	}
	if !deletesPDB {
		t.Error("the SQLite variant keeps the PodDisruptionBudget: with one replica and minAvailable 1 no drain could move it")
	}
	var pvc kube
	decodeObjects(t, "pvc.yaml", []byte(readFile(t, "deploy", "kubernetes-sqlite", "pvc.yaml")), &pvc)
	if patch.deployment == nil || pvc.pvc == nil {
		t.Fatal("the SQLite variant lacks its Deployment patch or its PersistentVolumeClaim")
	}
	checkSQLiteDeployment(t, patch.deployment, pvc.pvc.Name)
}

// checkSQLiteDeployment checks what the SQLite variant must be.
func checkSQLiteDeployment(t *testing.T, d *appsv1.Deployment, claim string) {
	t.Helper()
	if d.Spec.Replicas == nil || *d.Spec.Replicas != 1 {
		t.Error("SQLite Deployment: want replicas: 1 (SQLite serves one process)")
	}
	if d.Spec.Strategy.Type != appsv1.RecreateDeploymentStrategyType || d.Spec.Strategy.RollingUpdate != nil {
		t.Errorf("SQLite Deployment strategy = %+v; want Recreate (the old pod stops before the new one opens the file)", d.Spec.Strategy)
	}
	spec := d.Spec.Template.Spec
	c := spec.Containers[0]
	vol := ""
	for _, v := range spec.Volumes {
		if v.PersistentVolumeClaim != nil && v.PersistentVolumeClaim.ClaimName == claim {
			vol = v.Name
		}
	}
	mounted := false
	for _, m := range c.VolumeMounts {
		mounted = mounted || (m.Name == vol && m.MountPath == imageWorkdir(t))
	}
	if vol == "" || !mounted {
		t.Errorf("SQLite Deployment: want the claim %s mounted at the image's working directory %s", claim, imageWorkdir(t))
	}
	store := ""
	for _, e := range c.Env {
		if e.Name == "STORE_URL" {
			store = e.Value
		}
	}
	if isPostgres(store) || !strings.HasPrefix(store, imageWorkdir(t)+"/") {
		t.Errorf("SQLite Deployment STORE_URL = %q; want a file on the volume", store)
	}
}

// imageWorkdir is the Dockerfile's WORKDIR, where the SQLite file lives.
func imageWorkdir(t *testing.T) string {
	t.Helper()
	dir := ""
	for line := range strings.Lines(readFile(t, "deploy", "Dockerfile")) {
		if f := strings.Fields(line); len(f) == 2 && f[0] == "WORKDIR" {
			dir = f[1]
		}
	}
	return dir
}

// kustomizeCommand is how to run kustomize build: $ATTENDEES_KUSTOMIZE
// (.ci/run builds it from its Go module), kustomize or kubectl kustomize.
func kustomizeCommand(t *testing.T) []string {
	t.Helper()
	if k := os.Getenv("ATTENDEES_KUSTOMIZE"); k != "" {
		return []string{k, "build"}
	}
	if k, err := exec.LookPath("kustomize"); err == nil {
		return []string{k, "build"}
	}
	if k, err := exec.LookPath("kubectl"); err == nil {
		return []string{k, "kustomize"}
	}
	if os.Getenv("CI") != "" {
		t.Fatal("CI without kustomize: .ci/run sets ATTENDEES_KUSTOMIZE")
	}
	t.Skip("no kustomize or kubectl on PATH (set ATTENDEES_KUSTOMIZE); .ci/run builds both variants")
	return nil
}

// Both variants as kubectl apply -k would send them: built by kustomize
// from a copy with secrets.env made from its example, every object decoded
// strictly, and the result a valid configuration of the right shape.
func TestKustomizeBuild(t *testing.T) {
	cmd := kustomizeCommand(t)
	dir := t.TempDir()
	for _, d := range []string{"kubernetes", "kubernetes-sqlite"} {
		if err := os.CopyFS(filepath.Join(dir, d), os.DirFS(filepath.Join(root, "deploy", d))); err != nil {
			t.Fatal(err)
		}
	}
	example := readFile(t, "deploy", "kubernetes", "secrets.env.example")
	if err := os.WriteFile(filepath.Join(dir, "kubernetes", "secrets.env"), []byte(example), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, variant := range []string{"kubernetes", "kubernetes-sqlite"} {
		t.Run(variant, func(t *testing.T) {
			out, err := exec.Command(cmd[0], append(cmd[1:], filepath.Join(dir, variant))...).Output()
			if err != nil {
				var stderr string
				if ee, ok := err.(*exec.ExitError); ok {
					stderr = string(ee.Stderr)
				}
				t.Fatalf("%s: %v\n%s", strings.Join(cmd, " "), err, stderr)
			}
			var k kube
			decodeObjects(t, variant+" (built)", out, &k)
			if k.configMap == nil || k.secret == nil || k.deployment == nil || k.service == nil {
				t.Fatal("build lacks the ConfigMap, Secret, Deployment or Service")
			}
			c := k.deployment.Spec.Template.Spec.Containers[0]
			env := builtEnv(t, k, c)
			loadConfig(t, variant+" as built", env)
			if !strings.HasPrefix(c.Image, "registry.example.com/attendees-bot:") {
				t.Errorf("image %q; want the images: override", c.Image)
			}
			checkMemoryLimit(t, c)
			switch variant {
			case "kubernetes":
				if *k.deployment.Spec.Replicas != 2 || k.pdb == nil || *k.pdb.Spec.UnhealthyPodEvictionPolicy != policyv1.AlwaysAllow || !isPostgres(env["STORE_URL"]) {
					t.Error("PostgreSQL variant: want 2 replicas, a PDB with unhealthyPodEvictionPolicy AlwaysAllow and a postgres:// STORE_URL")
				}
			case "kubernetes-sqlite":
				if k.pdb != nil || k.pvc == nil {
					t.Fatal("SQLite variant: want a PersistentVolumeClaim and no PodDisruptionBudget")
				}
				checkSQLiteDeployment(t, k.deployment, k.pvc.Name)
				if isPostgres(env["STORE_URL"]) {
					t.Errorf("SQLite variant runs on STORE_URL %q", env["STORE_URL"])
				}
			}
		})
	}
}

// builtEnv is the environment the container gets: the ConfigMap and the
// generated Secret it names, then its own env, which wins (as in the
// kubelet).
func builtEnv(t *testing.T, k kube, c corev1.Container) map[string]string {
	t.Helper()
	env := map[string]string{}
	for _, from := range c.EnvFrom {
		switch {
		case from.ConfigMapRef != nil && from.ConfigMapRef.Name == k.configMap.Name:
			maps.Copy(env, k.configMap.Data)
		case from.SecretRef != nil && from.SecretRef.Name == k.secret.Name:
			for key, v := range k.secret.Data {
				env[key] = string(v)
			}
		default:
			t.Errorf("envFrom %+v names nothing in the build", from)
		}
	}
	for _, e := range c.Env {
		if e.Name != "GOMEMLIMIT" {
			env[e.Name] = e.Value
		}
	}
	return env
}
