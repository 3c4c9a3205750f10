package cluster

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/swarmsim/swarmsim/cluster/state"
)

func healthy(name string, replicas int, image string) ServiceSpec {
	s := service(name, replicas)
	s.Image = image
	s.Health = HealthCheck{Cmd: "curl -f http://localhost", Interval: 5 * time.Second, Retries: 3}
	return s
}

func taskStates(c *Cluster, service string) []string {
	var out []string
	for _, t := range c.Snapshot().Tasks {
		if t.Service == service && t.Active() {
			out = append(out, t.State)
		}
	}
	return out
}

func TestHealthCheckGatesRunning(t *testing.T) {
	c := newTestCluster(t, "1-1-1", 3, 1)
	mustApply(t, c, CreateService(healthy("web", 3, "nginx")))
	mustRun(t, c, 3*time.Second)
	if web := serviceView(t, c, "web"); web.Running != 0 {
		t.Errorf("%d tasks count as running before their first probe", web.Running)
	}
	if got := taskStates(c, "web"); !slices.Equal(got, []string{TaskStarting, TaskStarting, TaskStarting}) {
		t.Errorf("tasks are %v before their first probe, want starting", got)
	}
	mustRun(t, c, 5*time.Second)
	if web := serviceView(t, c, "web"); web.Running != 3 {
		t.Errorf("%d of 3 tasks run after their first probe passed", web.Running)
	}
	if got := taskStates(c, "web"); !slices.Equal(got, []string{TaskRunning, TaskRunning, TaskRunning}) {
		t.Errorf("tasks are %v after their first probe, want running", got)
	}
	healthyEvents := 0
	for _, e := range c.Events() {
		if e.Kind == EventTaskHealthy {
			healthyEvents++
		}
	}
	if healthyEvents != 3 {
		t.Errorf("%d task-healthy events, want 3", healthyEvents)
	}
}

func TestUnhealthyImageIsKilledAndRestarted(t *testing.T) {
	c := newTestCluster(t, "1-1-1", 3, 1)
	mustApply(t, c, CreateService(healthy("web", 1, "unhealthy/web:1")))
	// Three probes 5 s apart fail: the engine gives up 15 s after start.
	mustRun(t, c, 14*time.Second)
	if got := taskStates(c, "web"); !slices.Equal(got, []string{TaskStarting}) {
		t.Fatalf("the task is %v before its retries ran out, want starting", got)
	}
	mustRun(t, c, 2*time.Second)
	var failed *Task
	for _, tk := range c.Snapshot().Tasks {
		if tk.State == TaskFailed {
			failed = tk
		}
	}
	if failed == nil || failed.Reason != reasonUnhealthy {
		t.Fatalf("no task failed with Docker's unhealthy error: %s", pictureText(t, c))
	}
	if !strings.Contains(failed.Reason, "unhealthy container") {
		t.Errorf("reason %q lacks Docker's words", failed.Reason)
	}
	mustRun(t, c, 10*time.Second) // the restart delay is 5 s
	if got := taskStates(c, "web"); len(got) != 1 || got[0] != TaskStarting {
		t.Errorf("the restart policy did not start a replacement: %v", got)
	}
	if web := serviceView(t, c, "web"); web.Running != 0 {
		t.Errorf("an unhealthy task counts as running: %d", web.Running)
	}
}

func TestUnhealthyImageWithoutHealthCheckRuns(t *testing.T) {
	c := newTestCluster(t, "1-1-1", 0, 1)
	s := service("web", 1)
	s.Image = "unhealthy/web:1"
	mustApply(t, c, CreateService(s))
	mustRun(t, c, time.Minute)
	if web := serviceView(t, c, "web"); web.Running != 1 {
		t.Errorf("with no health check there is nothing to fail, but %d of 1 runs", web.Running)
	}
}

