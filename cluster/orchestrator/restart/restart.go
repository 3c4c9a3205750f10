// Package restart is the restart supervisor: it decides whether a task
// that ended while it was meant to run comes back, as swarmkit's
// manager/orchestrator/restart does.
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
// old and the new task of a slot side by side. The dispatcher, which
// starts tasks, asks WaitsForStop.
//
// A slot the policy gives up on keeps its number (Task.Final), so scaling
// does not bring it back behind the policy's back.
//
// # Using it
//
//	r := restart.New(store, hashes)
//	r.TaskChanged(t)   // for every task an applied entry touched
//	r.Flush(batch)     // restarts the tasks that failed since the last flush
//
// The orchestrators call Restart for the tasks they take off a node that
// went down, was drained or left.
package restart

import (
	"slices"
	"time"

	"github.com/swarmsim/swarmsim/cluster/placement"
	"github.com/swarmsim/swarmsim/cluster/state"
)

// Supervisor restarts tasks for one leader.
type Supervisor struct {
	s       *state.Store
	hashes  state.Hashes
	history History
	failed  state.IDSet // tasks that ended while meant to run
}

// New returns a supervisor over s; hashes is the leader's cache of spec
// hashes. It starts with the history the stored tasks tell.
func New(s *state.Store, hashes state.Hashes) *Supervisor {
	r := &Supervisor{s: s, hashes: hashes, history: History{}}
	r.rebuild()
	return r
}

// rebuild is what a new leader knows of past restarts, as swarmkit's
// orchestrator/taskinit CheckTasks rebuilds it
// (Supervisor.RecordRestartHistory): in each slot, every task of the
// service's current spec but the first was a restart, made when it was
// created. Only a windowed limit needs it; the total is on the tasks.
func (r *Supervisor) rebuild() {
	type slot struct {
		service string
		key     state.SlotKey
	}
	var order []slot
	created := map[slot][]time.Duration{}
	for _, t := range r.s.TaskList() {
		spec := r.s.Services[t.Service]
		if spec == nil || spec.Restart.MaxAttempts == 0 || spec.Restart.Window == 0 || t.Hash != r.hashes.Of(spec) {
			continue
		}
		k := slot{t.Service, t.SlotKey()}
		if _, seen := created[k]; !seen {
			order = append(order, k)
		}
		created[k] = append(created[k], time.Duration(t.Created)*time.Millisecond)
	}
	for _, k := range order {
		times := created[k]
		slices.Sort(times)
		for _, at := range times[1:] {
			r.history.Record(k.service, k.key, at)
		}
	}
}

// TaskChanged hears that an applied entry touched a task: one that ended
// while meant to run, complete ones included, is the supervisor's to
// decide on.
func (r *Supervisor) TaskChanged(t *state.Task) {
	if t.Active() && (t.State == state.TaskFailed || t.State == state.TaskRejected || t.State == state.TaskComplete) && r.s.Tasks.Has(t) {
		r.failed.Add(t.ID)
	}
}

// Flush handles the tasks that failed or were rejected.
func (r *Supervisor) Flush(b *state.Batch) {
	s := r.s
	for _, id := range r.failed.Take() {
		t := s.Tasks.Get(id)
		if t == nil || !t.Active() || b.Stopped.Has(id) {
			continue
		}
		if spec := s.Services[t.Service]; spec != nil {
			r.Restart(b, t, spec, "", "", state.CauseRestart)
		}
	}
}

// Restart shuts a task down and, if its restart policy allows, creates its
// replacement. observed, when set, is the old task's new observed state;
// reason, when set, says why it stops.
func (r *Supervisor) Restart(b *state.Batch, t *state.Task, spec *state.ServiceSpec, reason, observed string, cause uint8) {
	should := r.shouldRestart(b, t, spec)
	b.Stop(t, observed, reason, !should)
	if !should {
		return
	}
	hash := r.hashes.Of(spec)
	next := state.CreateTask{Cause: cause, Replaces: t.Node, Attempt: 1}
	if t.Hash == hash {
		next.Attempt = t.Attempt + 1
	}
	r.history.Record(t.Service, t.SlotKey(), b.Now)
	if rec := r.s.Nodes[t.Node]; rec == nil || rec.Availability != state.Drain {
		next.Delay = spec.Restart.Delay.Milliseconds()
	}
	if spec.PerNode() {
		// The global orchestrator puts it back on its node, if the node
		// may still run it.
		if rec := r.s.Nodes[t.Node]; rec != nil && rec.Status != state.NodeDown && rec.Availability != state.Drain && placement.Matches(spec, rec) {
			b.CreateIn(r.s, spec, hash, 0, t.Node, next)
		}
		return
	}
	b.CreateIn(r.s, spec, hash, t.Slot, "", next)
}

// shouldRestart applies the restart policy to a task that ended or was
// lost.
func (r *Supervisor) shouldRestart(b *state.Batch, t *state.Task, spec *state.ServiceSpec) bool {
	p := spec.Restart
	switch p.Condition {
	case "none":
		return false
	case "on-failure":
		if t.ExitOK {
			return false
		}
	}
	if p.MaxAttempts == 0 || t.Hash != r.hashes.Of(spec) {
		return true
	}
	if p.Window == 0 {
		return t.Attempt < p.MaxAttempts
	}
	return r.history.Since(t.Service, t.SlotKey(), b.Now-p.Window) < p.MaxAttempts
}

// History is when each slot was restarted, for windowed max attempts.
type History map[string]map[state.SlotKey][]time.Duration

// Record notes a restart of a slot at a time.
func (h History) Record(service string, key state.SlotKey, at time.Duration) {
	slots := h[service]
	if slots == nil {
		slots = map[state.SlotKey][]time.Duration{}
		h[service] = slots
	}
	slots[key] = append(slots[key], at)
}

// Since counts a slot's restarts from a time on, forgetting older ones.
func (h History) Since(service string, key state.SlotKey, from time.Duration) int {
	times := h[service][key]
	if len(times) == 0 {
		return 0
	}
	i, _ := slices.BinarySearch(times, from)
	h[service][key] = times[i:] // older restarts no longer count for anything
	return len(times) - i
}

// OldTaskTimeout is how long a new task waits for the old task of its slot
// to stop before it starts all the same (swarmkit's defaultOldTaskTimeout).
const OldTaskTimeout = time.Minute

// WaitsForStop returns when t may start, at now, given the older tasks of
// its slot that were told to stop but have not: the old task's stop, its
// node going down, or OldTaskTimeout after t was made, whichever comes
// first. ok is false when t need not wait.
func WaitsForStop(s *state.Store, t *state.Task, now time.Duration) (until time.Duration, ok bool) {
	deadline := time.Duration(t.Created)*time.Millisecond + OldTaskTimeout
	if now >= deadline {
		return 0, false
	}
	for _, old := range s.History(t.Service, t.SlotKey()) {
		if old == t {
			break // the history is oldest first: only predecessors hold t
		}
		if old.Active() || old.Node == "" || old.Terminal() || old.State == state.TaskPending {
			continue
		}
		if rec := s.Nodes[old.Node]; rec != nil && rec.Status != state.NodeDown {
			return deadline, true
		}
	}
	return 0, false
}
