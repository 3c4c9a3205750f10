// Package taskreaper keeps each slot's history short, as swarmkit's
// manager/orchestrator/taskreaper does: finished tasks beyond the
// retention limit are deleted through Raft like any other change.
//
// # Using it
//
//	r := taskreaper.New(store)
//	r.TaskChanged(t) // for every task an applied entry touched
//	r.Flush(batch)   // deletes the oldest finished tasks of the slots that grew
package taskreaper

import "github.com/swarmsim/swarmsim/cluster/state"

// HistoryLimit is how many tasks a slot keeps, finished ones included, as
// Docker's default task history retention limit.
const HistoryLimit = 5

// Reaper deletes old tasks for one leader.
type Reaper struct {
	s     *state.Store
	prune map[string]bool // tasks whose slot holds more than HistoryLimit tasks
}

// New returns a reaper over s.
func New(s *state.Store) *Reaper { return &Reaper{s: s, prune: map[string]bool{}} }

// TaskChanged hears that an applied entry touched a task.
func (r *Reaper) TaskChanged(t *state.Task) {
	if len(r.s.History(t.Service, t.SlotKey())) > HistoryLimit && r.s.Tasks[t.ID] == t {
		r.prune[t.ID] = true
	}
}

// Flush deletes, in each slot that grew past HistoryLimit, the oldest
// finished tasks beyond it.
func (r *Reaper) Flush(b *state.Batch) {
	s := r.s
	for _, id := range state.SortedIDs(r.prune) {
		t := s.Tasks[id]
		if t == nil {
			continue
		}
		hist := s.History(t.Service, t.SlotKey())
		excess := len(hist) - HistoryLimit
		for _, old := range hist { // oldest first
			if excess <= 0 {
				break
			}
			if !old.Active() && !b.Stopped[old.ID] {
				b.Add(&state.RemoveTask{Task: old.ID})
				excess--
			}
		}
	}
	clear(r.prune)
}
