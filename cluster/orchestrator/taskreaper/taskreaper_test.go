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

// failLoop starts a service's tasks on w1, then fails every one 7 times
// over, each restarted on w1 and run.
func (l *reaping) failLoop(s *statetest.Store, service string) {
	l.flush()
	s.Assign(func(*state.Task) string { return "w1" })
	s.Run()
	for range 7 {
		for _, task := range s.Active(service) {
			s.Fail(task.ID)
		}
		l.flush()
		s.Assign(func(*state.Task) string { return "w1" })
		s.Run()
		l.flush()
	}
}

// Ported from swarmkit task_reaper_test.go TestTaskHistory, with its
// retention limit of 2 (docker swarm update --task-history-limit 2) and
// with Docker's default of 5: as a slot's tasks keep failing and are
// restarted, its history stays at the limit, the oldest deleted first and
// the running one kept.
func TestTaskHistory(t *testing.T) {
	for _, limit := range []int{2, state.DefaultTaskHistoryLimit} {
		s := statetest.New()
		s.Node("w1")
		if limit != state.DefaultTaskHistoryLimit {
			s.Apply(&state.SetTaskHistoryLimit{Limit: limit})
		}
		s.Service(state.ServiceSpec{Name: "name1", Replicas: 2})
		l := newReaping(s)
		l.failLoop(s, "name1")
		for slot := 1; slot <= 2; slot++ {
			h := s.History("name1", state.SlotKeyFor(slot, ""))
			if len(h) != limit {
				t.Errorf("limit %d: slot %d keeps %d tasks %q, want %d", limit, slot, len(h), ids(h), limit)
			}
			if last := h[len(h)-1]; !last.Active() {
				t.Errorf("limit %d: slot %d's newest task %s does not run", limit, slot, last.ID)
			}
			for _, old := range h[:len(h)-1] {
				if old.Active() {
					t.Errorf("limit %d: slot %d keeps %s meant to run beside its newest", limit, slot, old.ID)
				}
			}
		}
		if s.Tasks.Get("t1") != nil || s.Tasks.Get("t2") != nil {
			t.Errorf("limit %d: the oldest tasks were not deleted", limit)
		}
	}
}

// Ported from swarmkit task_reaper_test.go TestTaskStateRemoveOnScaledown
// and TestServiceRemoveDeadTasks, as far as they set the limit: a
// negative task history limit keeps every task ("so that tasks don't get
// removed").
func TestNegativeLimitKeepsEveryTask(t *testing.T) {
	s := statetest.New()
	s.Node("w1")
	s.Apply(&state.SetTaskHistoryLimit{Limit: -1})
	s.Service(state.ServiceSpec{Name: "name1", Replicas: 1})
	l := newReaping(s)
	l.failLoop(s, "name1")
	if h := s.History("name1", state.SlotKeyFor(1, "")); len(h) != 8 {
		t.Errorf("the slot keeps %d tasks %q, want all 8", len(h), ids(h))
	}
}

// swarmkit's task_reaper.go tick: a service with a restart policy's max
// attempts keeps max attempts + 1 tasks per slot, whatever the swarm's
// limit, so the attempts stay countable.
func TestMaxAttemptsKeepsItsHistory(t *testing.T) {
	s := statetest.New()
	s.Node("w1")
	s.Apply(&state.SetTaskHistoryLimit{Limit: 1})
	s.Service(state.ServiceSpec{Name: "name1", Replicas: 1, Restart: state.RestartPolicy{Condition: "any", MaxAttempts: 6}})
	l := newReaping(s)
	l.failLoop(s, "name1")
	if h := s.History("name1", state.SlotKeyFor(1, "")); len(h) != 7 {
		t.Errorf("the slot keeps %d tasks %q, want max attempts + 1 = 7", len(h), ids(h))
	}
}

