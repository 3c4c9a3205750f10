package cluster

import (
	"errors"
	"testing"
	"time"

	"github.com/swarmsim/swarmsim/az"
)

// checkedTestCluster is newTestCluster with the invariant checker on.
func checkedTestCluster(t *testing.T, layout string, workers int, seed uint64) *Cluster {
	t.Helper()
	l, err := az.Parse(layout)
	if err != nil {
		t.Fatal(err)
	}
	c, err := New(Config{Seed: seed, Layout: l.WithWorkers(workers), Check: true})
	if err != nil {
		t.Fatal(err)
	}
	mustRun(t, c, time.Second)
	if c.leader == "" {
		t.Fatal("no leader 1s after swarm init")
	}
	return c
}

// The audit's replay: a promotion proposed while the leader has lost its
// quorum cannot commit, so it must leave nothing behind. Before membership
// went through Raft first, w1 got manager software with an empty Raft
// member at once, and `docker swarm init --force-new-cluster` on w1 was
// then accepted and built a swarm from "the state as of entry 0": no
// services, and a second leader of a term m1 had led.
func TestPromotionThatCannotCommitMakesNoManager(t *testing.T) {
	c := checkedTestCluster(t, "1-1-1", 1, 21)
	mustApply(t, c, CreateService(service("web", 2)))
	settle(t, c)
	mustApply(t, c, Kill("m2", "m3"))
	// m1 still leads until CheckQuorum notices, so the promotion is
	// proposed and cannot commit.
	if err := c.Apply(Promote("w1")); !errors.Is(err, ErrDeadline) {
		t.Fatalf("promoting w1 with 1 of 3 managers alive: %v, want %v", err, ErrDeadline)
	}
	if n, _ := c.node("w1"); n.mgr != nil {
		t.Errorf("w1 runs manager software although its promotion never committed")
	}
	mustRun(t, c, electionBound)
	err := c.Apply(ForceNewCluster("w1"))
	if err == nil || err.Error() != msgNotManager {
		t.Fatalf("force-new-cluster on w1, a worker: %v, want Docker's %q", err, msgNotManager)
	}
	// The manager that holds the state can still recover the swarm.
	mustApply(t, c, ForceNewCluster("m1"))
	mustRun(t, c, 5*time.Second)
	if c.leader != "m1" {
		t.Fatalf("leader after force-new-cluster on m1: %q", c.leader)
	}
	if s := c.leaderManager().store(); s.Services["web"] == nil || s.Nodes["w1"].Role != RoleWorker {
		t.Errorf("after force-new-cluster on m1: services %v, w1 a %s; want web kept and w1 a worker", s.ServiceNames(), s.Nodes["w1"].Role)
	}
	mustRun(t, c, electionBound)
}

// Joining as a manager is a node-add and then a promotion: neither leaves
// a manager behind unless the Raft configuration change commits.
func TestJoinAsManagerDuringLostQuorumMakesNoManager(t *testing.T) {
	c := checkedTestCluster(t, "1-1-1", 0, 22)
	mustApply(t, c, Kill("m2", "m3"))
	err := c.Apply(Join(RoleManager, "b", "m4"))
	if !errors.Is(err, ErrDeadline) && !errors.Is(err, ErrNoLeader) {
		t.Fatalf("joining as a manager with 1 of 3 managers alive: %v, want Docker's deadline or no-leader error", err)
	}
	mustRun(t, c, electionBound)
	if err := c.Apply(ForceNewCluster("m4")); err == nil || err.Error() != msgNotManager {
		t.Fatalf("force-new-cluster on m4, which never became a manager: %v, want Docker's %q", err, msgNotManager)
	}
}

// A manager joins Raft only once the configuration change that adds it has
// committed; it starts empty and catches up from the leader's snapshot.
func TestJoinAsManagerStartsEmptyAndCatchesUp(t *testing.T) {
	c := checkedTestCluster(t, "1-1-1", 1, 23)
	mustApply(t, c, CreateService(service("web", 3)))
	settle(t, c)
	mustApply(t, c, Join(RoleManager, "c", "m4"))
	mustRun(t, c, 5*time.Second)
	if got := c.Snapshot().Quorum.Members; got != 4 {
		t.Fatalf("%d voters after m4 joined as a manager, want 4", got)
	}
	assertCaughtUp(t, c)
	mustApply(t, c, Kill("m4"))
	mustApply(t, c, Restart("m4"))
	mustRun(t, c, 5*time.Second)
	assertCaughtUp(t, c)
}

