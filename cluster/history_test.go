package cluster

import (
	"bytes"
	"errors"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/swarmsim/swarmsim/az"
	"github.com/swarmsim/swarmsim/raft"
)

// send makes a call and runs the swarm until it is answered.
func send(t *testing.T, c *Cluster, r Request) Call {
	t.Helper()
	var got *Call
	c.Send(r, func(call Call) { got = &call })
	for end := c.now + RequestTimeout + time.Second; got == nil && c.now < end; {
		mustRun(t, c, 10*time.Millisecond)
	}
	if got == nil {
		t.Fatalf("%s to %s: no answer after the timeout", r, r.Manager)
	}
	return *got
}

// cutOff partitions the leader's zone from the others, and runs until the
// others have elected a leader of their own while the old one still
// believes it leads: the moment a stale leader exists.
func cutOff(t *testing.T, c *Cluster) (old, fresh string) {
	t.Helper()
	old = c.leader
	zone := c.zones[c.nodes[c.byName[old]].zone]
	var rest []string
	for _, z := range c.zones {
		if z != zone {
			rest = append(rest, z)
		}
	}
	mustApply(t, c, Partition(az.Partition{Sides: [2][]string{{zone}, rest}}))
	for end := c.now + electionBound; c.now < end; {
		mustRun(t, c, 10*time.Millisecond)
		if c.leader != old && c.leader != "" && c.nodes[c.byName[old]].mgr.last.State == raft.Leader {
			return old, c.leader
		}
	}
	t.Fatalf("no moment when %s still led after the others elected a leader", old)
	return "", ""
}

func TestClientCallsFollowDockersPath(t *testing.T) {
	c := newTestCluster(t, "1-1-1", 1, 5)
	mustApply(t, c, CreateService(service("web", 2)))
	settle(t, c)
	if call := send(t, c, Request{Client: 1, Manager: "m2", Op: OpScale, Service: "web", Replicas: 3}); call.Outcome != CallOK || call.Entry == 0 {
		t.Errorf("a scale through a follower: %v", call)
	}
	if call := send(t, c, Request{Client: 1, Manager: "m3", Op: OpInspect, Service: "web"}); call.Outcome != CallOK || call.Value != 3 {
		t.Errorf("a read after the write: %v", call)
	}
	if call := send(t, c, Request{Client: 1, Manager: "w1", Op: OpInspect, Service: "web"}); call.Outcome != CallFailed || !errors.Is(call.Err, ErrNotManager) {
		t.Errorf("a read sent to a worker: %v", call)
	}
	if call := send(t, c, Request{Client: 1, Manager: "m1", Op: OpInspect, Service: "db"}); call.Outcome != CallFailed || !strings.Contains(call.Err.Error(), "No such service: db") {
		t.Errorf("a read of a service that does not exist: %v", call)
	}
	mustApply(t, c, Kill("m2", "m3"))
	mustRun(t, c, electionBound)
	// A read without a leader fails as Docker's does, and so does Inspect.
	if call := send(t, c, Request{Client: 1, Manager: "m1", Op: OpInspect, Service: "web"}); call.Outcome != CallFailed || !errors.Is(call.Err, ErrNoLeader) {
		t.Errorf("a read without a leader: %v, want %v", call, ErrNoLeader)
	}
	if _, err := c.Inspect(); !errors.Is(err, ErrNoLeader) {
		t.Errorf("Inspect without a leader: %v", err)
	}
	if call := send(t, c, Request{Client: 1, Manager: "m2", Op: OpInspect, Service: "web"}); call.Outcome != CallFailed || !errors.Is(call.Err, ErrManagerDown) {
		t.Errorf("a read sent to a dead manager: %v", call)
	}
	if err := c.CheckHistory(); err != nil {
		t.Error(err)
	}
}

// A write proposed to a leader that has lost its quorum neither commits
// nor fails: the client times out not knowing, as with Docker's deadline.
func TestWriteToACutOffLeaderIsUnknown(t *testing.T) {
	c := newTestCluster(t, "1-1-1", 0, 7)
	mustApply(t, c, CreateService(service("web", 2)))
	settle(t, c)
	old, _ := cutOff(t, c)
	call := send(t, c, Request{Client: 1, Manager: old, Op: OpScale, Service: "web", Replicas: 5})
	if call.Outcome != CallUnknown || !errors.Is(call.Err, ErrDeadline) {
		t.Errorf("a write to a cut-off leader: %v", call)
	}
}

