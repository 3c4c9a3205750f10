package taskreaper_test

import (
	"slices"
	"testing"

	"github.com/swarmsim/swarmsim/cluster/orchestrator/orchestratortest"
	"github.com/swarmsim/swarmsim/cluster/orchestrator/taskreaper"
	"github.com/swarmsim/swarmsim/cluster/state"
	"github.com/swarmsim/swarmsim/cluster/state/statetest"
)

// reaping is a leader with the orchestrators and the task reaper.
type reaping struct {
	*orchestratortest.Leader
	r *taskreaper.Reaper
}

func newReaping(s *statetest.Store) *reaping {
	l := &reaping{Leader: orchestratortest.New(s), r: taskreaper.New(s.Store)}
	s.Watch(l.r)
	for _, t := range s.TaskList() {
		l.r.TaskChanged(t)
	}
	return l
}

func (l *reaping) flush() []string {
	return l.Step(l.Orchestrator.Flush, l.Restarts.Flush, l.r.Flush)
}

func ids(tasks []*state.Task) []string {
	var out []string
	for _, t := range tasks {
		out = append(out, t.ID)
	}
	return out
}

// Ported from swarmkit task_reaper_test.go TestTaskHistory, with Docker's
// default retention of 5 for swarmkit's 2: as a slot's tasks keep failing
// and are restarted, its history stays at the limit, the oldest deleted
// first and the running one kept.
func TestTaskHistory(t *testing.T) {
	s := statetest.New()
	s.Node("w1")
	s.Service(state.ServiceSpec{Name: "name1", Replicas: 2})
	l := newReaping(s)
	l.flush()
	s.Assign(func(*state.Task) string { return "w1" })
	s.Run()
	for range 7 {
		for _, task := range s.Active("name1") {
			s.Fail(task.ID)
		}
		l.flush()
		s.Assign(func(*state.Task) string { return "w1" })
		s.Run()
		l.flush()
	}
	for slot := 1; slot <= 2; slot++ {
		h := s.History("name1", state.SlotKeyFor(slot, ""))
		if len(h) != taskreaper.HistoryLimit {
			t.Errorf("slot %d keeps %d tasks %q, want %d", slot, len(h), ids(h), taskreaper.HistoryLimit)
		}
		if last := h[len(h)-1]; !last.Active() {
			t.Errorf("slot %d's newest task %s does not run", slot, last.ID)
		}
		for _, old := range h[:len(h)-1] {
			if old.Active() {
				t.Errorf("slot %d keeps %s meant to run beside its newest", slot, old.ID)
			}
		}
	}
	if s.Tasks["t1"] != nil || s.Tasks["t2"] != nil {
		t.Error("the oldest tasks were not deleted")
	}
}

// Ported from swarmkit task_reaper_test.go TestTaskReaperInit: a reaper
// that starts over a store whose slots hold more than the limit trims
// them at once, oldest finished tasks first, and leaves the slots within
// the limit alone.
func TestTaskReaperInit(t *testing.T) {
	s := statetest.New()
	s.Node("w1")
	s.Service(state.ServiceSpec{Name: "dirty", Replicas: 1})
	s.Service(state.ServiceSpec{Name: "clean", Replicas: 1})
	for range taskreaper.HistoryLimit + 2 {
		task := s.Start("dirty", 1, "w1")
		s.Fail(task.ID)
		s.Apply(&state.ShutdownTask{Task: task.ID})
	}
	s.Start("dirty", 1, "w1")
	clean := s.Start("clean", 1, "w1")
	r := taskreaper.New(s.Store)
	for _, task := range s.TaskList() {
		r.TaskChanged(task)
	}
	s.Step(r.Flush)
	h := s.History("dirty", state.SlotKeyFor(1, ""))
	if got, want := ids(h), []string{"t4", "t5", "t6", "t7", "t8"}; !slices.Equal(got, want) {
		t.Errorf("the dirty slot keeps %q, want %q", got, want)
	}
	if s.Tasks[clean.ID] == nil {
		t.Error("the clean service lost its task")
	}
}

// Ported from swarmkit task_reaper_test.go TestServiceRemoveDeadTasks: the
// tasks of a removed service go, finished ones included (here the removal
// itself takes them, so the reaper has nothing left to do).
func TestServiceRemoveDeadTasks(t *testing.T) {
	s := statetest.New()
	s.Node("w1")
	s.Service(state.ServiceSpec{Name: "web", Replicas: 2})
	s.Start("web", 1, "w1")
	dead := s.Start("web", 2, "w1")
	s.Fail(dead.ID)
	s.Apply(&state.ShutdownTask{Task: dead.ID})
	r := taskreaper.New(s.Store)
	s.Watch(r)
	s.Apply(&state.RemoveService{Name: "web"})
	if got := s.Step(r.Flush); len(got) != 0 {
		t.Errorf("the reaper did %q", got)
	}
	if len(s.Tasks) != 0 {
		t.Errorf("%d tasks left after the service was removed", len(s.Tasks))
	}
}