func TestUpdateThatNeverGetsHealthyRollsBack(t *testing.T) {
	c := newTestCluster(t, "1-1-1", 3, 2)
	spec := healthy("web", 3, "nginx:1")
	spec.Update.FailureAction = "rollback"
	mustApply(t, c, CreateService(spec))
	settle(t, c)
	mustApply(t, c, UpdateService("web", func(s *ServiceSpec) { s.Image = "unhealthy/web:2" }))
	mustRun(t, c, 2*time.Minute)
	s := c.Snapshot()
	var web ServiceView
	for _, sv := range s.Services {
		if sv.Name == "web" {
			web = sv
		}
	}
	if web.Update != UpdateRollbackCompleted || web.Image != "nginx:1" || web.Running != 3 {
		t.Errorf("after a failed health check: update %q, image %s, %d running; want a completed rollback to nginx:1 with 3", web.Update, web.Image, web.Running)
	}
}

func TestMaxFailureRatioToleratesSomeFailures(t *testing.T) {
	// Every new task fails 2 s after it starts and is restarted 5 s later,
	// failing again. With a ratio of 0 the first failure pauses the update;
	// with 0.5 the failures of 4 tasks are tolerated until there are more
	// than 2.
	update := func(ratio int) *Cluster {
		c := newTestCluster(t, "1-1-1", 3, 3)
		spec := service("web", 4)
		// A 3 s delay: one slot is taken at a time, each failing 2 s
		// after it starts, before the next slot begins.
		spec.Update = UpdateConfig{Parallelism: 1, Delay: 3 * time.Second, FailureAction: "pause", Order: "stop-first", Monitor: 5 * time.Second, MaxFailureRatio: ratio}
		mustApply(t, c, CreateService(spec))
		settle(t, c)
		mustApply(t, c, UpdateService("web", func(s *ServiceSpec) { s.Image = "fail/web:2" }))
		mustRun(t, c, 4*time.Second)
		return c
	}
	if got := serviceView(t, update(0), "web").Update; got != UpdatePaused {
		t.Errorf("ratio 0: update %q after the first failure, want paused", got)
	}
	c := update(500_000)
	if got := serviceView(t, c, "web").Update; got != UpdateUpdating {
		t.Errorf("ratio 0.5: update %q after one failure of four, want updating", got)
	}
	mustRun(t, c, time.Minute)
	if got := serviceView(t, c, "web").Update; got != UpdatePaused {
		t.Errorf("ratio 0.5: update %q once three of four failed, want paused", got)
	}
}

func withPort(s ServiceSpec, port uint32, mode string) ServiceSpec {
	s.Ports = append(s.Ports, PortConfig{Published: port, Target: 80, Protocol: "tcp", Mode: mode})
	if mode == PublishHost {
		s.HostPorts = append(s.HostPorts, port)
	}
	return s
}

func portOpen(t *testing.T, c *Cluster, port uint32, node string) bool {
	t.Helper()
	open, _ := c.Snapshot().PortOpen(port, node)
	return open
}

func TestIngressPortOpensOnEveryLiveNode(t *testing.T) {
	c := newTestCluster(t, "1-1-1", 3, 1)
	spec := withPort(service("web", 1), 8080, PublishIngress)
	spec.Constraints = []string{"node.hostname==w1"}
	mustApply(t, c, CreateService(spec))
	settle(t, c)
	for _, n := range []string{"m1", "m2", "m3", "w1", "w2", "w3"} {
		if !portOpen(t, c, 8080, n) {
			t.Errorf("ingress port 8080 closed on %s, which the routing mesh covers", n)
		}
	}
	if open, why := c.Snapshot().PortOpen(9090, "w2"); open || why != "no service publishes it; the published ports are 8080 (web)" {
		t.Errorf("port 9090: open %v, %q", open, why)
	}
	mustApply(t, c, Kill("w2"))
	mustRun(t, c, 30*time.Second)
	if open, why := c.Snapshot().PortOpen(8080, "w2"); open || why != "w2 is dead" {
		t.Errorf("a dead node's ingress port: open %v, %q", open, why)
	}
	if !portOpen(t, c, 8080, "w3") {
		t.Error("ingress port closed on w3 after w2 died")
	}
}

