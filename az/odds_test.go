package az_test

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/swarmsim/swarmsim/az"
)

func TestOddsValidate(t *testing.T) {
	for _, o := range []az.Odds{{}, {NodeFailure: 1, ZoneFailure: 1}, {NodeFailure: 0.01, ZoneFailure: 0.001}, {NodeFailure: math.SmallestNonzeroFloat64}} {
		if err := o.Validate(); err != nil {
			t.Errorf("%+v.Validate() = %v", o, err)
		}
	}
	tests := []struct {
		name string
		odds az.Odds
		want []string
	}{
		{"node above 1", az.Odds{NodeFailure: 1.5}, []string{"node failure probability is 1.5", "not between 0 and 1", "like 0.01"}},
		{"node negative", az.Odds{NodeFailure: -0.1}, []string{"node failure probability is -0.1"}},
		{"zone above 1", az.Odds{ZoneFailure: 2}, []string{"zone failure probability is 2", "not between 0 and 1"}},
		{"zone percent by mistake", az.Odds{NodeFailure: 0.01, ZoneFailure: 5}, []string{"zone failure probability is 5"}},
		{"node NaN", az.Odds{NodeFailure: math.NaN()}, []string{"node failure probability is NaN", "not a number"}},
		{"zone NaN", az.Odds{ZoneFailure: math.NaN()}, []string{"zone failure probability is NaN"}},
		{"zone infinite", az.Odds{ZoneFailure: math.Inf(1)}, []string{"zone failure probability is +Inf"}},
		{"node minus infinity", az.Odds{NodeFailure: math.Inf(-1)}, []string{"node failure probability is -Inf"}},
		{"node checked first", az.Odds{NodeFailure: 3, ZoneFailure: 4}, []string{"node failure probability is 3"}},
		{"just above 1", az.Odds{NodeFailure: math.Nextafter(1, 2)}, []string{"1.0000000000000002"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.odds.Validate()
			if err == nil {
				t.Fatalf("%+v.Validate() = nil, want an error", tt.odds)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not mention %q", err, w)
				}
			}
			checkSentence(t, err.Error())
			if p := mustParse(t, "2-2-1").LossProbability(tt.odds); !math.IsNaN(p) {
				t.Errorf("LossProbability with invalid odds = %v, want NaN", p)
			}
		})
	}
}

func binom(n, k int) float64 {
	return math.Round(math.Exp(lgamma(n+1) - lgamma(k+1) - lgamma(n-k+1)))
}

func lgamma(x int) float64 {
	v, _ := math.Lgamma(float64(x))
	return v
}

// lossByZoneSets is the textbook computation the brief describes: every
// set of failed zones, and within the zones left, the binomial chance that
// too few managers survive. It shares no code with LossProbability.
func lossByZoneSets(l az.Layout, o az.Odds) float64 {
	q := az.Quorum(l.Managers())
	total := 0.0
	for set := 0; set < 1<<len(l.Zones); set++ {
		pSet, up := 1.0, 0
		for i, z := range l.Zones {
			if set&(1<<i) != 0 {
				pSet *= o.ZoneFailure
			} else {
				pSet *= 1 - o.ZoneFailure
				up += z.Managers
			}
		}
		for alive := 0; alive <= up && alive < q; alive++ {
			total += pSet * binom(up, alive) * math.Pow(1-o.NodeFailure, float64(alive)) * math.Pow(o.NodeFailure, float64(up-alive))
		}
	}
	return total
}

// lossByOutcomes sums over every one of the 2^(zones+managers) outcomes.
func lossByOutcomes(l az.Layout, o az.Odds) float64 {
	var owner []int // zone index of each manager
	for i, z := range l.Zones {
		for range z.Managers {
			owner = append(owner, i)
		}
	}
	zs, n := len(l.Zones), len(owner)
	total := 0.0
	for outcome := 0; outcome < 1<<(zs+n); outcome++ {
		p, alive := 1.0, 0
		for i := range zs {
			if outcome&(1<<i) != 0 {
				p *= o.ZoneFailure
			} else {
				p *= 1 - o.ZoneFailure
			}
		}
		for j, zone := range owner {
			if outcome&(1<<(zs+j)) != 0 {
				p *= o.NodeFailure
			} else {
				p *= 1 - o.NodeFailure
				if outcome&(1<<zone) == 0 {
					alive++
				}
			}
		}
		if !az.Holds(n, alive) {
			total += p
		}
	}
	return total
}

