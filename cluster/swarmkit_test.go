package cluster

import (
	"strings"
	"testing"
	"time"

	"github.com/swarmsim/swarmsim/az"
	"github.com/swarmsim/swarmsim/cluster/state"
)

// These tests reproduce swarmkit's orchestrator tests (moby/swarmkit,
// manager/orchestrator/...): each names the test whose behaviour it holds
// the simulator to.

// The same rule end to end: after scaling down, no node holds two more
// copies than another.
func TestScaleDownStaysBalanced(t *testing.T) {
	c := newTestCluster(t, "1-1-1", 3, 12)
	mustApply(t, c, CreateService(service("web", 12)))
	settle(t, c)
	mustApply(t, c, ScaleService("web", 6))
	settle(t, c)
	counts := map[string]int{}
	for _, n := range c.Snapshot().Nodes {
		counts[n.Name] = n.Tasks.Len()
	}
	lo, hi := 99, 0
	for _, n := range counts {
		lo, hi = min(lo, n), max(hi, n)
	}
	if hi-lo > 1 {
		t.Errorf("after scaling 12 to 6 the tasks per node are %v: unbalanced", counts)
	}
}

// constraintenforcer TestConstraintEnforcer: a node that stops satisfying
// a running task's constraints has the task rejected ("assigned node no
// longer meets constraints"), and the orchestrator replaces it where the
// constraints hold, or leaves it pending with the reason. Replicated and
// global services alike.
func TestConstraintEnforcer(t *testing.T) {
	c := newTestCluster(t, "1-1-1", 2, 13)
	mustApply(t, c, UpdateNode("w1", NodeChange{LabelAdd: map[string]string{"disk": "ssd"}}))
	mustApply(t, c, UpdateNode("w2", NodeChange{LabelAdd: map[string]string{"disk": "ssd"}}))
	db := service("db", 2)
	db.Constraints = []string{"node.labels.disk==ssd"}
	agent := service("agent", 0)
	agent.Mode, agent.Constraints = ModeGlobal, []string{"node.labels.disk==ssd"}
	mustApply(t, c, CreateServices(db, agent))
	settle(t, c)
	if got := len(tasksOn(c, "w1")); got == 0 {
		t.Fatal("w1 runs nothing; the test needs its tasks")
	}

	mustApply(t, c, UpdateNode("w1", NodeChange{LabelRm: []string{"disk"}}))
	mustRun(t, c, 20*time.Second)
	if got := tasksOn(c, "w1"); len(got) != 0 {
		t.Errorf("w1 still runs %v after losing the label the tasks need", got)
	}
	rejected := 0
	for _, tk := range c.Snapshot().Tasks {
		if tk.Node == "w1" && tk.State == TaskRejected && tk.Reason == state.ReasonRejected {
			rejected++
		}
	}
	if rejected == 0 {
		t.Error("no task on w1 was rejected by the constraint enforcer")
	}
	if db := serviceView(t, c, "db"); db.Running != 2 || db.PerZone["b"] != 2 {
		t.Errorf("db runs %d (%v), want both on w2 in zone b", db.Running, db.PerZone)
	}
	if agent := serviceView(t, c, "agent"); agent.Running != 1 || agent.Desired != 1 {
		t.Errorf("agent runs %d of %d, want 1 of 1 (on w2 only)", agent.Running, agent.Desired)
	}

	// No node satisfies the constraints any more: the replacement waits.
	mustApply(t, c, UpdateNode("w2", NodeChange{LabelRm: []string{"disk"}}))
	mustRun(t, c, 20*time.Second)
	db2 := serviceView(t, c, "db")
	if db2.Running != 0 || db2.Pending != 2 || len(db2.Reasons) == 0 || !strings.Contains(db2.Reasons[0], "scheduling constraints not satisfied") {
		t.Errorf("db: %d running, %d pending, reasons %q; want 0, 2, constraints not satisfied", db2.Running, db2.Pending, db2.Reasons)
	}
}

// The enforcer also reacts to a role change: a task constrained to workers
// leaves a node promoted to manager.
func TestConstraintEnforcerOnPromotion(t *testing.T) {
	c := newTestCluster(t, "1-1-1", 2, 14)
	spec := service("batch", 2)
	spec.Constraints = []string{"node.role==worker"}
	mustApply(t, c, CreateService(spec))
	settle(t, c)
	if len(tasksOn(c, "w1")) == 0 {
		t.Fatal("w1 runs nothing; the test needs its task")
	}
	mustApply(t, c, Promote("w1"))
	mustRun(t, c, 20*time.Second)
	if got := tasksOn(c, "w1"); len(got) != 0 {
		t.Errorf("the promoted w1 still runs %v, constrained to workers", got)
	}
	if b := serviceView(t, c, "batch"); b.Running != 2 {
		t.Errorf("batch runs %d of 2", b.Running)
	}
}

