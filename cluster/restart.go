package cluster

import (
	"slices"
	"time"
)

// The restart supervisor decides whether a task that ended while it was
// meant to run comes back, as swarmkit's orchestrator/restart does:
//
//   - The old task's desired state becomes shutdown at once, and its
//     replacement is created in the same slot at once, so `docker service
//     ps` shows it; the replacement starts only after the restart delay
//     (Task.Delay), except when the old task's node was drained.
//   - Condition none: nothing comes back, not even tasks lost with a node
//     that went down or was drained. On-failure: a container that exited 0
//     is not restarted. Any: everything comes back.
//   - Max attempts: with no window, a slot is restarted at most MaxAttempts
//     times; with a window, at most MaxAttempts times within any window.
//     Every restart counts, a task lost with its node as much as a crash
//     (Supervisor.RecordRestartHistory), and the count starts again when the
//     service's spec changes. The windowed history lives in the leader's
//     memory, as in swarmkit; the total is kept on the tasks (Attempt).
//
// A new task in a slot whose older task was told to stop but has not yet
// (its node has not confirmed, and is not down) is held until it has, for
// at most OldTaskTimeout: swarmkit's DelayStart with waitStop, which both
// restarts and stop-first updates use, so that a partition never runs the
// old and the new task of a slot side by side.
//
// A slot the policy gives up on keeps its number (Task.Final), so scaling
// does not bring it back behind the policy's back.

// restartHistory is when each slot was restarted, for windowed max
// attempts.
type restartHistory map[string]map[slotKey][]time.Duration

func (h restartHistory) record(service string, key slotKey, at time.Duration) {
	slots := h[service]
	if slots == nil {
		slots = map[slotKey][]time.Duration{}
		h[service] = slots
	}
	slots[key] = append(slots[key], at)
}

func (h restartHistory) since(service string, key slotKey, from time.Duration) int {
	times := h[service][key]
	if len(times) == 0 {
		return 0
	}
	i, _ := slices.BinarySearch(times, from)
	h[service][key] = times[i:] // older restarts no longer count for anything
	return len(times) - i
}

// superviseRestarts handles the tasks that failed or were rejected.
func (l *leader) superviseRestarts(b *batch) {
	s := l.s
	for _, id := range l.failedTasks.take() {
		t := s.Tasks[id]
		if t == nil || !t.Active() || b.stopped[id] {
			continue
		}
		if spec := s.Services[t.Service]; spec != nil {
			l.restartTask(b, t, spec, "", "", causeRestart)
		}
	}
}

// restartTask shuts a task down and, if its restart policy allows, creates
// its replacement. state, when set, is the old task's new observed state;
// reason, when set, says why it stops.
func (l *leader) restartTask(b *batch, t *Task, spec *ServiceSpec, reason, state string, cause uint8) {
	should := l.shouldRestart(b, t, spec)
	b.stop(t, state, reason, !should)
	if !should {
		return
	}
	next := createTask{Cause: cause, Replaces: t.Node, Attempt: 1}
	if t.Hash == l.hashOf(spec) {
		next.Attempt = t.Attempt + 1
	}
	l.restarts.record(t.Service, t.slotKey(), b.now)
	if rec := l.s.Nodes[t.Node]; rec == nil || rec.Availability != Drain {
		next.Delay = spec.Restart.Delay.Milliseconds()
	}
	if spec.Mode == ModeGlobal {
		// The global orchestrator puts it back on its node, if the node
		// may still run it.
		if rec := l.s.Nodes[t.Node]; rec != nil && rec.Status != NodeDown && rec.Availability != Drain && matches(spec, rec) {
			l.createIn(b, spec, 0, t.Node, next)
		}
		return
	}
	l.createIn(b, spec, t.Slot, "", next)
}

// shouldRestart applies the restart policy to a task that ended or was
// lost.
func (l *leader) shouldRestart(b *batch, t *Task, spec *ServiceSpec) bool {
	p := spec.Restart
	switch p.Condition {
	case "none":
		return false
	case "on-failure":
		if t.ExitOK {
			return false
		}
	}
	if p.MaxAttempts == 0 || t.Hash != l.hashOf(spec) {
		return true
	}
	if p.Window == 0 {
		return t.Attempt < p.MaxAttempts
	}
	return l.restarts.since(t.Service, t.slotKey(), b.now-p.Window) < p.MaxAttempts
}

// OldTaskTimeout is how long a new task waits for the old task of its slot
// to stop before it starts all the same (swarmkit's defaultOldTaskTimeout).
const OldTaskTimeout = time.Minute

// waitsForStop returns when t may start, given the older tasks of its slot
// that were told to stop but have not: the old task's stop, its node going
// down, or OldTaskTimeout after t was made, whichever comes first. ok is
// false when t need not wait.
func (l *leader) waitsForStop(t *Task) (until time.Duration, ok bool) {
	s := l.s
	deadline := time.Duration(t.Created)*time.Millisecond + OldTaskTimeout
	if l.c.now >= deadline {
		return 0, false
	}
	for _, old := range s.history(t.Service, t.slotKey()) {
		if old == t {
			break // the history is oldest first: only predecessors hold t
		}
		if old.Active() || old.Node == "" || old.terminal() || old.State == TaskPending {
			continue
		}
		if rec := s.Nodes[old.Node]; rec != nil && rec.Status != NodeDown {
			return deadline, true
		}
	}
	return 0, false
}

// releaseSuccessors hears that a task told to stop has stopped, or that its node is
// down: a successor held for it may start.
func (l *leader) releaseSuccessors(old *Task) {
	after := false
	for _, t := range l.s.history(old.Service, old.slotKey()) {
		if after && t.Active() && t.State == TaskAssigned && t.Node != "" {
			l.deliver(t)
		}
		after = after || t == old
	}
}
