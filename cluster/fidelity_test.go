package cluster

import (
	"errors"
	"testing"
	"time"
)

// These tests hold the orchestration core to what swarmkit does after
// failures. Each names the swarmkit behaviour it reproduces.

// activeTasksOn lists the tasks of a service meant to run on a node.
func activeTasksOn(c *Cluster, service, node string) []*Task {
	var out []*Task
	for _, t := range c.Snapshot().Tasks {
		if t.Service == service && t.Node == node && t.Active() {
			out = append(out, t)
		}
	}
	return out
}

func statusOf(c *Cluster, name string) string {
	return c.leaderManager().store().Nodes[name].Status
}

// swarmkit's dispatcher marks every node Unknown when it becomes leader
// (Dispatcher.markNodesUnknown), and the scheduler places tasks only on
// Ready nodes: a new leader must not place a task on the dead former
// leader just because its record still said ready.
func TestNewLeaderDoesNotPlaceOnDeadNodes(t *testing.T) {
	c := newTestCluster(t, "1-1-1", 0, 1)
	mustApply(t, c, CreateService(service("web", 3)))
	settle(t, c)
	old := c.leader
	mustApply(t, c, KillLeader())
	for c.leader == "" {
		mustRun(t, c, time.Second)
	}
	mustRun(t, c, time.Second) // the new leader's first batch commits
	if got := statusOf(c, old); got != NodeUnknown {
		t.Fatalf("%s is %q in the new leader's store, want unknown until it reports in", old, got)
	}
	mustApply(t, c, ScaleService("web", 6))
	mustRun(t, c, 8*time.Second)
	if placed := activeTasksOn(c, "web", old); len(placed) != 1 {
		t.Errorf("the dead %s holds %d active web tasks, want only the one it had: %v", old, len(placed), placed)
	}
	for _, tk := range c.Snapshot().Tasks {
		if tk.Node == old && tk.Slot > 3 {
			t.Errorf("%s was placed on the dead %s", tk.Name(), old)
		}
	}
	// Once it misses the grace period it is down, and its task moves.
	mustRun(t, c, 30*time.Second)
	if got := statusOf(c, old); got != NodeDown {
		t.Errorf("%s is %q 38 s after the election, want down", old, got)
	}
	if web := serviceView(t, c, "web"); web.Running != 6 {
		t.Errorf("web runs %d of 6", web.Running)
	}
}

// A node that reports in after the leadership change is ready again, and
// gets no node-down event.
func TestLiveNodesReportInAfterLeaderChange(t *testing.T) {
	c := newTestCluster(t, "1-1-1", 2, 3)
	mustApply(t, c, KillLeader())
	mustRun(t, c, time.Minute)
	for _, name := range []string{"w1", "w2"} {
		if got := statusOf(c, name); got != NodeReady {
			t.Errorf("%s is %q a minute after the election, want ready", name, got)
		}
	}
	for _, e := range c.Events() {
		if e.Kind == EventNodeDown && e.Node != "m1" {
			t.Errorf("a live node went down: %s", e)
		}
	}
}

// swarmkit's updater replaces only dirty tasks (orchestrator.IsTaskDirty):
// a rollback puts the previous spec back, and the tasks that never left it
// stay where they are.
func TestRollbackLeavesTasksOnThePreviousSpec(t *testing.T) {
	c := newTestCluster(t, "1-1-1", 3, 4)
	spec := service("web", 4)
	spec.Image = "nginx:1.25"
	spec.Update.FailureAction = "rollback"
	// The next slot starts once the new task runs, plus the delay: the
	// failing image exits after 2 s, so with 3 s only one slot is taken.
	spec.Update.Delay = 3 * time.Second
	mustApply(t, c, CreateService(spec))
	settle(t, c)
	before := map[int]string{}
	for _, tk := range c.Snapshot().Tasks {
		if tk.Active() {
			before[tk.Slot] = tk.ID
		}
	}
	mustApply(t, c, UpdateService("web", func(s *ServiceSpec) { s.Image = "fail/web:2" }))
	mustRun(t, c, 90*time.Second)
	snap := c.Snapshot()
	if web := snap.Services[0]; web.Running != 4 || web.Update != UpdateRollbackCompleted {
		t.Fatalf("web: %d running, update %q; want 4 and a completed rollback", web.Running, web.Update)
	}
	kept := 0
	for _, tk := range snap.Tasks {
		if tk.Active() && before[tk.Slot] == tk.ID {
			kept++
		}
	}
	// Parallelism 1: one slot took the failing image and was rolled back;
	// the other three never left the previous spec.
	if kept != 3 {
		t.Errorf("%d tasks kept their original container through the rollback, want 3", kept)
	}
}

