package cluster

import (
	"strings"
	"testing"
	"time"
)

func settle(t *testing.T, c *Cluster) {
	t.Helper()
	if ok, err := c.Settle(2 * time.Minute); err != nil || !ok {
		t.Fatalf("did not converge: %v", err)
	}
}

func service(name string, replicas int) ServiceSpec {
	s := NewServiceSpec(name)
	s.Replicas = replicas
	return s
}

func tasksOn(c *Cluster, node string) []string {
	for _, n := range c.Snapshot().Nodes {
		if n.Name == node {
			return n.Tasks.Names()
		}
	}
	return nil
}

func serviceView(t *testing.T, c *Cluster, name string) ServiceView {
	t.Helper()
	for _, sv := range c.Snapshot().Services {
		if sv.Name == name {
			return sv
		}
	}
	t.Fatalf("no service %s", name)
	return ServiceView{}
}

func TestDrainMovesTasksAndReturnGetsNothingUntilForce(t *testing.T) {
	c := newTestCluster(t, "1-1-1", 3, 1)
	mustApply(t, c, CreateService(service("web", 6)))
	settle(t, c)
	if len(tasksOn(c, "w1")) == 0 {
		t.Fatal("w1 runs nothing before the drain; the test needs it busy")
	}
	mustApply(t, c, UpdateNode("w1", NodeChange{Availability: Drain}))
	mustRun(t, c, 10*time.Second)
	if got := tasksOn(c, "w1"); len(got) != 0 {
		t.Errorf("w1 still runs %v after drain", got)
	}
	if web := serviceView(t, c, "web"); web.Running != 6 {
		t.Errorf("web runs %d of 6 after drain", web.Running)
	}

	mustApply(t, c, UpdateNode("w1", NodeChange{Availability: Active}))
	mustRun(t, c, 30*time.Second)
	if got := tasksOn(c, "w1"); len(got) != 0 {
		t.Errorf("w1 got %v back without --force; Swarm does not rebalance by itself", got)
	}
	mustApply(t, c, ForceUpdate("web"))
	mustRun(t, c, time.Minute)
	if got := tasksOn(c, "w1"); len(got) == 0 {
		t.Error("w1 still runs nothing after docker service update --force")
	}
	if web := serviceView(t, c, "web"); web.Running != 6 {
		t.Errorf("web runs %d of 6 after the forced update", web.Running)
	}
}

func TestPauseKeepsTasksButTakesNoNewOnes(t *testing.T) {
	c := newTestCluster(t, "1-1-1", 0, 2)
	mustApply(t, c, CreateService(service("web", 3)))
	settle(t, c)
	before := len(tasksOn(c, "m1"))
	mustApply(t, c, UpdateNode("m1", NodeChange{Availability: Pause}))
	mustApply(t, c, ScaleService("web", 6))
	mustRun(t, c, 10*time.Second)
	if got := len(tasksOn(c, "m1")); got != before {
		t.Errorf("paused m1 runs %d tasks, had %d", got, before)
	}
	if web := serviceView(t, c, "web"); web.Running != 6 {
		t.Errorf("web runs %d of 6", web.Running)
	}
}

func TestResourcesExhaustedThenFreed(t *testing.T) {
	c := newTestCluster(t, "1-1-1", 0, 3)
	big := service("big", 3)
	big.NanoCPUs = 3_000_000_000 // each node has 4 CPUs
	mustApply(t, c, CreateService(big))
	settle(t, c)
	more := service("more", 3)
	more.NanoCPUs = 2_000_000_000
	mustApply(t, c, CreateService(more))
	mustRun(t, c, 5*time.Second)
	sv := serviceView(t, c, "more")
	if sv.Pending != 3 || len(sv.Reasons) != 1 || sv.Reasons[0] != "no suitable node (insufficient resources on 3 nodes)" {
		t.Fatalf("more: %d pending, reasons %q", sv.Pending, sv.Reasons)
	}
	if n := c.PendingTasks(); n != 3 {
		t.Errorf("PendingTasks counts %d, the services' views 3", n)
	}
	mustApply(t, c, ScaleService("big", 0))
	mustRun(t, c, 10*time.Second)
	if sv := serviceView(t, c, "more"); sv.Running != 3 || sv.Pending != 0 {
		t.Errorf("after freeing capacity more runs %d, %d pending", sv.Running, sv.Pending)
	}
	if n := c.PendingTasks(); n != 0 {
		t.Errorf("after freeing capacity PendingTasks counts %d", n)
	}
}

