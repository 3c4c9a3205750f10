// Package update is the updater: it rolls a service's tasks onto its new
// spec, as swarmkit's manager/orchestrator/update does.
//
//   - Only dirty tasks are replaced: a task is dirty when what it runs
//     differs from the service's spec (ServiceSpec.TaskHash), or when its
//     node no longer satisfies the service's constraints. A change to
//     placement alone leaves a task whose node still qualifies where it is,
//     and a change that does not touch the tasks (replicas) replaces
//     nothing. A rollback puts the previous spec back, so tasks still on it
//     are not dirty and stay.
//   - Batches of Parallelism dirty tasks (0: all), each after the last one's
//     tasks have run for Monitor, then Delay. Stop-first stops the old task
//     and starts the new; start-first starts the new beside the old and
//     stops the old once the new runs.
//   - A new task that fails during the update applies the failure action:
//     pause, continue, or rollback.
//
// # Using it
//
//	u := update.New(store, hashes)
//	u.ServiceChanged("web") // an update (or rollback) of web may have started
//	u.Flush(batch)          // moves every update in progress along by at most a batch
//
// The update's progress (state, message, when the next batch may start)
// is kept in the store (Store.Updates), so a new leader carries on where
// the old one stopped.
package update

import (
	"maps"
	"slices"

	"github.com/swarmsim/swarmsim/cluster/placement"
	"github.com/swarmsim/swarmsim/cluster/state"
)

// Updater runs the rolling updates of one leader.
type Updater struct {
	s        *state.Store
	hashes   state.Hashes
	updating map[string]bool // services with a rolling update in progress
}

// New returns an updater over s; hashes is the leader's cache of spec
// hashes.
func New(s *state.Store, hashes state.Hashes) *Updater {
	return &Updater{s: s, hashes: hashes, updating: map[string]bool{}}
}

// ServiceChanged hears that a service changed: its update may have
// started, moved on or ended.
func (u *Updater) ServiceChanged(name string) {
	if u.s.Updates[name].Active() {
		u.updating[name] = true
	}
}

// Flush moves every rolling update in progress along by at most a batch.
func (u *Updater) Flush(b *state.Batch) {
	s := u.s
	if len(u.updating) == 0 {
		return
	}
	for _, name := range slices.Sorted(maps.Keys(u.updating)) {
		if st := s.Updates[name]; st.Active() && s.Services[name] != nil {
			u.updateService(b, s.Services[name], st)
		} else {
			delete(u.updating, name)
		}
	}
}

// dirty reports whether a task must be replaced to run the service's spec.
func (u *Updater) dirty(t *state.Task, spec *state.ServiceSpec, hash uint64) bool {
	if t.Hash != hash {
		return true
	}
	rec := u.s.Nodes[t.Node]
	return rec != nil && !placement.Matches(spec, rec)
}

// progress is what one look at a service's tasks found.
type progress struct {
	stale    []*state.Task // dirty tasks to replace, in order
	failed   *state.Task   // the first task of the new spec that failed since the update began
	failures int           // tasks of the new spec that failed since the update began
	busy     int           // new tasks not yet running for Monitor
	slots    int           // tasks meant to run
}

func (u *Updater) updateService(b *state.Batch, spec *state.ServiceSpec, st *state.UpdateStatus) {
	name := spec.Name
	cfg := spec.Update
	rollback := st.State == state.UpdateRollbackStarted
	if rollback {
		cfg = spec.Rollback // swarmkit rolls back with the restored spec's rollback config
	}
	now := b.Millis()
	p := u.look(b, spec, st, cfg)
	// The failure action applies once the failed share of the service's
	// tasks exceeds the max failure ratio (swarmkit's failedTaskCount /
	// len(dirtySlots) > MaxFailureRatio), in whole numbers.
	tolerated := int64(p.failures)*1_000_000 <= int64(cfg.MaxFailureRatio)*int64(max(p.slots, 1))
	if p.failed != nil && cfg.FailureAction != "continue" && !tolerated {
		u.fail(b, name, rollback, cfg, p.failed, now)
		return
	}
	if len(p.stale) == 0 && p.busy == 0 {
		if rollback {
			b.Add(&state.UpdateState{Service: name, State: state.UpdateRollbackCompleted, Message: "rollback completed"})
		} else {
			b.Add(&state.UpdateState{Service: name, State: state.UpdateCompleted, Message: "update completed"})
		}
		return
	}
	if p.busy > 0 || now < st.NextBatch || len(p.stale) == 0 {
		return
	}
	batchSize := len(p.stale)
	if cfg.Parallelism > 0 {
		batchSize = min(batchSize, cfg.Parallelism)
	}
	hash := u.hashes.Of(spec)
	for _, t := range p.stale[:batchSize] {
		if cfg.Order == "start-first" {
			u.createBeside(b, spec, t)
			continue
		}
		b.Stop(t, "", state.ReasonUpdated, false)
		b.CreateIn(u.s, spec, hash, t.Slot, globalNode(t), state.CreateTask{Cause: state.CauseUpdate, Replaces: t.Node})
	}
	next := now + (cfg.Monitor + cfg.Delay).Milliseconds()
	b.Add(&state.UpdateState{Service: name, State: st.State, Message: st.Message, NextBatch: next})
}

