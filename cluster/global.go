package cluster

import (
	"github.com/swarmsim/swarmsim/cluster/state"
)

// The global orchestrator keeps one task of each global service on every
// eligible node: ready, not drained, and satisfying the service's
// constraints. A node that joins or comes back gets its tasks; a task on a
// node that goes down stays with it (it is not moved anywhere); a task on a
// node that is drained or stops satisfying the constraints is shut down.

// globalServices lists the global services, by name.
func (l *leader) globalServices() []*ServiceSpec {
	var out []*ServiceSpec
	for _, name := range l.s.ServiceNames() {
		if spec := l.s.Services[name]; spec.Mode == ModeGlobal {
			out = append(out, spec)
		}
	}
	return out
}

// reconcileGlobal checks a global service on every node.
func (l *leader) reconcileGlobal(b *state.Batch, spec *ServiceSpec) {
	for _, name := range l.s.NodeNames() {
		l.globalOnNode(b, spec, name)
	}
	// Tasks of nodes that left the swarm.
	for _, key := range l.s.SlotKeys(spec.Name) {
		if key.Slot == 0 && l.s.Nodes[key.Node] == nil {
			if cur := l.current(b, spec.Name, key); cur != nil {
				b.Stop(cur, TaskOrphaned, reasonGone, true)
			}
		}
	}
}

// globalOnNode gives a node the task of a global service it should run, or
// stops the one it should not.
func (l *leader) globalOnNode(b *state.Batch, spec *ServiceSpec, name string) {
	rec := l.s.Nodes[name]
	key := state.SlotKeyFor(0, name)
	cur := l.current(b, spec.Name, key)
	if cur != nil {
		switch {
		case rec == nil:
		case rec.Availability == Drain:
			b.Stop(cur, "", reasonDrained, true)
		case !matches(spec, rec):
			b.Stop(cur, "", reasonNoMatch, true)
		}
		return
	}
	if rec == nil || rec.Status != NodeReady || rec.Availability == Drain || !matches(spec, rec) {
		return
	}
	if h := l.s.History(spec.Name, key); len(h) > 0 && h[len(h)-1].Final && h[len(h)-1].Hash == l.hashOf(spec) &&
		h[len(h)-1].Reason != reasonDrained && h[len(h)-1].Reason != reasonNoMatch {
		return // its restart policy gave up on this node
	}
	l.createIn(b, spec, 0, name, state.CreateTask{})
}
