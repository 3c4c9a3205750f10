// Package jobs is the jobs orchestrator, as swarmkit's
// manager/orchestrator/jobs is: one orchestrator for both kinds of job,
// whose tasks run to completion.
//
//   - A replicated job (`--mode replicated-job`) wants Replicas
//     completions, at most MaxConcurrent tasks running at a time. Each task
//     gets a slot of its own, the lowest free one, so a finished job has one
//     completed task in each slot 1…Replicas. (swarmkit numbers them from 0,
//     and `docker service ps` then names the first by its node; here slot 0
//     keys a global task, so they start at 1.)
//   - A global job (`--mode global-job`) wants one completion on every node
//     that is ready, active and satisfies its constraints.
//   - A task that completes (its container exited 0) is done: its desired
//     state stays complete and nothing replaces it, whatever the restart
//     condition, as swarmkit's restart supervisor treats any as on-failure
//     for jobs. A task that fails is the restart supervisor's, by the
//     service's restart policy; a slot it gives up on is not filled again.
//   - Every update of a job (even --force) starts a new iteration, as
//     swarmkit's controlapi increments JobIteration: the template version
//     names it here. Tasks of older iterations still meant to run are shut
//     down, their completed ones kept as history, and the job runs again.
//
// As in swarmkit, a job is reconciled when it is created or updated and
// when one of its tasks ends, not when nodes change: a node that joins
// later gets a global job's task only when the job is next reconciled, and
// a task on a node that goes down stays as it was (until it is orphaned).
//
// # Using it
//
//	o := jobs.New(store, hashes)
//	o.TaskChanged(t)            // every task an applied entry touched
//	o.Reconcile(batch, spec)    // a job was created or updated, or one of its tasks ended
//
// Package orchestrator decides which services are reconciled in a flush.
package jobs

import (
	"github.com/swarmsim/swarmsim/cluster/placement"
	"github.com/swarmsim/swarmsim/cluster/state"
)

// Orchestrator reconciles jobs for one leader.
type Orchestrator struct {
	s      *state.Store
	hashes state.Hashes
}

// New returns a jobs orchestrator over s; hashes is the leader's cache of
// spec hashes.
func New(s *state.Store, hashes state.Hashes) *Orchestrator {
	return &Orchestrator{s: s, hashes: hashes}
}

// Ended reports whether a change to a task is one that makes its job
// reconcile: a task of a job that is over, completed or not (swarmkit's
// handleEvent: a task past running whose desired state is still
// completed), or one its restart policy gave up on, whose slot then counts
// as done.
func (o *Orchestrator) Ended(t *state.Task) bool {
	if !(t.Desired == state.TaskComplete && t.Terminal() || t.Final) {
		return false // the common case, decided without a lookup
	}
	spec := o.s.Services[t.Service]
	return spec != nil && spec.Job() && o.s.Tasks.Has(t)
}

// Reconcile gives a job the tasks it still needs.
func (o *Orchestrator) Reconcile(b *state.Batch, spec *state.ServiceSpec) {
	switch spec.Mode {
	case state.ModeReplicatedJob:
		o.replicated(b, spec)
	case state.ModeGlobalJob:
		for _, name := range o.s.NodeNames() {
			o.onNode(b, spec, name)
		}
	}
}

// slot is what one slot (or node) holds of a job's current iteration.
type slot struct {
	running  bool // a task meant to run, failed ones the restart supervisor will replace included
	complete bool
	held     bool // its restart policy gave up on it
}

// inspect reads a slot's tasks, and shuts down those of older iterations.
func (o *Orchestrator) inspect(b *state.Batch, spec *state.ServiceSpec, key state.SlotKey) slot {
	iteration := o.s.Versions[spec.Name]
	var out slot
	for _, t := range o.s.History(spec.Name, key) {
		active := t.Active() && !b.Stopped.Has(t.ID)
		switch {
		case t.Version != iteration:
			if active {
				observed := ""
				if t.State == state.TaskPending {
					observed = state.TaskShutdown
				}
				b.Stop(t, observed, state.ReasonRerun, true)
			}
		case t.Completed():
			out.complete = true
		case active:
			out.running = true
		case t.Final:
			out.held = true
		}
	}
	return out
}

// replicated is swarmkit's jobs/replicated ReconcileService: new tasks up
// to MaxConcurrent running, without passing Replicas completions.
func (o *Orchestrator) replicated(b *state.Batch, spec *state.ServiceSpec) {
	used := map[int]bool{}
	running, done := 0, 0
	for _, key := range o.s.SlotKeys(spec.Name) {
		sl := o.inspect(b, spec, key)
		switch {
		case sl.running:
			running++
		case sl.complete, sl.held:
			done++
		default:
			continue
		}
		used[key.Slot] = true
	}
	n := min(spec.MaxConcurrent-running, spec.Replicas-done-running)
	hash := o.hashes.Of(spec)
	for next := 1; n > 0 && next <= spec.Replicas; next++ {
		if !used[next] {
			used[next] = true
			b.CreateIn(o.s, spec, hash, next, "", state.CreateTask{})
			n--
		}
	}
}

// onNode is swarmkit's jobs/global ReconcileService for one node: a task
// for a node that has none of this iteration, if the node may run it, and
// none for a node that is not ready or not active; the task of a node
// that is gone, down or drained is shut down.
func (o *Orchestrator) onNode(b *state.Batch, spec *state.ServiceSpec, name string) {
	key := state.SlotKeyFor(0, name)
	sl := o.inspect(b, spec, key)
	rec := o.s.Nodes[name]
	if why := invalid(rec); why != "" && sl.running {
		// swarmkit's orchestrator.InvalidNode: the task of a node that is
		// gone, down or drained is shut down, not moved.
		b.Stop(b.Current(o.s, spec.Name, key), "", why, false)
		return
	}
	if sl.running || sl.complete || sl.held {
		return
	}
	if rec == nil || rec.Status != state.NodeReady || rec.Availability != state.Active || !placement.Matches(spec, rec) {
		return
	}
	b.CreateIn(o.s, spec, o.hashes.Of(spec), 0, name, state.CreateTask{})
}

// invalid says why a node can run no task of a global job, or "".
func invalid(rec *state.NodeRecord) string {
	switch {
	case rec == nil:
		return state.ReasonGone
	case rec.Status == state.NodeDown:
		return state.ReasonNodeDown
	case rec.Availability == state.Drain:
		return state.ReasonDrained
	}
	return ""
}
