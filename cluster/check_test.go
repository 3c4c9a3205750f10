package cluster

import (
	"errors"
	"flag"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/swarmsim/swarmsim/az"
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
			lead.store = newStore() // forget the state, then replay the log from the snapshot
			lead.member.Crash()
			lead.node.alive = false
			return c.Apply(Restart(lead.node.name))
		}},
		{"an uncommitted entry applied", InvApplyCommitted, func(t *testing.T, c *Cluster) error {
			m := c.leaderManager()
			m.Apply(raft.Entry{Index: m.member.Status().Commit + 5, Term: 1, Data: (&command{}).encode()})
			return c.fault
		}},
		{"a task on two nodes", InvOneNodePerTask, func(t *testing.T, c *Cluster) error {
			for id := range c.nodes[0].running {
				c.nodes[1].running[id] = true
				break
			}
			return c.RunFor(time.Second)
		}},
		{"an extra task", InvNoExtraTasks, func(t *testing.T, c *Cluster) error {
			s := c.leaderManager().store
			for _, task := range s.TaskList() {
				extra := *task
				extra.ID, extra.Slot = "t999", 99
				s.Tasks[extra.ID] = &extra
				s.taskOrder = nil
				c.nodes[c.byName[task.Node]].running["t999"] = true
				break
			}
			c.checkState()
			c.check.extraSince["web"] = c.now - time.Minute
			c.checkState()
			return c.fault
		}},
		{"a drained node that keeps its tasks", InvDrainEmpties, func(t *testing.T, c *Cluster) error {
			s := c.leaderManager().store
			for _, task := range s.TaskList() {
				s.Nodes[task.Node].Availability = Drain
				c.check.drainedSince[task.Node] = c.now - time.Minute
				break
			}
			c.checkState()
			return c.fault
		}},
		{"a prediction Raft does not honour", InvPrediction, func(t *testing.T, c *Cluster) error {
			c.check.disturbed, c.check.lastPrediction = -time.Hour, -time.Hour
			for a := range c.cut {
				for b := range c.cut[a] {
					c.cut[a][b] = a != b // behind Raft's back: its leader has not noticed yet
				}
			}
			c.checkPrediction()
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

// randomSchedule runs one random failure schedule under the checker.
func randomSchedule(seed uint64) error {
	r := rand.New(rand.NewPCG(seed, 99))
	layouts := []string{"1-1-1", "2-2-1", "2-1", "3-2-2"}
	l, _ := az.Parse(layouts[r.IntN(len(layouts))])
	l = l.WithWorkers(r.IntN(4))
	c, err := New(Config{Seed: seed, Layout: l, Check: true})
	if err != nil {
		return err
	}
	if err := c.RunFor(time.Second); err != nil {
		return err
	}
	if err := c.Apply(CreateService(service("web", 1+r.IntN(5)))); err != nil {
		return err
	}
	names := make([]string, 0, len(c.nodes))
	for _, n := range c.nodes {
		names = append(names, n.name)
	}
	for range 6 {
		var a Action
		switch r.IntN(7) {
		case 0:
			a = Kill(names[r.IntN(len(names))])
		case 1:
			a = Restart(names[r.IntN(len(names))])
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
		}
		err := c.Apply(a)
		var v *Violation
		if errors.As(err, &v) {
			return err
		}
		if err := c.RunFor(time.Duration(5+r.IntN(40)) * time.Second); err != nil {
			return err
		}
	}
	return c.RunFor(45 * time.Second)
}

// chaosRuns sets how many random schedules the property test runs: 500 in
// the ordinary run, more for a deeper check (go test ./cluster -chaos.runs 20000).
var chaosRuns = flag.Int("chaos.runs", 500, "random failure schedules TestRandomSchedulesKeepInvariants runs")

func TestRandomSchedulesKeepInvariants(t *testing.T) {
	runs := *chaosRuns
	if testing.Short() {
		runs = min(runs, 100)
	}
	for seed := uint64(1); seed <= uint64(runs); seed++ {
		if err := randomSchedule(seed); err != nil {
			t.Fatalf("schedule %d: %v", seed, err)
		}
	}
}
