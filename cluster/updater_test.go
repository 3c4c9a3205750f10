package cluster

import (
	"strings"
	"testing"
	"time"

	"github.com/swarmsim/swarmsim/az"
)

// These tests hold the updater to swarmkit's orchestrator/update/updater.go
// through the cluster's public API: a service is created and updated, and
// the timeline says when each slot was updated and how the update ended.

// eventsLike lists the events whose detail holds all of the given words.
func eventsLike(c *Cluster, words ...string) []Event {
	var out []Event
	for _, e := range c.Events() {
		all := true
		for _, w := range words {
			all = all && strings.Contains(e.Detail, w)
		}
		if all {
			out = append(out, e)
		}
	}
	return out
}

// updateEnd is the event that ended a service's update or rollback.
func updateEnd(c *Cluster, service string) *Event {
	for _, e := range c.Events() {
		if e.Kind == EventServiceUpdated && (strings.HasPrefix(e.Detail, service+" update ") || strings.HasPrefix(e.Detail, service+" rolling back")) {
			e := e
			return &e
		}
	}
	return nil
}

// Ported from swarmkit updater_test.go TestUpdater: every slot is updated,
// one at a time with parallelism 1, and the next slot starts as soon as the
// previous new task runs, plus the delay (the worker's loop), not after a
// monitor period. The update completes one monitor period after the last
// slot (Run's monitorLoop).
func TestUpdater(t *testing.T) {
	c := newTestCluster(t, "1-1-1", 3, 11)
	spec := service("web", 4)
	spec.Update.Delay = time.Second
	mustApply(t, c, CreateService(spec))
	settle(t, c)
	start := c.Now()
	mustApply(t, c, UpdateService("web", func(s *ServiceSpec) { s.Image = "nginx:2" }))
	mustRun(t, c, time.Minute)

	updated := eventsLike(c, "updated to version 2")
	if len(updated) != 4 {
		t.Fatalf("%d slots updated, want 4: %v", len(updated), updated)
	}
	for i := 1; i < len(updated); i++ {
		gap := updated[i].At - updated[i-1].At
		// The new task runs within a flush or two of its creation; then
		// the 1 s delay. Waiting the 5 s monitor too would make it > 6 s.
		if gap < time.Second || gap > 3*time.Second {
			t.Errorf("slot %d updated %s after the previous one, want the delay (1s) plus the time to run", i+1, gap)
		}
	}
	end := updateEnd(c, "web")
	if end == nil || !strings.Contains(end.Detail, "update completed") {
		t.Fatalf("the update did not complete: %v", end)
	}
	last := updated[len(updated)-1].At
	// The last task runs, its worker waits the delay, then Run watches one
	// more monitor period (5 s).
	if d := end.At - last; d < 6*time.Second || d > 8*time.Second {
		t.Errorf("the update completed %s after the last slot, want about delay + monitor (6 s)", d)
	}
	if d := last - start; d > 12*time.Second {
		t.Errorf("the last slot was updated %s after the update began; batches waited the monitor between them", d)
	}
}

// Ported from swarmkit updater_test.go TestUpdaterFailureAction: a new task
// that fails within the monitor period pauses the update, and an update
// that is paused updates nothing more.
func TestUpdaterFailureAction(t *testing.T) {
	c := newTestCluster(t, "1-1-1", 0, 12)
	spec := service("web", 3)
	spec.Update.Delay = 3 * time.Second // the fail images exit after 2 s: before the next slot
	spec.Update.Monitor = 5 * time.Second
	mustApply(t, c, CreateService(spec))
	settle(t, c)
	mustApply(t, c, UpdateService("web", func(s *ServiceSpec) { s.Image = "fail:2" }))
	mustRun(t, c, time.Minute)
	if got := len(eventsLike(c, "updated to version 2")); got != 1 {
		t.Errorf("%d slots updated before the update paused, want 1", got)
	}
	if sv := serviceView(t, c, "web"); sv.Update != UpdatePaused {
		t.Errorf("update state %q, want paused", sv.Update)
	}

	// With failure action continue the update runs to its end.
	mustApply(t, c, UpdateService("web", func(s *ServiceSpec) {
		s.Image = "fail:3"
		s.Update.FailureAction = "continue"
	}))
	mustRun(t, c, 2*time.Minute)
	if got := len(eventsLike(c, "updated to version 3")); got != 3 {
		t.Errorf("%d slots updated with failure action continue, want 3", got)
	}
	if sv := serviceView(t, c, "web"); sv.Update != UpdateCompleted {
		t.Errorf("update state %q, want completed", sv.Update)
	}
}

