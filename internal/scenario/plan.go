package scenario

import (
	"fmt"
	"hash/fnv"
	"maps"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"github.com/swarmsim/swarmsim/az"
	"github.com/swarmsim/swarmsim/cluster"
)

// VerifyBound is how long each simulated loss runs before Raft's verdict is
// read: three election timeouts, after which a leader exists if one can.
const VerifyBound = 30 * time.Second

// PlanSpec asks where to put managers: every layout of Managers over Zones,
// or the one Layout given.
type PlanSpec struct {
	Managers, Zones int
	Layout          *az.Layout // judge this layout only
	Odds            *az.Odds   // with failure odds, the loss probability exact and by Monte Carlo
	Samples         int        // simulated periods of the Monte Carlo
	Seed            uint64
	Cores           int // goroutines to spread simulations over; 0 for every core
}

// PlanReport is what a plan found.
type PlanReport struct {
	Managers, Zones int
	Odds            *az.Odds
	Layouts         []PlannedLayout // best first; the recommended one is marked
	// Verified is the first layout's single-zone losses, each run on real
	// Raft; VerifiedLayout names it.
	VerifiedLayout string
	Verified       []Verification
}

// PlannedLayout is az's assessment of a layout, with the odds when asked.
type PlannedLayout struct {
	az.Assessment
	Odds *OddsResult // for the first and the recommended layout, when odds were given
}

// Verification is one zone lost on real Raft beside the prediction.
type Verification struct {
	Zone      string
	Predicted bool   // az says quorum holds
	Raft      bool   // Raft kept a leader hearing a quorum after VerifyBound
	Leader    string // who leads then; "" when none
}

// OddsResult is the chance of losing quorum in a period, exact and
// simulated.
type OddsResult struct {
	Exact       float64
	MonteCarlo  float64
	StdError    float64
	Samples     int
	Simulations int  // distinct failure patterns run on Raft
	Agree       bool // within four standard errors
}

// Agrees reports whether Raft agreed with every prediction and every Monte
// Carlo estimate with the exact figure.
func (r *PlanReport) Agrees() bool {
	for _, v := range r.Verified {
		if v.Predicted != v.Raft {
			return false
		}
	}
	for _, l := range r.Layouts {
		if l.Odds != nil && !l.Odds.Agree {
			return false
		}
	}
	return true
}

// Plan assesses the layouts with package az, verifies the first one's
// single-zone losses on real Raft and, with odds, cross-checks the exact
// loss probability by a Monte Carlo of simulated periods. A simulation that
// fails is an error, never a verdict.
func Plan(spec PlanSpec) (*PlanReport, error) {
	var assessments []az.Assessment
	if spec.Layout != nil {
		assessments = []az.Assessment{az.Assess(*spec.Layout)}
	} else {
		assessments = az.Plan(spec.Managers, spec.Zones)
	}
	if len(assessments) == 0 {
		return nil, az.CheckPlan(spec.Managers, spec.Zones)
	}
	rep := &PlanReport{Managers: spec.Managers, Zones: spec.Zones, Odds: spec.Odds}
	for i, a := range assessments {
		pl := PlannedLayout{Assessment: a}
		if spec.Odds != nil && (i == 0 || a.Recommended) {
			o, err := odds(a.Layout, *spec.Odds, spec.Samples, spec.Seed, spec.Cores)
			if err != nil {
				return nil, err
			}
			pl.Odds = o
		}
		rep.Layouts = append(rep.Layouts, pl)
	}
	first := assessments[0].Layout
	vs, err := verify(first, spec.Seed)
	if err != nil {
		return nil, err
	}
	rep.VerifiedLayout, rep.Verified = first.String(), vs
	return rep, nil
}