func TestFailingUpdateRollsBack(t *testing.T) {
	c := newTestCluster(t, "1-1-1", 3, 4)
	spec := service("web", 4)
	spec.Update.FailureAction = "rollback"
	mustApply(t, c, CreateService(spec))
	settle(t, c)
	mustApply(t, c, UpdateService("web", func(s *ServiceSpec) { s.Image = "fail/web:2" }))
	mustRun(t, c, 2*time.Minute)

	m := c.leaderManager()
	if got := m.store().Services["web"].Image; got != "nginx" {
		t.Errorf("web runs image %q after a failed update with rollback, want nginx", got)
	}
	if u := m.store().Updates["web"]; u == nil || u.State != UpdateRollbackCompleted {
		t.Errorf("update status %+v, want rollback_completed", u)
	}
	for _, task := range m.store().TaskList() {
		if task.Active() && task.Image != "nginx" {
			task := task
			t.Errorf("task %s runs %s after the rollback", task.Name(), task.Image)
		}
	}
	if web := serviceView(t, c, "web"); web.Running != 4 {
		t.Errorf("web runs %d of 4 after the rollback", web.Running)
	}
	var rolled bool
	for _, e := range c.Events() {
		rolled = rolled || strings.Contains(e.Detail, "rolling back")
	}
	if !rolled {
		t.Error("the timeline does not say the update rolled back")
	}
}

func TestFailingUpdatePauses(t *testing.T) {
	c := newTestCluster(t, "1-1-1", 0, 5)
	spec := service("web", 3)
	// The next slot starts once the new task runs, plus the delay: the
	// failing image exits after 2 s, so with 3 s only one slot is taken.
	spec.Update.Delay = 3 * time.Second
	mustApply(t, c, CreateService(spec))
	settle(t, c)
	mustApply(t, c, UpdateService("web", func(s *ServiceSpec) { s.Image = "fail" }))
	mustRun(t, c, time.Minute)
	m := c.leaderManager()
	if u := m.store().Updates["web"]; u == nil || u.State != UpdatePaused || !strings.Contains(u.Message, "update paused due to failure") {
		t.Errorf("update status %+v, want paused", u)
	}
	old := 0
	for _, task := range m.store().TaskList() {
		if task.Active() && task.Image == "nginx" {
			old++
		}
	}
	if old != 2 {
		t.Errorf("%d tasks still run the old image; a paused update with parallelism 1 leaves 2", old)
	}
}

func TestStartFirstUpdateKeepsCapacity(t *testing.T) {
	c := newTestCluster(t, "1-1-1", 0, 6)
	spec := service("web", 3)
	spec.Update.Order = "start-first"
	mustApply(t, c, CreateService(spec))
	settle(t, c)
	mustApply(t, c, UpdateService("web", func(s *ServiceSpec) { s.Image = "nginx:2" }))
	for range 60 {
		mustRun(t, c, time.Second)
		if web := serviceView(t, c, "web"); web.Running < 3 {
			t.Fatalf("at %s web runs %d of 3 during a start-first update", FormatTime(c.now), web.Running)
		}
	}
	m := c.leaderManager()
	if u := m.store().Updates["web"]; u == nil || u.State != UpdateCompleted {
		t.Errorf("update status %+v", u)
	}
	for _, task := range m.store().TaskList() {
		if task.Active() && task.Image != "nginx:2" {
			t.Errorf("%s still runs %s", task.Name(), task.Image)
		}
	}
}