// Demoting the leader: swarmkit's role manager hands Raft leadership to
// another manager first, and that manager then removes the old leader. The
// swarm is without a leader for a round trip, not an election timeout, and
// the command succeeds once the removal has committed.
func TestDemotingTheLeaderTransfersLeadershipFirst(t *testing.T) {
	c := checkedTestCluster(t, "1-1-1", 2, 24)
	mustApply(t, c, CreateService(service("web", 4)))
	settle(t, c)
	old := c.leader
	start := c.Now()
	if err := c.Apply(Demote(old)); err != nil {
		t.Fatalf("demoting the leader %s: %v", old, err)
	}
	if took := c.Now() - start; took > time.Second {
		t.Errorf("demoting the leader took %s; a transfer and one commit take milliseconds", took)
	}
	if c.leader == "" || c.leader == old {
		t.Fatalf("leader after demoting %s: %q", old, c.leader)
	}
	if rec := c.leaderManager().store().Nodes[old]; rec.Role != RoleWorker {
		t.Errorf("%s is a %s after its demotion committed", old, rec.Role)
	}
	if got := c.Snapshot().Quorum.Members; got != 2 {
		t.Errorf("%d voters after demoting the leader, want 2", got)
	}
	// The timeline: the old leader loses leadership and the new one is
	// elected a round trip later.
	var lost time.Duration = -1
	for _, e := range c.EventsSince(start) {
		switch e.Kind {
		case EventLeaderLost:
			lost = e.At
		case EventLeaderElected:
			if lost >= 0 && e.At-lost > 100*time.Millisecond {
				t.Errorf("the swarm was without a leader for %s during the demotion", e.At-lost)
			}
		}
	}
	mustRun(t, c, electionBound)
	if web := serviceView(t, c, "web"); web.Running != 4 {
		t.Errorf("web runs %d of 4 after the leader was demoted", web.Running)
	}
}

// The quorum figures are Raft's: holds means the leader's Raft has heard
// from a quorum within CheckQuorum's window, and the margin counts the
// voters it hears.
func TestQuorumFiguresComeFromRaft(t *testing.T) {
	c := checkedTestCluster(t, "2-2-1", 0, 25)
	if c.leader != "m1" {
		t.Fatalf("m1 runs swarm init and should lead, %q does", c.leader)
	}
	p, err := az.ParsePartition("a|b,c", c.zones)
	if err != nil {
		t.Fatal(err)
	}
	mustApply(t, c, Partition(p))
	mustRun(t, c, 100*time.Millisecond)
	// m1 in zone a can no longer reach b and c, but its Raft has not yet
	// run CheckQuorum, so it still leads and proposals still reach it. The
	// picture must not show a leader next to "quorum lost".
	snap := c.Snapshot()
	if snap.Leader != "m1" || !snap.Quorum.Holds {
		t.Errorf("just after the cut: leader %q, quorum holds %v; m1's Raft has not noticed yet, so it leads and holds", snap.Leader, snap.Quorum.Holds)
	}
	mustRun(t, c, electionBound)
	snap = c.Snapshot()
	lead, _ := c.node(snap.Leader)
	if lead == nil || c.zones[lead.zone] == "a" {
		t.Fatalf("leader after the partition: %q, want one in b or c", snap.Leader)
	}
	// All five managers are alive, but the leader's Raft hears only the
	// three on its side of the cut: m1 and m2 are as lost to the quorum as
	// if they were dead. With 3 reached and 3 needed, one more failure on
	// the leader's side loses the quorum: no more failures are tolerated,
	// although counting live managers (5 alive − 3 needed) would say 2.
	q := snap.Quorum
	if !q.Holds || q.Alive != 5 || q.Reachable != 3 || q.Needed != 3 || q.MoreFailuresTolerated != 0 {
		t.Errorf("after the partition: holds %v, %d alive, %d reachable, %d needed, %d more failures tolerated; want true, 5, 3, 3, 0",
			q.Holds, q.Alive, q.Reachable, q.Needed, q.MoreFailuresTolerated)
	}
	// And Raft agrees: one more manager lost on the leader's side, and no
	// leader can be elected.
	mustApply(t, c, Kill("m5"))
	mustRun(t, c, electionBound)
	if q := c.Snapshot().Quorum; c.leader != "" || q.Holds || q.MoreFailuresTolerated != 0 {
		t.Errorf("after killing m5 too: leader %q, holds %v, %d more failures tolerated; want none, false, 0", c.leader, q.Holds, q.MoreFailuresTolerated)
	}
}

// Without a partition the margin is the live voters the leader hears minus
// the quorum, and it shrinks as Raft notices each loss.
func TestMoreFailuresToleratedCountsVotersTheLeaderHears(t *testing.T) {
	c := checkedTestCluster(t, "2-2-1", 0, 26)
	mustRun(t, c, electionBound)
	if q := c.Snapshot().Quorum; !q.Holds || q.Reachable != 5 || q.MoreFailuresTolerated != 2 {
		t.Fatalf("a healthy 5-manager swarm: holds %v, %d reachable, %d more failures tolerated; want true, 5, 2", q.Holds, q.Reachable, q.MoreFailuresTolerated)
	}
	victim := "m5"
	if c.leader == victim {
		victim = "m4"
	}
	mustApply(t, c, Kill(victim))
	mustRun(t, c, electionBound)
	if q := c.Snapshot().Quorum; !q.Holds || q.Alive != 4 || q.Reachable != 4 || q.MoreFailuresTolerated != 1 {
		t.Errorf("with %s dead: holds %v, %d alive, %d reachable, %d more failures tolerated; want true, 4, 4, 1", victim, q.Holds, q.Alive, q.Reachable, q.MoreFailuresTolerated)
	}
}
