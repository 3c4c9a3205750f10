package restart

import (
	"slices"
	"testing"
	"time"

	"github.com/swarmsim/swarmsim/cluster/state"
	"github.com/swarmsim/swarmsim/cluster/state/statetest"
)

// rig is a store with a restart supervisor watching it, and a service
// "name1" of two running tasks on w1 and w2.
func rig(t *testing.T, policy state.RestartPolicy) (*statetest.Store, *Supervisor) {
	t.Helper()
	s := statetest.New()
	r := New(s.Store, s.Hashes)
	s.Watch(r)
	s.Node("w1")
	s.Node("w2")
	s.Service(state.ServiceSpec{Name: "name1", Replicas: 2, Restart: policy})
	s.Start("name1", 1, "w1")
	s.Start("name1", 2, "w2")
	return s, r
}

// failCurrent fails the task that runs in a slot now, and returns what the
// supervisor's next flush does about it.
func failCurrent(s *statetest.Store, r *Supervisor, slot int) []string {
	cur := s.Current("name1", state.SlotKeyFor(slot, ""))
	s.Report(cur.ID, state.TaskRunning)
	s.Fail(cur.ID)
	return s.Step(r.Flush)
}

func want(t *testing.T, got []string, want ...string) {
	t.Helper()
	if !slices.Equal(got, want) {
		t.Errorf("the flush did %q, want %q", got, want)
	}
}

// Ported from swarmkit restart_test.go TestOrchestratorRestartOnAny: a
// failed task is shut down and replaced in its slot at once. (Its second
// half, a completed task restarted too, waits for exit 0 to be stored as
// complete.)
func TestOrchestratorRestartOnAny(t *testing.T) {
	s, r := rig(t, state.RestartPolicy{Condition: "any"})
	want(t, failCurrent(s, r, 1), "shutdown t1", "create name1.1")
	if cur := s.Current("name1", state.SlotKeyFor(1, "")); cur == nil || cur.ID == "t1" || cur.Attempt != 1 {
		t.Errorf("slot 1 holds %+v, want a new task on its first restart", cur)
	}
	want(t, failCurrent(s, r, 2), "shutdown t2", "create name1.2")
}

// Ported from swarmkit restart_test.go TestOrchestratorRestartDelay: the
// replacement is created at once and may start only after the restart
// delay.
func TestOrchestratorRestartDelay(t *testing.T) {
	s, r := rig(t, state.RestartPolicy{Condition: "any", Delay: 100 * time.Millisecond})
	s.Now = 10 * time.Second
	want(t, failCurrent(s, r, 1), "shutdown t1", "create name1.1")
	cur := s.Current("name1", state.SlotKeyFor(1, ""))
	if got := cur.StartsAt(); got != s.Now+100*time.Millisecond {
		t.Errorf("the replacement may start at %v, want %v", got, s.Now+100*time.Millisecond)
	}
}

// A task moved off a drained node starts again without waiting: the
// restart delay is for tasks that ended, not for tasks the operator moved.
func TestNoRestartDelayOffADrainedNode(t *testing.T) {
	s, r := rig(t, state.RestartPolicy{Condition: "any", Delay: 5 * time.Second})
	s.UpdateNode("w1", func(n *state.NodeRecord) { n.Availability = state.Drain })
	t1 := s.Tasks.Get("t1")
	want(t, s.Step(func(b *state.Batch) {
		r.Restart(b, t1, s.Services["name1"], state.ReasonDrained, "", state.CauseReschedule)
	}),
		"shutdown t1", "create name1.1")
	if cur := s.Current("name1", state.SlotKeyFor(1, "")); cur.Delay != 0 {
		t.Errorf("the replacement waits %d ms, want none", cur.Delay)
	}
}

// Ported from swarmkit restart_test.go TestOrchestratorRestartWindow: with
// max attempts 1 in a window, a slot restarted within the window is not
// restarted again, and is once the window has passed.
func TestOrchestratorRestartWindow(t *testing.T) {
	s, r := rig(t, state.RestartPolicy{Condition: "any", Delay: 100 * time.Millisecond, MaxAttempts: 1, Window: 500 * time.Millisecond})
	s.Now = time.Second
	want(t, failCurrent(s, r, 1), "shutdown t1", "create name1.1")
	want(t, failCurrent(s, r, 2), "shutdown t2", "create name1.2")
	s.Now += 200 * time.Millisecond
	want(t, failCurrent(s, r, 1), "shutdown t3")
	if !s.Tasks.Get("t3").Final {
		t.Error("the task the policy gave up on is not marked final")
	}
	s.Now += time.Second
	want(t, failCurrent(s, r, 2), "shutdown t4", "create name1.2")
}

// Ported from swarmkit restart_test.go TestOrchestratorRestartMaxAttempts,
// at the supervisor: without a window a slot is restarted MaxAttempts
// times in all, and a new spec starts the count again.
func TestOrchestratorRestartMaxAttemptsInAll(t *testing.T) {
	s, r := rig(t, state.RestartPolicy{Condition: "any", MaxAttempts: 2})
	for range 2 {
		s.Now += time.Hour // no window: time does not help
		if got := failCurrent(s, r, 1); len(got) != 2 {
			t.Fatalf("restart within max attempts: %q", got)
		}
	}
	want(t, failCurrent(s, r, 1), "shutdown t4")
	s.UpdateService("name1", func(spec *state.ServiceSpec) { spec.Image = "nginx:2" })
	cur := s.History("name1", state.SlotKeyFor(1, ""))
	last := cur[len(cur)-1]
	s.Apply(&state.CreateTask{Service: "name1", Slot: 1, Hash: s.Hashes.Of(s.Services["name1"]), Pending: true})
	if got := s.Current("name1", state.SlotKeyFor(1, "")); got == nil || got == last {
		t.Fatal("no task of the new spec in slot 1")
	}
	if got := failCurrent(s, r, 1); len(got) != 2 {
		t.Errorf("the new spec's first failure: %q, want a restart", got)
	}
}

