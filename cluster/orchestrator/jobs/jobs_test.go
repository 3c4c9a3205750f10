package jobs_test

import (
	"slices"
	"testing"

	"github.com/swarmsim/swarmsim/cluster/orchestrator/orchestratortest"
	"github.com/swarmsim/swarmsim/cluster/state"
	"github.com/swarmsim/swarmsim/cluster/state/statetest"
)

// job creates a replicated job of total completions, max at a time,
// restarting on any failure (Docker's default) with no delay.
func job(s *statetest.Store, name string, total, max int) {
	s.Service(state.ServiceSpec{Name: name, Image: "done", Mode: state.ModeReplicatedJob, Replicas: total, MaxConcurrent: max})
}

// complete reports that a task's container exited 0, as its node reports it.
func complete(s *statetest.Store, id string) {
	s.Apply(&state.TaskStatus{Task: id, State: state.TaskComplete, Reason: "finished", At: s.Now.Milliseconds(), ExitOK: true})
}

// start puts every pending task on w1 and reports it running.
func start(s *statetest.Store) {
	s.Assign(func(*state.Task) string { return "w1" })
	s.Run()
}

func names(s *statetest.Store, service string) []string { return orchestratortest.Names(s, service) }

// wantDesiredComplete checks that every task is meant to run to completion.
func wantDesiredComplete(t *testing.T, s *statetest.Store) {
	t.Helper()
	for _, task := range s.TaskList() {
		if task.Desired != state.TaskComplete {
			t.Errorf("%s is desired %s, want complete", task.Name(), task.Desired)
		}
	}
}

// Ported from swarmkit jobs/replicated/reconciler_test.go "the job has no
// tasks yet created": it should create MaxConcurrent number of tasks,
// assign each task to a unique slot, and set the desired state of each
// task to COMPLETE.
func TestReplicatedJobNoTasksYet(t *testing.T) {
	s := statetest.New()
	s.Node("w1")
	job(s, "batch", 10, 3)
	l := orchestratortest.New(s)
	l.Want(t, "create batch.1", "create batch.2", "create batch.3")
	wantDesiredComplete(t, s)
}

// Ported from swarmkit jobs/replicated/reconciler_test.go "the job has
// some tasks already in progress": it should create only the number of
// tasks needed to reach MaxConcurrent, each in a slot of its own.
func TestReplicatedJobSomeInProgress(t *testing.T) {
	s := statetest.New()
	s.Node("w1")
	job(s, "batch", 10, 3)
	s.Start("batch", 2, "w1")
	l := orchestratortest.New(s)
	l.Want(t, "create batch.1", "create batch.3")
}

// Ported from swarmkit jobs/replicated/reconciler_test.go "some running
// tasks are desired to be shutdown": it should ignore tasks shutting down
// when creating new ones, and reuse their slot numbers.
func TestReplicatedJobShuttingDown(t *testing.T) {
	s := statetest.New()
	s.Node("w1")
	job(s, "batch", 10, 2)
	for slot := 1; slot <= 2; slot++ {
		task := s.Start("batch", slot, "w1")
		s.Apply(&state.ShutdownTask{Task: task.ID})
	}
	l := orchestratortest.New(s)
	l.Want(t, "create batch.1", "create batch.2")
}

// Ported from swarmkit jobs/replicated/reconciler_test.go "a job has some
// failing and some completed tasks": it should not reuse slot numbers,
// should not replace the failing tasks itself, and the restart supervisor
// restarts each failing task in its own slot.
func TestReplicatedJobFailingAndCompleted(t *testing.T) {
	s := statetest.New()
	s.Node("w1")
	job(s, "batch", 10, 4)
	l := orchestratortest.New(s)
	l.Flush()
	start(s)
	complete(s, "t1")
	complete(s, "t2")
	s.Fail("t3")
	l.Want(t, "shutdown t3", "create batch.5", "create batch.6", "create batch.3")
}