// A scale made from a spec that another write has since changed is
// refused, as Docker refuses an update out of sequence, instead of
// undoing that write.
func TestUpdateOutOfSequenceIsRefused(t *testing.T) {
	c := newTestCluster(t, "1-1-1", 0, 8)
	mustApply(t, c, CreateService(service("web", 2)))
	settle(t, c)
	var first, second *Call
	c.Send(Request{Client: 1, Manager: "m1", Op: OpScale, Service: "web", Replicas: 4}, func(call Call) { first = &call })
	c.Send(Request{Client: 2, Manager: "m1", Op: OpScale, Service: "web", Replicas: 6}, func(call Call) { second = &call })
	mustRun(t, c, time.Second)
	if first == nil || first.Outcome != CallOK || second == nil || second.Outcome != CallFailed || !errors.Is(second.Err, ErrOutOfSequence) {
		t.Fatalf("two scales from one revision: %v, then %v", first, second)
	}
	if got := c.leaderManager().store().Services["web"].Replicas; got != 4 {
		t.Errorf("web has %d replicas, want the first write's 4", got)
	}
	// The same holds for Docker commands run while a client's write is in
	// flight.
	c.Send(Request{Client: 1, Manager: "m1", Op: OpScale, Service: "web", Replicas: 5}, nil)
	if err := c.Apply(ScaleService("web", 1)); !errors.Is(err, ErrOutOfSequence) {
		t.Errorf("docker service scale behind a client's write: %v", err)
	}
}

// Clients calling random managers while managers die, restart and are cut
// off leave a history porcupine can linearize.
func TestClientHistoryUnderFailuresIsLinearizable(t *testing.T) {
	for seed := uint64(1); seed <= 8; seed++ {
		c := newTestCluster(t, "2-2-1", 1, seed)
		mustApply(t, c, CreateService(service("web", 2)))
		settle(t, c)
		r := rand.New(rand.NewPCG(seed, 1))
		managers := []string{"m1", "m2", "m3", "m4", "m5"}
		var call func(client int)
		call = func(client int) {
			req := Request{Client: client, Manager: managers[r.IntN(len(managers))], Service: "web", Op: OpInspect}
			if r.IntN(2) == 0 {
				req.Op, req.Replicas = OpScale, r.IntN(6)
			}
			c.Send(req, func(Call) { c.After(time.Duration(100+r.IntN(900))*time.Millisecond, func() { call(client) }) })
		}
		for client := range 3 {
			call(client)
		}
		for _, a := range []Action{Kill("m1"), Partition(az.Partition{Sides: [2][]string{{"a"}, {"b", "c"}}}), Kill("m3"), Heal(), Restart("m1", "m3"), Kill("m4", "m5")} {
			mustApply(t, c, a)
			mustRun(t, c, 15*time.Second)
		}
		h := c.History()
		outcomes := map[Outcome]int{}
		for _, call := range h.Calls {
			outcomes[call.Outcome]++
		}
		if outcomes[CallOK] < 20 || outcomes[CallFailed] == 0 {
			t.Errorf("seed %d: outcomes %v; want many answered calls and some refused", seed, outcomes)
		}
		if err := c.CheckHistory(); err != nil {
			t.Errorf("seed %d: %v", seed, err)
		}
	}
}

