package orchestrator_test

import (
	"slices"
	"testing"

	"github.com/swarmsim/swarmsim/cluster/orchestrator/orchestratortest"
	"github.com/swarmsim/swarmsim/cluster/state"
	"github.com/swarmsim/swarmsim/cluster/state/statetest"
)

// Services are reconciled before the nodes that changed, as swarmkit's
// replicated orchestrator handles a lost node's tasks only after the
// service (tickTasks): a service scaled down in the same flush as its
// node went down does not get that node's task back elsewhere.
func TestServicesBeforeNodes(t *testing.T) {
	s := statetest.New()
	s.Node("w1")
	s.Node("w2")
	s.Service(state.ServiceSpec{Name: "web", Replicas: 2})
	s.Start("web", 1, "w1")
	s.Start("web", 2, "w2")
	l := orchestratortest.New(s)
	l.Want(t)
	s.UpdateService("web", func(spec *state.ServiceSpec) { spec.Replicas = 1 })
	s.UpdateNode("w2", func(n *state.NodeRecord) { n.Status = state.NodeDown })
	got := l.Flush()
	if len(got) != 1 || !slices.Contains([]string{"shutdown t1", "shutdown t2"}, got[0]) {
		t.Errorf("the flush did %q, want one task stopped and none created", got)
	}
	if n := len(s.Active("web")); n != 1 {
		t.Errorf("web has %d tasks meant to run, want 1", n)
	}
}

// Nothing changed, nothing done: a flush with no dirty service or node
// proposes nothing, however many services the store holds.
func TestNothingDirtyNothingDone(t *testing.T) {
	s := statetest.New()
	s.Node("w1")
	for _, name := range []string{"a", "b", "c"} {
		s.Service(state.ServiceSpec{Name: name, Replicas: 1})
		s.Start(name, 1, "w1")
	}
	l := orchestratortest.New(s)
	l.Want(t)
	for range 3 {
		l.Want(t)
	}
}
