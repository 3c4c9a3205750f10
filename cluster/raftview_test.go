package cluster

import (
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/swarmsim/swarmsim/az"
)

// A fresh three-manager swarm, then N services with no replicas: each is
// one committed proposal and nothing else, since a service of 0 tasks
// gives the orchestrators nothing to do. The bootstrap snapshot is index 2,
// m1's election is term 1 with its empty entry at 3, so the log ends at
// 3+N on every manager.
func TestRaftAfterKnownProposals(t *testing.T) {
	const n = 4
	c := newTestCluster(t, "1-1-1", 0, 1)
	for i := range n {
		mustApply(t, c, CreateService(ServiceSpec{Name: fmt.Sprintf("s%d", i), Image: "nginx"}))
	}
	mustRun(t, c, 2*time.Second) // a heartbeat carries the last commit index to the followers
	const last = 3 + n
	want := []RaftView{
		{Node: "m1", Zone: "a", RaftID: 1, Running: true, State: "leader", Term: 1, Vote: "m1", Lead: "m1", Commit: last, Applied: last, LastIndex: last,
			Followers: []FollowerView{
				{Node: "m2", Match: last, Next: last + 1, RecentActive: true, State: "replicate"},
				{Node: "m3", Match: last, Next: last + 1, RecentActive: true, State: "replicate"},
			}},
		{Node: "m2", Zone: "b", RaftID: 2, Running: true, State: "follower", Term: 1, Vote: "m1", Lead: "m1", Commit: last, Applied: last, LastIndex: last},
		{Node: "m3", Zone: "c", RaftID: 3, Running: true, State: "follower", Term: 1, Vote: "m1", Lead: "m1", Commit: last, Applied: last, LastIndex: last},
	}
	if got := c.Raft(); !reflect.DeepEqual(got, want) {
		t.Errorf("Raft():\n got %+v\nwant %+v", got, want)
	}

	// The leader dies: its disk still holds term 1 and the whole log; the
	// survivors elect m2 or m3 in term 2, and the new leader has not heard
	// from m1 in its term, so m1 is inactive with nothing matched.
	mustApply(t, c, Kill("m1"))
	mustRun(t, c, electionBound)
	views := c.Raft()
	if v := views[0]; v.State != "dead" || v.Running || v.Term != 1 || v.Commit != last || v.LastIndex != last || v.Applied != 0 || v.Lead != "" {
		t.Errorf("dead m1: %+v", v)
	}
	lead := c.Snapshot().Leader
	for _, v := range views[1:] {
		if v.Term != 2 || v.Lead != lead || v.Vote != lead {
			t.Errorf("%s after the election: term %d, lead %q, vote %q; want term 2, %s leading with both votes", v.Node, v.Term, v.Lead, v.Vote, lead)
		}
		if v.Node != lead {
			continue
		}
		for _, f := range v.Followers {
			if f.Node == "m1" && (f.RecentActive || f.Match != 0) {
				t.Errorf("%s sees dead m1 as %+v", lead, f)
			}
			if f.Node != "m1" && (!f.RecentActive || f.Match != v.LastIndex) {
				t.Errorf("%s sees its live follower as %+v, want active at %d", lead, f, v.LastIndex)
			}
		}
	}
}

func TestTraceRecordsEveryLaneChange(t *testing.T) {
	l, _ := az.Parse("1-1-1")
	c, err := New(Config{Seed: 1, Layout: l, Trace: true})
	if err != nil {
		t.Fatal(err)
	}
	mustRun(t, c, time.Second)
	p, _ := az.ParsePartition("a|b,c", c.Zones())
	mustApply(t, c, Partition(p))
	mustRun(t, c, electionBound)
	mustApply(t, c, Kill("m3"))
	mustRun(t, c, time.Second)

	lanes := map[string][]Mark{}
	for i, m := range c.Trace() {
		if i > 0 && m.At < c.Trace()[i-1].At {
			t.Fatalf("marks out of time order at %d: %+v", i, m)
		}
		if prev := lanes[m.Node]; len(prev) > 0 {
			p := prev[len(prev)-1]
			if p.Alive == m.Alive && p.State == m.State && p.Term == m.Term && p.CutOff == m.CutOff {
				t.Errorf("a mark that changes nothing: %+v after %+v", m, p)
			}
		}
		lanes[m.Node] = append(lanes[m.Node], m)
	}
	last := func(n string) Mark { return lanes[n][len(lanes[n])-1] }
	// m1 led in term 1, was cut off alone in zone a, and stepped down; with
	// seed 1, m2 won the next term on the majority side, which is cut off
	// from a too, and still leads a second after m3 died (CheckQuorum takes
	// an election timeout to notice).
	if first := lanes["m1"][0]; first.At != 0 || first.Node != "m1" {
		t.Errorf("m1's lane does not start at 0: %+v", first)
	}
	if m := last("m1"); !m.Alive || !m.CutOff || m.State == "leader" {
		t.Errorf("m1 should end cut off and not leading: %+v", m)
	}
	if m := last("m3"); m.Alive || m.State != "" || m.Term != 0 {
		t.Errorf("m3 should end dead: %+v", m)
	}
	if m := last("m2"); !m.CutOff || m.State != "leader" || m.Term < 2 {
		t.Errorf("m2 should lead in a later term, cut off from a: %+v", m)
	}
	if c2, _ := New(Config{Seed: 1, Layout: l}); c2.Trace() != nil {
		t.Error("a cluster without Config.Trace recorded marks")
	}
}
