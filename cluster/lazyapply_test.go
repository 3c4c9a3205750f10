package cluster

import (
	"bytes"
	"fmt"
	"testing"
	"time"
)

// Followers that hold entries back and apply them when their store is
// read must be indistinguishable from followers that apply each entry at
// once: same timeline, same picture, same store in every manager, under
// random kills, partitions and restarts with the checker on.
func TestLazyApplyChangesNothing(t *testing.T) {
	if !applyLazily {
		t.Fatal("followers do not hold entries back by default")
	}
	bound := maxHeldActions
	replay := func(seed uint64, lazily bool, held int) string {
		applyLazily, maxHeldActions = lazily, held
		defer func() { applyLazily, maxHeldActions = true, bound }()
		return replaySchedule(t, seed)
	}
	for seed := uint64(1); seed <= 40; seed++ {
		want := replay(seed, false, bound)
		if got := replay(seed, true, bound); got != want {
			t.Errorf("schedule %d differs when followers apply lazily:\n%s\nwant:\n%s", seed, got, want)
		}
		// A bound that a few commands pass catches followers up mid-run.
		if got := replay(seed, true, 3); got != want {
			t.Errorf("schedule %d differs when followers catch up every few actions:\n%s\nwant:\n%s", seed, got, want)
		}
	}
}

// replaySchedule runs random schedule seed for ten more minutes and tells
// what can be seen of it: the timeline, the picture, every manager's store.
func replaySchedule(t *testing.T, seed uint64) string {
	c, err := runSchedule(seed)
	if err != nil {
		return fmt.Sprintf("error: %v", err)
	}
	if err := c.RunFor(10 * time.Minute); err != nil {
		return fmt.Sprintf("error: %v", err)
	}
	var stores bytes.Buffer
	for _, n := range c.nodes {
		if n.mgr != nil && n.mgr.held != nil {
			fmt.Fprintf(&stores, "%s %x\n", n.name, n.mgr.store().Encode())
		}
	}
	return fmt.Sprintf("%v\n%s\n%s", c.Events(), pictureText(t, c), stores.String())
}

// Members apply the command the leader proposed instead of decoding its
// entry: what can be seen is the same as when every member decodes, under
// random kills, partitions and restarts with the checker on.
func TestProposedCommandsChangeNothing(t *testing.T) {
	defer func() { reuseProposed = true }()
	for seed := uint64(1); seed <= 40; seed++ {
		reuseProposed = false
		want := replaySchedule(t, seed)
		reuseProposed = true
		if got := replaySchedule(t, seed); got != want {
			t.Errorf("schedule %d differs when members apply the leader's commands:\n%s\nwant:\n%s", seed, got, want)
		}
	}
}

// The leader's commands are reused, or the saving is lost unnoticed.
func TestProposedCommandsReused(t *testing.T) {
	c := newTestCluster(t, "1-1-1", 2, 1)
	mustApply(t, c, CreateService(service("web", 6)))
	mustRun(t, c, time.Minute)
	if c.decoded.reused == 0 {
		t.Error("no member applied a command the leader proposed: every entry was decoded")
	}
}

// The economy must actually happen, or it is lost without a test noticing:
// after a service is created, followers hold its entries, and catching up
// gives them the leader's store built from the leader's own task records.
func TestFollowersHoldEntriesBack(t *testing.T) {
	c := newTestCluster(t, "1-1-1", 2, 1)
	mustApply(t, c, CreateService(service("web", 6)))
	mustRun(t, c, time.Minute)
	lead := c.leaderManager()
	if lead == nil {
		t.Fatal("no leader a minute after start")
	}
	want := lead.store()
	var shared *Store
	for _, n := range c.nodes {
		if m := n.mgr; m != nil && m != lead {
			if m.common == nil || shared != nil && m.held != shared {
				t.Fatalf("%s does not share its store with the other followers", n.name)
			}
			shared = m.held
		}
	}
	if shared == want {
		t.Fatal("the followers share the leader's store, which the leader changes alone")
	}
	followers := 0
	for _, n := range c.nodes {
		m := n.mgr
		if m == nil || m == lead {
			continue
		}
		followers++
		if len(m.behind) == 0 {
			t.Errorf("%s holds no entries back after a service was created", n.name)
		}
		if got, held := m.appliedIndex(), m.held.Index; got <= held {
			t.Errorf("%s applied index %d, store at %d: want it ahead of the store", n.name, got, held)
		}
		got := m.store()
		if len(m.behind) != 0 {
			t.Errorf("%s still holds %d entries after its store was read", n.name, len(m.behind))
		}
		if !bytes.Equal(got.Encode(), want.Encode()) {
			t.Errorf("%s caught up to a store unlike its leader's", n.name)
		}
		for task := range want.Tasks.All() {
			if got.Tasks.Get(task.ID) != task {
				t.Errorf("%s holds its own copy of %s, want the leader's record shared", n.name, task.ID)
			}
		}
	}
	if followers != 2 {
		t.Fatalf("%d followers, want 2", followers)
	}
}

// A shared store moves on when a follower holds too much back, without
// leaving a follower that keeps up: the followers still share one store,
// hold less than the bound past it, and catch up to the leader's state. A
// follower whose node is down holds the store back no longer: it leaves
// with a copy of its own, as of where it stopped.
func TestSharedStoreAdvances(t *testing.T) {
	bound := maxHeldActions
	maxHeldActions = 5
	defer func() { maxHeldActions = bound }()
	c := newTestCluster(t, "2-2-1", 3, 1)
	mustRun(t, c, time.Minute)
	lead := c.leaderManager()
	if lead == nil {
		t.Fatal("no leader a minute after start")
	}
	var dead *manager
	for _, n := range c.nodes {
		if n.mgr != nil && n.mgr != lead {
			dead = n.mgr
		}
	}
	mustApply(t, c, Kill(dead.node.name))
	stopped := dead.appliedIndex()
	mustApply(t, c, CreateService(service("web", 12)))
	mustRun(t, c, time.Minute)
	if dead.common != nil {
		t.Errorf("dead %s still holds the shared store back at entry %d", dead.node.name, dead.appliedIndex())
	}
	if dead.appliedIndex() != stopped {
		t.Errorf("dead %s applied up to %d, want %d where it stopped", dead.node.name, dead.appliedIndex(), stopped)
	}
	want := lead.store().Encode()
	var shared *Store
	sharing := 0
	for _, n := range c.nodes {
		m := n.mgr
		if m == nil || m == lead || m == dead {
			continue
		}
		if m.common == nil {
			t.Errorf("live follower %s left the shared store", n.name)
			continue
		}
		sharing++
		if shared != nil && m.held != shared {
			t.Errorf("%s shares another store than the other followers", n.name)
		}
		shared = m.held
		if m.heldActions > maxHeldActions {
			t.Errorf("%s holds %d actions past the shared store, want at most %d", n.name, m.heldActions, maxHeldActions)
		}
	}
	if sharing != 3 {
		t.Fatalf("%d followers share a store, want 3", sharing)
	}
	if shared.Index == 0 {
		t.Error("the shared store never moved on")
	}
	for _, n := range c.nodes {
		if m := n.mgr; m != nil && m != lead && m != dead && !bytes.Equal(m.store().Encode(), want) {
			t.Errorf("%s caught up to a store unlike its leader's", n.name)
		}
	}
}