// replicated/restart_test.go TestOrchestratorRestartOnNone and
// TestOrchestratorRestartOnFailure, plus drain_test.go TestDrain with
// condition none: what each condition brings back.
func TestRestartConditions(t *testing.T) {
	for _, tc := range []struct {
		name      string
		condition string
		image     string
		event     func(c *Cluster) error
		wantBack  bool
	}{
		{"any restarts a crash", "any", "fail", nil, true},
		{"any restarts a finished job", "any", "done", nil, true},
		{"on-failure restarts a crash", "on-failure", "fail", nil, true},
		{"on-failure leaves a job that exited 0", "on-failure", "done", nil, false},
		{"none leaves a crash", "none", "fail", nil, false},
		{"none leaves a task lost with its node", "none", "nginx", func(c *Cluster) error { return c.Apply(Kill("w1")) }, false},
		{"none leaves a task of a drained node", "none", "nginx", func(c *Cluster) error {
			return c.Apply(UpdateNode("w1", NodeChange{Availability: Drain}))
		}, false},
		{"any moves a task lost with its node", "any", "nginx", func(c *Cluster) error { return c.Apply(Kill("w1")) }, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := newTestCluster(t, "1", 1, 15)
			mustApply(t, c, UpdateNode("m1", NodeChange{Availability: Pause})) // everything lands on w1
			spec := service("app", 1)
			spec.Image, spec.Restart.Condition, spec.Restart.Delay = tc.image, tc.condition, time.Second
			mustApply(t, c, CreateService(spec))
			mustRun(t, c, time.Second)
			if tc.event != nil {
				mustApply(t, c, UpdateNode("m1", NodeChange{Availability: Active}))
				if err := tc.event(c); err != nil {
					t.Fatal(err)
				}
			}
			mustRun(t, c, 40*time.Second)
			tasks := 0
			for _, tk := range c.Snapshot().Tasks {
				if tk.Service == "app" {
					tasks++
				}
			}
			if back := tasks > 1; back != tc.wantBack {
				t.Errorf("%d tasks for app.1, replaced: %v, want %v", tasks, back, tc.wantBack)
			}
		})
	}
}

// replicated/restart_test.go TestOrchestratorRestartMaxAttempts and
// TestOrchestratorRestartWindow: without a window a slot restarts at most
// MaxAttempts times; with one, a failure is restarted only while fewer than
// MaxAttempts restarts fall inside the window before it. A crash loop that
// fails again inside the window stops there; one whose restart delay is
// longer than the window goes on.
func TestRestartMaxAttempts(t *testing.T) {
	for _, tc := range []struct {
		name    string
		policy  RestartPolicy
		run     time.Duration
		minimum int // restarts
		maximum int
	}{
		{"two attempts, no window", RestartPolicy{Condition: "any", Delay: time.Second, MaxAttempts: 2}, 2 * time.Minute, 2, 2},
		{"failing again inside the window", RestartPolicy{Condition: "any", Delay: time.Second, MaxAttempts: 1, Window: 20 * time.Second}, 2 * time.Minute, 1, 1},
		{"failing again after the window", RestartPolicy{Condition: "any", Delay: 25 * time.Second, MaxAttempts: 1, Window: 20 * time.Second}, 2 * time.Minute, 4, 5},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := newTestCluster(t, "1-1-1", 0, 16)
			spec := service("crash", 1)
			spec.Image, spec.Restart = "fail", tc.policy
			mustApply(t, c, CreateService(spec))
			mustRun(t, c, tc.run)
			restarts := 0
			for _, e := range c.Events() {
				if e.Kind == EventTaskPlaced && strings.HasPrefix(e.Detail, "crash.1 restarted") {
					restarts++
				}
			}
			if restarts < tc.minimum || restarts > tc.maximum {
				t.Errorf("crash.1 restarted %d times in %s, want %d to %d", restarts, tc.run, tc.minimum, tc.maximum)
			}
		})
	}
}

// orchestrator/task_test.go TestIsTaskDirtyPlacementConstraintsOnly: a
// constraint change that a task's node does not meet makes it dirty, so
// the update moves it.
func TestConstraintChangeMovesOnlyTasksThatNoLongerFit(t *testing.T) {
	c := newTestCluster(t, "1-1-1", 3, 17)
	mustApply(t, c, CreateService(service("web", 6)))
	settle(t, c)
	before := map[string]string{}
	for _, tk := range c.Snapshot().Tasks {
		if tk.Active() {
			before[tk.ID] = tk.Node
		}
	}
	mustApply(t, c, UpdateService("web", func(s *ServiceSpec) {
		s.Constraints = []string{"node.role==worker"}
		s.Update.Parallelism = 0
	}))
	mustRun(t, c, time.Minute)
	for _, tk := range c.Snapshot().Tasks {
		if !tk.Active() {
			continue
		}
		if strings.HasPrefix(tk.Node, "m") {
			t.Errorf("%s still runs on manager %s", tk.Name(), tk.Node)
		}
	}
	after := map[string]bool{}
	for _, tk := range c.Snapshot().Tasks {
		if tk.Active() {
			after[tk.ID] = true
		}
	}
	for id, node := range before {
		if strings.HasPrefix(node, "w") && !after[id] {
			t.Errorf("task %s on worker %s was replaced though it still fits", id, node)
		}
	}
}

