package raft

import (
	"cmp"
	"slices"
	"strings"
)

// Inspection is what a Raft instructor asks a member: its role, term, vote,
// indexes and, on the leader, where each follower stands. Every number is
// read from etcd Raft (RawNode.Status and the member's etcd storage), never
// recomputed, so it shows what the library itself believes.
//
// While the member is crashed only its stable storage answers: Term, Vote,
// Commit and LastIndex are what the disk holds, and Applied is 0 because the
// state machine it had in memory is gone.
type Inspection struct {
	ID      uint64
	Running bool
	State   State  // Follower while crashed; read Running first
	Term    uint64 // invariant: never decreases over a member's life
	Vote    uint64 // the member this one voted for in Term; 0 for none
	Lead    uint64 // the leader it knows; 0 for none (always 0 while crashed)
	// Invariant: Applied <= Commit <= LastIndex while running.
	Commit  uint64
	Applied uint64
	// LastIndex is the last entry in stable storage. Process persists every
	// entry Raft hands out, so between rounds it is the log's last index.
	LastIndex uint64
	// Followers is the leader's view of every other voter, by ID; empty
	// unless State is Leader: only a leader tracks progress.
	Followers []FollowerStatus
}

// FollowerStatus is the leader's record of one follower.
type FollowerStatus struct {
	ID uint64
	// Match is the highest index known to be in the follower's log; Next is
	// the next index the leader will send it. Invariant: Match < Next.
	Match, Next uint64
	// RecentActive reports whether the follower was heard from within the
	// last election timeout; CheckQuorum counts only these.
	RecentActive bool
	// State is how the leader replicates to it: "probe" (one message at a
	// time, finding where the logs agree), "replicate" (streaming) or
	// "snapshot" (a snapshot is on its way).
	State string
}

// Inspect reads the member's Raft state from etcd. It allocates, unlike
// Status, so the simulation calls it only when someone asks.
func (m *Member) Inspect() Inspection {
	in := Inspection{ID: m.cfg.ID}
	if last, err := m.storage.LastIndex(); err == nil {
		in.LastIndex = last
	}
	if m.node == nil {
		if hs, _, err := m.storage.InitialState(); err == nil {
			in.Term, in.Vote, in.Commit = hs.GetTerm(), hs.GetVote(), hs.GetCommit()
		}
		return in
	}
	st := m.node.Status()
	in.Running = true
	in.State = stateOf(st.RaftState)
	in.Term, in.Vote, in.Commit = st.GetTerm(), st.GetVote(), st.GetCommit()
	in.Lead = st.Lead
	in.Applied = st.Applied
	for id, pr := range st.Progress {
		if id == m.cfg.ID {
			continue
		}
		in.Followers = append(in.Followers, FollowerStatus{
			ID: id, Match: pr.Match, Next: pr.Next, RecentActive: pr.RecentActive,
			// etcd spells them StateProbe, StateReplicate, StateSnapshot.
			State: strings.ToLower(strings.TrimPrefix(pr.State.String(), "State")),
		})
	}
	slices.SortFunc(in.Followers, func(a, b FollowerStatus) int { return cmp.Compare(a.ID, b.ID) })
	return in
}