// look goes over a service's tasks: it stops the predecessors of
// start-first tasks that run, and counts what the update has left to do.
func (u *Updater) look(b *state.Batch, spec *state.ServiceSpec, st *state.UpdateStatus, cfg state.UpdateConfig) progress {
	s, name := u.s, spec.Name
	hash := u.hashes.Of(spec)
	now := b.Millis()
	var p progress
	for _, t := range s.ServiceTasks(name) {
		if t.Active() {
			p.slots++
		}
		if t.Active() && t.Hash == hash && t.State == state.TaskRunning {
			// A start-first task runs: its predecessor in the slot (or on
			// the node, for a global service) stops.
			for _, old := range s.History(name, t.SlotKey()) {
				if old != t && old.Active() && old.Hash != hash {
					b.Stop(old, "", state.ReasonUpdated, false)
				}
			}
		}
		switch {
		case t.Hash == hash && (t.State == state.TaskFailed || t.State == state.TaskRejected) && t.Ended >= st.StartedAt:
			p.failures++
			if p.failed == nil {
				p.failed = t
			}
		case !t.Active() || b.Stopped[t.ID]:
		case u.dirty(t, spec, hash):
			if b.Current(s, name, t.SlotKey()) == t && !u.replacing(t, hash) {
				p.stale = append(p.stale, t)
			}
		case t.State != state.TaskRunning || now-t.Started < cfg.Monitor.Milliseconds():
			p.busy++
		}
	}
	return p
}

// fail applies the failure action: pause, or roll back.
func (u *Updater) fail(b *state.Batch, name string, rollback bool, cfg state.UpdateConfig, failed *state.Task, now int64) {
	why := "update paused due to failure or early termination of task " + failed.Name() + ": " + failed.Reason
	switch {
	case rollback:
		b.Add(&state.UpdateState{Service: name, State: state.UpdateRollbackPaused, Message: why})
	case cfg.FailureAction == "rollback":
		b.Add(&state.RollbackService{Name: name, At: now, Reason: "update rolled back due to failure or early termination of task " + failed.Name()})
	default:
		b.Add(&state.UpdateState{Service: name, State: state.UpdatePaused, Message: why})
	}
}

// replacing reports whether a start-first task of the new spec already
// runs beside t in its slot.
func (u *Updater) replacing(t *state.Task, hash uint64) bool {
	for _, o := range u.s.History(t.Service, t.SlotKey()) {
		if o != t && o.Active() && o.Hash == hash {
			return true
		}
	}
	return false
}

// createBeside starts a task of the new spec in t's slot while t runs.
func (u *Updater) createBeside(b *state.Batch, spec *state.ServiceSpec, t *state.Task) {
	if !b.Fill(spec.Name, t.SlotKey()) {
		return
	}
	b.Create(&state.CreateTask{Service: spec.Name, Slot: t.Slot, Node: globalNode(t), Version: u.s.Versions[spec.Name],
		Hash: u.hashes.Of(spec), Image: spec.Image, Cause: state.CauseStartFirst, Replaces: t.Node})
}

// globalNode is the node a global task's replacement must run on.
func globalNode(t *state.Task) string {
	if t.Slot > 0 {
		return ""
	}
	return t.Node
}