func TestHostPortOpensOnlyWhereATaskRuns(t *testing.T) {
	c := newTestCluster(t, "1-1-1", 3, 1)
	spec := withPort(service("web", 1), 8080, PublishHost)
	spec.Constraints = []string{"node.role==worker"}
	mustApply(t, c, CreateService(spec))
	settle(t, c)
	var on string
	for _, n := range c.Snapshot().Nodes {
		if n.Tasks.Len() > 0 {
			on = n.Name
		}
	}
	for _, n := range []string{"w1", "w2", "w3"} {
		if got := portOpen(t, c, 8080, n); got != (n == on) {
			t.Errorf("host port 8080 open on %s: %v; the task runs on %s", n, got, on)
		}
	}
	mustApply(t, c, Kill(on))
	mustRun(t, c, 30*time.Second)
	var now string
	for _, n := range c.Snapshot().Nodes {
		if n.Tasks.Len() > 0 {
			now = n.Name
		}
	}
	if now == "" || now == on {
		t.Fatalf("the task did not move off dead %s (now on %q)", on, now)
	}
	if !portOpen(t, c, 8080, now) || portOpen(t, c, 8080, on) {
		t.Errorf("after %s died the port should follow the task to %s", on, now)
	}
}

func TestPortConflictsAreRefusedAsDockerRefusesThem(t *testing.T) {
	c := newTestCluster(t, "1-1-1", 1, 1)
	mustApply(t, c, CreateService(withPort(service("web", 1), 8080, PublishIngress)))
	err := c.Apply(CreateService(withPort(service("api", 1), 8080, PublishHost)))
	if err == nil || !strings.Contains(err.Error(), "port '8080' is already in use by service 'web' ("+serviceView(t, c, "web").ID+") as an ingress port") {
		t.Errorf("host port over an ingress one: %v", err)
	}
	mustApply(t, c, CreateService(withPort(service("cache", 1), 6379, PublishHost)))
	err = c.Apply(CreateService(withPort(service("db", 1), 6379, PublishIngress)))
	if err == nil || !strings.Contains(err.Error(), "as a host-published port") {
		t.Errorf("ingress port over a host one: %v", err)
	}
	dnsrr := withPort(service("dns", 1), 53, PublishIngress)
	dnsrr.EndpointMode = "dnsrr"
	if err := c.Apply(CreateService(dnsrr)); err == nil || !strings.Contains(err.Error(), "port published with ingress mode can't be used with dnsrr mode") {
		t.Errorf("dnsrr with an ingress port: %v", err)
	}
	// Updating a service keeps its own port.
	mustApply(t, c, UpdateService("web", func(s *ServiceSpec) { s.Image = "nginx:2" }))
}

func TestSecretsAndConfigsNeedALeader(t *testing.T) {
	c := newTestCluster(t, "1-1-1", 0, 1)
	mustApply(t, c, CreateObject(KindSecret, FileObject{Name: "db_pass", Digest: 7}))
	mustApply(t, c, CreateObject(KindConfig, FileObject{Name: "nginx.conf"}))
	mustRun(t, c, time.Second) // the followers hear of the commit
	mustApply(t, c, KillManagers(2))
	mustRun(t, c, time.Minute)
	for _, a := range []Action{
		CreateObject(KindSecret, FileObject{Name: "api_key"}),
		RemoveObject(KindSecret, "db_pass"),
		CreateObject(KindConfig, FileObject{Name: "other"}),
	} {
		if err := c.Apply(a); !errors.Is(err, ErrNoLeader) {
			t.Errorf("%s without a leader: %v, want ErrNoLeader", a, err)
		}
	}
	if _, err := c.InspectObjects(KindSecret); !errors.Is(err, ErrNoLeader) {
		t.Errorf("docker secret ls without a leader: %v", err)
	}
	// The objects are in every manager's store, committed through Raft.
	for _, m := range c.managers {
		if m.store().Secrets["db_pass"] == nil || m.store().Configs["nginx.conf"] == nil {
			t.Errorf("%s's store lacks the secret or the config", m.node.name)
		}
	}
}

