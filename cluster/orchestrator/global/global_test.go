package global_test

import (
	"slices"
	"testing"
	"time"

	"github.com/swarmsim/swarmsim/cluster/orchestrator/orchestratortest"
	"github.com/swarmsim/swarmsim/cluster/state"
	"github.com/swarmsim/swarmsim/cluster/state/statetest"
)

// setup is swarmkit's global_test.go setup: node1 ready, and service
// name1, global, restarting on any failure after 50 ms.
func setup(t *testing.T) (*statetest.Store, *orchestratortest.Leader) {
	t.Helper()
	s := statetest.New()
	s.Node("node1")
	s.Service(state.ServiceSpec{Name: "name1", Mode: state.ModeGlobal,
		Restart: state.RestartPolicy{Condition: "any", Delay: 50 * time.Millisecond}})
	l := orchestratortest.New(s)
	l.Want(t, "create name1.node1 on node1")
	s.Run()
	return s, l
}

func names(s *statetest.Store, service string) []string { return orchestratortest.Names(s, service) }

// Ported from swarmkit global_test.go TestSetup: a global service gets a
// task on the one node.
func TestSetup(t *testing.T) {
	s, _ := setup(t)
	if got := names(s, "name1"); !slices.Equal(got, []string{"name1.node1"}) {
		t.Errorf("name1 runs %q", got)
	}
}

// Ported from swarmkit global_test.go TestAddNode: a node that joins gets
// the service's task.
func TestAddNode(t *testing.T) {
	s, l := setup(t)
	s.Node("node2")
	l.Want(t, "create name1.node2 on node2")
}

// Ported from swarmkit global_test.go TestDeleteNode: the task of a node
// removed from the swarm no longer runs (here it is kept, orphaned, for
// the task history, where swarmkit deletes it).
func TestDeleteNode(t *testing.T) {
	s, l := setup(t)
	s.Apply(&state.RemoveNode{Node: "node1"})
	l.Want(t, "shutdown t1")
	if task := s.Tasks.Get("t1"); task.Active() || task.State != state.TaskOrphaned {
		t.Errorf("the removed node's task is %s, desired %s; want orphaned and shut down", task.State, task.Desired)
	}
}

// Ported from swarmkit global_test.go TestNodeAvailability (its drain
// half; a paused node differs here: see the report of issue 21): a
// drained node's task is shut down, an update of the service does not
// bring it back, and making the node active does.
func TestNodeAvailability(t *testing.T) {
	s, l := setup(t)
	s.UpdateNode("node1", func(n *state.NodeRecord) { n.Availability = state.Drain })
	l.Want(t, "shutdown t1")
	s.UpdateService("name1", func(spec *state.ServiceSpec) { spec.ForceUpdate++ })
	l.Want(t)
	s.UpdateNode("node1", func(n *state.NodeRecord) { n.Availability = state.Active })
	l.Want(t, "create name1.node1 on node1")
}

// Ported from swarmkit global_test.go TestAddService: a second global
// service gets its own task on the node.
func TestAddService(t *testing.T) {
	s, l := setup(t)
	s.Service(state.ServiceSpec{Name: "name2", Mode: state.ModeGlobal})
	l.Want(t, "create name2.node1 on node1")
}

// Ported from swarmkit global_test.go TestDeleteService: removing the
// service removes its tasks, and nothing is created in their place.
func TestDeleteService(t *testing.T) {
	s, l := setup(t)
	s.Apply(&state.RemoveService{Name: "name1"})
	l.Want(t)
	if s.Tasks.Len() != 0 {
		t.Errorf("%d tasks left after the service was removed", s.Tasks.Len())
	}
}

