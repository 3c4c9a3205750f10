package replicated_test

import (
	"slices"
	"testing"
	"time"

	"github.com/swarmsim/swarmsim/cluster/orchestrator/orchestratortest"
	"github.com/swarmsim/swarmsim/cluster/state"
	"github.com/swarmsim/swarmsim/cluster/state/statetest"
)

func newLeader(s *statetest.Store) *orchestratortest.Leader { return orchestratortest.New(s) }

func workers(s *statetest.Store, names ...string) {
	for _, n := range names {
		s.Node(n)
	}
}

var active = orchestratortest.Names

// Ported from swarmkit replicated_test.go TestReplicatedOrchestrator: a
// service gets its replicas, more when scaled up, fewer when scaled down,
// and a second service its own.
func TestReplicatedOrchestrator(t *testing.T) {
	s := statetest.New()
	workers(s, "w1", "w2", "w3")
	l := newLeader(s)
	s.Service(state.ServiceSpec{Name: "name1", Replicas: 2})
	l.Want(t, "create name1.1", "create name1.2")
	s.Service(state.ServiceSpec{Name: "name2", Replicas: 1})
	l.Want(t, "create name2.1")
	s.UpdateService("name1", func(spec *state.ServiceSpec) { spec.Replicas = 3 })
	l.Want(t, "create name1.3")
	s.UpdateService("name1", func(spec *state.ServiceSpec) { spec.Replicas = 1 })
	if got := l.Flush(); len(got) != 2 || got[0][:8] != "shutdown" || got[1][:8] != "shutdown" {
		t.Errorf("scaling 3 to 1 did %q, want two tasks shut down", got)
	}
	if got := active(s, "name1"); len(got) != 1 {
		t.Errorf("name1 keeps %q, want one task", got)
	}
	if got := active(s, "name2"); !slices.Equal(got, []string{"name2.1"}) {
		t.Errorf("name2 has %q, want its one task untouched", got)
	}
}

// Scaling up after a scale-down numbers new tasks from the lowest free
// slot, as swarmkit's replicated orchestrator (addTasks) does.
func TestScaleUpFillsTheLowestFreeSlots(t *testing.T) {
	s := statetest.New()
	workers(s, "w1")
	s.Service(state.ServiceSpec{Name: "web", Replicas: 3})
	for slot := 1; slot <= 3; slot++ {
		s.Start("web", slot, "w1")
	}
	l := newLeader(s)
	l.Flush()
	s.Apply(&state.ShutdownTask{Task: "t2", Reason: state.ReasonScaledDown})
	s.UpdateService("web", func(spec *state.ServiceSpec) { spec.Replicas = 4 })
	l.Want(t, "create web.2", "create web.4")
}

// Ported from swarmkit replicated_test.go TestInitializationRejectedTasks:
// a task the store holds as rejected when the orchestrator starts is
// shut down and replaced.
func TestInitializationRejectedTasks(t *testing.T) {
	s := statetest.New()
	workers(s, "w1")
	s.Service(state.ServiceSpec{Name: "name1", Replicas: 1})
	task := s.Start("name1", 1, "w1")
	s.Report(task.ID, state.TaskRejected)
	l := newLeader(s)
	l.Want(t, "shutdown t1", "create name1.1")
}

// Ported from swarmkit replicated_test.go TestInitializationFailedTasks:
// the same for a task that failed while no orchestrator ran.
func TestInitializationFailedTasks(t *testing.T) {
	s := statetest.New()
	workers(s, "w1", "w2")
	s.Service(state.ServiceSpec{Name: "name1", Replicas: 2})
	s.Start("name1", 1, "w1")
	s.Start("name1", 2, "w2")
	s.Fail("t2")
	l := newLeader(s)
	l.Want(t, "shutdown t2", "create name1.2")
	if got := active(s, "name1"); !slices.Equal(got, []string{"name1.1", "name1.2"}) {
		t.Errorf("name1 has %q, want both slots", got)
	}
}

// Ported from swarmkit replicated_test.go TestInitializationNodeDown: a
// task on a node that is down when the orchestrator starts is replaced.
func TestInitializationNodeDown(t *testing.T) {
	s := statetest.New()
	workers(s, "w1", "w2")
	s.Service(state.ServiceSpec{Name: "name1", Replicas: 1})
	s.Start("name1", 1, "w1")
	s.UpdateNode("w1", func(n *state.NodeRecord) { n.Status = state.NodeDown })
	l := newLeader(s)
	l.Want(t, "shutdown t1", "create name1.1")
	if got := s.Tasks.Get("t1").Reason; got != state.ReasonNodeDown {
		t.Errorf("the lost task's reason is %q, want %q", got, state.ReasonNodeDown)
	}
}

