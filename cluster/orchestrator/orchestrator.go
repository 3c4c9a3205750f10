// Package orchestrator runs the leader's orchestrators over what changed,
// in the order swarmkit's manager runs them: services first (created,
// scaled, updated, removed), each by the replicated or the global
// orchestrator; then nodes (a node that went down, was drained, left, or
// no longer satisfies a task's constraints), whose tasks the restart
// supervisor replaces or the constraint enforcer rejects; then the global
// services on the nodes that changed.
//
// Swarmkit replaces the tasks of a lost node only after the services are
// reconciled (tickTasks), and not a task the reconciliation has meanwhile
// shut down: a service scaled down as its node went down does not get that
// node's task back elsewhere.
//
// # Using it
//
//	o := orchestrator.New(store, hashes, supervisor)
//	o.ServiceChanged("web") // the leader forwards what applied entries touched
//	o.NodeChanged("w2")
//	o.Flush(batch)          // reconcile what is dirty, into the batch
//
// The parts are packages of their own (replicated, global, jobs,
// constraintenforcer, restart, update, taskreaper), each tested alone;
// this one holds only the dirty sets and the order.
package orchestrator

import (
	"slices"

	"github.com/swarmsim/swarmsim/cluster/orchestrator/constraintenforcer"
	"github.com/swarmsim/swarmsim/cluster/orchestrator/global"
	"github.com/swarmsim/swarmsim/cluster/orchestrator/jobs"
	"github.com/swarmsim/swarmsim/cluster/orchestrator/replicated"
	"github.com/swarmsim/swarmsim/cluster/orchestrator/restart"
	"github.com/swarmsim/swarmsim/cluster/state"
)

// Orchestrator reconciles services and nodes for one leader.
type Orchestrator struct {
	s          *state.Store
	replicated *replicated.Orchestrator
	global     *global.Orchestrator
	jobs       *jobs.Orchestrator
	enforcer   *constraintenforcer.Enforcer
	restarts   *restart.Supervisor

	dirtyServices map[string]bool
	dirtyNodes    map[string]bool
}

// New returns an orchestrator over s. hashes is the leader's cache of
// spec hashes; restarts the leader's restart supervisor, which replaces
// the tasks of nodes that are lost.
func New(s *state.Store, hashes state.Hashes, restarts *restart.Supervisor) *Orchestrator {
	return &Orchestrator{
		s:             s,
		replicated:    replicated.New(s, hashes),
		global:        global.New(s, hashes),
		jobs:          jobs.New(s, hashes),
		enforcer:      constraintenforcer.New(),
		restarts:      restarts,
		dirtyServices: map[string]bool{},
		dirtyNodes:    map[string]bool{},
	}
}

// ServiceChanged marks a service dirty.
func (o *Orchestrator) ServiceChanged(name string) { o.dirtyServices[name] = true }

// TaskChanged marks a job dirty when one of its tasks ended.
func (o *Orchestrator) TaskChanged(t *state.Task) {
	if o.jobs.Ended(t) {
		o.dirtyServices[t.Service] = true
	}
}

// NodeChanged marks a node dirty.
func (o *Orchestrator) NodeChanged(name string) { o.dirtyNodes[name] = true }

// Flush reconciles the dirty services, then the dirty nodes.
func (o *Orchestrator) Flush(b *state.Batch) {
	s := o.s
	if len(o.dirtyNodes) == 0 && len(o.dirtyServices) == 0 {
		return
	}
	nodes := make([]string, 0, len(o.dirtyNodes))
	for name := range o.dirtyNodes {
		nodes = append(nodes, name)
	}
	clear(o.dirtyNodes)
	slices.SortFunc(nodes, state.CompareNames)
	for _, name := range state.SortedKeys(o.dirtyServices) {
		spec := s.Services[name]
		switch {
		case spec == nil:
		case spec.Job():
			o.jobs.Reconcile(b, spec)
		case spec.Mode == state.ModeGlobal:
			o.global.Reconcile(b, spec)
		default:
			o.replicated.Reconcile(b, spec)
		}
	}
	for _, name := range nodes {
		o.nodeTasks(b, name)
	}
	globals := o.global.Services()
	for _, name := range nodes {
		for _, spec := range globals {
			o.global.OnNode(b, spec, name)
		}
	}
}

// nodeTasks reacts to a change of one node for the tasks assigned to it:
// the orchestrators replace the tasks of a node that went down (replicated
// services only: a global task stays with its node), was drained or left
// the swarm, and the constraint enforcer rejects tasks whose node no
// longer satisfies their constraints.
func (o *Orchestrator) nodeTasks(b *state.Batch, name string) {
	s := o.s
	rec := s.Nodes[name]
	for _, t := range s.TasksOn(name) {
		spec := s.Services[t.Service]
		if !t.Active() || spec == nil || b.Stopped.Has(t.ID) {
			continue
		}
		switch {
		case rec == nil:
			o.restarts.Restart(b, t, spec, state.ReasonGone, state.TaskOrphaned, state.CauseReschedule)
		case rec.Status == state.NodeDown:
			if spec.Mode == state.ModeReplicated {
				o.restarts.Restart(b, t, spec, state.ReasonNodeDown, "", state.CauseReschedule)
			}
		case rec.Availability == state.Drain:
			o.restarts.Restart(b, t, spec, state.ReasonDrained, "", state.CauseReschedule)
		default:
			o.enforcer.Check(b, t, spec, rec)
		}
	}
}