func near(a, b float64) bool {
	return math.Abs(a-b) <= 1e-12*math.Max(1, math.Max(math.Abs(a), math.Abs(b))) ||
		math.Abs(a-b) <= 1e-9*math.Max(math.Abs(a), math.Abs(b))
}

func TestLossProbabilityByHand(t *testing.T) {
	tests := []struct {
		name string
		spec string
		odds az.Odds
		want float64
	}{
		// No zone failures: the managers are plain coin flips. 3 managers
		// lose quorum when 2 or 3 fail: 3·p²(1-p) + p³.
		{"zones never fail, 1-1-1", "1-1-1", az.Odds{NodeFailure: 0.1}, 3*0.01*0.9 + 0.001},
		// The zones do not matter then: 3-0-0 is the same 3 coins.
		{"zones never fail, 3 in one zone", "3-0-0", az.Odds{NodeFailure: 0.1}, 3*0.01*0.9 + 0.001},
		// 5 managers lose quorum when 3 or more fail.
		{"zones never fail, 2-2-1", "2-2-1", az.Odds{NodeFailure: 0.2},
			10*math.Pow(0.2, 3)*math.Pow(0.8, 2) + 5*math.Pow(0.2, 4)*0.8 + math.Pow(0.2, 5)},
		// No node failures: only zones. 2-2-1 loses quorum when any two
		// zones fail (each pair takes 3 or 4 managers) or all three.
		{"nodes never fail, 2-2-1", "2-2-1", az.Odds{ZoneFailure: 0.1}, 3*0.01*0.9 + 0.001},
		// 3-2 loses quorum exactly when zone a fails; b alone leaves 3.
		{"nodes never fail, two-zone trap 3-2", "3-2", az.Odds{ZoneFailure: 0.1}, 0.1},
		// 2-2 loses quorum when either zone fails.
		{"nodes never fail, 2-2", "2-2", az.Odds{ZoneFailure: 0.1}, 1 - 0.9*0.9},
		// 3-3-3 needs two zones down.
		{"nodes never fail, 3-3-3", "3-3-3", az.Odds{ZoneFailure: 0.05}, 3*0.05*0.05*0.95 + 0.05*0.05*0.05},
		// One manager: lost if its node or its zone fails.
		{"1 manager", "1", az.Odds{NodeFailure: 0.1, ZoneFailure: 0.2}, 0.1 + 0.2 - 0.1*0.2},
		{"1 manager among empty zones", "0-1-0", az.Odds{NodeFailure: 0.1, ZoneFailure: 0.2}, 0.1 + 0.2 - 0.1*0.2},
		// All in one zone: the zone, or else 2 of the 3 managers.
		{"all in one zone", "3", az.Odds{NodeFailure: 0.1, ZoneFailure: 0.2}, 0.2 + 0.8*(3*0.01*0.9+0.001)},
		// 1-1-1 with both: each manager is down with q = 1-(1-n)(1-z),
		// independently, because each has a zone of its own.
		{"1-1-1 with both", "1-1-1", az.Odds{NodeFailure: 0.1, ZoneFailure: 0.2},
			func() float64 { q := 1 - 0.9*0.8; return 3*q*q*(1-q) + q*q*q }()},
		{"nothing fails", "2-2-1", az.Odds{}, 0},
		{"every node fails", "2-2-1", az.Odds{NodeFailure: 1}, 1},
		{"every zone fails", "2-2-1", az.Odds{ZoneFailure: 1}, 1},
		{"2 managers need both", "1-1", az.Odds{NodeFailure: 0.1}, 1 - 0.81},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := mustParse(t, tt.spec)
			if got := l.LossProbability(tt.odds); !near(got, tt.want) {
				t.Errorf("%s LossProbability(%+v) = %.17g, want %.17g", tt.spec, tt.odds, got, tt.want)
			}
		})
	}
}