// A deliberately wrong read path, a leader answering from its own store
// without checking that it still leads, gives a history porcupine cannot
// linearize: the checker can fail.
func TestStaleReadIsCaught(t *testing.T) {
	for _, stale := range []bool{false, true} {
		c := newTestCluster(t, "1-1-1", 0, 3)
		c.history().faults.staleReads = stale
		mustApply(t, c, CreateService(service("web", 2)))
		settle(t, c)
		if call := send(t, c, Request{Client: 1, Manager: "m2", Op: OpInspect, Service: "web"}); call.Outcome != CallOK {
			t.Fatalf("the first read: %v", call)
		}
		old, fresh := cutOff(t, c)
		if call := send(t, c, Request{Client: 2, Manager: fresh, Op: OpScale, Service: "web", Replicas: 5}); call.Outcome != CallOK {
			t.Fatalf("a write to the new leader: %v", call)
		}
		read := send(t, c, Request{Client: 3, Manager: old, Op: OpInspect, Service: "web"})
		err := c.CheckHistory()
		var v *Violation
		switch {
		case stale && (!errors.As(err, &v) || v.Invariant != InvLinearizable):
			t.Errorf("a stale read (%v) after an acknowledged write: %v, want a violation of %q", read, err, InvLinearizable)
		case !stale && (err != nil || read.Outcome == CallOK):
			t.Errorf("a read at a deposed leader: %v, history: %v", read, err)
		}
		if stale {
			var page bytes.Buffer
			if err := c.VisualizeHistory(&page); err != nil || !strings.Contains(page.String(), "<html") {
				t.Errorf("visualisation: %v, %d bytes", err, page.Len())
			}
		}
	}
}

// A deliberately wrong write path, a leader acknowledging a write as soon
// as it is in its own log, loses an acknowledged write when a new leader
// overwrites that log: the checker catches it as entries are applied.
func TestLostAcknowledgedWriteIsCaught(t *testing.T) {
	c := newTestCluster(t, "1-1-1", 0, 3)
	c.history().faults.ackOnAppend = true
	mustApply(t, c, CreateService(service("web", 2)))
	settle(t, c)
	old, fresh := cutOff(t, c)
	lost := send(t, c, Request{Client: 1, Manager: old, Op: OpScale, Service: "web", Replicas: 7})
	if lost.Outcome != CallOK {
		t.Fatalf("the faulty leader did not acknowledge: %v", lost)
	}
	send(t, c, Request{Client: 2, Manager: fresh, Op: OpScale, Service: "web", Replicas: 1})
	mustApply(t, c, Heal())
	err := c.RunFor(electionBound)
	var v *Violation
	if !errors.As(err, &v) || v.Invariant != InvAckedWritesKept {
		t.Fatalf("after the heal: %v, want a violation of %q", err, InvAckedWritesKept)
	}
}

// A force-new-cluster keeps the survivor's state: the writes acknowledged
// after it fell behind are lost, and listed exactly; the history goes on
// from the survivor's state and stays linearizable.
func TestForceNewClusterListsLostWrites(t *testing.T) {
	c := newTestCluster(t, "1-1-1", 0, 4)
	mustApply(t, c, CreateService(service("web", 2)))
	settle(t, c)
	send(t, c, Request{Client: 1, Manager: "m2", Op: OpScale, Service: "web", Replicas: 3})
	mustApply(t, c, Partition(az.Partition{Sides: [2][]string{{"c"}, {"a", "b"}}}))
	var acked []Call
	for _, n := range []int{4, 5} {
		call := send(t, c, Request{Client: 1, Manager: "m1", Op: OpScale, Service: "web", Replicas: n})
		if call.Outcome != CallOK {
			t.Fatalf("a write with m3 cut off: %v", call)
		}
		acked = append(acked, call)
	}
	mustApply(t, c, Kill("m1", "m2"))
	mustApply(t, c, Heal())
	mustRun(t, c, electionBound)
	mustApply(t, c, ForceNewCluster("m3"))
	h := c.History()
	if len(h.LostWrites) != len(acked) {
		t.Fatalf("lost writes %v, want the %d acknowledged while m3 was cut off", h.LostWrites, len(acked))
	}
	for i, w := range h.LostWrites {
		if w.ID != acked[i].ID || w.Entry != acked[i].Entry || w.By.Survivor != "m3" || !strings.Contains(w.String(), "lost when m3 forced a new cluster") {
			t.Errorf("lost write %d: %v, want call %v", i, w, acked[i])
		}
	}
	if call := send(t, c, Request{Client: 2, Manager: "m3", Op: OpInspect, Service: "web"}); call.Outcome != CallOK || call.Value != 3 {
		t.Errorf("a read after force-new-cluster: %v, want the survivor's 3 replicas", call)
	}
	send(t, c, Request{Client: 2, Manager: "m3", Op: OpScale, Service: "web", Replicas: 6})
	mustRun(t, c, 5*time.Second)
	if err := c.CheckHistory(); err != nil {
		t.Error(err)
	}
}