func TestRestartPolicy(t *testing.T) {
	for _, tc := range []struct {
		name      string
		policy    RestartPolicy
		wantTasks int // tasks created for the slot in two minutes
	}{
		{"none never restarts", RestartPolicy{Condition: "none"}, 1},
		{"on-failure with 2 attempts", RestartPolicy{Condition: "on-failure", Delay: time.Second, MaxAttempts: 2}, 3},
		{"any keeps restarting", RestartPolicy{Condition: "any", Delay: 5 * time.Second}, 5},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := newTestCluster(t, "1-1-1", 0, 7)
			spec := service("crash", 1)
			spec.Image, spec.Restart = "fail", tc.policy
			mustApply(t, c, CreateService(spec))
			mustRun(t, c, 2*time.Minute)
			created := 0
			for _, e := range c.Events() {
				if e.Kind == EventTaskPlaced && strings.HasPrefix(e.Detail, "crash.1 ") {
					created++
				}
			}
			// Docker keeps 5 tasks of history, so "any" shows up as at least 5.
			if tc.wantTasks < 5 && created != tc.wantTasks || tc.wantTasks == 5 && created < 5 {
				t.Errorf("crash.1 was started %d times, want %d", created, tc.wantTasks)
			}
		})
	}
}

func TestGlobalServiceMeetsNewNode(t *testing.T) {
	c := newTestCluster(t, "1-1-1", 2, 8)
	mustApply(t, c, CreateService(ServiceSpec{Name: "agent", Mode: ModeGlobal}))
	settle(t, c)
	if a := serviceView(t, c, "agent"); a.Running != 5 {
		t.Fatalf("agent runs %d of 5", a.Running)
	}
	mustApply(t, c, Join(RoleWorker, "b", ""))
	mustRun(t, c, 10*time.Second)
	if a := serviceView(t, c, "agent"); a.Running != 6 || a.Desired != 6 {
		t.Errorf("agent runs %d of %d after a node joined, want 6 of 6", a.Running, a.Desired)
	}
	if got := tasksOn(c, "w3"); len(got) != 1 || got[0] != "agent.w3" {
		t.Errorf("the new node w3 runs %v, want agent.w3", got)
	}
}

func TestPromoteAndDemote(t *testing.T) {
	c := newTestCluster(t, "1-1-1", 2, 9)
	mustApply(t, c, Promote("w1", "w2"))
	mustRun(t, c, 5*time.Second)
	snap := c.Snapshot()
	if snap.Quorum.Members != 5 {
		t.Fatalf("%d voters after promoting two workers, want 5", snap.Quorum.Members)
	}
	for _, n := range snap.Nodes {
		if (n.Name == "w1" || n.Name == "w2") && (n.Role != RoleManager || n.ManagerStatus != "Reachable") {
			t.Errorf("%s after promote: role %s, manager status %q", n.Name, n.Role, n.ManagerStatus)
		}
	}
	assertCaughtUp(t, c)
	mustApply(t, c, Demote("w1"))
	mustRun(t, c, 5*time.Second)
	if got := c.Snapshot().Quorum.Members; got != 4 {
		t.Errorf("%d voters after demoting w1, want 4", got)
	}
}

func TestDemoteRefusedWhenItWouldLoseQuorum(t *testing.T) {
	c := newTestCluster(t, "1-1-1", 0, 10)
	mustApply(t, c, Kill("m3"))
	mustRun(t, c, electionBound)
	lead := c.leader
	var other string
	for _, n := range []string{"m1", "m2"} {
		if n != lead {
			other = n
		}
	}
	err := c.Apply(Demote(other))
	if err == nil || err.Error() != msgLoseQuorum {
		t.Errorf("demoting %s with m3 dead: %v, want Docker's loss-of-quorum refusal", other, err)
	}
	if got := c.Snapshot().Quorum.Members; got != 3 {
		t.Errorf("%d voters after a refused demote, want 3", got)
	}
}

