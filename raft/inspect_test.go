package raft

import (
	"fmt"
	"reflect"
	"testing"
)

// A fresh three-member cluster whose member 1 campaigns, then leads N
// proposals to commit: every number is known in advance. The bootstrap
// snapshot sits at index 2 and no hard state is stored yet, so the first
// election (PreVote, then a real vote) is for term 1; the new leader's empty
// entry is index 3, so the N proposals end at 3+N.
func TestInspectAfterKnownProposals(t *testing.T) {
	const n = 7
	ls := newLockstep(t, 3, 1, nil)
	if err := ls.members[1].Campaign(); err != nil {
		t.Fatal(err)
	}
	ls.settle()
	if lead := ls.leader(); lead != 1 {
		t.Fatalf("member %d leads; member 1 campaigned first", lead)
	}
	for i := range n {
		if err := ls.members[1].Propose(fmt.Appendf(nil, "p%d", i)); err != nil {
			t.Fatal(err)
		}
		ls.settle()
	}
	// One heartbeat round tells the followers the last commit index.
	ls.tick()

	const last = 2 + 1 + n
	want := map[uint64]Inspection{
		1: {ID: 1, Running: true, State: Leader, Term: 1, Vote: 1, Lead: 1, Commit: last, Applied: last, LastIndex: last,
			Followers: []FollowerStatus{
				{ID: 2, Match: last, Next: last + 1, RecentActive: true, State: "replicate"},
				{ID: 3, Match: last, Next: last + 1, RecentActive: true, State: "replicate"},
			}},
		2: {ID: 2, Running: true, State: Follower, Term: 1, Vote: 1, Lead: 1, Commit: last, Applied: last, LastIndex: last},
		3: {ID: 3, Running: true, State: Follower, Term: 1, Vote: 1, Lead: 1, Commit: last, Applied: last, LastIndex: last},
	}
	for _, id := range ls.ids() {
		if got := ls.members[id].Inspect(); !reflect.DeepEqual(got, want[id]) {
			t.Errorf("member %d:\n got %+v\nwant %+v", id, got, want[id])
		}
		if got := len(ls.apps[id].entries); got != n {
			t.Errorf("member %d applied %d proposals, want %d", id, got, n)
		}
	}

	// A crashed member answers from its disk: the hard state and the log it
	// persisted, and no applied index, since its state machine is gone.
	ls.members[3].Crash()
	ls.down[3] = true
	got := ls.members[3].Inspect()
	if wantDown := (Inspection{ID: 3, Term: 1, Vote: 1, Commit: last, LastIndex: last}); !reflect.DeepEqual(got, wantDown) {
		t.Errorf("crashed member 3:\n got %+v\nwant %+v", got, wantDown)
	}
}

// The leader sees a silent follower go inactive after an election timeout,
// and stop advancing its match while the others move on.
func TestInspectShowsAnInactiveFollower(t *testing.T) {
	ls := newLockstep(t, 3, 1, nil)
	if err := ls.members[1].Campaign(); err != nil {
		t.Fatal(err)
	}
	ls.settle()
	ls.down[3] = true
	for range DefaultElectionTicks + 1 {
		ls.tick()
	}
	if err := ls.members[1].Propose([]byte("x")); err != nil {
		t.Fatal(err)
	}
	ls.settle()
	in := ls.members[1].Inspect()
	if len(in.Followers) != 2 {
		t.Fatalf("leader tracks %d followers, want 2: %+v", len(in.Followers), in)
	}
	f2, f3 := in.Followers[0], in.Followers[1]
	if !f2.RecentActive || f2.Match != in.LastIndex {
		t.Errorf("follower 2 should be active and caught up at %d: %+v", in.LastIndex, f2)
	}
	if f3.RecentActive || f3.Match >= in.LastIndex {
		t.Errorf("follower 3 is cut off: it should be inactive and behind %d: %+v", in.LastIndex, f3)
	}
}
