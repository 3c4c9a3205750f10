package az

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strconv"
)

// Survival odds: how likely a layout is to lose quorum in one period.
//
// The model is deliberately simple so that it can be computed exactly and
// sampled identically. In one period (a day, a month: whatever the
// probabilities were estimated for) each zone fails whole with probability
// ZoneFailure, taking every manager in it, and each manager fails on its own
// with probability NodeFailure; all of these events are independent. The
// swarm loses quorum when fewer than Quorum(N) managers survive, N being the
// Raft configuration size (every manager in the layout).
//
// LossProbability computes that exactly. SampleLoss draws one period from
// the same model, so that a Monte Carlo run on the real simulator can be
// checked against the exact figure with MonteCarloError.

// Odds are independent per-period failure probabilities, each in [0, 1].
type Odds struct {
	NodeFailure float64 // each manager fails on its own with this probability
	ZoneFailure float64 // each zone fails whole, all its managers with it
}

// Validate says which probability is not one: NaN, infinite or outside
// [0, 1]. The error is one sentence naming the bad value.
func (o Odds) Validate() error {
	for _, p := range []struct {
		name string
		v    float64
	}{{"node failure", o.NodeFailure}, {"zone failure", o.ZoneFailure}} {
		switch {
		case math.IsNaN(p.v):
			return fmt.Errorf("the %s probability is NaN, which is not a number; write a probability between 0 and 1, like 0.01 for 1%%", p.name)
		case p.v < 0 || p.v > 1:
			return fmt.Errorf("the %s probability is %s, which is not between 0 and 1; write a probability, like 0.01 for 1%%",
				p.name, strconv.FormatFloat(p.v, 'g', -1, 64))
		}
	}
	return nil
}

// LossProbability is the exact probability that fewer than Quorum(N) of the
// layout's N managers survive one period under o. A layout without
// managers has no quorum to keep and loses it with probability 1 (as Holds
// says), negative manager counts are taken as 0, and odds that Validate
// rejects give NaN.
//
// There is no limit on the number of zones: rather than enumerate the 2^Z
// sets of failed zones, it builds the distribution of surviving managers
// zone by zone. Zones fail independently, so one zone's survivors are 0
// with probability ZoneFailure and otherwise binomial(managers,
// 1-NodeFailure), and the total is the convolution of the zones' own
// distributions. The cost is O(N²) whatever Z is, and since every term is a
// sum of products of probabilities, with no subtraction, even tiny results
// keep their relative precision. The tests check it against the 2^Z
// enumeration and against every one of the 2^(Z+N) outcomes.
func (l Layout) LossProbability(o Odds) float64 {
	if o.Validate() != nil {
		return math.NaN()
	}
	n := members(l)
	if n == 0 {
		return 1
	}
	alive := []float64{1} // alive[k]: probability that k managers of the zones so far survive
	for _, z := range l.Zones {
		m := max(z.Managers, 0)
		if m == 0 {
			continue // an empty zone changes nothing whether it fails or not
		}
		zone := binomial(m, 1-o.NodeFailure)
		for k := range zone {
			zone[k] *= 1 - o.ZoneFailure
		}
		zone[0] += o.ZoneFailure
		alive = convolve(alive, zone)
	}
	loss := 0.0
	for k := range Quorum(n) {
		loss += alive[k]
	}
	return min(loss, 1) // rounding must not make it more than certain
}

// members is the managers in l, negative counts taken as 0.
func members(l Layout) int {
	n := 0
	for _, z := range l.Zones {
		n += max(z.Managers, 0)
	}
	return n
}

// binomial is the distribution of successes in m independent trials that
// each succeed with probability p, built trial by trial (Pascal's rule) so
// that no factorial or power can overflow or lose precision.
func binomial(m int, p float64) []float64 {
	dist := make([]float64, m+1)
	dist[0] = 1
	for trial := 1; trial <= m; trial++ {
		for k := trial; k >= 1; k-- {
			// The conversions round each product before the sum: Go may
			// otherwise fuse a multiply and an add (as arm64 does), and the
			// odds a plan prints would differ by architecture.
			dist[k] = float64(dist[k]*(1-p)) + float64(dist[k-1]*p)
		}
		dist[0] *= 1 - p
	}
	return dist
}

// convolve is the distribution of the sum of two independent counts.
func convolve(a, b []float64) []float64 {
	out := make([]float64, len(a)+len(b)-1)
	for i, x := range a {
		if x == 0 {
			continue
		}
		for j, y := range b {
			out[i+j] += float64(x * y) // rounded before the sum, as in binomial
		}
	}
	return out
}

// Sample is one period drawn by SampleLoss.
type Sample struct {
	// DeadZones failed whole, in layout order; all their managers are dead.
	DeadZones []string

	// DeadManagers counts, by zone name, the managers that failed on their
	// own in zones that did not fail. Zones that failed whole, and zones
	// where no manager failed, are absent. Which managers of a zone those
	// are does not matter to the model; a simulator picks them with its
	// own seeded choice.
	DeadManagers map[string]int

	Members int // the Raft configuration size: every manager in the layout
	Alive   int // managers still running at the end of the period
}

// Lost reports whether the period left fewer than a quorum alive.
func (s Sample) Lost() bool { return !Holds(s.Members, s.Alive) }

// SampleLoss draws one period's failures from the model LossProbability
// computes, using only r, so the same source state gives the same sample.
//
// It always takes 1+managers draws per zone, in layout order (the zone's
// own, then one per manager, even for a zone that has just failed), so the
// position of each zone's draws in the stream does not depend on the
// outcome or the odds. A probability of 0 never fires and one of 1 always
// does. Negative manager counts are taken as 0. Call Validate first: out-of-range odds behave like the nearest end
// of [0, 1], and NaN like 0. r must not be nil.
func (l Layout) SampleLoss(o Odds, r *rand.Rand) Sample {
	s := Sample{Members: members(l)}
	for _, z := range l.Zones {
		m := max(z.Managers, 0)
		zoneDown := r.Float64() < o.ZoneFailure
		dead := 0
		for range m {
			if r.Float64() < o.NodeFailure {
				dead++
			}
		}
		switch {
		case zoneDown:
			s.DeadZones = append(s.DeadZones, z.Name)
		case dead > 0:
			if s.DeadManagers == nil {
				s.DeadManagers = map[string]int{}
			}
			s.DeadManagers[z.Name] = dead
			s.Alive += m - dead
		default:
			s.Alive += m
		}
	}
	return s
}

// MonteCarloError is the standard error of a loss rate measured over n
// sampled periods when the true probability is p: sqrt(p(1-p)/n). A Monte
// Carlo estimate agrees with LossProbability when it is within a few of
// these (4 makes a false alarm about 1 in 16,000).
//
// Floor: p is first clamped into [1/n, 1-1/n] (to 1/2 when n is 1), so the
// error is never 0. At p = 0 or 1 the formula would claim that a run that
// saw no loss, or only losses, knows the answer exactly; one sample's worth
// of rate, about 1/n, is the resolution a run of n really has. n < 1 gives
// +Inf (no samples, no knowledge) and NaN p gives NaN.
func MonteCarloError(p float64, n int) float64 {
	if n < 1 {
		return math.Inf(1)
	}
	if math.IsNaN(p) {
		return math.NaN()
	}
	lo := min(1/float64(n), 0.5)
	p = min(max(p, lo), 1-lo)
	return math.Sqrt(p * (1 - p) / float64(n))
}
