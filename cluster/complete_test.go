package cluster

import (
	"slices"
	"strings"
	"testing"
	"time"
)

// nodesOf lists, in order, the nodes a slot's tasks were placed on.
func nodesOf(c *Cluster, task string) []string {
	var out []string
	for _, e := range c.Events() {
		if e.Kind == EventTaskPlaced && strings.HasPrefix(e.Detail, task+" ") {
			out = append(out, e.Node)
		}
	}
	return out
}

// A container that exits 0 ends its task COMPLETE with the message
// "finished" (swarmkit agent/exec/controller.go Do: transition(
// api.TaskStateCompleted, "finished")), not failed.
//
// restart/restart.go shouldRestart: condition on-failure does not restart
// a completed task; condition any does.
//
// scheduler/scheduler.go updateTask counts only FAILED and REJECTED tasks
// toward a node's recent failures, so completions never push a service off
// a node (a failing image moves after 5 failures: TestFailurePenalty...).
func TestExitZeroIsComplete(t *testing.T) {
	for _, tc := range []struct {
		condition string
		placed    int // how often job.1 was placed in two minutes; 0: more than 5
	}{
		{"on-failure", 1},
		{"any", 0},
	} {
		t.Run(tc.condition, func(t *testing.T) {
			c := newTestCluster(t, "1-1-1", 0, 7)
			spec := service("job", 1)
			spec.Image, spec.Restart = "done", RestartPolicy{Condition: tc.condition, Delay: time.Second}
			mustApply(t, c, CreateService(spec))
			mustRun(t, c, 2*time.Minute)
			nodes := nodesOf(c, "job.1")
			switch {
			case tc.placed > 0 && len(nodes) != tc.placed:
				t.Errorf("job.1 placed %d times (%v), want %d", len(nodes), nodes, tc.placed)
			case tc.placed == 0 && len(nodes) <= 5:
				t.Errorf("job.1 placed %d times (%v), want it restarted past the 5-failure penalty", len(nodes), nodes)
			}
			if i := slices.IndexFunc(nodes, func(n string) bool { return n != nodes[0] }); i >= 0 {
				t.Errorf("job.1 moved from %s to %s after %d completions: completions counted as failures (%v)", nodes[0], nodes[i], i, nodes)
			}
			for _, tk := range c.Snapshot().Tasks {
				if tk.Service == "job" && tk.State != TaskRunning && tk.State != TaskAssigned && (tk.State != TaskComplete || tk.Reason != "finished") {
					t.Errorf("%s %s: %s %q, want complete \"finished\"", tk.ID, tk.Name(), tk.State, tk.Reason)
				}
			}
			for _, e := range c.Events() {
				if e.Kind == EventTaskFailed {
					t.Errorf("event %s: a task that exits 0 does not fail", e)
				}
			}
		})
	}
}

// orchestrator/taskinit/init.go CheckTasks → restart.go
// RecordRestartHistory: a new leader rebuilds each slot's restart history
// from the tasks in the store (every up-to-date task of a slot but its
// first was a restart), so a slot that used its one attempt within the
// window is not restarted again after a leader change.
func TestNewLeaderRemembersRestarts(t *testing.T) {
	for _, killLeader := range []bool{false, true} {
		c := newTestCluster(t, "1-1-1", 3, 7)
		spec := service("crash", 1)
		spec.Image = "fail"
		spec.Constraints = []string{"node.role==worker"}
		spec.Restart = RestartPolicy{Condition: "on-failure", Delay: 10 * time.Second, MaxAttempts: 1, Window: 5 * time.Minute}
		mustApply(t, c, CreateService(spec))
		mustRun(t, c, 6*time.Second) // crash.1 failed once; its restart waits out its delay
		if killLeader {
			mustApply(t, c, KillLeader())
		}
		mustRun(t, c, 2*time.Minute)
		if placed := nodesOf(c, "crash.1"); len(placed) != 2 {
			t.Errorf("leader killed %v: crash.1 placed %d times (%v), want 2: one run and its one restart", killLeader, len(placed), placed)
		}
	}
}