// swarmkit's failureTriggersAction counts a failure only when the new task
// fails before it runs or within the monitor period of starting to run: a
// task that fails later is the restart policy's business, and the update
// Docker completes is not rolled back.
func TestUpdaterIgnoresFailureAfterMonitor(t *testing.T) {
	c := newTestCluster(t, "1-1-1", 0, 13)
	spec := service("web", 3)
	spec.Update.FailureAction = "rollback"
	spec.Update.Monitor = time.Second // the fail images exit after 2 s
	mustApply(t, c, CreateService(spec))
	settle(t, c)
	mustApply(t, c, UpdateService("web", func(s *ServiceSpec) { s.Image = "fail:2" }))
	mustRun(t, c, time.Minute)
	end := updateEnd(c, "web")
	if end == nil || !strings.Contains(end.Detail, "update completed") {
		t.Fatalf("the update ended %v, want completed: its tasks failed only after the 1 s monitor", end)
	}
	if got := len(eventsLike(c, "rolling back")); got != 0 {
		t.Errorf("rolled back %d times", got)
	}
}

// swarmkit counts failures against the dirty slots and names the task whose
// failure crossed --update-max-failure-ratio, not the first one that failed.
func TestUpdaterMaxFailureRatioNamesCrossingTask(t *testing.T) {
	c := newTestCluster(t, "1-1-1", 1, 14)
	spec := service("web", 4)
	spec.Update.FailureAction = "rollback"
	spec.Update.Parallelism = 0 // all four at once
	spec.Update.MaxFailureRatio = 500_000
	mustApply(t, c, CreateService(spec))
	settle(t, c)
	mustApply(t, c, UpdateService("web", func(s *ServiceSpec) { s.Image = "fail:2" }))
	mustRun(t, c, time.Minute)
	failed := eventsLike(c, "web.", "failed on")
	rolled := eventsLike(c, "rolling back: update rolled back due to failure or early termination of task")
	if len(failed) < 3 || len(rolled) != 1 {
		t.Fatalf("failures %v, rollbacks %v", failed, rolled)
	}
	// Two of four failed are exactly 0.5, tolerated; the third crosses.
	third := strings.Fields(failed[2].Detail)[0]
	if !strings.HasSuffix(rolled[0].Detail, "task "+third) {
		t.Errorf("rollback %q, want it to name %s, the third failure", rolled[0].Detail, third)
	}
}

// swarmkit's rollback is an update with the previous spec: it completes only
// after the rolled-back tasks run and one monitor period has passed.
func TestRollbackCompletesAfterTasksRun(t *testing.T) {
	c := newTestCluster(t, "1-1-1", 0, 15)
	spec := service("web", 3)
	spec.Update.FailureAction = "rollback"
	spec.Rollback.Monitor = 3 * time.Second
	mustApply(t, c, CreateService(spec))
	settle(t, c)
	mustApply(t, c, UpdateService("web", func(s *ServiceSpec) { s.Image = "fail:2" }))
	mustRun(t, c, time.Minute)
	done := eventsLike(c, "rollback completed")
	if len(done) != 1 {
		t.Fatalf("rollback completions %v", done)
	}
	// The last task of the rollback ran before it completed, by a monitor.
	var lastRun time.Duration
	for _, e := range c.Events() {
		if strings.Contains(e.Detail, "updated to version 3") {
			lastRun = e.At
		}
	}
	if lastRun == 0 || done[0].At-lastRun < 3*time.Second {
		t.Errorf("rollback completed at %s, its last task was made at %s: want at least the 3 s rollback monitor after", FormatTime(done[0].At), FormatTime(lastRun))
	}
}

