package cluster

import (
	"slices"
	"testing"
	"time"
)

// A task counts as running only on the node it is assigned to, however
// many nodes hold a container with its ID and in whatever order the
// picture reads their sets (view.go, countedTasks).
func TestTaskCountsOnlyOnItsOwnNode(t *testing.T) {
	c := newTestCluster(t, "1-1-1", 3, 1)
	mustApply(t, c, CreateService(service("web", 3)))
	mustRun(t, c, time.Minute)
	before := c.Snapshot()
	if got := before.Services[0].Running; got != 3 {
		t.Fatalf("web runs %d of 3 a minute after it was created", got)
	}
	var task *Task
	for _, tk := range before.Tasks {
		if tk.Active() && tk.State == TaskRunning {
			task = tk
			break
		}
	}
	if task == nil {
		t.Fatal("no running task")
	}
	own, _ := c.node(task.Node)
	var other *node
	for _, n := range c.nodes {
		if n.alive && n.name != task.Node {
			other = n
			break
		}
	}
	running := func(s Snapshot) (int, []string) {
		for _, nv := range s.Nodes {
			if nv.Name == task.Node {
				return s.Services[0].Running, nv.Tasks.Names()
			}
		}
		return s.Services[0].Running, nil
	}
	wantRunning, wantNames := running(before)

	for _, tc := range []struct {
		name        string
		change      func()
		running     int
		countedHere bool
	}{
		{"a second node runs its ID too", func() { other.Running.Add(task.ID) }, wantRunning, true},
		{"only the other node runs it", func() { own.Running.Remove(task.ID) }, wantRunning - 1, false},
		{"its own node runs it again, still starting", func() { own.Running.Add(task.ID); own.Starting.Add(task.ID) }, wantRunning - 1, false},
		{"its health check passes", func() { own.Starting.Remove(task.ID) }, wantRunning, true},
	} {
		tc.change()
		got, names := running(c.Snapshot())
		if got != tc.running {
			t.Errorf("%s: web runs %d, want %d", tc.name, got, tc.running)
		}
		if here := slices.Contains(names, task.Name()); here != tc.countedHere {
			t.Errorf("%s: %s listed on %s: %v, want %v", tc.name, task.Name(), task.Node, here, tc.countedHere)
		}
		if tc.countedHere && !slices.Equal(names, wantNames) {
			t.Errorf("%s: %s lists %v, want %v", tc.name, task.Node, names, wantNames)
		}
	}
}
