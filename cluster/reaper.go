package cluster

import (
	"github.com/swarmsim/swarmsim/cluster/state"
)

// The task reaper keeps each slot's history short, as swarmkit's
// orchestrator/taskreaper does: finished tasks beyond the retention limit
// are deleted through Raft like any other change.

// historyLimit is how many tasks a slot keeps, finished ones included, as
// Docker's default task history retention limit.
const historyLimit = 5

// reap is the task reaper: a slot keeps at most historyLimit tasks, and the
// oldest finished ones beyond that are deleted.
func (l *leader) reap(b *state.Batch) {
	s := l.s
	for _, id := range state.SortedIDs(l.prune) {
		t := s.Tasks[id]
		if t == nil {
			continue
		}
		hist := s.History(t.Service, t.SlotKey())
		excess := len(hist) - historyLimit
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
	clear(l.prune)
}
