package cluster

import (
	"testing"
	"time"
)

// A replicated job runs its completions at most MaxConcurrent at a time
// and then stops: five completions of an image that exits 0, two at a
// time, and a finished job runs nothing, as `docker service ls` shows
// "0/2 (5/5 completed)".
func TestReplicatedJobCompletes(t *testing.T) {
	c := newTestCluster(t, "1-1-1", 3, 7)
	spec := service("batch", 5)
	spec.Image, spec.Mode, spec.MaxConcurrent = "done", ModeReplicatedJob, 2
	mustApply(t, c, CreateService(spec))
	most := 0
	for range 60 {
		mustRun(t, c, time.Second)
		most = max(most, serviceView(t, c, "batch").Running)
	}
	sv := serviceView(t, c, "batch")
	if sv.Completed != 5 || sv.Completions != 5 || sv.Running != 0 || sv.Desired != 0 || sv.MaxConcurrent != 2 {
		t.Errorf("batch: %d/%d running, %d/%d completed, max %d; want 0/0, 5/5, max 2", sv.Running, sv.Desired, sv.Completed, sv.Completions, sv.MaxConcurrent)
	}
	if most != 2 {
		t.Errorf("at most %d tasks ran at once, want 2 (--max-concurrent)", most)
	}
	if n := len(c.Snapshot().Tasks); n != 5 {
		t.Errorf("the job has %d tasks, want 5: one per completion, none restarted", n)
	}
	if !c.Converged() {
		t.Error("a finished job leaves the swarm short of converged")
	}
}

// A global job completes once on every eligible node, and an update runs
// it again (swarmkit's JobIteration).
func TestGlobalJobCompletesAndRunsAgain(t *testing.T) {
	c := newTestCluster(t, "1-1-1", 2, 7)
	spec := NewServiceSpec("once")
	spec.Image, spec.Mode = "done", ModeGlobalJob
	mustApply(t, c, CreateService(spec))
	mustRun(t, c, 30*time.Second)
	if sv := serviceView(t, c, "once"); sv.Completed != 5 || sv.Completions != 5 || sv.Running != 0 {
		t.Errorf("once: %d running, %d/%d completed; want 5/5 on the 5 nodes", sv.Running, sv.Completed, sv.Completions)
	}
	mustApply(t, c, UpdateService("once", func(s *ServiceSpec) { s.ForceUpdate++ }))
	mustRun(t, c, 30*time.Second)
	if sv := serviceView(t, c, "once"); sv.Completed != 5 || sv.Completions != 5 {
		t.Errorf("once after --force: %d/%d completed; want 5/5 again", sv.Completed, sv.Completions)
	}
	if n := len(c.Snapshot().Tasks); n != 10 {
		t.Errorf("the job has %d tasks, want 10: two iterations on 5 nodes", n)
	}
}

// Docker's checks on a job's counts.
func TestJobModeErrors(t *testing.T) {
	c := newTestCluster(t, "1", 0, 7)
	spec := service("web", 2)
	spec.MaxConcurrent = 1
	if err := c.Apply(CreateService(spec)); err == nil || err.Error() != "service web: max-concurrent can only be used with replicated-job mode" {
		t.Errorf("--max-concurrent on a replicated service: %v", err)
	}
	spec = NewServiceSpec("once")
	spec.Mode = ModeGlobalJob
	mustApply(t, c, CreateService(spec))
	if err := c.Apply(ScaleService("once", 3)); err == nil {
		t.Error("a global job was scaled")
	}
}

// docker swarm update --task-history-limit goes through Raft: every
// manager's store has it, and a slot keeps that many tasks.
func TestTaskHistoryLimitThroughRaft(t *testing.T) {
	c := newTestCluster(t, "1-1-1", 1, 7)
	mustApply(t, c, SetTaskHistoryLimit(2))
	spec := service("crash", 1)
	spec.Image = "fail"
	spec.Restart.Delay = time.Second
	mustApply(t, c, CreateService(spec))
	mustRun(t, c, time.Minute)
	for _, n := range c.nodes {
		if n.mgr != nil && n.mgr.store().TaskHistoryLimit != 2 {
			t.Errorf("%s's store has task history limit %d, want 2", n.name, n.mgr.store().TaskHistoryLimit)
		}
	}
	count := 0
	for _, task := range c.Snapshot().Tasks {
		if task.Service == "crash" {
			count++
		}
	}
	if count > 3 { // the limit, and the replacement made before the next trim
		t.Errorf("crash.1 keeps %d tasks, want at most 3 with a limit of 2", count)
	}
}

// docker service rollback of a job puts its previous spec back and runs it
// again, as swarmkit's controlapi does for every update of a job; there is
// no rolling update for the updater to drive.
func TestJobRollbackRunsAgain(t *testing.T) {
	c := newTestCluster(t, "1-1-1", 0, 7)
	spec := service("batch", 2)
	spec.Image, spec.Mode = "done", ModeReplicatedJob
	mustApply(t, c, CreateService(spec))
	mustRun(t, c, 10*time.Second)
	mustApply(t, c, UpdateService("batch", func(s *ServiceSpec) { s.Image = "done:2" }))
	mustRun(t, c, 10*time.Second)
	mustApply(t, c, RollbackService("batch"))
	mustRun(t, c, 10*time.Second)
	s := c.leaderManager().store()
	if got := s.Services["batch"].Image; got != "done" {
		t.Errorf("after the rollback batch runs %s, want done", got)
	}
	if u := s.Updates["batch"]; u != nil {
		t.Errorf("a job has a rolling update: %+v", u)
	}
	if sv := serviceView(t, c, "batch"); sv.Completed != 2 || s.Tasks.Len() != 6 {
		t.Errorf("batch: %d/%d completed with %d tasks; want 2/2 of 6 (three runs)", sv.Completed, sv.Completions, s.Tasks.Len())
	}
}
