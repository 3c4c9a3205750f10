package cluster

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/swarmsim/swarmsim/az"
	"github.com/swarmsim/swarmsim/raft"
)

// electionBound is how long a swarm may take to elect a leader after losing
// one. A follower campaigns after a randomized timeout of 10 to 20 ticks
// (seconds); PreVote adds a round of messages that take milliseconds; a
// split vote costs one more timeout. Three election timeouts (30 s) cover
// a split vote with room to spare, and also cover a stale leader's
// CheckQuorum step-down, which happens within one election timeout.
const electionBound = 3 * raft.DefaultElectionTicks * TickInterval

func newTestCluster(t testing.TB, layout string, workers int, seed uint64) *Cluster {
	t.Helper()
	l, err := az.Parse(layout)
	if err != nil {
		t.Fatal(err)
	}
	c, err := New(Config{Seed: seed, Layout: l.WithWorkers(workers)})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.RunFor(time.Second); err != nil {
		t.Fatal(err)
	}
	if c.leader == "" {
		t.Fatalf("no leader 1s after swarm init")
	}
	return c
}

func mustApply(t testing.TB, c *Cluster, a Action) {
	t.Helper()
	if err := c.Apply(a); err != nil {
		t.Fatalf("%s: %v", a, err)
	}
}

func mustRun(t testing.TB, c *Cluster, d time.Duration) {
	t.Helper()
	if err := c.RunFor(d); err != nil {
		t.Fatal(err)
	}
}

// commitIndexes returns each live manager's applied index.
func appliedIndexes(c *Cluster) map[string]uint64 {
	out := map[string]uint64{}
	for _, n := range c.nodes {
		if n.mgr != nil && n.alive {
			out[n.name] = n.mgr.store().Index
		}
	}
	return out
}

func TestToleranceThroughRaft(t *testing.T) {
	for n := 1; n <= 9; n++ {
		for k := 0; k <= n; k++ {
			t.Run(fmt.Sprintf("%d managers, %d killed", n, k), func(t *testing.T) {
				t.Parallel()
				c := newTestCluster(t, az.Even(n, 3).String(), 0, uint64(100*n+k))
				mustApply(t, c, KillManagers(k))
				mustRun(t, c, electionBound)

				holds := n-k >= n/2+1
				if holds != az.Holds(n, n-k) {
					t.Fatalf("the test's own arithmetic disagrees with az.Holds(%d, %d)", n, n-k)
				}
				before := appliedIndexes(c)
				err := c.Apply(CreateService(ServiceSpec{Name: "probe", Replicas: 1}))
				snap := c.Snapshot()
				if holds {
					if c.leader == "" {
						t.Fatalf("no leader %s after killing %d of %d managers", electionBound, k, n)
					}
					if err != nil {
						t.Fatalf("a proposal did not commit with %d of %d managers alive: %v", n-k, n, err)
					}
					if !snap.Quorum.Holds || !snap.Quorum.Predicted {
						t.Errorf("quorum holds=%v predicted=%v, want both true", snap.Quorum.Holds, snap.Quorum.Predicted)
					}
					return
				}
				if c.leader != "" {
					t.Errorf("%s leads with %d of %d managers alive", c.leader, n-k, n)
				}
				if !errors.Is(err, ErrNoLeader) {
					t.Errorf("creating a service without quorum returned %v, want Docker's no-leader error", err)
				}
				mustRun(t, c, electionBound)
				if after := appliedIndexes(c); !reflect.DeepEqual(before, after) {
					t.Errorf("applied indexes moved without quorum: %v → %v", before, after)
				}
				if snap.Quorum.Holds || snap.Quorum.Predicted {
					t.Errorf("quorum holds=%v predicted=%v, want both false", snap.Quorum.Holds, snap.Quorum.Predicted)
				}
			})
		}
	}
}

func TestZoneLossMatchesPrediction(t *testing.T) {
	for _, layout := range []string{"1-1-1", "2-2-1", "3-2-2", "3-3-3", "2-1", "3-2", "1-1"} {
		l, _ := az.Parse(layout)
		for _, loss := range l.Losses() {
			t.Run(layout+" without "+loss.Zone, func(t *testing.T) {
				t.Parallel()
				c := newTestCluster(t, layout, 0, 7)
				mustApply(t, c, KillZone(loss.Zone))
				mustRun(t, c, electionBound)
				err := c.Apply(CreateService(ServiceSpec{Name: "probe", Replicas: 1}))
				raftHolds := c.leader != "" && err == nil
				if raftHolds != loss.Holds {
					t.Errorf("Raft says quorum holds=%v, az predicts %v (%s)", raftHolds, loss.Holds, loss.Reason())
				}
			})
		}
	}
	// The seed table: every recommended layout survives any one zone, the
	// two-zone layouts do not survive their larger zone.
	for _, layout := range []string{"1-1-1", "2-2-1", "3-2-2", "3-3-3"} {
		if l, _ := az.Parse(layout); !l.SurvivesAnyZone() {
			t.Errorf("%s should survive the loss of any one zone", layout)
		}
	}
	for _, layout := range []string{"2-1", "3-2"} {
		if l, _ := az.Parse(layout); l.Losses()[0].Holds {
			t.Errorf("%s should lose quorum with zone a", layout)
		}
	}
}

