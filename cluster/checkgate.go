package cluster

import (
	"time"
)

// checkGate decides when the checker's state invariants (checkState) are
// worth looking at. Most steps deliver a Raft heartbeat that changes
// nothing those invariants read: what nodes run, the leader's store, who
// leads. So they are checked after a step that touched one of those, and
// once a tick besides, for the invariants that allow a grace period and
// break by time passing alone.
type checkGate struct {
	touched bool
	ticked  bool          // the check now due is due only because a tick passed
	last    time.Duration // when they were last checked
	term    uint64        // the leader's term when they were last checked
}

// touch notes a change to what checkState reads.
func (g *checkGate) touch() { g.touched = true }

// due reports whether the state invariants must be checked now, and
// assumes they will be.
func (g *checkGate) due(now time.Duration) bool {
	if !g.touched && now-g.last < TickInterval {
		return false
	}
	g.ticked = !g.touched
	g.touched, g.last = false, now
	return true
}

// pauseGrace restarts the grace periods of the invariants that give the
// leader time to act (a scale-down's extra tasks, a drained node's tasks)
// while no leader can act: there is none, a new one has just taken over,
// or the one there is cannot reach a quorum and so cannot commit the
// shutdowns. Tasks go on running then, in Docker as here.
func (c *Cluster) pauseGrace() {
	k := c.check
	if k == nil || len(k.extraSince)+len(k.drainedSince)+len(k.strays) == 0 {
		c.gate.term = c.leaderTerm
		return
	}
	lead := c.leaderManager()
	if lead == nil || c.leaderTerm != c.gate.term || !lead.hearsQuorum() {
		clear(k.extraSince)
		clear(k.drainedSince)
		clear(k.strays)
	}
	c.gate.term = c.leaderTerm
}

// hearsQuorum reports whether a quorum of the voters lead knows of can
// reach it.
func (lead *manager) hearsQuorum() bool {
	c := lead.c
	voters := lead.member.Voters()
	reached := 0
	for _, id := range voters {
		if i, ok := c.byRaft.at(id); ok && c.linked(lead.node, c.nodes[i]) {
			reached++
		}
	}
	return reached > len(voters)/2
}
