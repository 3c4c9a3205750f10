package cluster

import "time"

// checkGate decides when the checker's state invariants (checkState) are
// worth looking at. Most steps deliver a Raft heartbeat that changes
// nothing those invariants read: what nodes run, the leader's store, who
// leads. So they are checked after a step that touched one of those, and
// once a tick besides, for the invariants that allow a grace period and
// break by time passing alone.
type checkGate struct {
	touched bool
	last    time.Duration // when they were last checked
}

// touch notes a change to what checkState reads.
func (g *checkGate) touch() { g.touched = true }

// due reports whether the state invariants must be checked now, and
// assumes they will be.
func (g *checkGate) due(now time.Duration) bool {
	if !g.touched && now-g.last < TickInterval {
		return false
	}
	g.touched, g.last = false, now
	return true
}
