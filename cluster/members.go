package cluster

import (
	"time"
)

// MemberState is one manager's Raft role as its own Raft last reported it:
// what a picture of elections over time draws, one lane per manager.
type MemberState struct {
	Name  string
	Alive bool   // the machine runs; a dead manager's State and Term are zero
	State string // follower, pre-candidate, candidate or leader
	Term  uint64
	// Locked is a manager restarted under autolock, waiting for its key:
	// not alive to Raft, but not dead either.
	Locked bool
}

// Members lists every node that runs manager software, in name order. It
// reads only what the last Ready round left behind, so it is cheap enough to
// call after every event, which Snapshot is not.
func (c *Cluster) Members() []MemberState {
	out := make([]MemberState, len(c.managers))
	for i, m := range c.managers {
		out[i] = MemberState{Name: m.node.name, Alive: m.node.alive, Locked: m.node.locked, State: m.last.State.String(), Term: m.last.Term}
		if !m.node.alive {
			out[i].State, out[i].Term = "", 0
		}
	}
	return out
}

// RunWatched advances simulated time by d exactly as RunFor does, calling
// watch after every event. A candidacy lasts a few milliseconds of
// simulated time, so sampling between RunFor calls would miss most of them;
// watch sees each one. watch must only read the cluster.
func (c *Cluster) RunWatched(d time.Duration, watch func()) error {
	return c.runUntil(c.now+d, func() bool {
		watch()
		return false
	})
}
