// Package update is the updater: it rolls a service's tasks onto its new
// spec, as swarmkit's manager/orchestrator/update does:
//
//   - Only dirty tasks are replaced: a task is dirty when what it runs
//     differs from the service's spec (ServiceSpec.TaskHash), or when its
//     node no longer satisfies the service's constraints. A change to
//     placement alone leaves a task whose node still qualifies where it is,
//     and a change that does not touch the tasks (replicas) replaces
//     nothing. A rollback puts the previous spec back, so tasks still on it
//     are not dirty and stay.
//   - Parallelism workers (0: one per dirty slot) take the dirty slots in
//     order, as swarmkit's Run feeds its workers. A worker replaces its
//     slot's task, waits until the new task runs (or ends before it ran),
//     then waits Delay before it takes the next slot. Stop-first stops the
//     old task, and the new one is held until the old has stopped (the
//     dispatcher asks restart.WaitsForStop); start-first starts the new
//     beside the old and stops the old once the new runs.
//   - A new task the update made that ends before it ran, or within
//     Monitor of starting to run, is a failure (failureTriggersAction); one
//     that ends later is the restart policy's business. Once failures
//     exceed MaxFailureRatio of the dirty slots, the failure action
//     applies: pause, continue, or rollback, naming the task whose failure
//     crossed the ratio.
//   - After the last slot's worker is done the update is watched for one
//     more Monitor (or Delay + 1 s, if Delay is longer) before it is
//     completed. A rollback is an update back to the previous spec with the
//     rollback config, so it too completes only after its tasks run.
//
// The updater keeps no memory of its own: which tasks it made, and when
// they ran, are read from the tasks (an update's tasks are those of the new
// spec created since it began, Attempt 0, unlike the restart supervisor's),
// so a new leader carries an update on where its predecessor left it.
//
// # Using it
//
//	u := update.New(store, hashes)
//	u.ServiceChanged("web") // an update (or rollback) of web may have started
//	u.Flush(batch)          // its free workers take the next dirty slots
package update

import (
	"cmp"
	"maps"
	"slices"
	"time"

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

// Flush moves every rolling update in progress along: its free workers
// take the next dirty slots.
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

func (u *Updater) updateService(b *state.Batch, spec *state.ServiceSpec, st *state.UpdateStatus) {
	name := spec.Name
	cfg := spec.Update
	rollback := st.State == state.UpdateRollbackStarted
	if rollback {
		cfg = spec.Rollback // swarmkit rolls back with the restored spec's rollback config
	}
	r := u.survey(b, spec, st, cfg)
	if failed := r.crossing(cfg); failed != nil && cfg.FailureAction != "continue" {
		u.failUpdate(b, name, failed, rollback, cfg.FailureAction == "rollback")
		return
	}
	now := b.Millis()
	if len(r.stale) == 0 && r.busy == 0 {
		// swarmkit's monitorLoop: one more monitoring period once the
		// last worker is done.
		monitor := cfg.Monitor
		if cfg.Delay >= monitor {
			monitor = cfg.Delay + time.Second
		}
		if r.ours > 0 && now < r.idle+monitor.Milliseconds() {
			return
		}
		if rollback {
			b.Add(&state.UpdateState{Service: name, State: state.UpdateRollbackCompleted, Message: "rollback completed"})
		} else {
			b.Add(&state.UpdateState{Service: name, State: state.UpdateCompleted, Message: "update completed"})
		}
		return
	}
	workers := cfg.Parallelism
	if workers == 0 {
		workers = len(r.stale) + r.busy
	}
	for _, t := range r.stale[:min(len(r.stale), max(workers-r.busy, 0))] {
		if cfg.Order == "start-first" {
			u.createBeside(b, spec, t)
			continue
		}
		b.Stop(t, "", state.ReasonUpdated, false)
		b.CreateIn(u.s, spec, u.hashes.Of(spec), t.Slot, globalNode(t), state.CreateTask{Cause: state.CauseUpdate, Replaces: t.Node})
	}
}

// survey is what an update has done so far, read from its service's tasks.
type survey struct {
	stale    []*state.Task // current tasks of dirty slots no worker has taken yet
	busy     int           // workers waiting for their new task to run, or the delay after it
	ours     int           // tasks this update made
	slots    int           // the slots the update had to replace: swarmkit's dirtySlots
	idle     int64         // ms: when the last worker became free
	failures []*state.Task // tasks this update made that failed within the monitor
}

func (u *Updater) survey(b *state.Batch, spec *state.ServiceSpec, st *state.UpdateStatus, cfg state.UpdateConfig) survey {
	s, name, hash, now := u.s, spec.Name, u.hashes.Of(spec), b.Millis()
	var r survey
	taken := map[state.SlotKey]bool{}
	for _, t := range s.ServiceTasks(name) {
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
		case t.Hash == hash && t.Attempt == 0 && t.Created >= st.StartedAt:
			r.ours++
			taken[t.SlotKey()] = true
			ran, ok := reachedRunning(t)
			if !ok {
				if t.Active() {
					r.busy++
				}
				break
			}
			free := ran + cfg.Delay.Milliseconds()
			if free > now {
				r.busy++
			}
			r.idle = max(r.idle, free)
			if failed(t) && (t.Started == 0 || t.Ended-t.Started <= cfg.Monitor.Milliseconds()) {
				r.failures = append(r.failures, t)
			}
		case !t.Active() || b.Stopped.Has(t.ID):
		case u.dirty(t, spec, hash):
			beside := u.replacing(t, hash)
			switch {
			case beside == nil && b.Current(s, name, t.SlotKey()) == t:
				r.stale = append(r.stale, t)
				taken[t.SlotKey()] = true
			case beside != nil && !(beside.Attempt == 0 && beside.Created >= st.StartedAt):
				// The slot already holds a task of this spec that an
				// earlier update made (start-first, and not yet run):
				// swarmkit's worker keeps it and removes the others at
				// once (useExistingTask), without waiting for it to run.
				b.Stop(t, "", state.ReasonUpdated, false)
				taken[t.SlotKey()] = true
			}
		}
	}
	r.slots = len(taken)
	return r
}