// Ported from swarmkit jobs/replicated/reconciler_test.go "a job is
// almost complete, and doesn't need MaxConcurrent tasks running": it
// should create no more than the tasks needed to reach TotalCompletions,
// each in a unique slot; once every slot completed, nothing more runs.
func TestReplicatedJobAlmostComplete(t *testing.T) {
	s := statetest.New()
	s.Node("w1")
	job(s, "batch", 5, 3)
	l := orchestratortest.New(s)
	l.Flush()
	start(s)
	for _, id := range []string{"t1", "t2", "t3"} {
		complete(s, id)
	}
	l.Want(t, "create batch.4", "create batch.5")
	start(s)
	complete(s, "t4")
	complete(s, "t5")
	l.Want(t)
	if got := names(s, "batch"); len(got) != 0 {
		t.Errorf("a finished job still runs %q", got)
	}
	for _, task := range s.TaskList() {
		if !task.Completed() || task.Desired != state.TaskComplete {
			t.Errorf("%s: %s, desired %s; want completed and desired complete", task.Name(), task.State, task.Desired)
		}
	}
}

// Ported from swarmkit jobs/replicated/reconciler_test.go "a job has been
// updated": it should remove all tasks belonging to the previous service
// iteration, and create new tasks with the new iteration (here the
// template version), completed ones of the old iteration kept as history.
func TestReplicatedJobUpdated(t *testing.T) {
	s := statetest.New()
	s.Node("w1")
	job(s, "batch", 3, 2)
	l := orchestratortest.New(s)
	l.Flush()
	start(s)
	complete(s, "t1")
	l.Want(t, "create batch.3")
	s.UpdateService("batch", func(spec *state.ServiceSpec) { spec.ForceUpdate++ })
	l.Want(t, "shutdown t2", "shutdown t3", "create batch.1", "create batch.2")
	for _, task := range s.Active("batch") {
		if task.Version != s.Versions["batch"] {
			t.Errorf("%s is of iteration %d, want %d", task.Name(), task.Version, s.Versions["batch"])
		}
	}
	if s.Tasks.Get("t1") == nil || !s.Tasks.Get("t1").Completed() {
		t.Error("the old iteration's completed task was not kept")
	}
}

// Ported from swarmkit jobs/replicated/reconciler_test.go "the service
// does not exist": it should create no tasks.
func TestReplicatedJobServiceGone(t *testing.T) {
	s := statetest.New()
	s.Node("w1")
	job(s, "batch", 3, 3)
	l := orchestratortest.New(s)
	s.Apply(&state.RemoveService{Name: "batch"})
	l.Want(t)
}

// A job's task that completes is not restarted, whatever the restart
// condition: swarmkit's restart.go shouldRestart treats any as on-failure
// for jobs. Its slot is not filled again.
func TestCompletedTaskNotRestarted(t *testing.T) {
	s := statetest.New()
	s.Node("w1")
	job(s, "batch", 1, 1)
	l := orchestratortest.New(s)
	l.Want(t, "create batch.1")
	start(s)
	complete(s, "t1")
	l.Want(t)
	if task := s.Tasks.Get("t1"); task.Active() || task.Desired != state.TaskComplete {
		t.Errorf("the completed task is desired %s, active %v", task.Desired, task.Active())
	}
}

// A slot whose restart policy gave up stays as it is: the job does not
// fill it again behind the policy's back, as the replicated orchestrator
// keeps such a slot's number.
func TestGivenUpSlotHeld(t *testing.T) {
	s := statetest.New()
	s.Node("w1")
	s.Service(state.ServiceSpec{Name: "batch", Image: "fail", Mode: state.ModeReplicatedJob, Replicas: 2, MaxConcurrent: 1,
		Restart: state.RestartPolicy{Condition: "on-failure", MaxAttempts: 1}})
	l := orchestratortest.New(s)
	l.Want(t, "create batch.1")
	start(s)
	s.Fail("t1")
	l.Want(t, "shutdown t1", "create batch.1")
	start(s)
	s.Fail("t2")
	l.Want(t, "shutdown t2")
	l.Want(t, "create batch.2")
	start(s)
	complete(s, "t3")
	l.Want(t)
	if got := names(s, "batch"); len(got) != 0 {
		t.Errorf("the job still runs %q after its slots were done", got)
	}
}

// globalJob is swarmkit's jobs/global reconciler_test.go setup: nodes, and
// a global job.
func globalJob(s *statetest.Store, constraints ...string) {
	s.Service(state.ServiceSpec{Name: "once", Image: "done", Mode: state.ModeGlobalJob, Constraints: constraints})
}

// Ported from swarmkit jobs/global/reconciler_test.go "creating new
// tasks": it should create a task for each node, with the desired state
// COMPLETE.
func TestGlobalJobTaskForEachNode(t *testing.T) {
	s := statetest.New()
	s.Node("w1")
	s.Node("w2")
	globalJob(s)
	l := orchestratortest.New(s)
	l.Want(t, "create once.w1 on w1", "create once.w2 on w2")
	wantDesiredComplete(t, s)
}

