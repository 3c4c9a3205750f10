// Package taskreaper keeps each slot's history short, as swarmkit's
// manager/orchestrator/taskreaper does: finished tasks beyond the
// retention limit are deleted through Raft like any other change.
//
// The limit is the swarm's (`docker swarm update --task-history-limit N`,
// Store.TaskHistoryLimit, Docker's default 5), read when a slot is
// trimmed: a new limit applies to a slot when it next gets a task, as in
// swarmkit. A negative limit keeps everything. A service whose restart
// policy has max attempts keeps max attempts + 1 tasks per slot instead,
// so that its attempts stay countable. Jobs are not reaped: swarmkit's
// reaper trims replicated and global services only.
//
// # Using it
//
//	r := taskreaper.New(store)
//	r.TaskChanged(t) // for every task an applied entry touched
//	r.Flush(batch)   // deletes the oldest finished tasks of the slots that grew
package taskreaper

import "github.com/swarmsim/swarmsim/cluster/state"

// Reaper deletes old tasks for one leader.
type Reaper struct {
	s     *state.Store
	prune map[string]bool // tasks whose slot holds more than its limit
}

// New returns a reaper over s.
func New(s *state.Store) *Reaper { return &Reaper{s: s, prune: map[string]bool{}} }

// Limit is how many tasks each slot of a service keeps; negative for all.
func Limit(s *state.Store, spec *state.ServiceSpec) int {
	switch {
	case spec.Job():
		return -1
	case spec.Restart.MaxAttempts > 0:
		return spec.Restart.MaxAttempts + 1
	}
	return s.TaskHistoryLimit
}

// leastLimit is the lowest Limit any service can have under the swarm's
// limit: max attempts keep at least 2 tasks, jobs keep all.
func leastLimit(swarm int) int {
	if swarm < 0 {
		return 2
	}
	return min(swarm, 2)
}

// TaskChanged hears that an applied entry touched a task.
func (r *Reaper) TaskChanged(t *state.Task) {
	n := len(r.s.History(t.Service, t.SlotKey()))
	if n <= leastLimit(r.s.TaskHistoryLimit) || !r.s.Tasks.Has(t) {
		return // the common case, decided without looking up the service
	}
	if spec := r.s.Services[t.Service]; spec != nil && Limit(r.s, spec) >= 0 && n > Limit(r.s, spec) {
		r.prune[t.ID] = true
	}
}

// Reapable reports whether a task may go from the history, as swarmkit's
// tick decides: it is over (any state past running), or it will never run
// (pending, and desired to shut down). A task its node still runs stays
// until the node says it stopped, even when it is desired to shut down.
// Unlike swarmkit, a task still meant to run stays too, ended or not: it
// is the restart supervisor's, and the store refuses to delete it.
func Reapable(t *state.Task) bool {
	return !t.Active() && (t.Terminal() || t.State == state.TaskPending)
}

// Flush deletes, in each slot that grew past its limit, the oldest
// finished tasks beyond it.
func (r *Reaper) Flush(b *state.Batch) {
	s := r.s
	for _, id := range state.SortedIDs(r.prune) {
		t := s.Tasks.Get(id)
		if t == nil || s.Services[t.Service] == nil {
			continue
		}
		hist := s.History(t.Service, t.SlotKey())
		excess := len(hist) - Limit(s, s.Services[t.Service])
		for _, old := range hist { // oldest first
			if excess <= 0 {
				break
			}
			if Reapable(old) && !b.Stopped.Has(old.ID) {
				b.Add(&state.RemoveTask{Task: old.ID})
				excess--
			}
		}
	}
	clear(r.prune)
}