func TestLossProbabilityEdges(t *testing.T) {
	o := az.Odds{NodeFailure: 0.1, ZoneFailure: 0.1}
	if got := (az.Layout{}).LossProbability(o); got != 1 {
		t.Errorf("no zones: LossProbability = %v, want 1", got)
	}
	if got := (az.Layout{Zones: []az.Zone{{Name: "a"}}}).LossProbability(az.Odds{}); got != 1 {
		t.Errorf("no managers: LossProbability = %v, want 1", got)
	}
	negative := az.Layout{Zones: []az.Zone{{Name: "a", Managers: -4}, {Name: "b", Managers: 1}}}
	if got, want := negative.LossProbability(o), mustParse(t, "0-1").LossProbability(o); got != want {
		t.Errorf("negative managers: LossProbability = %v, want %v as for none", got, want)
	}
	// The limits Parse allows: 1000 managers in 100 zones, quickly and
	// within [0, 1].
	big := mustParse(t, strings.Repeat("10-", az.MaxZones-1)+"10")
	for _, o := range []az.Odds{{}, {NodeFailure: 0.5}, {NodeFailure: 0.01, ZoneFailure: 0.01}, {NodeFailure: 1}} {
		p := big.LossProbability(o)
		if p < 0 || p > 1 || math.IsNaN(p) {
			t.Errorf("1000 managers, %+v: LossProbability = %v", o, p)
		}
	}
	if p := big.LossProbability(az.Odds{NodeFailure: 0.5}); !near(p, 0.5+0.5*binomHalf(1000, 500)) {
		// Quorum of 1000 is 501: lost when at most 500 survive, which is
		// half the mass and half of the middle term, by symmetry.
		t.Errorf("1000 managers at 0.5: LossProbability = %.17g, want %.17g", p, 0.5+0.5*binomHalf(1000, 500))
	}
}

// binomHalf is C(n,k)/2^n, computed in logs.
func binomHalf(n, k int) float64 {
	return math.Exp(lgamma(n+1) - lgamma(k+1) - lgamma(n-k+1) - float64(n)*math.Ln2)
}

func TestLossProbabilityAgreesWithEnumeration(t *testing.T) {
	odds := []az.Odds{
		{NodeFailure: 0.1, ZoneFailure: 0.2},
		{NodeFailure: 0.01, ZoneFailure: 0.001},
		{NodeFailure: 0.5, ZoneFailure: 0.5},
		{NodeFailure: 1e-6, ZoneFailure: 1e-9},
		{NodeFailure: 0.3},
		{ZoneFailure: 0.3},
	}
	specs := []string{"1", "2", "1-1", "2-1", "1-1-1", "3-0-0", "2-2-1", "3-1-1", "3-2", "2-2", "3-2-2", "3-3-3", "1-1-1-1-1", "0-2-0-1", "4-1"}
	for _, spec := range specs {
		l := mustParse(t, spec)
		for _, o := range odds {
			got := l.LossProbability(o)
			if want := lossByOutcomes(l, o); !near(got, want) {
				t.Errorf("%s %+v: LossProbability = %.17g, every outcome sums to %.17g", spec, o, got, want)
			}
			if want := lossByZoneSets(l, o); !near(got, want) {
				t.Errorf("%s %+v: LossProbability = %.17g, zone sets sum to %.17g", spec, o, got, want)
			}
		}
	}
}

func TestLossProbabilityOrdersLayouts(t *testing.T) {
	// With zones as likely to fail as nodes, the layout that survives a
	// zone must be the safer one, and by a wide margin.
	o := az.Odds{NodeFailure: 0.01, ZoneFailure: 0.01}
	good, trap := mustParse(t, "2-2-1").LossProbability(o), mustParse(t, "3-2").LossProbability(o)
	if !(good*10 < trap) {
		t.Errorf("2-2-1 loses with %g, 3-2 with %g: want 2-2-1 far safer", good, trap)
	}
}