// containers counts the containers of a service that run on live nodes,
// whatever the store thinks: what a partition hides from the leader.
func containers(c *Cluster, service string) int {
	n := 0
	for _, k := range runningImages(c, service) {
		n += k
	}
	return n
}

// swarmkit's stop-first update holds the new task at READY until the old
// one has stopped, its node is down, or a minute passes (restart.go
// DelayStart with waitStop; TaskTimeout): cut off from the leader, the old
// task cannot be told to stop, and the new one must not run beside it.
func TestStopFirstWaitsForOldTaskToStop(t *testing.T) {
	c := newTestCluster(t, "1-1-1", 3, 16)
	spec := service("web", 1)
	spec.Constraints = []string{"node.role==worker"}
	mustApply(t, c, CreateService(spec))
	settle(t, c)
	var old *Task
	for _, tk := range c.Snapshot().Tasks {
		if tk.Active() {
			old = tk
		}
	}
	rec := c.leaderManager().store().Nodes[old.Node]
	others := []string{}
	for _, z := range c.Zones() {
		if z != rec.Zone {
			others = append(others, z)
		}
	}
	mustApply(t, c, Partition(az.Partition{Sides: [2][]string{{rec.Zone}, others}}))
	mustApply(t, c, UpdateService("web", func(s *ServiceSpec) {
		s.Image = "nginx:2"
		s.Constraints = append(s.Constraints, "node.hostname!="+old.Node)
	}))
	// Ported from swarmkit updater_test.go TestUpdaterTaskTimeout, as far
	// as a simulation reaches: an unreachable node is down within the
	// heartbeat grace, long before the minute, so the timeout is read off
	// the held task rather than waited for.
	mustRun(t, c, time.Second)
	l := c.leaderManager().lead
	var held *Task
	for _, tk := range l.s.TaskList() {
		if tk.Active() && tk.Image == "nginx:2" {
			held = tk
		}
	}
	if held == nil || held.State != TaskAssigned {
		t.Fatalf("the new task is %+v, want it assigned and held", held)
	}
	until, wait := l.waitsForStop(held)
	if want := time.Duration(held.Created)*time.Millisecond + OldTaskTimeout; !wait || until != want {
		t.Errorf("held until %s (%v), want %s", FormatTime(until), wait, FormatTime(want))
	}
	late := *held
	late.Created -= OldTaskTimeout.Milliseconds()
	if _, wait := l.waitsForStop(&late); wait {
		t.Error("a task made a minute ago still waits for the old one")
	}
	down := func() bool { return c.leaderManager().store().Nodes[old.Node].Status == NodeDown }
	for !down() {
		if c.Now() > 2*time.Minute {
			t.Fatalf("%s was never declared down", old.Node)
		}
		mustRun(t, c, 500*time.Millisecond)
		if n := containers(c, "web"); n > 1 && !down() {
			t.Fatalf("at %s %d containers of web run while %s is not down: the new task started beside the old one its node was never told to stop", FormatTime(c.Now()), n, old.Node)
		}
	}
	// Once the node is down the new task starts: the old one cannot be
	// reached, and Docker runs it without it.
	mustRun(t, c, 2*time.Second)
	if web := serviceView(t, c, "web"); web.Running != 1 {
		t.Errorf("web runs %d of 1 after %s went down", web.Running, old.Node)
	}
}

// Ported from swarmkit updater_test.go TestUpdaterPlacement: a change to
// placement alone that every task's node still satisfies replaces nothing,
// and the update completes.
func TestUpdaterPlacement(t *testing.T) {
	c := newTestCluster(t, "1-1-1", 0, 18)
	mustApply(t, c, CreateService(service("web", 3)))
	settle(t, c)
	before := map[string]bool{}
	for _, tk := range c.Snapshot().Tasks {
		if tk.Active() {
			before[tk.ID] = true
		}
	}
	mustApply(t, c, UpdateService("web", func(s *ServiceSpec) {
		s.Constraints = append(s.Constraints, "node.labels.zone!=nowhere")
	}))
	mustRun(t, c, 30*time.Second)
	kept := 0
	for _, tk := range c.Snapshot().Tasks {
		if tk.Active() && before[tk.ID] {
			kept++
		}
	}
	if kept != 3 {
		t.Errorf("%d of 3 tasks kept after a placement change every node satisfies", kept)
	}
	if sv := serviceView(t, c, "web"); sv.Update != UpdateCompleted {
		t.Errorf("update state %q, want completed", sv.Update)
	}
}

