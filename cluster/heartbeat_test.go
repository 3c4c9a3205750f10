package cluster

import (
	"fmt"
	"testing"
	"time"

	"github.com/swarmsim/swarmsim/az"
)

// Settled heartbeats are an economy, not a behaviour: random schedules
// (kills, restarts, partitions, heals, drains, scaling, with the
// invariant checker on) give the same timeline and the same final picture
// whether steady nodes settle or deliver every heartbeat.
func TestSettledHeartbeatsChangeNothing(t *testing.T) {
	if settleHeartbeats != true {
		t.Fatal("heartbeats do not settle by default")
	}
	replay := func(seed uint64, settle bool) string {
		settleHeartbeats = settle
		defer func() { settleHeartbeats = true }()
		c, err := runSchedule(seed)
		if err != nil {
			return fmt.Sprintf("error: %v", err)
		}
		if err := c.RunFor(10 * time.Minute); err != nil {
			return fmt.Sprintf("error: %v", err)
		}
		return fmt.Sprintf("%v\n%s", c.Events(), pictureText(t, c))
	}
	for seed := uint64(1); seed <= 40; seed++ {
		if got, want := replay(seed, true), replay(seed, false); got != want {
			t.Errorf("schedule %d differs with settled heartbeats:\n%s\nwant:\n%s", seed, got, want)
		}
	}
}

// Settling must actually happen in a steady swarm, or the economy is lost
// without a test noticing: an hour of a quiet swarm delivers about one
// heartbeat per node, not 720.
func TestSteadyNodesSettle(t *testing.T) {
	l, err := az.Parse("1-1-1")
	if err != nil {
		t.Fatal(err)
	}
	c, err := New(Config{Seed: 1, Layout: l.WithWorkers(20)})
	if err != nil {
		t.Fatal(err)
	}
	mustRun(t, c, time.Minute)
	before := c.steps
	mustRun(t, c, time.Hour)
	if len(c.settled) != len(c.nodes) {
		t.Errorf("%d of %d nodes settled after a quiet minute", len(c.settled), len(c.nodes))
	}
	// Raft ticks (3 managers × 3,600) and the leader's Raft heartbeats
	// with their answers (2 × 2 × 3,600) and flushes remain: 23 nodes'
	// 720 heartbeats each would add 16,560.
	if steps := c.steps - before; steps > 30000 {
		t.Errorf("%d events in a quiet hour: heartbeats are delivered one by one", steps)
	}
	// And the swarm still sees a node die on time: heartbeat failure
	// after the grace, counted from its last heartbeat.
	mustApply(t, c, Kill("w1"))
	mustRun(t, c, HeartbeatGrace+2*time.Second)
	if got := c.leaderManager().store().Nodes["w1"].Status; got != NodeDown {
		t.Errorf("w1 is %s %v after it died, want down", got, HeartbeatGrace+2*time.Second)
	}
}