func TestSampleLossMatchesLossProbability(t *testing.T) {
	const n = 100_000
	r := rand.New(rand.NewPCG(20240611, 7))
	for _, tt := range []struct {
		spec string
		odds az.Odds
	}{
		{"2-2-1", az.Odds{NodeFailure: 0.1, ZoneFailure: 0.1}},
		{"3-2", az.Odds{NodeFailure: 0.05, ZoneFailure: 0.2}},
		{"1-1-1", az.Odds{NodeFailure: 0.2, ZoneFailure: 0.05}},
		{"3-3-3", az.Odds{NodeFailure: 0.3, ZoneFailure: 0.1}},
		{"3", az.Odds{NodeFailure: 0.1, ZoneFailure: 0.02}},
		{"1", az.Odds{NodeFailure: 0.1, ZoneFailure: 0.1}},
		{"2-2", az.Odds{NodeFailure: 0.01, ZoneFailure: 0.01}},
		{"2-2-1", az.Odds{NodeFailure: 0.001, ZoneFailure: 0.001}},
		{"0-3-0-2", az.Odds{NodeFailure: 0.5, ZoneFailure: 0.5}},
	} {
		l := mustParse(t, tt.spec)
		exact := l.LossProbability(tt.odds)
		lost := 0
		for range n {
			if l.SampleLoss(tt.odds, r).Lost() {
				lost++
			}
		}
		est := float64(lost) / n
		se := az.MonteCarloError(exact, n)
		if math.Abs(est-exact) > 4*se {
			t.Errorf("%s %+v: %d of %d sampled periods lost quorum (%.5f), exact %.5f, more than 4 standard errors (%.5f) apart",
				tt.spec, tt.odds, lost, n, est, exact, se)
		}
	}
}