// Ported from swarmkit jobs/global/reconciler_test.go "there are already
// existing tasks": it should only create tasks for nodes that need them;
// a node whose task completed needs none.
func TestGlobalJobExistingTasks(t *testing.T) {
	s := statetest.New()
	s.Node("w1")
	s.Node("w2")
	s.Node("w3")
	globalJob(s)
	s.Start("once", 0, "w1")
	done := s.Start("once", 0, "w2")
	complete(s, done.ID)
	l := orchestratortest.New(s)
	l.Want(t, "create once.w3 on w3")
}

// Ported from swarmkit jobs/global/reconciler_test.go "there are
// placement constraints": it should only create tasks on nodes matching
// the constraints.
func TestGlobalJobConstraints(t *testing.T) {
	s := statetest.New()
	s.Node("w1")
	s.Node("w2", func(r *state.NodeRecord) { r.Labels = map[string]string{"disk": "ssd"} })
	globalJob(s, "node.labels.disk==ssd")
	l := orchestratortest.New(s)
	l.Want(t, "create once.w2 on w2")
}

// Ported from swarmkit jobs/global/reconciler_test.go "a node is drained
// or paused" and "a node is not READY": it should not create tasks for
// those nodes.
func TestGlobalJobIneligibleNodes(t *testing.T) {
	s := statetest.New()
	s.Node("w1", func(r *state.NodeRecord) { r.Availability = state.Drain })
	s.Node("w2", func(r *state.NodeRecord) { r.Availability = state.Pause })
	s.Node("w3", func(r *state.NodeRecord) { r.Status = state.NodeDown })
	s.Node("w4")
	globalJob(s)
	l := orchestratortest.New(s)
	l.Want(t, "create once.w4 on w4")
}

// Ported from swarmkit jobs/global/reconciler_test.go "a node is drained
// or paused": it should shut down tasks on drained nodes, and not put them
// back there.
func TestGlobalJobDrainedNode(t *testing.T) {
	s := statetest.New()
	s.Node("w1")
	globalJob(s)
	l := orchestratortest.New(s)
	l.Flush()
	s.Run()
	s.UpdateNode("w1", func(r *state.NodeRecord) { r.Availability = state.Drain })
	l.Want(t, "shutdown t1")
}

// Ported from swarmkit jobs/global/reconciler_test.go "there are failed
// tasks": the reconciler should not replace the failing tasks itself; the
// restart supervisor restarts each on its node.
func TestGlobalJobFailedTasks(t *testing.T) {
	s := statetest.New()
	s.Node("w1")
	s.Node("w2")
	globalJob(s)
	l := orchestratortest.New(s)
	l.Flush()
	s.Run()
	s.Fail("t1")
	l.Want(t, "shutdown t1", "create once.w1 on w1")
}

// Ported from swarmkit jobs/global/reconciler_test.go "the service is
// updated": it should remove tasks belonging to old iterations and create
// new tasks with the new iteration, on every node again.
func TestGlobalJobUpdated(t *testing.T) {
	s := statetest.New()
	s.Node("w1")
	s.Node("w2")
	globalJob(s)
	l := orchestratortest.New(s)
	l.Flush()
	s.Run()
	complete(s, "t1")
	l.Want(t)
	s.UpdateService("once", func(spec *state.ServiceSpec) { spec.ForceUpdate++ })
	l.Want(t, "shutdown t2", "create once.w1 on w1", "create once.w2 on w2")
}

// Ported from swarmkit jobs/orchestrator_test.go "receiving task events":
// it should reconcile the service of a task that has entered a terminal
// state, and ignore tasks that are not in a terminal state.
func TestReconcileOnTerminalTask(t *testing.T) {
	s := statetest.New()
	s.Node("w1")
	job(s, "batch", 3, 1)
	l := orchestratortest.New(s)
	l.Want(t, "create batch.1")
	start(s) // running: not terminal
	l.Want(t)
	complete(s, "t1")
	l.Want(t, "create batch.2")
}