func TestSecretsAreCheckedAndKeptInTheStore(t *testing.T) {
	c := newTestCluster(t, "1-1-1", 1, 1)
	mustApply(t, c, CreateObject(KindSecret, FileObject{Name: "db_pass"}))
	if err := c.Apply(CreateObject(KindSecret, FileObject{Name: "db_pass"})); err == nil || !strings.Contains(err.Error(), "secret db_pass already exists") {
		t.Errorf("a second db_pass: %v", err)
	}
	if err := c.Apply(CreateObject(KindSecret, FileObject{Name: "-bad"})); err == nil || !strings.Contains(err.Error(), "invalid name") {
		t.Errorf("a bad name: %v", err)
	}
	s := service("web", 1)
	s.Secrets = []string{"api_key"}
	if err := c.Apply(CreateService(s)); err == nil || err.Error() != "secret not found: api_key" {
		t.Errorf("a service naming a missing secret: %v", err)
	}
	s.Secrets = []string{"db_pass"}
	mustApply(t, c, CreateService(s))
	err := c.Apply(RemoveObject(KindSecret, "db_pass"))
	if err == nil || !strings.Contains(err.Error(), "secret 'db_pass' is in use by the following service: web") {
		t.Errorf("removing a secret in use: %v", err)
	}
	if err := c.Apply(RemoveObject(KindConfig, "nope")); err == nil || err.Error() != "Error response from daemon: config nope not found" {
		t.Errorf("removing a missing config: %v", err)
	}
	// A snapshot of the store (what a backup holds) keeps them.
	leader := c.leaderManager().store()
	back, err := state.DecodeStore(leader.Encode())
	if err != nil {
		t.Fatal(err)
	}
	if back.Secrets["db_pass"] == nil || !slices.Equal(back.Services["web"].Secrets, []string{"db_pass"}) {
		t.Errorf("the store's snapshot lost the secret: %+v", back.Secrets)
	}
	if clone := leader.Clone(); clone.Secrets["db_pass"] == nil {
		t.Error("a clone of the store lost the secret")
	}
	mustApply(t, c, RemoveService("web"))
	mustApply(t, c, RemoveObject(KindSecret, "db_pass"))
	if objs, _ := c.InspectObjects(KindSecret); len(objs) != 0 {
		t.Errorf("secrets after rm: %+v", objs)
	}
}

func TestSameServiceFillsDefaults(t *testing.T) {
	a := NewServiceSpec("web")
	b := a
	b.Update.FailureAction = "" // Docker's default, filled in
	if !SameService(a, b) {
		t.Error("a spec and the same spec without a default filled in differ")
	}
	b.Labels = map[string]string{LabelNamespace: "shop"}
	if SameService(a, b) {
		t.Error("specs with different labels are the same")
	}
}

func TestRollbackUsesTheRollbackConfig(t *testing.T) {
	images := func(c *Cluster) map[string]int {
		out := map[string]int{}
		for _, tk := range c.Snapshot().Tasks {
			if tk.Active() {
				out[tk.Image]++
			}
		}
		return out
	}
	for _, tc := range []struct {
		parallelism int
		rolledBack  int // tasks back on v1 two seconds into the rollback
	}{{1, 1}, {0, 4}} {
		c := newTestCluster(t, "1-1-1", 3, 5)
		spec := service("web", 4)
		spec.Image = "web:1"
		spec.Update = UpdateConfig{Parallelism: 4, FailureAction: "pause", Order: "stop-first", Monitor: time.Second}
		// The next slot starts once the last runs, plus the delay.
		spec.Rollback = UpdateConfig{Parallelism: tc.parallelism, Delay: 5 * time.Second, FailureAction: "pause", Order: "stop-first", Monitor: 5 * time.Second}
		mustApply(t, c, CreateService(spec))
		settle(t, c)
		mustApply(t, c, UpdateService("web", func(s *ServiceSpec) { s.Image = "web:2" }))
		mustRun(t, c, 30*time.Second)
		if got := images(c); got["web:2"] != 4 {
			t.Fatalf("the update did not finish: %v", got)
		}
		mustApply(t, c, RollbackService("web"))
		mustRun(t, c, 2*time.Second)
		if got := images(c); got["web:1"] != tc.rolledBack {
			t.Errorf("rollback parallelism %d: %v two seconds in, want %d back on web:1", tc.parallelism, got, tc.rolledBack)
		}
	}
}