// scheduler's TestSchedulerFaultyNode: a node where a service's tasks
// failed MaxFailures (5) times within 5 minutes goes after every other
// node, so a crash loop moves on instead of failing in one place forever.
func TestCrashLoopMovesOffFaultyNode(t *testing.T) {
	c := newTestCluster(t, "1", 2, 18)
	mustApply(t, c, UpdateNode("m1", NodeChange{Availability: Pause}))
	spec := service("crash", 1)
	spec.Image, spec.Restart.Delay = "fail", time.Second
	mustApply(t, c, CreateService(spec))
	mustRun(t, c, 2*time.Minute)
	// Where each attempt failed, in order, from the timeline: the store
	// keeps only the last five tasks of a slot.
	var nodes []string
	for _, e := range c.Events() {
		if e.Kind == EventTaskFailed {
			nodes = append(nodes, e.Node)
		}
	}
	if len(nodes) < 12 {
		t.Fatalf("only %d failures in two minutes: %v", len(nodes), nodes)
	}
	first := nodes[0]
	for i, n := range nodes[:5] {
		if n != first {
			t.Fatalf("attempt %d ran on %s before %s failed 5 times: %v", i+1, n, first, nodes)
		}
	}
	if nodes[5] == first {
		t.Errorf("the 6th attempt ran on %s again after 5 failures there: %v", first, nodes)
	}
}

// scheduler's TestEngineLabel through the whole simulation: nodes keep the
// engine labels their daemon was started with, and engine.labels.KEY
// constraints match them as node.labels.KEY match node labels.
func TestEngineLabelConstraint(t *testing.T) {
	l, err := az.Parse("1-1")
	if err != nil {
		t.Fatal(err)
	}
	c, err := New(Config{Seed: 19, Layout: l, Nodes: []NodeSpec{
		{Name: "m1", Zone: "a", Role: RoleManager},
		{Name: "m2", Zone: "b", Role: RoleManager, EngineLabels: map[string]string{"gpu": "yes"}},
	}})
	if err != nil {
		t.Fatal(err)
	}
	mustRun(t, c, time.Second)
	spec := service("train", 3)
	spec.Constraints = []string{"engine.labels.gpu==yes"}
	mustApply(t, c, CreateService(spec))
	settle(t, c)
	if got := len(tasksOn(c, "m2")); got != 3 {
		t.Errorf("m2, the node with engine label gpu=yes, runs %d of 3 train tasks", got)
	}
}

// update/updater_test.go TestUpdaterOrder for a global service: with
// start-first the new task starts beside the old one on each node, and the
// old one stops once the new one runs; a node never keeps both.
func TestGlobalStartFirstUpdateLeavesOneTaskPerNode(t *testing.T) {
	c := newTestCluster(t, "1-1-1", 0, 20)
	spec := service("agent", 0)
	spec.Mode, spec.Update.Order = ModeGlobal, "start-first"
	mustApply(t, c, CreateService(spec))
	settle(t, c)
	mustApply(t, c, UpdateService("agent", func(s *ServiceSpec) { s.Image = "nginx:2" }))
	mustRun(t, c, 2*time.Minute)
	if a := serviceView(t, c, "agent"); a.Running != 3 || a.Update != UpdateCompleted {
		t.Errorf("agent runs %d tasks, update %q; want 3 and completed", a.Running, a.Update)
	}
	for _, n := range []string{"m1", "m2", "m3"} {
		if got := tasksOn(c, n); len(got) != 1 {
			t.Errorf("%s runs %v, want one agent task", n, got)
		}
	}
}

// A global task that waited for resources on its own node and then got
// them is indexed once: the store's indexes describe its tasks exactly.
func TestPendingGlobalTaskIsIndexedOnce(t *testing.T) {
	c := newTestCluster(t, "1-1-1", 0, 21)
	big := service("big", 3)
	big.NanoCPUs = 3e9
	mustApply(t, c, CreateService(big))
	settle(t, c)
	agent := service("agent", 0)
	agent.Mode, agent.NanoCPUs = ModeGlobal, 2e9
	mustApply(t, c, CreateService(agent))
	mustRun(t, c, 5*time.Second)
	mustApply(t, c, ScaleService("big", 0))
	mustRun(t, c, 20*time.Second)
	for _, m := range c.managers {
		for _, node := range m.store().NodeNames() {
			tasks := m.store().TasksOn(node)
			seen := map[*Task]bool{}
			for _, tk := range tasks {
				if seen[tk] {
					t.Errorf("%s's store lists %s twice on %s", m.node.name, tk.ID, node)
				}
				seen[tk] = true
			}
		}
	}
	if a := serviceView(t, c, "agent"); a.Running != 3 {
		t.Errorf("agent runs %d of 3 once the resources are free", a.Running)
	}
}