// Ported from swarmkit updater_test.go TestUpdaterOrder: with start-first
// each slot runs its new task before the old one is told to stop, so the
// old task's end comes after the new one's start.
func TestUpdaterOrder(t *testing.T) {
	c := newTestCluster(t, "1-1-1", 0, 19)
	spec := service("web", 3)
	spec.Update.Order = "start-first"
	mustApply(t, c, CreateService(spec))
	settle(t, c)
	mustApply(t, c, UpdateService("web", func(s *ServiceSpec) { s.Image = "nginx:2" }))
	mustRun(t, c, time.Minute)
	started := map[int]int64{}
	for _, tk := range c.Snapshot().Tasks {
		if tk.Active() && tk.Image == "nginx:2" && tk.State == TaskRunning {
			started[tk.Slot] = tk.Started
		}
	}
	if len(started) != 3 {
		t.Fatalf("%d slots run the new image, want 3", len(started))
	}
	old := 0
	for _, tk := range c.Snapshot().Tasks {
		if tk.Image != "nginx" {
			continue
		}
		old++
		if tk.Active() || tk.State != TaskShutdown {
			t.Errorf("old task %s is %s/%s, want shut down", tk.Name(), tk.Desired, tk.State)
		}
		if tk.Ended < started[tk.Slot] {
			t.Errorf("old task %s ended at %d ms, before its replacement ran at %d ms", tk.Name(), tk.Ended, started[tk.Slot])
		}
	}
	if old != 3 {
		t.Errorf("%d old tasks kept in the history, want 3", old)
	}
}

// Ported from swarmkit updater.go's worker and useExistingTask: an update
// that finds a slot already holding a task of its spec (left by an update
// it replaced, start-first, whose new task could not be placed) keeps
// that task and removes the others of the slot, without waiting for it to
// run. Here the first update's tasks stay pending on a constraint no node
// meets while the old ones go on running (start-first); the second update
// changes only the constraint, so those pending tasks are already of its
// spec: once they run, only they run. Found by chaos (seed
// 13846605558635407121: "blog_edge has run 4 tasks, 2 desired").
func TestUpdateKeepsAnEarlierUpdatesTaskAndStopsTheOld(t *testing.T) {
	c := newTestCluster(t, "1-1-1", 0, 5)
	spec := service("web", 2)
	spec.Update.Order = "start-first"
	spec.Update.Parallelism = 0 // every slot at once: the second update has nothing left to make
	mustApply(t, c, CreateService(spec))
	settle(t, c)
	mustApply(t, c, UpdateService("web", func(s *ServiceSpec) {
		s.Image = "nginx:2"
		s.Constraints = []string{"node.labels.tier==nowhere"}
	}))
	mustRun(t, c, 10*time.Second)
	if got := runningImages(c, "web"); got["nginx:2"] != 0 || got[spec.Image] != 2 {
		t.Fatalf("while the new tasks cannot be placed: %v, want the 2 old ones running", got)
	}
	mustApply(t, c, UpdateService("web", func(s *ServiceSpec) { s.Constraints = nil }))
	mustRun(t, c, time.Minute)
	if got := runningImages(c, "web"); got["nginx:2"] != 2 || len(got) != 1 {
		t.Errorf("a minute after the second update: %v, want only the 2 new tasks running", got)
	}
}

// runningImages counts the containers of a service that run on live
// nodes, by image.
func runningImages(c *Cluster, service string) map[string]int {
	out := map[string]int{}
	for _, n := range c.nodes {
		if !n.alive {
			continue
		}
		for id := range n.Running.All() {
			if t := c.leaderManager().store().Tasks.Get(id); t != nil && t.Service == service {
				out[t.Image]++
			}
		}
	}
	return out
}
