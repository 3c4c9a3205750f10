package scenario

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/swarmsim/swarmsim/cluster"
)

// writeStack writes compose files into a fresh directory and returns it.
func writeStack(t testing.TB, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, src := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// everyKey uses every deploy key a stack deploy honours, and a few it
// ignores.
const everyKey = `version: "3.9"
services:
  web:
    image: nginx:1.27
    build: .
    container_name: web
    ports:
      - "8080:80"
      - target: 443
        published: 8443
        protocol: udp
        mode: host
      - "9000"
    healthcheck:
      test: ["CMD", "curl", "-f", "http://localhost"]
      interval: 5s
      timeout: 2s
      retries: 4
      start_period: 20s
    secrets: [db_password, api_key]
    configs: [nginx_conf]
    deploy:
      mode: replicated
      replicas: 6
      endpoint_mode: vip
      labels: {tier: front}
      placement:
        constraints: [node.role == worker, node.labels.zone != c]
        preferences:
          - spread: node.labels.zone
          - spread: node.labels.rack
        max_replicas_per_node: 2
      resources:
        reservations: {cpus: "0.25", memory: 128M}
        limits: {cpus: "1.5", memory: 1G}
      update_config: {parallelism: 2, delay: 10s, failure_action: rollback, monitor: 15s, max_failure_ratio: 0.25, order: start-first}
      rollback_config: {parallelism: 3, delay: 1s, failure_action: continue, monitor: 7s, max_failure_ratio: 0.5, order: stop-first}
      restart_policy: {condition: on-failure, delay: 3s, max_attempts: 4, window: 2m}
  agent:
    image: agent
    deploy:
      mode: global
      endpoint_mode: dnsrr
secrets:
  db_password:
    file: ./db.txt
  api_key:
    external: true
configs:
  nginx_conf:
    name: nginx-v2
    file: ./nginx.conf
`

func TestLoadStackHonoursEveryKey(t *testing.T) {
	dir := writeStack(t, map[string]string{"stack.yml": everyKey, "db.txt": "secret", "nginx.conf": "events {}"})
	st, err := LoadStack("shop", []string{"stack.yml"}, dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"Ignoring unsupported options: build", "Ignoring deprecated options: container_name: Setting the container name is not supported."}; !reflect.DeepEqual(st.Warnings, want) {
		t.Errorf("warnings %q, want %q", st.Warnings, want)
	}
	if len(st.Services) != 2 || st.Services[0].Name != "shop_agent" || st.Services[1].Name != "shop_web" {
		t.Fatalf("services %+v, want shop_agent and shop_web in name order", st.Services)
	}
	ns := map[string]string{cluster.LabelNamespace: "shop"}
	agent := st.Services[0].Spec()
	if agent.Mode != cluster.ModeGlobal || agent.EndpointMode != "dnsrr" || !reflect.DeepEqual(agent.Labels, ns) {
		t.Errorf("agent: mode %s, endpoint mode %q, labels %v", agent.Mode, agent.EndpointMode, agent.Labels)
	}
	want := cluster.NewServiceSpec("shop_web")
	want.Image, want.Replicas = "nginx:1.27", 6
	want.Labels = map[string]string{cluster.LabelNamespace: "shop", "tier": "front"}
	want.Constraints = []string{"node.role == worker", "node.labels.zone != c"}
	want.Preferences = []string{"node.labels.zone", "node.labels.rack"}
	want.MaxReplicas = 2
	want.NanoCPUs, want.MemoryBytes = 250_000_000, 128<<20
	want.LimitNanoCPUs, want.LimitMemoryBytes = 1_500_000_000, 1<<30
	want.Update = cluster.UpdateConfig{Parallelism: 2, Delay: 10 * time.Second, FailureAction: "rollback", Monitor: 15 * time.Second, MaxFailureRatio: 250_000, Order: "start-first"}
	want.Rollback = cluster.UpdateConfig{Parallelism: 3, Delay: time.Second, FailureAction: "continue", Monitor: 7 * time.Second, MaxFailureRatio: 500_000, Order: "stop-first"}
	want.Restart = cluster.RestartPolicy{Condition: "on-failure", Delay: 3 * time.Second, MaxAttempts: 4, Window: 2 * time.Minute}
	want.EndpointMode = "vip"
	// "9000" leaves the published port to the swarm, which numbers it from
	// its dynamic range when the service is created.
	want.Ports = []cluster.PortConfig{{Published: 8080, Target: 80, Protocol: "tcp", Mode: "ingress"}, {Published: 8443, Target: 443, Protocol: "udp", Mode: "host"}, {Target: 9000, Protocol: "tcp", Mode: "ingress"}}
	want.HostPorts = []uint32{8443}
	want.Health = cluster.HealthCheck{Cmd: "curl -f http://localhost", Interval: 5 * time.Second, Timeout: 2 * time.Second, StartPeriod: 20 * time.Second, Retries: 4}
	want.Secrets = []string{"api_key", "shop_db_password"}
	want.Configs = []string{"nginx-v2"}
	if got := st.Services[1].Spec(); !reflect.DeepEqual(got, want) {
		t.Errorf("web:\n got %+v\nwant %+v", got, want)
	}
	// The stack's own secret and config, not the external one.
	if len(st.Secrets) != 1 || st.Secrets[0].Name != "shop_db_password" || st.Secrets[0].Digest == 0 || !reflect.DeepEqual(st.Secrets[0].Labels, ns) {
		t.Errorf("secrets %+v", st.Secrets)
	}
	if len(st.Configs) != 1 || st.Configs[0].Name != "nginx-v2" {
		t.Errorf("configs %+v", st.Configs)
	}
}

func TestLoadStackDefaults(t *testing.T) {
	dir := writeStack(t, map[string]string{"s.yml": "services:\n  web:\n    image: nginx\n    restart: on-failure:3\n    deploy:\n      update_config: {delay: 5s}\n"})
	st, err := LoadStack("s", []string{"s.yml"}, dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	got := st.Services[0].Spec()
	want := cluster.NewServiceSpec("s_web")
	want.Labels = map[string]string{cluster.LabelNamespace: "s"}
	// An update_config that says nothing of parallelism has 1, as Docker's
	// convertUpdateConfig gives; the failure action and monitor are filled
	// in by the swarm, as swarmkit fills them.
	want.Update = cluster.UpdateConfig{Parallelism: 1, Delay: 5 * time.Second}
	want.Restart = cluster.RestartPolicy{Condition: "on-failure", Delay: 5 * time.Second, MaxAttempts: 3}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("\n got %+v\nwant %+v", got, want)
	}
	if !reflect.DeepEqual(st.Warnings, []string{"Ignoring unsupported options: restart"}) {
		t.Errorf("warnings %q", st.Warnings)
	}
}

func TestLoadStackMergesFilesInOrder(t *testing.T) {
	dir := writeStack(t, map[string]string{
		"base.yml":     "services:\n  web:\n    image: nginx:1\n    deploy: {replicas: 2}\n  db:\n    image: postgres\n",
		"override.yml": "services:\n  web:\n    image: nginx:2\n",
	})
	st, err := LoadStack("app", []string{"base.yml", "override.yml"}, dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	var images []string
	for _, s := range st.Services {
		images = append(images, s.Name+"="+s.Image)
	}
	if want := []string{"app_db=postgres", "app_web=nginx:2"}; !slices.Equal(images, want) {
		t.Errorf("services %v, want %v", images, want)
	}
	if st.Services[1].Replicas != 2 {
		t.Errorf("the override lost web's replicas: %d", st.Services[1].Replicas)
	}
}

func TestLoadStackRefusesMalformedFiles(t *testing.T) {
	for _, tc := range []struct {
		name, src, want string
	}{
		{"replicas not a number", "services:\n  web:\n    image: nginx\n    deploy:\n      replicas: three\n",
			"bad.yml: services.web.deploy.replicas: must be an integer"},
		{"unknown key", "services:\n  web:\n    image: nginx\n    deploy:\n      replica: 3\n",
			"bad.yml: services.web.deploy: additional property 'replica' is not allowed"},
		{"not yaml", "services:\n  web:\n    image: [\n", "bad.yml: yaml: line 3: did not find expected node content"},
		{"not a mapping", "- web\n", "bad.yml: top-level object must be a mapping"},
		{"forbidden key", "services:\n  web:\n    image: nginx\n    extends: {service: x}\n",
			"bad.yml: compose file contains unsupported options: extends: Support for `extends` is not implemented yet."},
		{"no image", "services:\n  web:\n    deploy: {replicas: 2}\n", "bad.yml: invalid image reference for service web: no image specified"},
		{"empty tag", "services:\n  web:\n    image: nginx:${TAG}\n", "bad.yml: invalid image reference for service web: invalid reference format"},
		{"global with replicas", "services:\n  web:\n    image: nginx\n    deploy: {mode: global, replicas: 2}\n",
			"bad.yml: service web: replicas can only be used with replicated or replicated-job mode"},
		{"job", "services:\n  web:\n    image: nginx\n    deploy: {mode: replicated-job}\n",
			"bad.yml: service web: mode replicated-job runs a job to completion, which swarmsim does not simulate; use replicated or global"},
		{"undefined secret", "services:\n  web:\n    image: nginx\n    secrets: [nope]\n", `bad.yml: service web: undefined secret "nope"`},
		{"bad constraint", "services:\n  web:\n    image: nginx\n    deploy:\n      placement: {constraints: [node.role]}\n", "bad.yml: service web: deploy.placement.constraints: "},
		{"too precise", "services:\n  web:\n    image: nginx\n    deploy:\n      resources: {reservations: {cpus: \"0.0000000001\"}}\n",
			"bad.yml: service web: deploy.resources.reservations.cpus: value is too precise"},
		{"health test and disable", "services:\n  web:\n    image: nginx\n    healthcheck: {test: [\"CMD\", \"true\"], disable: true}\n",
			"bad.yml: service web: test and disable can't be set at the same time"},
		{"missing secret file", "services:\n  web:\n    image: nginx\n    secrets: [s]\nsecrets:\n  s: {file: ./missing.txt}\n", "bad.yml: secret s: open "},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := writeStack(t, map[string]string{"bad.yml": tc.src})
			_, err := LoadStack("x", []string{"bad.yml"}, dir, nil)
			if err == nil || !strings.HasPrefix(err.Error(), tc.want) {
				t.Fatalf("error %v, want %q", err, tc.want)
			}
			if strings.Contains(err.Error(), "\n") {
				t.Errorf("the error takes more than one line: %q", err)
			}
		})
	}
	if _, err := LoadStack("x", []string{"nope.yml"}, t.TempDir(), nil); err == nil || err.Error() != "nope.yml: cannot read it: no such file or directory" {
		t.Errorf("a missing file: %v", err)
	}
}