func TestHealthCheckFasterThanRaft(t *testing.T) {
	c := newTestCluster(t, "1-1-1", 3, 1)
	s := healthy("web", 3, "nginx")
	s.Health.Interval = time.Millisecond // passes before its start commits
	mustApply(t, c, CreateService(s))
	mustRun(t, c, time.Second)
	if web := serviceView(t, c, "web"); web.Running != 3 {
		t.Errorf("%d of 3 run", web.Running)
	}
	if got := taskStates(c, "web"); !slices.Equal(got, []string{TaskRunning, TaskRunning, TaskRunning}) {
		t.Errorf("tasks are %v, want running", got)
	}
}

// moby daemon/health.go monitor: during the start period the engine probes
// every start interval (5 s when none is given), so a service with a long
// interval is healthy seconds after it starts, not an interval later.
func TestHealthStartIntervalProbesEarly(t *testing.T) {
	for _, tc := range []struct {
		name          string
		startInterval time.Duration
		runningBy     time.Duration
	}{
		{"default start interval", 0, 8 * time.Second},
		{"start interval 2s", 2 * time.Second, 4 * time.Second},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := newTestCluster(t, "1-1-1", 3, 1)
			s := healthy("web", 1, "nginx")
			s.Health.Interval = time.Minute
			s.Health.StartPeriod = 2 * time.Minute
			s.Health.StartInterval = tc.startInterval
			mustApply(t, c, CreateService(s))
			mustRun(t, c, tc.runningBy)
			if web := serviceView(t, c, "web"); web.Running != 1 {
				t.Errorf("%d of 1 tasks run %v after start: the first probe waited a whole interval", web.Running, tc.runningBy)
			}
		})
	}
}

// Without a start period there is no start interval: the first probe comes
// an interval after the start, as before.
func TestHealthWithoutStartPeriodWaitsAnInterval(t *testing.T) {
	c := newTestCluster(t, "1-1-1", 3, 1)
	s := healthy("web", 1, "nginx")
	s.Health.Interval = 20 * time.Second
	s.Health.StartInterval = 2 * time.Second
	mustApply(t, c, CreateService(s))
	mustRun(t, c, 15*time.Second)
	if web := serviceView(t, c, "web"); web.Running != 0 {
		t.Errorf("a probe ran before the interval with no start period: %d running", web.Running)
	}
}

// unhealthyAfter follows the daemon's probe times: start-interval probes
// inside the start period do not count; the ones after it do.
func TestUnhealthyAfterCountsProbesPastTheStartPeriod(t *testing.T) {
	for _, tc := range []struct {
		h    HealthCheck
		want time.Duration
	}{
		{HealthCheck{Interval: 5 * time.Second, Retries: 3}, 15 * time.Second},
		// probes at 5,10,…,60 in the start period; 60 is past it and counts,
		// then 120 and 180.
		{HealthCheck{Interval: time.Minute, StartPeriod: time.Minute, Retries: 3}, 180 * time.Second},
		// start interval 7s: probes at 7…63; 63 counts, then 123, 183.
		{HealthCheck{Interval: time.Minute, StartPeriod: time.Minute, StartInterval: 7 * time.Second, Retries: 3}, 183 * time.Second},
	} {
		if got := unhealthyAfter(tc.h); got != tc.want {
			t.Errorf("unhealthyAfter(%+v) = %v, want %v", tc.h, got, tc.want)
		}
	}
}

func portSpec(published, target uint32, proto, mode string) PortConfig {
	return PortConfig{Published: published, Target: target, Protocol: proto, Mode: mode}
}

