package cluster

import (
	"time"

	"github.com/swarmsim/swarmsim/cluster/agent"
	"github.com/swarmsim/swarmsim/cluster/dispatcher"
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
func (w world) Reachable(i int) bool          { return w.c.nodes[i].followed() == w.self.mgr }
func (w world) Agent(i int) dispatcher.Agent  { return &w.c.nodes[i].Agent }
func (w world) Wake(i int)                    { w.c.nodes[i].wake(i) }

// A node is its agent's host: the simulation as the node reaches it.

// Changed tells the checker that what the node runs changed.
func (n *node) Changed() { n.c.gate.touch() }

// After queues the agent's timer on the simulation's clock, for this life
// of the node.
func (n *node) After(d time.Duration, e agent.Event) {
	c := n.c
	kind := evTaskExit
	switch e.Kind {
	case agent.Healthy:
		kind = evHealthy
	case agent.Unhealthy:
		kind = evUnhealthy
	}
	c.q.push(timed{at: c.now + d, kind: kind, node: c.byName[n.name], epoch: n.epoch, task: e.Task, exitOK: e.ExitOK})
}

// Leader is the leader's dispatcher, if the node can reach it now.
func (n *node) Leader() agent.Reports {
	c := n.c
	if m := c.leaderManager(); m != nil && m.lead != nil && c.linked(m.node, n) {
		return reports{m.lead.d, c.byName[n.name]}
	}
	return nil
}

// reports is a node's line to the leader's dispatcher.
type reports struct {
	d    *dispatcher.Dispatcher
	node int
}

func (r reports) Exited(task, reason string, exitOK bool) { r.d.Exited(r.node, task, reason, exitOK) }
func (r reports) Passed(task string)                      { r.d.Passed(task) }
