package cluster

import (
	"testing"
	"time"
)

// A scale-down committed just before the leader dies cannot be acted on
// until a new leader takes over: the extra tasks run on meanwhile, as in
// Docker, and the checker gives the new leader its own grace period
// instead of counting the time without one.
func TestGraceWaitsForALeaderThatCanAct(t *testing.T) {
	c := newTestCluster(t, "1-1-1", 2, 4)
	c.check = newChecker(c)
	mustApply(t, c, CreateService(service("web", 4)))
	settle(t, c)
	old := c.leader
	var acked bool
	c.Send(Request{Client: 1, Manager: old, Op: OpScale, Service: "web", Replicas: 1}, func(call Call) {
		if call.Outcome == CallOK {
			acked = true
			c.After(0, func() { // before its next flush stops anything
				c.nodes[c.byName[old]].kill()
				c.updateLeader()
			})
		}
	})
	mustRun(t, c, time.Second)
	if !acked {
		t.Fatal("the scale-down was not acknowledged")
	}
	mustRun(t, c, electionBound) // fails on a violation
	if c.leader == "" || c.leader == old {
		t.Fatalf("no new leader after %s died", old)
	}
	if web := serviceView(t, c, "web"); web.Running != 1 {
		t.Errorf("web runs %d tasks under the new leader, want 1", web.Running)
	}
}
