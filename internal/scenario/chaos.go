package scenario

import (
	"errors"
	"math/rand/v2"
	"time"

	"github.com/swarmsim/swarmsim/az"
	"github.com/swarmsim/swarmsim/cluster"
)

// ChaosSpec is a batch of random failure schedules: kills, restarts, zone
// failures, partitions, heals and service changes, each run under the
// invariant checker. Run i's seed is derived from Seed and i alone.
type ChaosSpec struct {
	Runs   int
	Seed   uint64
	Layout az.Layout
	For    time.Duration // simulated time each schedule runs
	Cores  int           // goroutines to spread runs over; 0 for every core
}

// ChaosRun is what one schedule did.
type ChaosRun struct {
	Seed       uint64 // replays the run with Replay
	Actions    []string
	Violation  error // a broken invariant (a *cluster.Violation), or the simulation refusing the layout
	LostQuorum bool  // there was a moment without a leader
	Leaderless time.Duration
	Pending    int             // tasks pending at the end
	Events     []cluster.Event // the timeline; only Replay keeps it
}

// RunSeed derives run i's seed from the batch's seed.
func RunSeed(seed uint64, i int) uint64 {
	return rand.New(rand.NewPCG(seed, uint64(i))).Uint64()
}

// Chaos runs every schedule of the batch and returns them by index.
func Chaos(spec ChaosSpec) []ChaosRun {
	results := make([]ChaosRun, spec.Runs)
	forEach(spec.Runs, spec.Cores, func(i int) {
		results[i] = chaosRun(spec, RunSeed(spec.Seed, i), false)
	})
	return results
}

// Replay runs the schedule with this run seed again, keeping its timeline.
func Replay(spec ChaosSpec, seed uint64) ChaosRun {
	return chaosRun(spec, seed, true)
}

func chaosRun(spec ChaosSpec, seed uint64, keepEvents bool) ChaosRun {
	res := ChaosRun{Seed: seed}
	r := rand.New(rand.NewPCG(seed, 0x63686f73)) // "chos"
	c, err := cluster.New(cluster.Config{Seed: seed, Layout: spec.Layout, Check: true})
	if err != nil {
		res.Violation = err
		return res
	}
	res.Violation = chaosSchedule(c, r, spec.For, &res)
	if res.Violation == nil {
		for _, sv := range c.Snapshot().Services {
			res.Pending += sv.Pending
		}
	}
	if keepEvents {
		res.Events = c.Events()
	}
	return res
}

// chaosSchedule runs random actions for d after the swarm has formed.
func chaosSchedule(c *cluster.Cluster, r *rand.Rand, d time.Duration, res *ChaosRun) error {
	if err := c.RunFor(time.Second); err != nil {
		return err
	}
	if err := c.Apply(cluster.CreateService(Replicated("web", 2+r.IntN(6)).Spec())); err != nil {
		return err
	}
	if _, err := c.Settle(30 * time.Second); err != nil {
		return err
	}
	var names []string
	for _, n := range c.Snapshot().Nodes {
		names = append(names, n.Name)
	}
	zones := c.Zones()
	end := c.Now() + d
	var noLeaderSince time.Duration = -1
	for c.Now() < end {
		a := randomAction(r, names, zones)
		res.Actions = append(res.Actions, a.String())
		var v *cluster.Violation
		if err := c.Apply(a); errors.As(err, &v) {
			return err
		}
		step := min(time.Duration(2+r.IntN(20))*time.Second, end-c.Now())
		for t := time.Duration(0); t < step; t += time.Second {
			if err := c.RunFor(min(time.Second, step-t)); err != nil {
				return err
			}
			if c.Snapshot().Leader == "" {
				res.LostQuorum = true
				if noLeaderSince < 0 {
					noLeaderSince = c.Now()
				}
			} else if noLeaderSince >= 0 {
				res.Leaderless += c.Now() - noLeaderSince
				noLeaderSince = -1
			}
		}
	}
	if noLeaderSince >= 0 {
		res.Leaderless += c.Now() - noLeaderSince
	}
	return nil
}

func randomAction(r *rand.Rand, names, zones []string) cluster.Action {
	switch r.IntN(9) {
	case 0, 1:
		return cluster.Kill(names[r.IntN(len(names))])
	case 2, 3:
		return cluster.Restart(names[r.IntN(len(names))])
	case 4:
		return cluster.KillZone(zones[r.IntN(len(zones))])
	case 5:
		return cluster.RestartZone(zones[r.IntN(len(zones))])
	case 6:
		if len(zones) > 1 {
			i := r.IntN(len(zones))
			var rest []string
			for j, z := range zones {
				if j != i {
					rest = append(rest, z)
				}
			}
			return cluster.Partition(az.Partition{Sides: [2][]string{{zones[i]}, rest}})
		}
		return cluster.Heal()
	case 7:
		return cluster.Heal()
	default:
		return cluster.ScaleService("web", r.IntN(8))
	}
}
