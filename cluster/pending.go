package cluster

// PendingTasks counts the tasks no node could take, over every service of
// the store the picture reads (view): the sum of Snapshot's
// Services[].Pending, without building the rest of the picture (a chaos
// run asks for it once, at its end, and nothing else). Like view, it is
// the roster's.
func (r *roster) PendingTasks() int {
	s := r.view().store()
	n := 0
	for _, name := range s.ServiceNames() {
		for t := range s.TasksOf(name) {
			if t.Active() && t.State == TaskPending {
				n++
			}
		}
	}
	return n
}