// Ported from swarmkit global_test.go TestTaskFailure: a failed task comes
// back on its node under restart on any; under none it does not, not even
// when the service is updated without a change, and it does when the
// service's spec changes.
func TestTaskFailure(t *testing.T) {
	s, l := setup(t)
	s.Fail("t1")
	l.Want(t, "shutdown t1", "create name1.node1 on node1")

	s.Service(state.ServiceSpec{Name: "norestart", Mode: state.ModeGlobal, Restart: state.RestartPolicy{Condition: "none"}})
	l.Want(t, "create norestart.node1 on node1")
	s.Run()
	task := s.Current("norestart", state.SlotKeyFor(0, "node1"))
	s.Fail(task.ID)
	l.Want(t, "shutdown "+task.ID)
	s.UpdateService("norestart", func(spec *state.ServiceSpec) { spec.Labels = map[string]string{"a": "b"} })
	l.Want(t)
	s.UpdateService("norestart", func(spec *state.ServiceSpec) { spec.ForceUpdate++ })
	l.Want(t, "create norestart.node1 on node1")
}

// startedOn is a store with node1 and name1 whose task t1 runs on node1,
// as a new leader finds it.
func startedOn(change func(s *statetest.Store)) (*statetest.Store, *orchestratortest.Leader) {
	s := statetest.New()
	s.Node("node1")
	s.Service(state.ServiceSpec{Name: "name1", Mode: state.ModeGlobal})
	s.Start("name1", 0, "node1")
	change(s)
	return s, orchestratortest.New(s)
}

// Ported from swarmkit global_test.go TestInitializationRejectedTasks: a
// rejected task found when the orchestrator starts is replaced on its node.
func TestInitializationRejectedTasks(t *testing.T) {
	_, l := startedOn(func(s *statetest.Store) { s.Report("t1", state.TaskRejected) })
	l.Want(t, "shutdown t1", "create name1.node1 on node1")
}

// Ported from swarmkit global_test.go TestInitializationFailedTasks: the
// same for a failed task.
func TestInitializationFailedTasks(t *testing.T) {
	_, l := startedOn(func(s *statetest.Store) { s.Fail("t1") })
	l.Want(t, "shutdown t1", "create name1.node1 on node1")
}

// Ported from swarmkit global_test.go TestInitializationMultipleServices:
// a new leader gives each global service its missing tasks, and leaves
// the running ones alone.
func TestInitializationMultipleServices(t *testing.T) {
	_, l := startedOn(func(s *statetest.Store) {
		s.Node("node2")
		s.Service(state.ServiceSpec{Name: "name2", Mode: state.ModeGlobal})
		s.Start("name2", 0, "node2")
	})
	l.Want(t, "create name1.node2 on node2", "create name2.node1 on node1")
}

// Ported from swarmkit global_test.go TestInitializationTaskOnDrainedNode:
// a task found on a drained node is shut down.
func TestInitializationTaskOnDrainedNode(t *testing.T) {
	_, l := startedOn(func(s *statetest.Store) {
		s.UpdateNode("node1", func(n *state.NodeRecord) { n.Availability = state.Drain })
	})
	l.Want(t, "shutdown t1")
}

// Ported from swarmkit global_test.go TestInitializationTaskOnNonexistentNode:
// a task found on a node that is no longer in the swarm is shut down.
func TestInitializationTaskOnNonexistentNode(t *testing.T) {
	_, l := startedOn(func(s *statetest.Store) { s.Apply(&state.RemoveNode{Node: "node1"}) })
	l.Want(t, "shutdown t1")
}

// A node that stops satisfying the service's constraints loses its task,
// and no restart brings it back while the node does not qualify.
func TestConstraintChangeStopsTheNodesTask(t *testing.T) {
	s := statetest.New()
	s.Node("node1", func(n *state.NodeRecord) { n.Labels = map[string]string{"disk": "ssd"} })
	s.Service(state.ServiceSpec{Name: "agent", Mode: state.ModeGlobal, Constraints: []string{"node.labels.disk==ssd"}})
	l := orchestratortest.New(s)
	l.Want(t, "create agent.node1 on node1")
	s.Run()
	s.UpdateNode("node1", func(n *state.NodeRecord) { n.Labels = nil })
	got := l.Flush()
	if len(got) == 0 || got[0] != "shutdown t1" && got[0] != "status t1 rejected" {
		t.Fatalf("the flush did %q, want t1 stopped", got)
	}
	for range 3 {
		l.Want(t)
	}
	if got := names(s, "agent"); len(got) != 0 {
		t.Errorf("agent runs %q on a node that does not qualify", got)
	}
}