// A change that does not touch the task spec replaces nothing, and a change
// to placement alone leaves tasks whose nodes still qualify
// (IsTaskDirtyPlacementConstraintsOnly).
func TestUpdatesReplaceOnlyDirtyTasks(t *testing.T) {
	for _, tc := range []struct {
		name   string
		change func(*ServiceSpec)
	}{
		{"update settings", func(s *ServiceSpec) { s.Update.Parallelism = 3 }},
		{"constraint every node meets", func(s *ServiceSpec) { s.Constraints = []string{"node.labels.zone!=x"} }},
		{"spread preference", func(s *ServiceSpec) { s.Preferences = []string{"node.labels.zone"} }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := newTestCluster(t, "1-1-1", 3, 5)
			mustApply(t, c, CreateService(service("web", 4)))
			settle(t, c)
			ids := func() map[string]bool {
				out := map[string]bool{}
				for _, tk := range c.Snapshot().Tasks {
					if tk.Active() {
						out[tk.ID] = true
					}
				}
				return out
			}
			before := ids()
			mustApply(t, c, UpdateService("web", tc.change))
			mustRun(t, c, 30*time.Second)
			after := ids()
			for id := range before {
				if !after[id] {
					t.Errorf("task %s was replaced", id)
				}
			}
		})
	}
}

// With no leader, Docker's reads fail like its writes; the picture still
// shows a manager's local copy, and says whose.
func TestReadsWithoutLeader(t *testing.T) {
	c := newTestCluster(t, "1-1-1", 0, 6)
	if _, err := c.Inspect(); err != nil {
		t.Fatalf("with a leader: %v", err)
	}
	mustApply(t, c, Kill("m1", "m2"))
	mustRun(t, c, electionBound)
	if _, err := c.Inspect(); !errors.Is(err, ErrNoLeader) {
		t.Errorf("docker node ls without a leader: %v, want ErrNoLeader", err)
	}
	if got := c.Snapshot().LocalCopy; got != "m3" {
		t.Errorf("the picture reads %q's local copy, want m3's", got)
	}
}

// Tasks of a down node keep the state Docker last knew until the node has
// been down for 24 hours (swarmkit's defaultNodeDownPeriod); only then are
// they orphaned. Their replacements run long before.
func TestTasksOrphanedAfterNodeDown24h(t *testing.T) {
	c := newTestCluster(t, "1-1-1", 2, 7)
	mustApply(t, c, CreateService(service("web", 6)))
	settle(t, c)
	onW1 := activeTasksOn(c, "web", "w1")
	if len(onW1) == 0 {
		t.Fatal("w1 runs no web task; the test needs one")
	}
	mustApply(t, c, Kill("w1"))
	mustRun(t, c, time.Minute)
	state := func(id string) *Task {
		for _, tk := range c.Snapshot().Tasks {
			if tk.ID == id {
				return tk
			}
		}
		t.Fatalf("task %s is gone", id)
		return nil
	}
	for _, old := range onW1 {
		if tk := state(old.ID); tk.Desired != TaskShutdown || tk.State != TaskRunning {
			t.Errorf("%s a minute after w1 died: desired %s, state %s; want shutdown, running (as last known)", tk.Name(), tk.Desired, tk.State)
		}
	}
	if web := serviceView(t, c, "web"); web.Running != 6 {
		t.Errorf("web runs %d of 6 a minute after w1 died", web.Running)
	}
	mustRun(t, c, NodeDownPeriod)
	for _, old := range onW1 {
		if tk := state(old.ID); tk.State != TaskOrphaned {
			t.Errorf("%s a day after w1 died: state %s, want orphaned", tk.Name(), tk.State)
		}
	}
}

// swarmkit's restart supervisor creates the replacement at once and delays
// its start by the restart delay (Supervisor.Restart, DelayStart).
func TestReplacementWaitsOutRestartDelay(t *testing.T) {
	c := newTestCluster(t, "1-1-1", 0, 8)
	spec := service("app", 1)
	spec.Image = "fail"
	spec.Restart.Delay = 20 * time.Second
	mustApply(t, c, CreateService(spec))
	mustRun(t, c, 5*time.Second) // started, exited after 2 s, reported
	var waiting *Task
	for _, tk := range c.Snapshot().Tasks {
		if tk.Active() {
			waiting = tk
		}
	}
	if waiting == nil || waiting.Attempt != 1 || waiting.State != TaskAssigned {
		t.Fatalf("no replacement waiting out its delay: %+v", waiting)
	}
	mustRun(t, c, 10*time.Second)
	if tk := c.Snapshot().Tasks; len(tk) != 2 {
		t.Errorf("%d tasks 15 s in with a 20 s restart delay, want 2", len(tk))
	}
}

// A node that comes back reports the tasks it no longer runs: the ones
// replaced while it was down read shutdown, not the running Docker last
// knew.
func TestReturningNodeReportsItsOldTasksShutDown(t *testing.T) {
	c := newTestCluster(t, "1-1-1", 2, 9)
	mustApply(t, c, CreateService(service("web", 6)))
	settle(t, c)
	old := activeTasksOn(c, "web", "w1")
	if len(old) == 0 {
		t.Fatal("w1 runs no web task; the test needs one")
	}
	mustApply(t, c, Kill("w1"))
	mustRun(t, c, time.Minute)
	mustApply(t, c, Restart("w1"))
	mustRun(t, c, 10*time.Second)
	for _, o := range old {
		for _, tk := range c.Snapshot().Tasks {
			if tk.ID == o.ID && (tk.Desired != TaskShutdown || tk.State != TaskShutdown) {
				t.Errorf("%s after w1 came back: desired %s, state %s; want shutdown, shutdown", tk.Name(), tk.Desired, tk.State)
			}
		}
	}
	if got := tasksOn(c, "w1"); len(got) != 0 {
		t.Errorf("w1 runs %v after coming back; Swarm does not rebalance by itself", got)
	}
}
