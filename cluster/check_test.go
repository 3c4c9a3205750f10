package cluster

import (
	"errors"
	"flag"
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"github.com/swarmsim/swarmsim/az"
	"github.com/swarmsim/swarmsim/cluster/state"
	"github.com/swarmsim/swarmsim/raft"
)

func checkedCluster(t *testing.T, layout string, workers int, seed uint64) *Cluster {
	t.Helper()
	l, _ := az.Parse(layout)
	c, err := New(Config{Seed: seed, Layout: l.WithWorkers(workers), Check: true})
	if err != nil {
		t.Fatal(err)
	}
	mustRun(t, c, time.Second)
	return c
}

func wantViolation(t *testing.T, err error, inv string) {
	t.Helper()
	var v *Violation
	if !errors.As(err, &v) || v.Invariant != inv {
		t.Fatalf("got %v, want a violation of %q", err, inv)
	}
	if v.Seed == 0 || v.Step == 0 {
		t.Errorf("violation %+v does not say how to replay it", v)
	}
}

// Each case breaks one invariant's subject on purpose and shows its checker
// notices: the checkers can fail.
func TestCheckersCatchInjectedFaults(t *testing.T) {
	for _, tc := range []struct {
		name   string
		inv    string
		inject func(t *testing.T, c *Cluster) error
	}{
		{"a second leader in a term", InvOneLeaderPerTerm, func(t *testing.T, c *Cluster) error {
			lead := c.leaderManager()
			c.check.leaders[lead.last.Term] = "m9"
			return c.RunFor(2 * time.Second)
		}},
		{"an applied entry changed", InvCommittedStable, func(t *testing.T, c *Cluster) error {
			for idx := range c.check.entries {
				c.check.entries[idx] ^= 1
			}
			lead := c.leaderManager()
			lead.setStore(state.NewStore()) // forget the state, then replay the log from the snapshot
			lead.member.Crash()
			lead.node.alive = false
			return c.Apply(Restart(lead.node.name))
		}},
		{"an uncommitted entry applied", InvApplyCommitted, func(t *testing.T, c *Cluster) error {
			m := c.leaderManager()
			m.Apply(raft.Entry{Index: m.member.Status().Commit + 5, Term: 1, Data: (&state.Command{}).Encode()})
			return c.fault
		}},
		{"manager software no committed change asked for", InvManagerCommitted, func(t *testing.T, c *Cluster) error {
			c.nextRaft++
			c.startManager("w1", c.nextRaft)
			return c.fault
		}},
		{"a task on two nodes", InvOneNodePerTask, func(t *testing.T, c *Cluster) error {
			for id := range c.nodes[0].Running.All() {
				c.nodes[1].Running.Add(id)
				break
			}
			return c.RunFor(time.Second)
		}},
		{"an extra task", InvNoExtraTasks, func(t *testing.T, c *Cluster) error {
			s := c.leaderManager().store()
			for _, task := range s.TaskList() {
				extra := *task
				extra.ID, extra.Slot = "t999", 99
				s.ForceTask(&extra)
				c.nodes[c.byName[task.Node]].Running.Add("t999")
				break
			}
			c.check.state()
			c.check.extraSince["web"] = c.now - time.Minute
			c.check.state()
			return c.fault
		}},
		{"a drained node that keeps its tasks", InvDrainEmpties, func(t *testing.T, c *Cluster) error {
			s := c.leaderManager().store()
			for _, task := range s.TaskList() {
				rec := *s.Nodes[task.Node] // records are shared between stores: replace, never write
				rec.Availability = Drain
				s.Nodes[task.Node] = &rec
				c.check.drainedSince[task.Node] = c.now - time.Minute
				break
			}
			c.check.state()
			return c.fault
		}},
		{"a prediction Raft does not honour", InvPrediction, func(t *testing.T, c *Cluster) error {
			c.check.disturbed, c.check.lastPrediction = -time.Hour, -time.Hour
			for a := range c.cut {
				for b := range c.cut[a] {
					c.cut[a][b] = a != b // behind Raft's back: its leader has not noticed yet
				}
			}
			c.check.prediction()
			return c.fault
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := checkedCluster(t, "1-1-1", 2, 3)
			mustApply(t, c, CreateService(service("web", 4)))
			settle(t, c)
			wantViolation(t, tc.inject(t, c), tc.inv)
		})
	}
}

// randomSchedule runs one random schedule of failures and Docker commands
// under the checker: kills, restarts, zone losses and partitions, scaling,
// and membership changes (promote, demote with the leader half the time,
// join as a worker or a manager, node rm, and force-new-cluster on any node,
// most often while the swarm has no leader). Commands may fail as Docker's
// would; only a broken invariant fails the schedule.
func randomSchedule(seed uint64) error {
	_, err := runSchedule(seed)
	return err
}