// swarmkit's checkPortConflicts and validateEndpointSpec key ports by
// published port and protocol: 53/tcp and 53/udp are two ports.
func TestPortsAreKeyedByProtocol(t *testing.T) {
	c := newTestCluster(t, "1-1-1", 1, 1)
	tcp := service("dns-tcp", 1)
	tcp.Ports = []PortConfig{portSpec(53, 53, "tcp", PublishIngress)}
	udp := service("dns-udp", 1)
	udp.Ports = []PortConfig{portSpec(53, 53, "udp", PublishIngress)}
	mustApply(t, c, CreateService(tcp))
	mustApply(t, c, CreateService(udp))
	both := service("dns", 1)
	both.Ports = []PortConfig{portSpec(5353, 53, "tcp", PublishIngress), portSpec(5353, 53, "udp", PublishIngress)}
	mustApply(t, c, CreateService(both))
	again := service("dns2", 1)
	again.Ports = []PortConfig{portSpec(5354, 53, "udp", PublishIngress), portSpec(5354, 54, "udp", PublishIngress)}
	wantErr(t, c, CreateService(again), "Error response from daemon: rpc error: code = InvalidArgument desc = EndpointSpec: duplicate published ports provided")
	taken := service("dns3", 1)
	taken.Ports = []PortConfig{portSpec(53, 53, "udp", PublishIngress)}
	if err := c.Apply(CreateService(taken)); err == nil || !strings.Contains(err.Error(), "port '53' is already in use by service 'dns-udp'") {
		t.Errorf("53/udp twice: %v", err)
	}
}

// A port given only as a target gets a published port from swarmkit's
// dynamic range (manager/allocator/portallocator.go: 30000–32767), per
// protocol, lowest free first; an update keeps the one it had.
func TestPortWithoutPublishedGetsOneFromTheDynamicRange(t *testing.T) {
	c := newTestCluster(t, "1-1-1", 1, 1)
	web := service("web", 1)
	web.Ports = []PortConfig{portSpec(0, 80, "tcp", PublishIngress)}
	mustApply(t, c, CreateService(web))
	api := service("api", 1)
	api.Ports = []PortConfig{portSpec(30001, 8080, "tcp", PublishIngress), portSpec(0, 8081, "tcp", PublishIngress), portSpec(0, 53, "udp", PublishIngress)}
	mustApply(t, c, CreateService(api))
	settle(t, c)
	got := map[string][]PortConfig{}
	for _, sv := range c.Snapshot().Services {
		got[sv.Name] = sv.Ports
	}
	if want := []PortConfig{portSpec(30000, 80, "tcp", PublishIngress)}; !slices.Equal(got["web"], want) {
		t.Errorf("web's ports %v, want %v", got["web"], want)
	}
	if want := []PortConfig{portSpec(30001, 8080, "tcp", PublishIngress), portSpec(30002, 8081, "tcp", PublishIngress), portSpec(30000, 53, "udp", PublishIngress)}; !slices.Equal(got["api"], want) {
		t.Errorf("api's ports %v, want %v", got["api"], want)
	}
	for _, n := range []string{"m1", "w1"} {
		if !portOpen(t, c, 30000, n) {
			t.Errorf("the assigned ingress port 30000 is closed on %s", n)
		}
	}
	mustApply(t, c, UpdateService("web", func(s *ServiceSpec) {
		s.Image = "nginx:2"
		s.Ports = []PortConfig{portSpec(0, 80, "tcp", PublishIngress)}
	}))
	if got := serviceView(t, c, "web").Ports; len(got) != 1 || got[0].Published != 30000 {
		t.Errorf("an update moved web's assigned port: %v", got)
	}
	same := service("web", 1)
	same.Image = "nginx:2"
	same.Ports = []PortConfig{portSpec(0, 80, "tcp", PublishIngress)}
	cur, err := c.InspectService("web")
	if err != nil {
		t.Fatal(err)
	}
	if !SameService(cur, same) {
		t.Errorf("a redeploy of the same file counts as a change (stored ports %v)", cur.Ports)
	}
}
