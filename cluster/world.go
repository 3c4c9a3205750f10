package cluster

import (
	"github.com/swarmsim/swarmsim/cluster/dispatcher"
	"github.com/swarmsim/swarmsim/cluster/state"
)

// world is the simulated swarm as a leader's dispatcher reaches it: the
// nodes by index, whether the leader's node can talk to each, and each
// node's agent (the node itself).
type world struct {
	c    *Cluster
	self *node // the leader's node
}

func (w world) Nodes() int                    { return len(w.c.nodes) }
func (w world) Name(i int) string             { return w.c.nodes[i].name }
func (w world) Index(name string) (int, bool) { i, ok := w.c.byName[name]; return i, ok }
func (w world) Reachable(i int) bool          { return w.c.linked(w.self, w.c.nodes[i]) }
func (w world) Agent(i int) dispatcher.Agent  { return w.c.nodes[i] }

// A node is its own agent: its side of its session with the dispatcher,
// the containers it runs (tasks.go, health.go).

func (n *node) Start(t *state.Task, h state.HealthCheck) string { return n.start(t, h) }

func (n *node) Stop(task string) bool {
	if !n.running[task] {
		return false
	}
	delete(n.running, task)
	delete(n.starting, task)
	n.c.gate.touch()
	return true
}

func (n *node) Runs(task string) bool     { return n.running[task] }
func (n *node) Starting(task string) bool { return n.starting[task] }

func (n *node) Exit(task string) (string, bool, bool) {
	e, ok := n.exited[task]
	return e.reason, e.ok, ok
}

func (n *node) ForgetExits()      { clear(n.exited) }
func (n *node) Running() []string { return state.SortedIDs(n.running) }
