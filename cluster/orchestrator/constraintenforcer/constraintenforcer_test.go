package constraintenforcer_test

import (
	"testing"

	"github.com/swarmsim/swarmsim/cluster/orchestrator/constraintenforcer"
	"github.com/swarmsim/swarmsim/cluster/orchestrator/orchestratortest"
	"github.com/swarmsim/swarmsim/cluster/state"
	"github.com/swarmsim/swarmsim/cluster/state/statetest"
)

// Ported from swarmkit constraint_enforcer_test.go TestConstraintEnforcer
// (its role half; a node's resources do not change here): a task whose
// node becomes a manager while the task must run on a worker is rejected,
// a task without constraints on the same node is not, and the restart
// supervisor replaces the rejected one.
func TestConstraintEnforcer(t *testing.T) {
	s := statetest.New()
	s.Node("id1")
	s.Node("id2")
	s.Service(state.ServiceSpec{Name: "free", Replicas: 1})
	s.Service(state.ServiceSpec{Name: "workers", Replicas: 1, Constraints: []string{"node.role == worker"}})
	s.Start("free", 1, "id1")
	s.Start("workers", 1, "id1")
	l := orchestratortest.New(s)
	l.Want(t)
	promoted := s.Nodes["id1"].Clone()
	promoted.Role = state.RoleManager
	s.Apply(&state.AddNode{Record: promoted, Replace: true})
	l.Want(t, "status t2 rejected")
	if got := s.Tasks.Get("t2").Reason; got != state.ReasonRejected {
		t.Errorf("t2's reason is %q, want %q", got, state.ReasonRejected)
	}
	l.Want(t, "shutdown t2", "create workers.1")
	if !s.Tasks.Get("t1").Active() {
		t.Error("the task without constraints was stopped")
	}
}

// A task that has not started on its node, or has ended, is not the
// enforcer's: the scheduler and the restart supervisor deal with those.
func TestEnforcerLeavesPendingAndEndedTasks(t *testing.T) {
	s := statetest.New()
	s.Node("w1")
	spec := s.Service(state.ServiceSpec{Name: "db", Replicas: 2, Constraints: []string{"node.labels.disk == ssd"}})
	rec := s.Nodes["w1"]
	e := constraintenforcer.New()
	for _, task := range []*state.Task{
		{ID: "t1", Service: "db", Slot: 1, Node: "w1", Desired: state.TaskRunning, State: state.TaskPending},
		{ID: "t2", Service: "db", Slot: 2, Node: "w1", Desired: state.TaskRunning, State: state.TaskFailed},
	} {
		b := s.Batch()
		if e.Check(b, task, spec, rec) || len(b.Actions) != 0 {
			t.Errorf("%s %s was rejected", task.ID, task.State)
		}
	}
	running := &state.Task{ID: "t3", Service: "db", Slot: 1, Node: "w1", Desired: state.TaskRunning, State: state.TaskRunning}
	b := s.Batch()
	if !e.Check(b, running, spec, rec) || e.Check(b, running, spec, rec) {
		t.Error("a running task on a node that does not qualify is not rejected exactly once per batch")
	}
}
