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

// ids are tasks' IDs, "-" for none (a slot index's empty slots).
func ids(ts []*Task) []string {
	out := make([]string, len(ts))
	for i, t := range ts {
		out[i] = "-"
		if t != nil {
			out[i] = t.ID
		}
	}
	return out
}

// TestTasksOn checks the node index against TaskList filtered by node,
// through creates, assignments, new records and drops, with tasks of the
// store's own IDs and of others (a hand-made store's, one far beyond the
// rest).
func TestTasksOn(t *testing.T) {
	s := NewStore()
	nodes := []string{"w1", "w2", "m1"}
	for _, n := range nodes {
		s.Nodes[n] = &NodeRecord{Name: n, Role: RoleWorker, Status: NodeReady, Availability: Active}
	}
	s.Services["web"] = &ServiceSpec{Name: "web", Mode: ModeReplicated, Replicas: 9}
	s.Services["agent"] = &ServiceSpec{Name: "agent", Mode: ModeGlobal}
	check := func(when string) {
		t.Helper()
		for _, n := range append(nodes, "w9") {
			var want []*Task
			for _, task := range s.TaskList() {
				if task.Node == n {
					want = append(want, task)
				}
			}
			if got := s.TasksOn(n); !slices.Equal(got, want) {
				t.Errorf("%s: TasksOn(%s) = %v, want %v", when, n, ids(got), ids(want))
			}
		}
	}
	s.Apply(1, &Command{Actions: []Action{
		&CreateTask{Service: "web", Slot: 1, Node: "w1"},
		&CreateTask{Service: "web", Slot: 2, Pending: true},
		&CreateTask{Service: "web", Slot: 3, Node: "w2"},
		&CreateTask{Service: "agent", Node: "m1", Pending: true},
		&CreateTask{Service: "agent", Node: "w1"},
	}}, &ApplyContext{})
	s.addTask(&Task{ID: "x7", Service: "web", Slot: 7, Node: "w2", Desired: TaskRunning, State: TaskRunning})
	s.addTask(&Task{ID: "t123456789", Service: "web", Slot: 8, Node: "w1", Desired: TaskRunning, State: TaskRunning})
	check("created")
	s.Apply(2, &Command{Actions: []Action{
		&AssignTask{Task: "t2", Node: "w2"},
		&AssignTask{Task: "t4", Node: "m1"},
		&TaskStatus{Task: "t1", State: TaskRunning},
		&TaskStatus{Task: "t3", State: TaskFailed},
	}}, &ApplyContext{})
	check("assigned")
	for _, id := range []string{"t1", "x7", "t123456789", "t4"} {
		s.dropTask(s.Tasks.Get(id))
	}
	check("dropped")
	if len(s.byNode) != 2 {
		t.Errorf("%d nodes in the index, want w1 and w2 only", len(s.byNode))
	}
}

// TestTaskListFollowsNewRecords: the cached TaskList takes each task's new
// record in its place (found by number for the store's own IDs, searched
// for otherwise), and reads as the list built anew would.
func TestTaskListFollowsNewRecords(t *testing.T) {
	s := NewStore()
	for _, n := range []string{"w1", "w2"} {
		s.Nodes[n] = &NodeRecord{Name: n, Role: RoleWorker, Status: NodeReady, Availability: Active}
	}
	s.Services["web"] = &ServiceSpec{Name: "web", Mode: ModeReplicated, Replicas: 3}
	s.Services["agent"] = &ServiceSpec{Name: "agent", Mode: ModeGlobal}
	s.Apply(1, &Command{Actions: []Action{
		&CreateTask{Service: "web", Slot: 1, Node: "w1"},
		&CreateTask{Service: "web", Slot: 2, Node: "w2"},
		&CreateTask{Service: "agent", Node: "w2"},
		&CreateTask{Service: "agent", Node: "w1"},
	}}, &ApplyContext{})
	s.addTask(&Task{ID: "x7", Service: "web", Slot: 3, Node: "w2", Desired: TaskRunning, State: TaskAssigned})
	s.addTask(&Task{ID: "t123456789", Service: "web", Slot: 4, Node: "w1", Desired: TaskRunning, State: TaskAssigned})
	cached := s.TaskList()
	if len(cached) != 6 {
		t.Fatalf("TaskList holds %v, want six tasks", ids(cached))
	}
	s.Apply(2, &Command{Actions: []Action{
		&TaskStatus{Task: "t1", State: TaskRunning},
		&TaskStatus{Task: "t4", State: TaskRunning},
		&TaskStatus{Task: "x7", State: TaskRunning},
		&TaskStatus{Task: "t123456789", State: TaskRunning},
	}}, &ApplyContext{})
	got := s.TaskList()
	for _, task := range got {
		if task != s.Tasks.Get(task.ID) {
			t.Errorf("TaskList holds an old record of %s", task.ID)
		}
	}
	s.taskOrder = nil
	if want := s.TaskList(); !slices.Equal(got, want) {
		t.Errorf("TaskList after new records = %v, built anew %v", ids(got), ids(want))
	}
}