func TestStackName(t *testing.T) {
	for file, want := range map[string]string{"shop.yml": "shop", "stacks/blog.compose.yaml": "blog.compose", "app": "app"} {
		if got := StackName(file); got != want {
			t.Errorf("StackName(%q) = %q, want %q", file, got, want)
		}
	}
}

// stackCluster is a settled swarm of 3 managers and 3 workers.
func stackCluster(t *testing.T) *cluster.Cluster {
	t.Helper()
	l, err := NewLayout(3, nil, 3)
	if err != nil {
		t.Fatal(err)
	}
	c, err := cluster.New(cluster.Config{Seed: 3, Layout: l})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.RunFor(time.Second); err != nil {
		t.Fatal(err)
	}
	return c
}

func deploy(t *testing.T, c *cluster.Cluster, dir string, files ...string) []string {
	t.Helper()
	st, err := LoadStack("shop", files, dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	out, err := DeployStack(c, st)
	if err != nil {
		t.Fatalf("deploy: %v (after %q)", err, out)
	}
	if _, err := c.Settle(2 * time.Minute); err != nil {
		t.Fatal(err)
	}
	return out
}

// taskIDs lists the IDs of each service's tasks meant to run.
func taskIDs(c *cluster.Cluster) map[string][]string {
	out := map[string][]string{}
	for _, tk := range c.Snapshot().Tasks {
		if tk.Active() {
			out[tk.Service] = append(out[tk.Service], tk.ID)
		}
	}
	return out
}

const twoServices = "services:\n  web:\n    image: nginx:1\n    deploy: {replicas: 3}\n  api:\n    image: api:1\n    deploy: {replicas: 2}\n"

func TestRedeployUnchangedStackReplacesNoTask(t *testing.T) {
	dir := writeStack(t, map[string]string{"s.yml": twoServices})
	c := stackCluster(t)
	if out := deploy(t, c, dir, "s.yml"); !slices.Equal(out, []string{"Creating service shop_api", "Creating service shop_web"}) {
		t.Errorf("first deploy printed %q", out)
	}
	before, events := taskIDs(c), len(c.Events())
	out := deploy(t, c, dir, "s.yml")
	if want := []string{"Updating service shop_api (id: shop_api)", "Updating service shop_web (id: shop_web)"}; !slices.Equal(out, want) {
		t.Errorf("re-deploy printed %q, want %q", out, want)
	}
	if after := taskIDs(c); !reflect.DeepEqual(after, before) {
		t.Errorf("an unchanged re-deploy replaced tasks: %v, then %v", before, after)
	}
	if evs := c.Events()[events:]; len(evs) != 0 {
		t.Errorf("an unchanged re-deploy changed the swarm: %v", evs)
	}
}

func TestRedeployChangedStackReplacesOnlyThatService(t *testing.T) {
	dir := writeStack(t, map[string]string{"s.yml": twoServices, "v2.yml": "services:\n  web:\n    image: nginx:2\n"})
	c := stackCluster(t)
	deploy(t, c, dir, "s.yml")
	before := taskIDs(c)
	deploy(t, c, dir, "s.yml", "v2.yml")
	if err := c.RunFor(time.Minute); err != nil { // the rolling update, a task at a time
		t.Fatal(err)
	}
	after := taskIDs(c)
	if !slices.Equal(after["shop_api"], before["shop_api"]) {
		t.Errorf("api's tasks changed although its spec did not: %v, then %v", before["shop_api"], after["shop_api"])
	}
	if len(after["shop_web"]) != 3 || slices.ContainsFunc(after["shop_web"], func(id string) bool { return slices.Contains(before["shop_web"], id) }) {
		t.Errorf("web's tasks were not all replaced: %v, then %v", before["shop_web"], after["shop_web"])
	}
	spec, err := c.InspectService("shop_web")
	if err != nil || spec.Image != "nginx:2" {
		t.Errorf("web runs %s after the update (%v)", spec.Image, err)
	}
}

func TestDeployChecksSecretsAndModes(t *testing.T) {
	dir := writeStack(t, map[string]string{
		"ext.yml":    "services:\n  web:\n    image: nginx\n    secrets: [key]\nsecrets:\n  key: {external: true}\n",
		"own.yml":    "services:\n  web:\n    image: nginx\n    secrets: [key]\nsecrets:\n  key: {file: ./key.txt}\n",
		"key.txt":    "one",
		"global.yml": "services:\n  web:\n    image: nginx\n    deploy: {mode: global}\n",
	})
	c := stackCluster(t)
	st, err := LoadStack("shop", []string{"ext.yml"}, dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := DeployStack(c, st); err == nil || err.Error() != "service web: secret not found: key; create it first (docker secret create key -), or give it a file: in the stack" {
		t.Errorf("a missing external secret: %v", err)
	}
	if snap, _ := c.Inspect(); len(snap.Services) != 0 {
		t.Errorf("a refused deploy created services: %+v", snap.Services)
	}
	if out := deploy(t, c, dir, "own.yml"); !slices.Equal(out, []string{"Creating secret shop_key", "Creating service shop_web"}) {
		t.Errorf("deploy printed %q", out)
	}
	if err := os.WriteFile(filepath.Join(dir, "key.txt"), []byte("two"), 0o644); err != nil {
		t.Fatal(err)
	}
	st, _ = LoadStack("shop", []string{"own.yml"}, dir, nil)
	if _, err := DeployStack(c, st); err == nil || !strings.Contains(err.Error(), "failed to update secret shop_key: Error response from daemon: rpc error: code = InvalidArgument desc = only updates to Labels are allowed") {
		t.Errorf("a changed secret file: %v", err)
	}
	st, _ = LoadStack("shop", []string{"global.yml"}, dir, nil)
	if _, err := DeployStack(c, st); err == nil || !strings.Contains(err.Error(), "service mode change is not allowed") {
		t.Errorf("a mode change: %v", err)
	}
	// A service of the same name outside the stack is not the stack's.
	if err := c.Apply(cluster.CreateService(Replicated("blog_web", 1).Spec())); err != nil {
		t.Fatal(err)
	}
	st, _ = LoadStack("blog", []string{"global.yml"}, dir, nil)
	if _, err := DeployStack(c, st); err == nil || !strings.Contains(err.Error(), "failed to create service blog_web: Error response from daemon: rpc error: code = AlreadyExists") {
		t.Errorf("a name taken outside the stack: %v", err)
	}
}

func TestStacksNeedALeader(t *testing.T) {
	dir := writeStack(t, map[string]string{"s.yml": twoServices})
	c := stackCluster(t)
	deploy(t, c, dir, "s.yml")
	if err := c.Apply(cluster.KillManagers(2)); err != nil {
		t.Fatal(err)
	}
	if err := c.RunFor(time.Minute); err != nil {
		t.Fatal(err)
	}
	st, _ := LoadStack("shop", []string{"s.yml"}, dir, nil)
	if _, err := DeployStack(c, st); !errors.Is(err, cluster.ErrNoLeader) {
		t.Errorf("deploy without a leader: %v", err)
	}
	if _, err := RemoveStack(c, "shop"); !errors.Is(err, cluster.ErrNoLeader) {
		t.Errorf("rm without a leader: %v", err)
	}
}

func TestRemoveStack(t *testing.T) {
	dir := writeStack(t, map[string]string{"s.yml": "services:\n  web:\n    image: nginx\n    secrets: [k]\nsecrets:\n  k: {file: ./k.txt}\n", "k.txt": "x"})
	c := stackCluster(t)
	if err := c.Apply(cluster.CreateService(Replicated("other", 1).Spec())); err != nil {
		t.Fatal(err)
	}
	deploy(t, c, dir, "s.yml")
	out, err := RemoveStack(c, "shop")
	if want := []string{"Removing service shop_web", "Removing secret shop_k"}; err != nil || !slices.Equal(out, want) {
		t.Errorf("rm printed %q, %v; want %q", out, err, want)
	}
	snap, _ := c.Inspect()
	if len(snap.Services) != 1 || snap.Services[0].Name != "other" {
		t.Errorf("after rm: %+v", snap.Services)
	}
	out, err = RemoveStack(c, "shop")
	if err != nil || !slices.Equal(out, []string{"Nothing found in stack: shop"}) {
		t.Errorf("rm of an empty stack: %q, %v", out, err)
	}
}

// FuzzLoadStack feeds Docker's loader and the conversion after it
// anything: they never panic, an error is one line, and a stack that loads
// has services named and labelled for it.
func FuzzLoadStack(f *testing.F) {
	f.Add(everyKey)
	f.Add(twoServices)
	f.Add("services:\n  web:\n    image: nginx\n    deploy: {replicas: three}\n")
	f.Add("services:\n  web:\n    image: nginx\n    healthcheck: {test: [\"CMD-SHELL\", \"true\"], interval: 1s}\n    deploy: {mode: global, endpoint_mode: dnsrr}\n")
	f.Add("services:\n  web:\n    image: nginx\n    restart: always:2\n    ports: [\"80-81:80-81/udp\"]\n")
	f.Add("version: \"3.2\"\nservices: {}\n")
	f.Add("services:\n  web:\n    image: nginx:${TAG}\n    deploy: {replicas: \"${N:-3}\"}\n")
	env := func(k string) (string, bool) {
		v, ok := map[string]string{"TAG": "1.27", "N": "2", "EMPTY": ""}[k]
		return v, ok
	}
	f.Add("services:\n  web:\n    image: nginx\n    env_file: [s.env, ../s.env, /etc/hostname]\n")
	f.Add("x-a: &a \"aaaaaaaaaaaaaaaa\"\nx-b: &b [*a, *a, *a, *a]\nx-c: [*b, *b, *b, *b]\nservices:\n  web:\n    image: nginx\n")
	// One directory for every input, made once: a temporary directory per
	// input held the fuzzer to a few thousand inputs a minute. It holds an
	// env file whose line Docker's loader would quote: no error may.
	dir := f.TempDir()
	const secret = "my db password hunter2"
	if err := os.WriteFile(filepath.Join(dir, "s.env"), []byte(secret+"\n"), 0o600); err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, src string) {
		cfg, _, err := loadCompose([]string{"f.yml"}, map[string][]byte{"f.yml": []byte(src)}, dir, env)
		if err == nil {
			var st *Stack
			if st, err = stackOf("s", cfg, nil); err == nil {
				for _, svc := range st.Services {
					spec := svc.Spec()
					if !strings.HasPrefix(spec.Name, "s_") || spec.Labels[cluster.LabelNamespace] != "s" {
						t.Fatalf("service %q is not the stack's: %v", spec.Name, spec.Labels)
					}
				}
				return
			}
		}
		if msg := err.Error(); strings.Contains(msg, "\n") {
			t.Fatalf("a multi-line error: %q", msg)
		}
		if strings.Contains(err.Error(), "hunter2") {
			t.Fatalf("an error quotes an env file's line: %v", err)
		}
	})
}