// Ported from swarmkit drain_test.go TestDrain, at the orchestrator: the
// tasks of a drained node, or of a node that left, are replaced; those of
// a paused node stay.
func TestDrainReplacesTasks(t *testing.T) {
	s := statetest.New()
	workers(s, "w1", "w2", "w3", "w4")
	s.Service(state.ServiceSpec{Name: "web", Replicas: 4})
	for i, n := range []string{"w1", "w2", "w3", "w4"} {
		s.Start("web", i+1, n)
	}
	l := newLeader(s)
	l.Flush()
	s.UpdateNode("w1", func(n *state.NodeRecord) { n.Availability = state.Drain })
	s.UpdateNode("w2", func(n *state.NodeRecord) { n.Availability = state.Pause })
	s.Apply(&state.RemoveNode{Node: "w3"})
	l.Want(t, "shutdown t1", "shutdown t3", "create web.1", "create web.3")
	if got := s.Tasks.Get("t3").State; got != state.TaskOrphaned {
		t.Errorf("the task of the node that left is %s, want orphaned", got)
	}
}

// Ported from swarmkit restart_test.go TestOrchestratorRestartOnNone, at
// the orchestrator: with condition none a task lost with a down node is
// not replaced, an update that changes no task does not bring it back,
// and its slot keeps its number when the service is scaled.
func TestRestartNoneHoldsTheSlot(t *testing.T) {
	s := statetest.New()
	workers(s, "w1", "w2")
	s.Service(state.ServiceSpec{Name: "web", Replicas: 2, Restart: state.RestartPolicy{Condition: "none"}})
	s.Start("web", 1, "w1")
	s.Start("web", 2, "w2")
	l := newLeader(s)
	l.Flush()
	s.Now += time.Minute
	s.UpdateNode("w1", func(n *state.NodeRecord) { n.Status = state.NodeDown })
	l.Want(t, "shutdown t1")
	s.UpdateService("web", func(spec *state.ServiceSpec) { spec.Labels = map[string]string{"tier": "front"} })
	l.Want(t)
	s.UpdateService("web", func(spec *state.ServiceSpec) { spec.Replicas = 3 })
	l.Want(t, "create web.3")
}

// A slot that a start-first update overlaps holds two tasks meant to run,
// the old and the new; scaling the slot away shuts both down, as swarmkit
// removes a slot's every task when it scales down (found by chaos: a
// start-first update paused on a failure, then web scaled to 0, left the
// old tasks running).
func TestScaleDownStopsEveryTaskOfASlot(t *testing.T) {
	s := statetest.New()
	workers(s, "w1", "w2")
	s.Service(state.ServiceSpec{Name: "web", Replicas: 2})
	s.Start("web", 1, "w1")
	s.Start("web", 2, "w2")
	s.UpdateService("web", func(spec *state.ServiceSpec) { spec.Image = "nginx:2" })
	// The new task of slot 1, started first: the old one runs on beside it.
	spec := s.Services["web"]
	s.Apply(&state.CreateTask{Service: "web", Slot: 1, Node: "w2", Version: s.Versions["web"], Hash: s.Hashes.Of(spec), Image: spec.Image, Cause: state.CauseStartFirst})
	s.Run()
	if got := len(s.Active("web")); got != 3 {
		t.Fatalf("%d tasks meant to run before the scale-down, want 3", got)
	}
	l := newLeader(s)
	l.Flush()
	s.UpdateService("web", func(spec *state.ServiceSpec) { spec.Replicas = 0 })
	l.Flush()
	if got := active(s, "web"); len(got) != 0 {
		t.Errorf("scaled to 0, web keeps %q", got)
	}
}

// A start-first overlap ends once the slot's newest task runs, whatever
// update made it: an update superseded by another (stop-first, and paused
// before it reached the slot) leaves the slot's old task to be stopped
// here (found by chaos, run seed 15465127062479697481: web ran 6 tasks, 5
// desired).
func TestOverlapEndsWhenTheNewestTaskRuns(t *testing.T) {
	s := statetest.New()
	workers(s, "w1", "w2")
	s.Service(state.ServiceSpec{Name: "web", Replicas: 1})
	s.Start("web", 1, "w1")
	s.UpdateService("web", func(spec *state.ServiceSpec) { spec.Image = "nginx:2" })
	spec := s.Services["web"]
	s.Apply(&state.CreateTask{Service: "web", Slot: 1, Node: "w2", Version: s.Versions["web"], Hash: s.Hashes.Of(spec), Image: spec.Image, Cause: state.CauseStartFirst})
	l := newLeader(s)
	l.Flush()
	s.UpdateService("web", func(spec *state.ServiceSpec) { spec.Image = "nginx:3" }) // supersedes the update
	s.Apply(&state.UpdateState{Service: "web", State: state.UpdatePaused, Message: "update paused"})
	s.Run() // the second update's task of slot 1 runs
	l.Flush()
	if got := active(s, "web"); len(got) != 1 {
		t.Errorf("web's one slot keeps %q meant to run, want the newest only", got)
	}
}