func TestSampleLoss(t *testing.T) {
	l := mustParse(t, "2-0-3")
	check := func(t *testing.T, s az.Sample) {
		t.Helper()
		if s.Members != 5 {
			t.Errorf("Members = %d, want 5", s.Members)
		}
		alive := 5
		for _, z := range s.DeadZones {
			alive -= l.Zones[l.Index(z)].Managers
			if _, ok := s.DeadManagers[z]; ok {
				t.Errorf("zone %s failed whole and also has single failures: %+v", z, s)
			}
		}
		for z, n := range s.DeadManagers {
			if n <= 0 || n > l.Zones[l.Index(z)].Managers {
				t.Errorf("zone %s has %d dead managers of %d", z, n, l.Zones[l.Index(z)].Managers)
			}
			alive -= n
		}
		if s.Alive != alive {
			t.Errorf("Alive = %d, but the dead add up to leave %d: %+v", s.Alive, alive, s)
		}
		if s.Lost() != !az.Holds(5, alive) {
			t.Errorf("Lost = %v with %d of 5 alive", s.Lost(), alive)
		}
	}
	r := rand.New(rand.NewPCG(1, 2))

	t.Run("nothing fails", func(t *testing.T) {
		s := l.SampleLoss(az.Odds{}, r)
		check(t, s)
		if s.Alive != 5 || s.DeadZones != nil || s.DeadManagers != nil || s.Lost() {
			t.Errorf("SampleLoss with no failures = %+v", s)
		}
	})
	t.Run("every zone fails", func(t *testing.T) {
		s := l.SampleLoss(az.Odds{ZoneFailure: 1, NodeFailure: 1}, r)
		check(t, s)
		if s.Alive != 0 || strings.Join(s.DeadZones, ",") != "a,b,c" || s.DeadManagers != nil || !s.Lost() {
			t.Errorf("SampleLoss with every zone failing = %+v", s)
		}
	})
	t.Run("every node fails", func(t *testing.T) {
		s := l.SampleLoss(az.Odds{NodeFailure: 1}, r)
		check(t, s)
		if s.Alive != 0 || s.DeadZones != nil || len(s.DeadManagers) != 2 || s.DeadManagers["a"] != 2 || s.DeadManagers["c"] != 3 {
			t.Errorf("SampleLoss with every node failing = %+v", s)
		}
	})
	t.Run("mixed draws stay consistent", func(t *testing.T) {
		sawZone, sawNode := false, false
		for range 2000 {
			s := l.SampleLoss(az.Odds{NodeFailure: 0.3, ZoneFailure: 0.3}, r)
			check(t, s)
			sawZone = sawZone || len(s.DeadZones) > 0
			sawNode = sawNode || len(s.DeadManagers) > 0
		}
		if !sawZone || !sawNode {
			t.Errorf("2000 draws at 0.3 saw zone failures %v and node failures %v", sawZone, sawNode)
		}
	})
	t.Run("same seed, same samples", func(t *testing.T) {
		a, b := rand.New(rand.NewPCG(9, 9)), rand.New(rand.NewPCG(9, 9))
		o := az.Odds{NodeFailure: 0.2, ZoneFailure: 0.2}
		for i := range 500 {
			x, y := l.SampleLoss(o, a), l.SampleLoss(o, b)
			if x.Alive != y.Alive || strings.Join(x.DeadZones, ",") != strings.Join(y.DeadZones, ",") || len(x.DeadManagers) != len(y.DeadManagers) {
				t.Fatalf("draw %d differs: %+v and %+v", i, x, y)
			}
			for z, n := range x.DeadManagers {
				if y.DeadManagers[z] != n {
					t.Fatalf("draw %d differs: %+v and %+v", i, x, y)
				}
			}
		}
	})
	t.Run("one draw per zone and per manager, whatever the outcome", func(t *testing.T) {
		for _, o := range []az.Odds{{}, {NodeFailure: 1, ZoneFailure: 1}, {NodeFailure: 0.5, ZoneFailure: 0.5}} {
			a, b := rand.New(rand.NewPCG(3, 4)), rand.New(rand.NewPCG(3, 4))
			l.SampleLoss(o, a)
			for range len(l.Zones) + l.Managers() {
				b.Float64()
			}
			if a.Uint64() != b.Uint64() {
				t.Errorf("%+v: SampleLoss did not take exactly %d draws", o, len(l.Zones)+l.Managers())
			}
		}
	})
}

func TestMonteCarloError(t *testing.T) {
	tests := []struct {
		p    float64
		n    int
		want float64
	}{
		{0.5, 100, 0.05},
		{0.1, 10000, 0.003},
		{0.9, 10000, 0.003},
		{0, 100, math.Sqrt(0.01 * 0.99 / 100)}, // floor: p taken as 1/n
		{1, 100, math.Sqrt(0.01 * 0.99 / 100)}, // and as 1-1/n
		{1e-9, 100, math.Sqrt(0.01 * 0.99 / 100)},
		{-3, 100, math.Sqrt(0.01 * 0.99 / 100)},
		{0, 1, 0.5},
		{1, 1, 0.5},
		{0.5, 0, math.Inf(1)},
		{0.5, -5, math.Inf(1)},
	}
	for _, tt := range tests {
		if got := az.MonteCarloError(tt.p, tt.n); !near(got, tt.want) && got != tt.want {
			t.Errorf("MonteCarloError(%v, %d) = %v, want %v", tt.p, tt.n, got, tt.want)
		}
	}
	if got := az.MonteCarloError(math.NaN(), 10); !math.IsNaN(got) {
		t.Errorf("MonteCarloError(NaN, 10) = %v, want NaN", got)
	}
	for n := 1; n < 1000; n += 37 {
		for _, p := range []float64{0, 1e-6, 0.3, 1} {
			if e := az.MonteCarloError(p, n); !(e > 0) {
				t.Errorf("MonteCarloError(%v, %d) = %v, want more than 0", p, n, e)
			}
		}
	}
}
