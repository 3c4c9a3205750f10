package cluster

// The task reaper keeps each slot's history short, as swarmkit's
// orchestrator/taskreaper does: finished tasks beyond the retention limit
// are deleted through Raft like any other change.

// historyLimit is how many tasks a slot keeps, finished ones included, as
// Docker's default task history retention limit.
const historyLimit = 5

// reap is the task reaper: a slot keeps at most historyLimit tasks, and the
// oldest finished ones beyond that are deleted.
func (l *leader) reap(b *batch) {
	s := l.s
	for _, id := range sortedTaskIDs(l.prune) {
		t := s.Tasks[id]
		if t == nil {
			continue
		}
		hist := s.history(t.Service, t.slotKey())
		excess := len(hist) - historyLimit
		for _, old := range hist { // oldest first
			if excess <= 0 {
				break
			}
			if !old.Active() && !b.stopped[old.ID] {
				b.add(&removeTask{Task: old.ID})
				excess--
			}
		}
	}
	clear(l.prune)
}