// Ported from swarmkit restart_test.go TestOrchestratorRestartOnNone, at
// the supervisor: nothing comes back, not even a task lost with its node.
func TestRestartOnNoneLeavesLostTasks(t *testing.T) {
	s, r := rig(t, state.RestartPolicy{Condition: "none"})
	want(t, failCurrent(s, r, 1), "shutdown t1")
	t2 := s.Tasks.Get("t2")
	want(t, s.Step(func(b *state.Batch) {
		r.Restart(b, t2, s.Services["name1"], state.ReasonNodeDown, "", state.CauseReschedule)
	}),
		"shutdown t2")
}

// The windowed history forgets what falls out of the window, so a slot
// that crashes for days keeps a short history.
func TestHistoryForgetsOldRestarts(t *testing.T) {
	h := History{}
	key := state.SlotKeyFor(1, "")
	for i := range 10 {
		h.Record("web", key, time.Duration(i)*time.Minute)
	}
	if got := h.Since("web", key, 7*time.Minute); got != 3 {
		t.Errorf("%d restarts since 7m, want 3", got)
	}
	if got := len(h["web"][key]); got != 3 {
		t.Errorf("the history keeps %d restarts, want the 3 that can still count", got)
	}
}

// Ported from swarmkit updater_test.go TestUpdaterTaskTimeout, at the
// supervisor: a new task waits for the old task of its slot, told to
// stop, until it has stopped, its node is down, or OldTaskTimeout after
// the new task was made.
func TestWaitsForStop(t *testing.T) {
	s, _ := rig(t, state.RestartPolicy{Condition: "any"})
	s.Now = time.Second
	s.Apply(&state.ShutdownTask{Task: "t1"})
	s.Apply(&state.CreateTask{Service: "name1", Slot: 1, Node: "w2", Hash: s.Hashes.Of(s.Services["name1"]), At: s.Now.Milliseconds()})
	next := s.Current("name1", state.SlotKeyFor(1, ""))
	until, wait := WaitsForStop(s.Store, next, s.Now)
	if !wait || until != s.Now+OldTaskTimeout {
		t.Fatalf("the new task waits %v until %v, want until %v", wait, until, s.Now+OldTaskTimeout)
	}
	if _, wait := WaitsForStop(s.Store, next, s.Now+OldTaskTimeout); wait {
		t.Error("the new task still waits a minute after it was made")
	}
	s.UpdateNode("w1", func(n *state.NodeRecord) { n.Status = state.NodeDown })
	if _, wait := WaitsForStop(s.Store, next, s.Now); wait {
		t.Error("the new task waits for a task whose node is down")
	}
	s.UpdateNode("w1", func(n *state.NodeRecord) { n.Status = state.NodeReady })
	s.Report("t1", state.TaskShutdown)
	if _, wait := WaitsForStop(s.Store, next, s.Now); wait {
		t.Error("the new task waits for a task that has stopped")
	}
}

// Ported from swarmkit restart_test.go TestOrchestratorRestartOnFailure:
// under on-failure a failed task is restarted and a complete one (its
// container exited 0) is not.
func TestOrchestratorRestartOnFailure(t *testing.T) {
	s, r := rig(t, state.RestartPolicy{Condition: "on-failure"})
	want(t, failCurrent(s, r, 1), "shutdown t1", "create name1.1")
	s.Apply(&state.TaskStatus{Task: "t2", State: state.TaskComplete, Reason: "finished", ExitOK: true, At: s.Now.Milliseconds()})
	want(t, s.Step(r.Flush), "shutdown t2")
}

// The second half of swarmkit restart_test.go TestOrchestratorRestartOnAny:
// under any, a complete task is restarted too.
func TestOrchestratorRestartOnAnyComplete(t *testing.T) {
	s, r := rig(t, state.RestartPolicy{Condition: "any"})
	s.Apply(&state.TaskStatus{Task: "t2", State: state.TaskComplete, Reason: "finished", ExitOK: true, At: s.Now.Milliseconds()})
	want(t, s.Step(r.Flush), "shutdown t2", "create name1.2")
}

// Ported from swarmkit global_test.go TestInitializationRestartHistory, at
// the supervisor: a new leader's supervisor rebuilds the windowed history
// from the stored tasks (every task of the current spec in a slot but the
// first was a restart), so with 3 attempts in 10 minutes a slot restarted
// twice within the window is restarted once more, and then no more.
func TestInitializationRestartHistory(t *testing.T) {
	s := statetest.New()
	s.Node("w1")
	s.Service(state.ServiceSpec{Name: "name1", Replicas: 1, Restart: state.RestartPolicy{Condition: "any", MaxAttempts: 3, Window: 10 * time.Minute}})
	s.Now = 20 * time.Minute
	for _, ago := range []time.Duration{12, 11, 9, 8} { // the first, one outside the window, two inside
		s.Now = 20*time.Minute - ago*time.Minute
		task := s.Start("name1", 1, "w1")
		if ago != 8 {
			s.Fail(task.ID)
			s.Apply(&state.ShutdownTask{Task: task.ID})
		}
	}
	s.Now = 20 * time.Minute
	r := New(s.Store, s.Hashes) // the new leader's
	s.Watch(r)
	if got := failCurrent(s, r, 1); len(got) != 2 {
		t.Fatalf("the third restart within the window: %q, want a restart", got)
	}
	if got := failCurrent(s, r, 1); len(got) != 1 {
		t.Errorf("a fourth restart within the window: %q, want none", got)
	}
}
