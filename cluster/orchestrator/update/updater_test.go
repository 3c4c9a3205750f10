package update_test

import (
	"strings"
	"testing"
	"time"

	"github.com/swarmsim/swarmsim/cluster/orchestrator/orchestratortest"
	"github.com/swarmsim/swarmsim/cluster/orchestrator/update"
	"github.com/swarmsim/swarmsim/cluster/state"
	"github.com/swarmsim/swarmsim/cluster/state/statetest"
)

// updating is a leader with the orchestrators and the updater, whose
// nodes start what they are given at once.
type updating struct {
	*orchestratortest.Leader
	u *update.Updater
}

func newUpdating(s *statetest.Store) *updating {
	l := &updating{Leader: orchestratortest.New(s), u: update.New(s.Store, s.Hashes)}
	s.Watch(l.u)
	return l
}

// flush runs one flush of the leader at the store's time; what it
// creates is placed on w1 and started.
func (l *updating) flush() []string {
	got := l.Step(l.Orchestrator.Flush, l.Restarts.Flush, l.u.Flush)
	l.Assign(func(*state.Task) string { return "w1" })
	l.Run()
	return got
}

// settle runs a flush every second until the service's update is over,
// for at most a minute, and returns how many tasks the flushes stopped.
func (l *updating) settle(t *testing.T, service string) int {
	t.Helper()
	stopped := 0
	for range 60 {
		l.Now += time.Second
		for _, a := range l.flush() {
			if strings.HasPrefix(a, "shutdown") {
				stopped++
			}
		}
		if !l.Updates[service].Active() {
			return stopped
		}
	}
	t.Fatalf("the update of %s is still %s after a minute", service, l.Updates[service].State)
	return 0
}

func images(s *statetest.Store, service string) map[string]int {
	out := map[string]int{}
	for _, task := range s.Active(service) {
		out[task.Image]++
	}
	return out
}

func started(t *testing.T, replicas int, change func(*state.ServiceSpec)) (*statetest.Store, *updating) {
	t.Helper()
	s := statetest.New()
	s.Node("w1")
	spec := state.ServiceSpec{Name: "web", Image: "v:1", Replicas: replicas}
	if change != nil {
		change(&spec)
	}
	s.Service(spec)
	l := newUpdating(s)
	l.flush()
	s.Now = time.Second // an update's tasks are those made since it began
	return s, l
}

// Ported from swarmkit updater_test.go TestUpdater: each update replaces
// every task with one of the new image, all at once or one at a time,
// and leaves the service with as many tasks as it had.
func TestUpdater(t *testing.T) {
	const instances = 3
	s, l := started(t, instances, func(spec *state.ServiceSpec) { spec.Update.Parallelism = 0 })
	for i, image := range []string{"v:2", "v:3", "v:4"} {
		s.UpdateService("web", func(spec *state.ServiceSpec) {
			spec.Image = image
			spec.Update.Parallelism = min(i, 1)
		})
		if stopped := l.settle(t, "web"); stopped != instances {
			t.Errorf("the update to %s stopped %d tasks, want %d", image, stopped, instances)
		}
		if got := images(s, "web"); got[image] != instances || len(got) != 1 {
			t.Errorf("after the update to %s the tasks run %v", image, got)
		}
		if u := s.Updates["web"]; u.State != state.UpdateCompleted {
			t.Errorf("the update to %s ended %s", image, u.State)
		}
	}
}

// With parallelism 1 the first flush of an update replaces one task, not
// more: the next waits for it.
func TestUpdaterParallelism(t *testing.T) {
	s, l := started(t, 3, func(spec *state.ServiceSpec) { spec.Update.Parallelism = 1 })
	s.UpdateService("web", func(spec *state.ServiceSpec) { spec.Image = "v:2" })
	s.Now += time.Second
	got := l.flush()
	stopped := 0
	for _, a := range got {
		if strings.HasPrefix(a, "shutdown") {
			stopped++
		}
	}
	if stopped != 1 {
		t.Errorf("the first flush did %q, want one task replaced", got)
	}
}

// Ported from swarmkit updater_test.go TestUpdaterPlacement: a change to
// the placement constraints that every task's node still satisfies
// replaces nothing.
func TestUpdaterPlacement(t *testing.T) {
	s, l := started(t, 2, nil)
	before := images(s, "web")
	s.UpdateService("web", func(spec *state.ServiceSpec) { spec.Constraints = append(spec.Constraints, "node.hostname==w1") })
	if stopped := l.settle(t, "web"); stopped != 0 {
		t.Errorf("a placement change the nodes satisfy stopped %d tasks", stopped)
	}
	if got := images(s, "web"); got["v:1"] != before["v:1"] || s.Tasks.Len() != 2 {
		t.Errorf("the tasks changed: %v, %d in all", got, s.Tasks.Len())
	}
}

// A task whose node no longer satisfies the new constraints is dirty and
// replaced, as swarmkit's IsTaskDirty reads the node.
func TestUpdaterReplacesTasksOffNodesThatNoLongerQualify(t *testing.T) {
	s, l := started(t, 1, nil)
	s.UpdateService("web", func(spec *state.ServiceSpec) { spec.Constraints = []string{"node.labels.disk==ssd"} })
	s.Now += time.Second
	if got := l.Step(l.Orchestrator.Flush, l.Restarts.Flush, l.u.Flush); len(got) < 2 || got[0] != "shutdown t1" {
		t.Errorf("the flush did %q, want t1 replaced", got)
	}
}

// Ported from swarmkit updater_test.go TestUpdaterOrder, at the updater:
// start-first starts the new task beside the old one, and stops the old
// one only once the new one runs.
func TestUpdaterStartFirst(t *testing.T) {
	s, l := started(t, 1, func(spec *state.ServiceSpec) { spec.Update.Order = "start-first" })
	s.UpdateService("web", func(spec *state.ServiceSpec) { spec.Image = "v:2" })
	s.Now += time.Second
	got := l.Step(l.Orchestrator.Flush, l.Restarts.Flush, l.u.Flush)
	if len(got) != 1 || got[0] != "create web.1" {
		t.Fatalf("the first flush did %q, want the new task created and the old kept", got)
	}
	if !s.Tasks.Get("t1").Active() {
		t.Fatal("the old task was stopped before the new one ran")
	}
	l.Assign(func(*state.Task) string { return "w1" })
	l.Run()
	s.Now += time.Second
	if got := l.flush(); len(got) == 0 || got[0] != "shutdown t1" {
		t.Errorf("once the new task runs the flush did %q, want t1 stopped", got)
	}
}
