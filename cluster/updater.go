package cluster

import (
	"cmp"
	"maps"
	"slices"
	"time"
)

// The updater rolls a service's tasks onto its new spec, as swarmkit's
// orchestrator/update does:
//
//   - Only dirty tasks are replaced: a task is dirty when what it runs
//     differs from the service's spec (ServiceSpec.taskHash), or when its
//     node no longer satisfies the service's constraints. A change to
//     placement alone leaves a task whose node still qualifies where it is,
//     and a change that does not touch the tasks (replicas) replaces
//     nothing. A rollback puts the previous spec back, so tasks still on it
//     are not dirty and stay.
//   - Parallelism workers (0: one per dirty slot) take the dirty slots in
//     order, as swarmkit's Run feeds its workers. A worker replaces its
//     slot's task, waits until the new task runs (or ends before it ran),
//     then waits Delay before it takes the next slot. Stop-first stops the
//     old task and holds the new one until the old has stopped (restart.go,
//     waitsForStop); start-first starts the new beside the old and stops the
//     old once the new runs.
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

// update moves every rolling update in progress along: its free workers
// take the next dirty slots.
func (l *leader) update(b *batch) {
	s := l.s
	if len(l.updating) == 0 {
		return
	}
	for _, name := range slices.Sorted(maps.Keys(l.updating)) {
		if u := s.Updates[name]; u.active() && s.Services[name] != nil {
			l.updateService(b, s.Services[name], u)
		} else {
			delete(l.updating, name)
		}
	}
}

// dirty reports whether a task must be replaced to run the service's spec.
func (l *leader) dirty(t *Task, spec *ServiceSpec, hash uint64) bool {
	if t.Hash != hash {
		return true
	}
	rec := l.s.Nodes[t.Node]
	return rec != nil && !matches(spec, rec)
}

func (l *leader) updateService(b *batch, spec *ServiceSpec, u *UpdateStatus) {
	name := spec.Name
	cfg := spec.Update
	rollback := u.State == UpdateRollbackStarted
	if rollback {
		cfg = spec.Rollback // swarmkit rolls back with the restored spec's rollback config
	}
	r := l.survey(b, spec, u, cfg)
	if failed := r.crossing(cfg); failed != nil && cfg.FailureAction != "continue" {
		l.failUpdate(b, name, failed, rollback, cfg.FailureAction == "rollback")
		return
	}
	now := b.ms()
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
			b.add(&updateState{Service: name, State: UpdateRollbackCompleted, Message: "rollback completed"})
		} else {
			b.add(&updateState{Service: name, State: UpdateCompleted, Message: "update completed"})
		}
		return
	}
	workers := cfg.Parallelism
	if workers == 0 {
		workers = len(r.stale) + r.busy
	}
	for _, t := range r.stale[:min(len(r.stale), max(workers-r.busy, 0))] {
		if cfg.Order == "start-first" {
			l.createBeside(b, spec, t)
			continue
		}
		b.stop(t, "", reasonUpdated, false)
		l.createIn(b, spec, t.Slot, globalNode(t), createTask{Cause: causeUpdate, Replaces: t.Node})
	}
}

// survey is what an update has done so far, read from its service's tasks.
type survey struct {
	stale    []*Task // current tasks of dirty slots no worker has taken yet
	busy     int     // workers waiting for their new task to run, or the delay after it
	ours     int     // tasks this update made
	slots    int     // the slots the update had to replace: swarmkit's dirtySlots
	idle     int64   // ms: when the last worker became free
	failures []*Task // tasks this update made that failed within the monitor
}

func (l *leader) survey(b *batch, spec *ServiceSpec, u *UpdateStatus, cfg UpdateConfig) survey {
	s, name, hash, now := l.s, spec.Name, l.hashOf(spec), b.ms()
	var r survey
	taken := map[slotKey]bool{}
	for _, t := range s.serviceTasks(name) {
		if t.Active() && t.Hash == hash && t.State == TaskRunning {
			// A start-first task runs: its predecessor in the slot (or on
			// the node, for a global service) stops.
			for _, old := range s.history(name, t.slotKey()) {
				if old != t && old.Active() && old.Hash != hash {
					b.stop(old, "", reasonUpdated, false)
				}
			}
		}
		switch {
		case t.Hash == hash && t.Attempt == 0 && t.Created >= u.StartedAt:
			r.ours++
			taken[t.slotKey()] = true
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
			if t.failed() && (t.Started == 0 || t.Ended-t.Started <= cfg.Monitor.Milliseconds()) {
				r.failures = append(r.failures, t)
			}
		case !t.Active() || b.stopped[t.ID]:
		case l.dirty(t, spec, hash):
			if l.current(b, name, t.slotKey()) == t && !l.replacing(t, hash) {
				r.stale = append(r.stale, t)
				taken[t.slotKey()] = true
			}
		}
	}
	r.slots = len(taken)
	return r
}

// reachedRunning is when a task got as far as swarmkit's updater waits
// for, RUNNING or past it: when it started to run, or ended before.
func reachedRunning(t *Task) (int64, bool) {
	switch {
	case t.State == TaskRunning:
		return t.Started, true
	case t.terminal() && t.Started > 0:
		return t.Started, true
	case t.terminal():
		return t.Ended, true
	}
	return 0, false
}

// failed reports whether a task ended on its own, as swarmkit's updater
// watches for: a task that was shut down on purpose did not fail.
func (t *Task) failed() bool {
	return t.terminal() && t.State != TaskShutdown && t.State != TaskOrphaned
}

// crossing is the failure that took the failed share of the update's
// slots past MaxFailureRatio (swarmkit: totalFailures / len(dirtySlots) >
// MaxFailureRatio, here in whole millionths), or nil.
func (r *survey) crossing(cfg UpdateConfig) *Task {
	slices.SortFunc(r.failures, func(a, b *Task) int {
		return cmp.Or(cmp.Compare(a.Ended, b.Ended), compareNames(a.ID, b.ID))
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
func (l *leader) failUpdate(b *batch, name string, failed *Task, rollback, toRollback bool) {
	why := "update paused due to failure or early termination of task " + failed.Name() + ": " + failed.Reason
	switch {
	case rollback:
		b.add(&updateState{Service: name, State: UpdateRollbackPaused, Message: why})
	case toRollback:
		b.add(&rollbackService{Name: name, At: b.ms(), Reason: "update rolled back due to failure or early termination of task " + failed.Name()})
	default:
		b.add(&updateState{Service: name, State: UpdatePaused, Message: why})
	}
}

// replacing reports whether a start-first task of the new spec already
// runs beside t in its slot.
func (l *leader) replacing(t *Task, hash uint64) bool {
	for _, o := range l.s.history(t.Service, t.slotKey()) {
		if o != t && o.Active() && o.Hash == hash {
			return true
		}
	}
	return false
}

// createBeside starts a task of the new spec in t's slot while t runs.
func (l *leader) createBeside(b *batch, spec *ServiceSpec, t *Task) {
	if !b.fill(spec.Name, t.slotKey()) {
		return
	}
	b.create(&createTask{Service: spec.Name, Slot: t.Slot, Node: globalNode(t), Version: l.s.Versions[spec.Name],
		Hash: l.hashOf(spec), Image: spec.Image, Cause: causeStartFirst, Replaces: t.Node})
}

// globalNode is the node a global task's replacement must run on.
func globalNode(t *Task) string {
	if t.Slot > 0 {
		return ""
	}
	return t.Node
}
