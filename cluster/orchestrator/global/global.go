// Package global is the global orchestrator: it keeps one task of each
// global service on every eligible node (ready, not drained, satisfying
// the service's constraints), as swarmkit's manager/orchestrator/global
// does. A node that joins or comes back gets its tasks; a task on a node
// that goes down stays with it (it is not moved anywhere); a task on a
// node that is drained or stops satisfying the constraints is shut down.
//
// # Using it
//
//	o := global.New(store, hashes)
//	o.Reconcile(batch, spec)        // a global service was created or changed
//	o.OnNode(batch, spec, "w3")     // node w3 changed
package global

import (
	"github.com/swarmsim/swarmsim/cluster/placement"
	"github.com/swarmsim/swarmsim/cluster/state"
)

// Orchestrator reconciles global services for one leader.
type Orchestrator struct {
	s      *state.Store
	hashes state.Hashes
}

// New returns a global orchestrator over s; hashes is the leader's cache
// of spec hashes.
func New(s *state.Store, hashes state.Hashes) *Orchestrator {
	return &Orchestrator{s: s, hashes: hashes}
}

// Services lists the global services, by name.
func (o *Orchestrator) Services() []*state.ServiceSpec {
	var out []*state.ServiceSpec
	for _, name := range o.s.ServiceNames() {
		if spec := o.s.Services[name]; spec.Mode == state.ModeGlobal {
			out = append(out, spec)
		}
	}
	return out
}

// Reconcile checks a global service on every node.
func (o *Orchestrator) Reconcile(b *state.Batch, spec *state.ServiceSpec) {
	for _, name := range o.s.NodeNames() {
		o.OnNode(b, spec, name)
	}
	// Tasks of nodes that left the swarm.
	for _, key := range o.s.SlotKeys(spec.Name) {
		if key.Slot == 0 && o.s.Nodes[key.Node] == nil {
			if cur := b.Current(o.s, spec.Name, key); cur != nil {
				b.Stop(cur, state.TaskOrphaned, state.ReasonGone, true)
			}
		}
	}
}

// OnNode gives a node the task of a global service it should run, or
// stops the one it should not.
func (o *Orchestrator) OnNode(b *state.Batch, spec *state.ServiceSpec, name string) {
	rec := o.s.Nodes[name]
	key := state.SlotKeyFor(0, name)
	cur := b.Current(o.s, spec.Name, key)
	if cur != nil {
		switch {
		case rec == nil:
		case rec.Availability == state.Drain:
			b.Stop(cur, "", state.ReasonDrained, true)
		case !placement.Matches(spec, rec):
			b.Stop(cur, "", state.ReasonNoMatch, true)
		}
		return
	}
	if rec == nil || rec.Status != state.NodeReady || rec.Availability == state.Drain || !placement.Matches(spec, rec) {
		return
	}
	hash := o.hashes.Of(spec)
	if h := o.s.History(spec.Name, key); len(h) > 0 && h[len(h)-1].Final && h[len(h)-1].Hash == hash &&
		h[len(h)-1].Reason != state.ReasonDrained && h[len(h)-1].Reason != state.ReasonNoMatch {
		return // its restart policy gave up on this node
	}
	b.CreateIn(o.s, spec, hash, 0, name, state.CreateTask{})
}