// swarmkit's task_reaper.go tick reaps replicated and global services
// only: a job's tasks, its completed ones above all, stay.
func TestJobTasksNotReaped(t *testing.T) {
	s := statetest.New()
	s.Node("w1")
	s.Apply(&state.SetTaskHistoryLimit{Limit: 1})
	s.Service(state.ServiceSpec{Name: "batch", Image: "fail", Mode: state.ModeReplicatedJob, Replicas: 1, MaxConcurrent: 1})
	l := newReaping(s)
	l.failLoop(s, "batch")
	if h := s.History("batch", state.SlotKeyFor(1, "")); len(h) != 8 {
		t.Errorf("the job's slot keeps %d tasks %q, want all 8", len(h), ids(h))
	}
}

// swarmkit's reaper reads a new limit (EventUpdateCluster) and applies it
// to each slot when the slot next gets a task.
func TestLimitChangeAppliesToTheNextTask(t *testing.T) {
	s := statetest.New()
	s.Node("w1")
	s.Service(state.ServiceSpec{Name: "name1", Replicas: 1})
	l := newReaping(s)
	l.failLoop(s, "name1")
	key := state.SlotKeyFor(1, "")
	s.Apply(&state.SetTaskHistoryLimit{Limit: 2})
	l.flush()
	if h := s.History("name1", key); len(h) != state.DefaultTaskHistoryLimit {
		t.Errorf("the slot keeps %d tasks %q before its next task, want %d", len(h), ids(h), state.DefaultTaskHistoryLimit)
	}
	s.Fail(s.Active("name1")[0].ID)
	l.flush() // the restart, and trimming what the slot held then
	l.flush() // trimming once the new task is in
	if h := s.History("name1", key); len(h) != 2 {
		t.Errorf("the slot keeps %d tasks %q after its next task, want 2", len(h), ids(h))
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
	for range state.DefaultTaskHistoryLimit + 2 {
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
	if s.Tasks.Get(clean.ID) == nil {
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
	if s.Tasks.Len() != 0 {
		t.Errorf("%d tasks left after the service was removed", s.Tasks.Len())
	}
}

// Ported from swarmkit task_reaper_test.go TestTickHistoryCleanup: with a
// history limit of 0, a task is deleted when it is over (any state past
// running) or will never run (pending, desired to shut down); a task
// still on its node is kept, even when it is desired to shut down, until
// its node says it stopped. One departure: a task that ended while still
// desired to run is kept for the restart supervisor (swarmkit deletes it;
// here the store refuses to delete a task meant to run).
func TestTickHistoryCleanup(t *testing.T) {
	observed := []string{state.TaskPending, state.TaskAssigned, state.TaskStarting, state.TaskRunning,
		state.TaskComplete, state.TaskFailed, state.TaskRejected, state.TaskShutdown, state.TaskOrphaned}
	for _, shutdown := range []bool{false, true} {
		for _, obs := range observed {
			s := statetest.New()
			s.Node("w1")
			s.Apply(&state.SetTaskHistoryLimit{Limit: 0})
			s.Service(state.ServiceSpec{Name: "name1", Replicas: 1, Restart: state.RestartPolicy{Condition: "none"}})
			r := taskreaper.New(s.Store)
			s.Watch(r)
			s.Apply(&state.CreateTask{Service: "name1", Slot: 1, Pending: true})
			if obs != state.TaskPending {
				s.Apply(&state.AssignTask{Task: "t1", Node: "w1"})
			}
			if obs != state.TaskPending && obs != state.TaskAssigned {
				s.Apply(&state.TaskStatus{Task: "t1", State: obs})
			}
			if shutdown {
				s.Apply(&state.ShutdownTask{Task: "t1"})
			}
			task := s.Tasks.Get("t1")
			if task.State != obs || task.Active() == shutdown {
				t.Fatalf("set up %s (shutdown %v), got %s desired %s", obs, shutdown, task.State, task.Desired)
			}
			s.Step(r.Flush)
			cleaned := shutdown && obs != state.TaskAssigned && obs != state.TaskStarting && obs != state.TaskRunning
			if gone := s.Tasks.Get("t1") == nil; gone != cleaned {
				t.Errorf("a task %s, desired shutdown %v: deleted %v, want %v", obs, shutdown, gone, cleaned)
			}
		}
	}
}
