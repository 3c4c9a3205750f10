package cluster

import (
	"maps"
	"slices"
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
//   - Batches of Parallelism dirty tasks (0: all), each after the last one's
//     tasks have run for Monitor, then Delay. Stop-first stops the old task
//     and starts the new; start-first starts the new beside the old and
//     stops the old once the new runs.
//   - A new task that fails during the update applies the failure action:
//     pause, continue, or rollback.

// update moves every rolling update in progress along by at most a batch.
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
	s, name := l.s, spec.Name
	cfg := spec.Update
	hash := l.hashOf(spec)
	rollback := u.State == UpdateRollbackStarted
	if rollback {
		cfg = spec.Rollback // swarmkit rolls back with the restored spec's rollback config
	}
	now := b.ms()

	var stale []*Task
	var failed *Task
	busy, failures, slots := 0, 0, 0
	for _, t := range s.serviceTasks(name) {
		if t.Active() {
			slots++
		}
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
		case t.Hash == hash && (t.State == TaskFailed || t.State == TaskRejected || t.State == TaskComplete) && t.Ended >= u.StartedAt: // any state past running, as swarmkit's failedTaskWatch
			failures++
			if failed == nil {
				failed = t
			}
		case !t.Active() || b.stopped[t.ID]:
		case l.dirty(t, spec, hash):
			if l.current(b, name, t.slotKey()) == t && !l.replacing(t, hash) {
				stale = append(stale, t)
			}
		case t.State != TaskRunning || now-t.Started < cfg.Monitor.Milliseconds():
			busy++
		}
	}
	// The failure action applies once the failed share of the service's
	// tasks exceeds the max failure ratio (swarmkit's failedTaskCount /
	// len(dirtySlots) > MaxFailureRatio), in whole numbers.
	tolerated := int64(failures)*1_000_000 <= int64(cfg.MaxFailureRatio)*int64(max(slots, 1))
	if failed != nil && cfg.FailureAction != "continue" && !tolerated {
		why := "update paused due to failure or early termination of task " + failed.Name() + ": " + failed.Reason
		switch {
		case rollback:
			b.add(&updateState{Service: name, State: UpdateRollbackPaused, Message: why})
		case cfg.FailureAction == "rollback":
			b.add(&rollbackService{Name: name, At: now, Reason: "update rolled back due to failure or early termination of task " + failed.Name()})
		default:
			b.add(&updateState{Service: name, State: UpdatePaused, Message: why})
		}
		return
	}
	if len(stale) == 0 && busy == 0 {
		if rollback {
			b.add(&updateState{Service: name, State: UpdateRollbackCompleted, Message: "rollback completed"})
		} else {
			b.add(&updateState{Service: name, State: UpdateCompleted, Message: "update completed"})
		}
		return
	}
	if busy > 0 || now < u.NextBatch || len(stale) == 0 {
		return
	}
	batchSize := len(stale)
	if cfg.Parallelism > 0 {
		batchSize = min(batchSize, cfg.Parallelism)
	}
	for _, t := range stale[:batchSize] {
		if cfg.Order == "start-first" {
			l.createBeside(b, spec, t)
			continue
		}
		b.stop(t, "", reasonUpdated, false)
		l.createIn(b, spec, t.Slot, globalNode(t), createTask{Cause: causeUpdate, Replaces: t.Node})
	}
	next := now + (cfg.Monitor + cfg.Delay).Milliseconds()
	b.add(&updateState{Service: name, State: u.State, Message: u.Message, NextBatch: next})
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