// reachedRunning is when a task got as far as swarmkit's updater waits
// for, RUNNING or past it: when it started to run, or ended before.
func reachedRunning(t *state.Task) (int64, bool) {
	switch {
	case t.State == state.TaskRunning:
		return t.Started, true
	case t.Terminal() && t.Started > 0:
		return t.Started, true
	case t.Terminal():
		return t.Ended, true
	}
	return 0, false
}

// failed reports whether a task ended on its own, as swarmkit's updater
// watches for: a task that was shut down on purpose did not fail.
func failed(t *state.Task) bool {
	return t.Terminal() && t.State != state.TaskShutdown && t.State != state.TaskOrphaned
}

// crossing is the failure that took the failed share of the update's
// slots past MaxFailureRatio (swarmkit: totalFailures / len(dirtySlots) >
// MaxFailureRatio, here in whole millionths), or nil.
func (r *survey) crossing(cfg state.UpdateConfig) *state.Task {
	slices.SortFunc(r.failures, func(a, b *state.Task) int {
		return cmp.Or(cmp.Compare(a.Ended, b.Ended), state.CompareNames(a.ID, b.ID))
	})
	for i, t := range r.failures {
		if int64(i+1)*1_000_000 > int64(cfg.MaxFailureRatio)*int64(max(r.slots, 1)) {
			return t
		}
	}
	return nil
}

// failUpdate applies the failure action: a rollback is never rolled back,
// only paused.
func (u *Updater) failUpdate(b *state.Batch, name string, failed *state.Task, rollback, toRollback bool) {
	why := "update paused due to failure or early termination of task " + failed.Name() + ": " + failed.Reason
	switch {
	case rollback:
		b.Add(&state.UpdateState{Service: name, State: state.UpdateRollbackPaused, Message: why})
	case toRollback:
		b.Add(&state.RollbackService{Name: name, At: b.Millis(), Reason: "update rolled back due to failure or early termination of task " + failed.Name()})
	default:
		b.Add(&state.UpdateState{Service: name, State: state.UpdatePaused, Message: why})
	}
}

// replacing is the task of the new spec that is meant to run beside t in
// its slot (a start-first replacement), or nil.
func (u *Updater) replacing(t *state.Task, hash uint64) *state.Task {
	for _, o := range u.s.History(t.Service, t.SlotKey()) {
		if o != t && o.Active() && o.Hash == hash {
			return o
		}
	}
	return nil
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