// verify runs every single-zone loss of l on real Raft.
func verify(l az.Layout, seed uint64) ([]Verification, error) {
	var out []Verification
	for _, loss := range l.Losses() {
		c, err := cluster.New(cluster.Config{Seed: seed, Layout: l})
		if err == nil {
			err = c.RunFor(time.Second)
		}
		if err == nil {
			err = c.Apply(cluster.KillZone(loss.Zone))
		}
		if err == nil {
			err = c.RunFor(VerifyBound)
		}
		if err != nil {
			return nil, fmt.Errorf("simulating the loss of zone %s of %s: %w", loss.Zone, l, err)
		}
		s := c.Snapshot()
		out = append(out, Verification{Zone: loss.Zone, Predicted: loss.Holds, Raft: s.Quorum.Holds, Leader: s.Leader})
	}
	return out, nil
}

// odds computes the exact loss probability and a Monte Carlo estimate in
// which Raft decides every sampled period. Periods with the same failures
// give the same verdict, so each distinct pattern is simulated once, seeded
// by the pattern.
func odds(l az.Layout, o az.Odds, samples int, seed uint64, cores int) (*OddsResult, error) {
	r := rand.New(rand.NewPCG(seed, 0x6f646473)) // "odds"
	patterns := map[string]az.Sample{}
	keys := make([]string, samples)
	for i := range samples {
		s := l.SampleLoss(o, r)
		keys[i] = patternKey(s)
		patterns[keys[i]] = s
	}
	order := slices.Sorted(maps.Keys(patterns))
	lostAt := make([]bool, len(order))
	errs := make([]error, len(order))
	forEach(len(order), cores, func(i int) {
		k := order[i]
		lostAt[i], errs[i] = simulatePeriod(l, patterns[k], seed^hash(k))
	})
	lost := make(map[string]bool, len(order))
	for i, k := range order {
		if errs[i] != nil {
			return nil, fmt.Errorf("simulating a period of %s: %w", l, errs[i])
		}
		lost[k] = lostAt[i]
	}
	n := 0
	for _, k := range keys {
		if lost[k] {
			n++
		}
	}
	exact := l.LossProbability(o)
	mc := float64(n) / float64(samples)
	se := az.MonteCarloError(exact, samples)
	diff := mc - exact
	return &OddsResult{Exact: exact, MonteCarlo: mc, StdError: se, Samples: samples, Simulations: len(order), Agree: diff <= 4*se && diff >= -4*se}, nil
}

func patternKey(s az.Sample) string {
	var b strings.Builder
	b.WriteString(strings.Join(s.DeadZones, ","))
	b.WriteByte('|')
	for _, z := range slices.Sorted(maps.Keys(s.DeadManagers)) {
		fmt.Fprintf(&b, "%s=%d,", z, s.DeadManagers[z])
	}
	return b.String()
}

func hash(s string) uint64 {
	h := fnv.New64a()
	h.Write([]byte(s))
	return h.Sum64()
}

// simulatePeriod applies one sampled period's failures to a fresh swarm and
// reports whether Raft lost quorum.
func simulatePeriod(l az.Layout, s az.Sample, seed uint64) (bool, error) {
	c, err := cluster.New(cluster.Config{Seed: seed, Layout: l})
	if err != nil {
		return false, err
	}
	if err := c.RunFor(time.Second); err != nil {
		return false, err
	}
	var actions []cluster.Action
	for _, z := range s.DeadZones {
		actions = append(actions, cluster.KillZone(z))
	}
	byZone := map[string][]string{}
	for _, n := range c.Snapshot().Nodes {
		if n.Role == cluster.RoleManager {
			byZone[n.Zone] = append(byZone[n.Zone], n.Name)
		}
	}
	r := rand.New(rand.NewPCG(seed, 1))
	var victims []string
	for _, z := range l.Names() {
		names := byZone[z]
		r.Shuffle(len(names), func(i, j int) { names[i], names[j] = names[j], names[i] })
		victims = append(victims, names[:s.DeadManagers[z]]...)
	}
	if len(victims) > 0 {
		actions = append(actions, cluster.Kill(victims...))
	}
	for _, a := range actions {
		if err := c.Apply(a); err != nil {
			return false, err
		}
	}
	if err := c.RunFor(VerifyBound); err != nil {
		return false, err
	}
	return c.Snapshot().Leader == "", nil
}
