package cluster

import (
	"github.com/swarmsim/swarmsim/cluster/dispatcher"
	"github.com/swarmsim/swarmsim/cluster/state"
)

// world is the simulated swarm as a leader's dispatcher reaches it: the
// nodes by index, whether the leader's node can talk to each, and each
// node's agent.
type world struct {
	c    *Cluster
	self *node // the leader's node
}

func (w world) Nodes() int                    { return len(w.c.nodes) }
func (w world) Name(i int) string             { return w.c.nodes[i].name }
func (w world) Index(name string) (int, bool) { i, ok := w.c.byName[name]; return i, ok }
func (w world) Reachable(i int) bool          { return w.c.linked(w.self, w.c.nodes[i]) }
func (w world) Agent(i int) dispatcher.Agent  { return agent{w.c, w.c.nodes[i]} }

// agent is a node's side of its session with the dispatcher: the
// containers it runs (tasks.go, health.go).
type agent struct {
	c *Cluster
	n *node
}

func (a agent) Start(t *state.Task, h state.HealthCheck) string { return a.n.start(t, h) }

func (a agent) Stop(task string) bool {
	if !a.n.running[task] {
		return false
	}
	delete(a.n.running, task)
	delete(a.n.starting, task)
	a.c.gate.touch()
	return true
}

func (a agent) Runs(task string) bool     { return a.n.running[task] }
func (a agent) Starting(task string) bool { return a.n.starting[task] }

func (a agent) Exit(task string) (string, bool, bool) {
	e, ok := a.n.exited[task]
	return e.reason, e.ok, ok
}

func (a agent) ForgetExits()      { clear(a.n.exited) }
func (a agent) Running() []string { return state.SortedIDs(a.n.running) }