// Ported from swarmkit jobs/orchestrator_test.go "initialization": it
// should reconcile each replicated and each global job service that
// already exists when the orchestrator starts (a new leader).
func TestReconcileExistingJobs(t *testing.T) {
	s := statetest.New()
	s.Node("w1")
	job(s, "batch", 2, 2)
	globalJob(s)
	l := orchestratortest.New(s)
	got := l.Flush()
	want := []string{"create batch.1", "create batch.2", "create once.w1 on w1"}
	if !slices.Equal(got, want) {
		t.Errorf("the first flush did %q, want %q", got, want)
	}
}

// Ported from swarmkit jobs/orchestrator_test.go "a service is deleted":
// it should remove tasks when a service is deleted (here the store drops a
// removed service's tasks with it), and nothing is created for it again.
func TestServiceDeletedRemovesTasks(t *testing.T) {
	s := statetest.New()
	s.Node("w1")
	job(s, "batch", 4, 2)
	l := orchestratortest.New(s)
	l.Flush()
	start(s)
	complete(s, "t1")
	s.Apply(&state.RemoveService{Name: "batch"})
	l.Want(t)
	if n := s.Tasks.Len(); n != 0 {
		t.Errorf("%d tasks of the removed job remain", n)
	}
}

// As in swarmkit, whose jobs orchestrator reacts to service and task
// events only, a node that joins after a global job ran gets its task when
// the job is next reconciled (here: updated), not when it joins.
func TestGlobalJobNodeJoinsLater(t *testing.T) {
	s := statetest.New()
	s.Node("w1")
	globalJob(s)
	l := orchestratortest.New(s)
	l.Flush()
	s.Run()
	complete(s, "t1")
	l.Want(t)
	s.Node("w2")
	l.Want(t)
	s.UpdateService("once", func(spec *state.ServiceSpec) { spec.ForceUpdate++ })
	l.Want(t, "create once.w1 on w1", "create once.w2 on w2")
}

// Ported from swarmkit jobs/orchestrator_restart_test.go "Jobs
// RestartSupervisor Integration": it should not restart tasks if the
// Condition is RestartOnNone, and should only restart tasks MaxAttempt
// times; either way the job does not fill the slot again itself.
func TestJobRestartPolicy(t *testing.T) {
	for _, tc := range []struct {
		policy state.RestartPolicy
		tasks  int // in the end, failed
	}{
		{state.RestartPolicy{Condition: "none"}, 1},
		{state.RestartPolicy{Condition: "on-failure", MaxAttempts: 3}, 4},
	} {
		s := statetest.New()
		s.Node("w1")
		s.Service(state.ServiceSpec{Name: "norestartservice", Image: "fail", Mode: state.ModeReplicatedJob, Replicas: 1, MaxConcurrent: 1, Restart: tc.policy})
		l := orchestratortest.New(s)
		l.Flush()
		for range 6 {
			start(s)
			for _, task := range s.Active("norestartservice") {
				s.Fail(task.ID)
			}
			l.Flush()
			l.Flush()
		}
		if n := s.Tasks.Len(); n != tc.tasks {
			t.Errorf("restart %+v: %d tasks, want %d", tc.policy, n, tc.tasks)
		}
		if got := names(s, "norestartservice"); len(got) != 0 {
			t.Errorf("restart %+v: %q still run", tc.policy, got)
		}
	}
}

// Ported from swarmkit jobs/global/reconciler_test.go FixTask "should
// shut down the task if its node is no longer valid" and "should take no
// action if the task is already desired to be shutdown": when the job is
// reconciled, the task of a node that went down is shut down, and nothing
// replaces it elsewhere; a task already shut down is left alone.
func TestGlobalJobInvalidNode(t *testing.T) {
	s := statetest.New()
	s.Node("w1")
	s.Node("w2")
	globalJob(s)
	l := orchestratortest.New(s)
	l.Flush()
	s.Run()
	s.UpdateNode("w1", func(r *state.NodeRecord) { r.Status = state.NodeDown })
	l.Want(t) // the jobs orchestrator does not react to nodes
	complete(s, "t2")
	l.Want(t, "shutdown t1") // reconciled as w2's task completed
	if task := s.Tasks.Get("t1"); task.Active() || task.Reason != state.ReasonNodeDown {
		t.Errorf("w1's task is desired %s (%q), want shut down because its node is down", task.Desired, task.Reason)
	}
	s.UpdateService("once", func(spec *state.ServiceSpec) { spec.Constraints = []string{"node.role==worker"} })
	l.Want(t, "create once.w2 on w2")
}