func TestPartitionMajorityCommitsMinorityCannot(t *testing.T) {
	c := newTestCluster(t, "2-2-1", 0, 3)
	p, err := az.ParsePartition("a|b,c", c.zones)
	if err != nil {
		t.Fatal(err)
	}
	mustApply(t, c, Partition(p))
	mustRun(t, c, electionBound)

	lead, _ := c.node(c.leader)
	if lead == nil || c.zones[lead.zone] == "a" {
		t.Fatalf("leader after partition is %q, want one in zones b or c", c.leader)
	}
	minority := map[string]uint64{}
	for _, name := range []string{"m1", "m2"} {
		n, _ := c.node(name)
		if n.mgr.last.State == raft.Leader {
			t.Errorf("%s leads on the minority side", name)
		}
		minority[name] = n.mgr.store().Index
	}
	mustApply(t, c, CreateService(ServiceSpec{Name: "web", Replicas: 3}))
	mustRun(t, c, 5*time.Second)
	for name, idx := range minority {
		n, _ := c.node(name)
		if n.mgr.store().Index != idx {
			t.Errorf("%s applied entries %d → %d while cut off from the quorum", name, idx, n.mgr.store().Index)
		}
		if n.mgr.store().Services["web"] != nil {
			t.Errorf("%s knows service web, created on the other side of the partition", name)
		}
	}
	if snap := c.Snapshot(); !snap.Quorum.Holds || !snap.Quorum.Predicted {
		t.Errorf("majority side: quorum holds=%v predicted=%v", snap.Quorum.Holds, snap.Quorum.Predicted)
	}

	mustApply(t, c, Heal())
	mustRun(t, c, electionBound)
	assertCaughtUp(t, c)
}

func TestRestartRestoresQuorumAndCatchesUp(t *testing.T) {
	c := newTestCluster(t, "2-2-1", 3, 5)
	mustApply(t, c, CreateService(ServiceSpec{Name: "web", Replicas: 4}))
	mustRun(t, c, 5*time.Second)
	mustApply(t, c, Kill("m1", "m2", "m3"))
	mustRun(t, c, electionBound)
	if c.leader != "" {
		t.Fatalf("%s leads with 2 of 5 managers", c.leader)
	}
	mustApply(t, c, Restart("m1", "m2", "m3"))
	mustRun(t, c, electionBound)
	if c.leader == "" {
		t.Fatal("no leader after restarting the killed managers")
	}
	mustApply(t, c, ScaleService("web", 6))
	mustRun(t, c, 10*time.Second)
	assertCaughtUp(t, c)
	if got := c.Snapshot().Services[0]; got.Running != 6 {
		t.Errorf("web runs %d tasks after scaling to 6", got.Running)
	}
}

// assertCaughtUp checks that every live manager holds the same store.
func assertCaughtUp(t *testing.T, c *Cluster) {
	t.Helper()
	lead := c.leaderManager()
	if lead == nil {
		t.Fatal("no leader")
	}
	want := string(lead.store().Encode())
	for _, n := range c.nodes {
		if n.mgr == nil || !n.alive {
			continue
		}
		if got := string(n.mgr.store().Encode()); got != want {
			t.Errorf("%s's store (index %d) differs from leader %s's (index %d)", n.name, n.mgr.store().Index, lead.node.name, lead.store().Index)
		}
	}
}

func TestLostQuorumReplacesNothingUntilItReturns(t *testing.T) {
	c := newTestCluster(t, "1-1-1", 3, 9)
	mustApply(t, c, CreateService(ServiceSpec{Name: "web", Replicas: 6, Preferences: []string{"node.labels.zone"}}))
	if ok, err := c.Settle(time.Minute); !ok || err != nil {
		t.Fatalf("did not settle: %v", err)
	}
	victims := map[string]bool{"m2": true, "m3": true, "w2": true}
	survive := 0
	for _, n := range c.Snapshot().Nodes {
		if !victims[n.Name] {
			survive += n.Tasks.Len()
		}
	}
	mustApply(t, c, Kill("m2", "m3", "w2"))
	mustRun(t, c, 2*electionBound)
	web := c.Snapshot().Services[0]
	if web.Running != survive || survive == 0 || survive == 6 {
		t.Errorf("web runs %d tasks without quorum, want the %d that were on live nodes", web.Running, survive)
	}
	for _, e := range c.Events() {
		if e.Kind == EventTaskRescheduled {
			t.Errorf("a task was rescheduled without quorum: %s", e)
		}
	}
	mustApply(t, c, Restart("m2", "m3"))
	if ok, err := c.Settle(2 * time.Minute); !ok || err != nil {
		t.Fatalf("did not converge after quorum returned: %v", err)
	}
	if web := c.Snapshot().Services[0]; web.Running != 6 {
		t.Errorf("web runs %d tasks once quorum returned, want 6", web.Running)
	}
}