func TestForceNewClusterRecovers(t *testing.T) {
	c := newTestCluster(t, "2-2-1", 2, 11)
	mustApply(t, c, CreateService(service("web", 4)))
	settle(t, c)
	mustApply(t, c, Kill("m1", "m2", "m3"))
	mustRun(t, c, electionBound)
	if err := c.Apply(ScaleService("web", 6)); err != ErrNoLeader {
		t.Fatalf("scaling without quorum: %v", err)
	}
	before := c.nodes[c.byName["m5"]].mgr.store().Services["web"]
	mustApply(t, c, ForceNewCluster("m5"))
	mustRun(t, c, 5*time.Second)
	snap := c.Snapshot()
	if snap.Leader != "m5" || snap.Quorum.Members != 1 || !snap.Quorum.Holds {
		t.Fatalf("after force-new-cluster: leader %q, %d voters, holds %v", snap.Leader, snap.Quorum.Members, snap.Quorum.Holds)
	}
	if got := c.leaderManager().store().Services["web"]; got == nil || got.Replicas != before.Replicas {
		t.Errorf("web after force-new-cluster: %+v, want the state the survivor had", got)
	}
	managers := 0
	for _, n := range snap.Nodes {
		if n.Role == RoleManager {
			managers++
		}
	}
	if managers != 1 {
		t.Errorf("%d managers after force-new-cluster, want 1", managers)
	}
	mustApply(t, c, ScaleService("web", 6))
	settle(t, c)
	if web := serviceView(t, c, "web"); web.Running != 6 {
		t.Errorf("web runs %d of 6 after recovery", web.Running)
	}
	mustApply(t, c, Promote("m4", "w1"))
	mustRun(t, c, 5*time.Second)
	if got := c.Snapshot().Quorum.Members; got != 3 {
		t.Errorf("%d voters after promoting two more managers, want 3", got)
	}
}

func TestNodeRemove(t *testing.T) {
	c := newTestCluster(t, "1-1-1", 2, 12)
	if err := c.Apply(RemoveNode("w1", false)); err == nil || !strings.Contains(err.Error(), "is not down and can't be removed") {
		t.Errorf("removing a ready node: %v", err)
	}
	if err := c.Apply(RemoveNode("m2", false)); err == nil || !strings.Contains(err.Error(), "must be demoted to worker before removal") {
		t.Errorf("removing a manager: %v", err)
	}
	mustApply(t, c, Kill("w1"))
	mustRun(t, c, 30*time.Second)
	mustApply(t, c, RemoveNode("w1", false))
	if c.leaderManager().store().Nodes["w1"] != nil {
		t.Error("w1 is still in the swarm after docker node rm")
	}
}

// Swarmkit replaces a lost node's tasks only after reconciling services
// (the replicated orchestrator's tickTasks), and skips a task the
// reconciliation shut down: scaling a service to zero as its node goes
// down leaves no replacement running elsewhere.
func TestScaleDownAsANodeGoesDownReplacesNothing(t *testing.T) {
	c := newTestCluster(t, "1-1-1", 2, 6)
	mustApply(t, c, CreateService(service("web", 2)))
	settle(t, c)
	victim := ""
	for _, task := range c.leaderManager().store().TaskList() {
		if strings.HasPrefix(task.Node, "w") {
			victim = task.Node
		}
	}
	if victim == "" {
		t.Fatal("no web task on a worker")
	}
	mustApply(t, c, Kill(victim))
	for end := c.now + time.Minute; c.leaderManager().store().Nodes[victim].Status != NodeDown; {
		if c.now > end {
			t.Fatalf("%s never went down", victim)
		}
		mustRun(t, c, time.Millisecond)
	}
	c.Send(Request{Client: 1, Manager: c.leader, Op: OpScale, Service: "web", Replicas: 0}, nil)
	mustRun(t, c, 20*time.Second)
	if web := serviceView(t, c, "web"); web.Running != 0 {
		t.Errorf("web runs %d tasks after scaling to 0 as %s went down", web.Running, victim)
	}
}