// A stack's healthcheck start_interval (compose schema 3.12 and later)
// reaches the service, for the engine to probe that often in the start
// period.
func TestLoadStackStartInterval(t *testing.T) {
	dir := writeStack(t, map[string]string{"stack.yml": `version: "3.12"
services:
  web:
    image: nginx
    healthcheck:
      test: ["CMD", "true"]
      interval: 1m
      start_period: 2m
      start_interval: 3s
`})
	st, err := LoadStack("shop", []string{"stack.yml"}, dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := st.Services[0].Spec().Health.StartInterval; got != 3*time.Second {
		t.Errorf("start_interval reached the service as %v, want 3s", got)
	}
}

// Docker's schema validator walks the file's maps in Go's random order, so
// a file with several faults named a different one from run to run. The
// error is the first fault in name order: every run, the same line.
func TestLoadStackNamesTheSameFaultEveryRun(t *testing.T) {
	src := "services:\n"
	for _, name := range []string{"worker", "vote", "seed", "result", "redis", "db"} {
		src += "  " + name + ":\n    image: x\n    depends_on: 7\n    deploy: {replicas: many, placement: 3}\n"
	}
	src += "networks:\n  front: 3\n  back: 4\n"
	dir := writeStack(t, map[string]string{"bad.yml": src})
	const want = "bad.yml: networks.back: must be null or a mapping"
	for range 20 {
		_, err := LoadStack("x", []string{"bad.yml"}, dir, nil)
		if err == nil || err.Error() != want {
			t.Fatalf("error %v, want %q", err, want)
		}
	}
	// Without the network faults, the first service in name order.
	src = src[:strings.Index(src, "networks:")]
	dir = writeStack(t, map[string]string{"bad.yml": src})
	const wantService = "bad.yml: services.db.depends_on: must be a list"
	for range 20 {
		_, err := LoadStack("x", []string{"bad.yml"}, dir, nil)
		if err == nil || err.Error() != wantService {
			t.Fatalf("error %v, want %q", err, wantService)
		}
	}
	// Two faults in one service's deploy: placement comes before replicas.
	dir = writeStack(t, map[string]string{"bad.yml": "services:\n  web:\n    image: x\n    deploy: {replicas: many, placement: 3, mode: 7}\n"})
	const wantDeploy = "bad.yml: services.web.deploy.mode: must be a string"
	for range 20 {
		_, err := LoadStack("x", []string{"bad.yml"}, dir, nil)
		if err == nil || err.Error() != wantDeploy {
			t.Fatalf("error %v, want %q", err, wantDeploy)
		}
	}
}
