package cluster

import (
	"fmt"
)

// RaftView is one manager's Raft as etcd Raft itself reports it
// (raft.Member.Inspect), with node names in place of Raft IDs: what a Raft
// instructor points at to explain terms, votes and log indexes.
type RaftView struct {
	Node, Zone string
	RaftID     uint64
	Running    bool
	State      string // follower, pre-candidate, candidate or leader; "dead" while crashed
	Term       uint64
	Vote       string // whom it voted for in Term; "" for nobody
	Lead       string // the leader it knows; "" for none
	// Commit, Applied and LastIndex are log indexes; a dead manager's
	// Commit and LastIndex are what its disk holds, and Applied is 0.
	Commit, Applied, LastIndex uint64
	Followers                  []FollowerView // the leader's view of every other voter; empty elsewhere
}

// FollowerView is the leader's record of one follower.
type FollowerView struct {
	Node         string
	Match, Next  uint64 // highest index known replicated; next index to send
	RecentActive bool   // heard from within the last election timeout
	State        string // probe, replicate or snapshot
}

// Raft reads every manager's Raft, in node order (as Snapshot lists them).
func (c *Cluster) Raft() []RaftView {
	var out []RaftView
	for _, n := range c.nodes {
		m := n.mgr
		if m == nil {
			continue
		}
		in := m.member.Inspect()
		v := RaftView{
			Node: m.node.name, Zone: c.zones[m.node.zone], RaftID: in.ID, Running: in.Running,
			State: in.State.String(), Term: in.Term, Vote: c.raftName(in.Vote), Lead: c.raftName(in.Lead),
			Commit: in.Commit, Applied: in.Applied, LastIndex: in.LastIndex,
		}
		if !in.Running {
			v.State = "dead"
		}
		for _, f := range in.Followers {
			v.Followers = append(v.Followers, FollowerView{Node: c.raftName(f.ID), Match: f.Match, Next: f.Next, RecentActive: f.RecentActive, State: f.State})
		}
		out = append(out, v)
	}
	return out
}

// raftName is the node behind a Raft ID: "" for 0, "raft N" for a member
// that has left the swarm.
func (c *roster) raftName(id uint64) string {
	if id == 0 {
		return ""
	}
	if i, ok := c.byRaft.at(id); ok {
		return c.nodes[i].name
	}
	return fmt.Sprintf("raft %d", id)
}