// runSchedule runs randomSchedule's schedule and returns the swarm as it
// ended.
func runSchedule(seed uint64) (*Cluster, error) {
	r := rand.New(rand.NewPCG(seed, 99))
	layouts := []string{"1-1-1", "2-2-1", "2-1", "3-2-2"}
	l, _ := az.Parse(layouts[r.IntN(len(layouts))])
	l = l.WithWorkers(r.IntN(4))
	c, err := New(Config{Seed: seed, Layout: l, Check: true})
	if err != nil {
		return nil, err
	}
	if err := c.RunFor(time.Second); err != nil {
		return c, err
	}
	if err := c.Apply(CreateService(service("web", 1+r.IntN(5)))); err != nil {
		return c, err
	}
	pick := func(keep func(*node) bool) string {
		var names []string
		for _, n := range c.nodes {
			if keep == nil || keep(n) {
				names = append(names, n.name)
			}
		}
		if len(names) == 0 {
			return c.nodes[r.IntN(len(c.nodes))].name
		}
		return names[r.IntN(len(names))]
	}
	isManager := func(n *node) bool { return n.mgr != nil }
	for range 8 {
		var a Action
		switch r.IntN(12) {
		case 0:
			a = Kill(pick(nil))
		case 1:
			a = Restart(pick(func(n *node) bool { return !n.alive }))
		case 2:
			a = KillZone(c.zones[r.IntN(len(c.zones))])
		case 3:
			a = RestartZone(c.zones[r.IntN(len(c.zones))])
		case 4:
			if len(c.zones) > 1 {
				i := r.IntN(len(c.zones))
				var rest []string
				for j, z := range c.zones {
					if j != i {
						rest = append(rest, z)
					}
				}
				a = Partition(az.Partition{Sides: [2][]string{{c.zones[i]}, rest}})
			} else {
				a = Heal()
			}
		case 5:
			a = Heal()
		case 6:
			a = ScaleService("web", r.IntN(6))
		case 7:
			a = Promote(pick(func(n *node) bool { return !isManager(n) }))
		case 8:
			if c.leader != "" && r.IntN(2) == 0 {
				a = Demote(c.leader)
			} else {
				a = Demote(pick(isManager))
			}
		case 9:
			role := RoleWorker
			if r.IntN(2) == 0 {
				role = RoleManager
			}
			a = Join(role, c.zones[r.IntN(len(c.zones))], "")
		case 10:
			a = RemoveNode(pick(nil), r.IntN(2) == 0)
		case 11:
			if c.leader == "" || r.IntN(4) == 0 {
				a = ForceNewCluster(pick(func(n *node) bool { return n.alive && (isManager(n) || r.IntN(4) == 0) }))
			} else {
				a = Kill(pick(isManager))
			}
		}
		err := c.Apply(a)
		var v *Violation
		if errors.As(err, &v) {
			return c, fmt.Errorf("%s: %w", a, err)
		}
		if err := c.RunFor(time.Duration(5+r.IntN(40)) * time.Second); err != nil {
			return c, err
		}
	}
	return c, c.RunFor(45 * time.Second)
}

// chaosRuns sets how many random schedules the property test runs: 2,000 in
// the ordinary run, 200 with -short, more for a deeper check
// (go test ./cluster -chaos.runs 20000).
var chaosRuns = flag.Int("chaos.runs", 2000, "random schedules TestRandomSchedulesKeepInvariants runs")

// TestRandomSchedulesKeepInvariants runs the schedules one after another:
// running them in parallel is slower, because every call into Raft holds the
// process-wide lock that seeds its election jitter (raft/jitter.go). Each
// schedule is a function of its seed alone, so a failure names the seed
// that replays it.
func TestRandomSchedulesKeepInvariants(t *testing.T) {
	runs := *chaosRuns
	if testing.Short() {
		runs = min(runs, 200)
	}
	failed := 0
	for seed := uint64(1); seed <= uint64(runs) && failed < 5; seed++ {
		if err := randomSchedule(seed); err != nil {
			t.Errorf("schedule %d: %v", seed, err)
			failed++
		}
	}
}

// Membership changes, force-new-cluster included, replay exactly: the same
// seed gives the same timeline and the same final picture, run after run and
// alongside other simulations.
func TestRandomSchedulesAreDeterministic(t *testing.T) {
	replay := func(seed uint64) string {
		c, err := runSchedule(seed)
		if err != nil {
			t.Errorf("schedule %d: %v", seed, err)
			return ""
		}
		return fmt.Sprintf("%v\n%s", c.Events(), pictureText(t, c))
	}
	for seed := uint64(1); seed <= 12; seed++ {
		want := replay(seed)
		got := make([]string, 2)
		var wg sync.WaitGroup
		for i := range got {
			wg.Go(func() { got[i] = replay(seed) })
		}
		wg.Wait()
		for i, g := range got {
			if g != want {
				t.Errorf("schedule %d: run %d differs from the first", seed, i+2)
			}
		}
	}
}
