package replicated

import (
	"slices"
	"testing"

	"github.com/swarmsim/swarmsim/cluster/state"
)

// replicated/replicated_test.go TestReplicatedScaleDown: scaling down
// removes tasks from the nodes with the most copies, keeps the lower slots
// on a node, and removes tasks that are not running before running ones.
func TestScaleDownOrder(t *testing.T) {
	task := func(id, node, st string, slot int) *state.Task {
		return &state.Task{ID: id, Node: node, State: st, Slot: slot, Desired: state.TaskRunning}
	}
	tasks := []*state.Task{
		task("task1", "node1", state.TaskAssigned, 1), // starting, not running yet
		task("task2", "node2", state.TaskRunning, 2),
		task("task3", "node2", state.TaskRunning, 3),
		task("task4", "node3", state.TaskRunning, 4),
		task("task5", "node3", state.TaskRunning, 5),
		task("task6", "node3", state.TaskRunning, 6),
	}
	ids := func(ts []*state.Task) []string {
		var out []string
		for _, t := range ts {
			out = append(out, t.ID)
		}
		slices.Sort(out)
		return out
	}
	for _, tc := range []struct {
		name    string
		from    []*state.Task
		keep    int
		removed []string
	}{
		{"6 to 4: node3 gives two, keeping its lowest slot", tasks, 4, []string{"task5", "task6"}},
		{"4 to 2: the task not yet running goes, then balance", tasks[:4], 2, []string{"task1", "task3"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := ids(ScaleDownOrder(tc.from)[tc.keep:])
			if !slices.Equal(got, tc.removed) {
				t.Errorf("removed %v, want %v", got, tc.removed)
			}
		})
	}
}
