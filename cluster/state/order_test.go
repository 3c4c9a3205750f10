package state

import (
	"slices"
	"strconv"
	"testing"
)

// TestAllTasksInTaskListOrder checks that walking the slot index gives
// TaskList's order (the sort the views and the report used to pay for):
// replicated slots with several tasks each, a global service, a service
// removed while its tasks remain, and a name holding both kinds.
func TestAllTasksInTaskListOrder(t *testing.T) {
	s := NewStore()
	n := 0
	add := func(service string, slot int, node string) {
		n++
		s.addTask(&Task{ID: "t" + strconv.Itoa(n), Service: service, Slot: slot, Node: node, Desired: TaskRunning})
	}
	for _, slot := range []int{3, 1, 10, 2, 1, 3, 2} {
		add("web", slot, "w"+strconv.Itoa(slot))
	}
	for _, node := range []string{"w10", "m2", "w2", "m10", "w1", "w2"} {
		add("agent", 0, node)
	}
	add("api", 2, "")
	add("api", 1, "w3")
	add("mixed", 4, "w1")
	add("mixed", 0, "w9")
	add("mixed", 0, "m1")
	s.Services["web"] = &ServiceSpec{Name: "web"}

	want := s.TaskList()
	got := slices.Collect(s.AllTasks())
	if !slices.Equal(got, want) {
		t.Errorf("AllTasks: %v, TaskList: %v", ids(got), ids(want))
	}
	var each []*Task
	for _, service := range []string{"agent", "api", "mixed", "web"} {
		each = append(each, slices.Collect(s.TasksOf(service))...)
	}
	if !slices.Equal(each, want) {
		t.Errorf("TasksOf service by service: %v, TaskList: %v", ids(each), ids(want))
	}
	s.dropTask(s.Tasks.Get("t5"))
	if got, want := slices.Collect(s.AllTasks()), s.TaskList(); !slices.Equal(got, want) {
		t.Errorf("after a drop, AllTasks: %v, TaskList: %v", ids(got), ids(want))
	}
}

func ids(ts []*Task) []string {
	out := make([]string, len(ts))
	for i, t := range ts {
		out[i] = t.ID
	}
	return out
}
