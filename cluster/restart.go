package cluster

import (
	"slices"
	"time"

	"github.com/swarmsim/swarmsim/cluster/state"
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
// A slot the policy gives up on keeps its number (Task.Final), so scaling
// does not bring it back behind the policy's back.

// restartHistory is when each slot was restarted, for windowed max
// attempts.
type restartHistory map[string]map[state.SlotKey][]time.Duration

func (h restartHistory) record(service string, key state.SlotKey, at time.Duration) {
	slots := h[service]
	if slots == nil {
		slots = map[state.SlotKey][]time.Duration{}
		h[service] = slots
	}
	slots[key] = append(slots[key], at)
}

func (h restartHistory) since(service string, key state.SlotKey, from time.Duration) int {
	times := h[service][key]
	if len(times) == 0 {
		return 0
	}
	i, _ := slices.BinarySearch(times, from)
	h[service][key] = times[i:] // older restarts no longer count for anything
	return len(times) - i
}

// superviseRestarts handles the tasks that failed or were rejected.
func (l *leader) superviseRestarts(b *state.Batch) {
	s := l.s
	for _, id := range l.failedTasks.Take() {
		t := s.Tasks[id]
		if t == nil || !t.Active() || b.Stopped[id] {
			continue
		}
		if spec := s.Services[t.Service]; spec != nil {
			l.restartTask(b, t, spec, "", "", state.CauseRestart)
		}
	}
}

// restartTask shuts a task down and, if its restart policy allows, creates
// its replacement. observed, when set, is the old task's new observed state;
// reason, when set, says why it stops.
func (l *leader) restartTask(b *state.Batch, t *Task, spec *ServiceSpec, reason, observed string, cause uint8) {
	should := l.shouldRestart(b, t, spec)
	b.Stop(t, observed, reason, !should)
	if !should {
		return
	}
	next := state.CreateTask{Cause: cause, Replaces: t.Node, Attempt: 1}
	if t.Hash == l.hashOf(spec) {
		next.Attempt = t.Attempt + 1
	}
	l.restarts.record(t.Service, t.SlotKey(), b.Now)
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
func (l *leader) shouldRestart(b *state.Batch, t *Task, spec *ServiceSpec) bool {
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
	return l.restarts.since(t.Service, t.SlotKey(), b.Now-p.Window) < p.MaxAttempts
}