func TestZoneLossReschedulesOntoSurvivors(t *testing.T) {
	c := newTestCluster(t, "2-2-1", 6, 11)
	mustApply(t, c, CreateService(ServiceSpec{Name: "web", Replicas: 6, Preferences: []string{"node.labels.zone"}}))
	mustApply(t, c, CreateService(ServiceSpec{Name: "agent", Mode: ModeGlobal}))
	if ok, err := c.Settle(time.Minute); !ok || err != nil {
		t.Fatalf("did not settle: %v", err)
	}
	mustApply(t, c, KillZone("a"))
	mustRun(t, c, time.Minute)
	snap := c.Snapshot()
	for _, sv := range snap.Services {
		if sv.Running != sv.Desired {
			t.Errorf("%s runs %d of %d", sv.Name, sv.Running, sv.Desired)
		}
		if sv.PerZone["a"] != 0 {
			t.Errorf("%s still counts %d tasks in dead zone a", sv.Name, sv.PerZone["a"])
		}
	}
	if web := snap.Services[1]; web.Running != 6 || web.PerZone["b"]+web.PerZone["c"] != 6 {
		t.Errorf("web after losing zone a: %+v", web)
	}
	alive := 0
	for _, n := range snap.Nodes {
		if n.Alive {
			alive++
		}
	}
	if agent := snap.Services[0]; agent.Running != alive {
		t.Errorf("agent runs %d tasks, want one on each of the %d live nodes", agent.Running, alive)
	}
}

// transcript renders a whole run for comparison.
func transcript(t testing.TB, seed uint64) string {
	c := newTestCluster(t, "2-2-1", 4, seed)
	mustApply(t, c, CreateService(ServiceSpec{Name: "web", Replicas: 5, Preferences: []string{"node.labels.zone"}}))
	// A crash loop keeps failed tasks around for the new leader to find.
	mustApply(t, c, CreateService(ServiceSpec{Name: "crash", Image: "fail", Replicas: 4, Restart: RestartPolicy{Delay: time.Second}}))
	mustRun(t, c, 3*time.Second)
	mustApply(t, c, KillManagers(2))
	mustRun(t, c, time.Minute)
	var b strings.Builder
	for _, e := range c.Events() {
		fmt.Fprintln(&b, e)
	}
	fmt.Fprintf(&b, "%s\n", pictureText(t, c))
	return b.String()
}

// pictureText is the final picture as text that compares across runs:
// its tasks are pointers, which %+v would print as addresses.
func pictureText(t testing.TB, c *Cluster) string {
	t.Helper()
	return asJSON(t, c.Snapshot())
}

func TestDeterminism(t *testing.T) {
	want := transcript(t, 42)
	var wg sync.WaitGroup
	got := make([]string, 4)
	for i := range got {
		wg.Add(1)
		go func() {
			defer wg.Done()
			got[i] = transcript(t, 42)
		}()
	}
	wg.Wait()
	for i, g := range got {
		if g != want {
			t.Errorf("parallel run %d differs from the first run with the same seed", i)
		}
	}
}

func TestSeedsChangeElectionHistory(t *testing.T) {
	histories := map[string]bool{}
	for seed := uint64(1); seed <= 8; seed++ {
		c := newTestCluster(t, "2-2-1", 0, seed)
		mustApply(t, c, KillLeader())
		mustRun(t, c, electionBound)
		var h strings.Builder
		for _, e := range c.Events() {
			if e.Kind == EventLeaderElected {
				fmt.Fprintln(&h, e)
			}
		}
		histories[h.String()] = true
	}
	if len(histories) < 3 {
		t.Errorf("8 seeds gave %d distinct election histories; seeds are not reaching the elections", len(histories))
	}
}

func TestActionErrors(t *testing.T) {
	c := newTestCluster(t, "2-2-1", 2, 1)
	for _, tc := range []struct {
		name string
		act  Action
		want string
	}{
		{"unknown node", Kill("m9"), `there is no node named "m9"; the nodes are m1…m5, w1…w2`},
		{"unknown zone", KillZone("z"), `there is no zone "z"; the zones are a, b, c`},
		{"too many managers", KillManagers(6), "cannot kill 6 managers: 5 are alive"},
		{"scale unknown", ScaleService("nope", 3), "Error: No such service: nope"},
		{"bad constraint", CreateService(ServiceSpec{Name: "x", Constraints: []string{"node.role"}}), "service x:"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := c.Apply(tc.act)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("got %v, want an error containing %q", err, tc.want)
			}
		})
	}
	mustApply(t, c, CreateService(ServiceSpec{Name: "web", Replicas: 1}))
	if err := c.Apply(CreateService(ServiceSpec{Name: "web", Replicas: 1})); err == nil || !strings.Contains(err.Error(), "already exists") {
		t.Errorf("creating web twice: %v", err)
	}
}
