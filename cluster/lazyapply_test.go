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
