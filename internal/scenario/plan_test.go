package scenario

import (
	"strings"
	"testing"

	"github.com/swarmsim/swarmsim/az"
)

func TestPlanRecommendsTheSeedTable(t *testing.T) {
	for managers, want := range map[int]string{3: "1-1-1", 5: "2-2-1", 7: "3-2-2", 9: "3-3-3"} {
		rep, err := Plan(PlanSpec{Managers: managers, Zones: 3, Samples: 100, Seed: 1})
		if err != nil {
			t.Fatal(err)
		}
		first := rep.Layouts[0]
		if first.Layout.String() != want || !first.Recommended || len(first.Loses) != 0 {
			t.Errorf("%d managers: first layout %+v, want %s recommended and surviving any zone", managers, first, want)
		}
		if rep.VerifiedLayout != want {
			t.Errorf("%d managers: verified %s, want %s", managers, rep.VerifiedLayout, want)
		}
		for _, v := range rep.Verified {
			if !v.Raft || !v.Predicted {
				t.Errorf("%d managers as %s: losing zone %s: Raft %v, predicted %v", managers, want, v.Zone, v.Raft, v.Predicted)
			}
		}
	}
}

func TestPlanFlagsTwoZoneLayouts(t *testing.T) {
	for _, layout := range []string{"2-1", "3-2", "4-3"} {
		l, _ := az.Parse(layout)
		rep, err := Plan(PlanSpec{Layout: &l, Managers: l.Managers(), Zones: 2, Samples: 100, Seed: 1})
		if err != nil {
			t.Fatal(err)
		}
		got := rep.Layouts[0]
		if len(got.Loses) == 0 || got.Loses[0] != "a" {
			t.Errorf("%s: loses %v, want zone a (the larger)", layout, got.Loses)
		}
		if !strings.Contains(strings.Join(got.Warnings, " "), "two-zone trap") {
			t.Errorf("%s: warnings %v lack the two-zone trap", layout, got.Warnings)
		}
		for _, v := range rep.Verified {
			if v.Raft != v.Predicted {
				t.Errorf("%s losing %s: Raft %v, predicted %v", layout, v.Zone, v.Raft, v.Predicted)
			}
		}
		if !rep.Agrees() {
			t.Errorf("%s: Raft disagreed with the arithmetic", layout)
		}
	}
}

// A simulation that cannot run is an error: it must never read as "quorum
// lost" and pass for a verdict.
func TestPlanNeverTurnsAnErrorIntoAVerdict(t *testing.T) {
	empty := az.Layout{Zones: []az.Zone{{Name: "a"}, {Name: "b"}}}
	for _, tc := range []struct {
		name string
		spec PlanSpec
	}{
		{"verification", PlanSpec{Layout: &empty, Managers: 0, Zones: 2, Samples: 100, Seed: 1}},
		{"monte carlo", PlanSpec{Layout: &empty, Managers: 0, Zones: 2, Samples: 100, Seed: 1, Odds: &az.Odds{NodeFailure: 0.1, ZoneFailure: 0.1}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rep, err := Plan(tc.spec)
			if err == nil {
				t.Fatalf("a swarm without managers was simulated and judged: %+v", rep)
			}
			if !strings.Contains(err.Error(), "simulating") {
				t.Errorf("error %q does not say which simulation failed", err)
			}
		})
	}
}

func TestExactAndMonteCarloAgree(t *testing.T) {
	for _, tc := range []struct {
		layout     string
		node, zone float64
	}{
		{"1-1-1", 0.05, 0.02},
		{"2-2-1", 0.1, 0.05},
		{"2-1", 0.05, 0.1},
		{"3-2-2", 0.2, 0},
		{"3", 0, 0.3},
	} {
		t.Run(tc.layout, func(t *testing.T) {
			l, _ := az.Parse(tc.layout)
			r, err := odds(l, az.Odds{NodeFailure: tc.node, ZoneFailure: tc.zone}, 4000, 3, 0)
			if err != nil {
				t.Fatal(err)
			}
			if !r.Agree {
				t.Errorf("exact %.5f, Monte Carlo %.5f ± %.5f: more than 4 standard errors apart", r.Exact, r.MonteCarlo, r.StdError)
			}
			if r.Exact <= 0 || r.Simulations < 2 {
				t.Errorf("a degenerate case: exact %v from %d simulated patterns", r.Exact, r.Simulations)
			}
		})
	}
}

func TestOddsAreTheSameOnOneAndTwoCores(t *testing.T) {
	l, _ := az.Parse("2-2-1")
	o := az.Odds{NodeFailure: 0.1, ZoneFailure: 0.05}
	one, err1 := odds(l, o, 2000, 5, 1)
	two, err2 := odds(l, o, 2000, 5, 2)
	if err1 != nil || err2 != nil {
		t.Fatal(err1, err2)
	}
	if *one != *two {
		t.Errorf("1 core %+v, 2 cores %+v", *one, *two)
	}
}
