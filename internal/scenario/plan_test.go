package scenario

import (
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/swarmsim/swarmsim/az"
	"github.com/swarmsim/swarmsim/cluster"
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
		want string // which simulation the error names
	}{
		{"verification", PlanSpec{Layout: &empty, Managers: 0, Zones: 2, Samples: 100, Seed: 1}, "simulating the loss of zone a"},
		{"monte carlo", PlanSpec{Layout: &empty, Managers: 0, Zones: 2, Samples: 100, Seed: 1, Odds: &az.Odds{NodeFailure: 0.1, ZoneFailure: 0.1}}, "simulating a period"},
		// A network the simulator refuses: no write can be timed on it.
		{"commit timing", PlanSpec{Managers: 3, Zones: 2, Samples: 100, Seed: 1, RTT: cluster.RTT{cluster.Pair("a", "b"): 0}}, "timing writes in 2-1 with the leader in zone a"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rep, err := Plan(tc.spec)
			if err == nil {
				t.Fatalf("a simulation that cannot run was judged: %+v", rep)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q does not say which simulation failed (%q)", err, tc.want)
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
			r, err := odds(l, az.Odds{NodeFailure: tc.node, ZoneFailure: tc.zone}, nil, 4000, 3, 0)
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
	one, err1 := odds(l, o, nil, 2000, 5, 1)
	two, err2 := odds(l, o, nil, 2000, 5, 2)
	if err1 != nil || err2 != nil {
		t.Fatal(err1, err2)
	}
	if *one != *two {
		t.Errorf("1 core %+v, 2 cores %+v", *one, *two)
	}
}

// fortyMS is 40 ms between every pair of the first three zones.
func fortyMS(t *testing.T) cluster.RTT {
	t.Helper()
	r, err := cluster.ParseRTT("a-b=40ms,a-c=40ms,b-c=40ms", []string{"a", "b", "c"})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func judge(t *testing.T, layout string, rtt cluster.RTT) *PlanReport {
	t.Helper()
	l, err := az.Parse(layout)
	if err != nil {
		t.Fatal(err)
	}
	rep, err := Plan(PlanSpec{Layout: &l, Managers: l.Managers(), Zones: len(l.Zones), RTT: rtt, Proposals: 100, Samples: 100, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

// With two zones no layout survives losing either, so the rule recommends
// one that survives losing the smaller zone, never the even split that
// survives neither.
func TestPlanOverTwoZonesRecommendsALayoutThatSurvivesAZone(t *testing.T) {
	for _, tc := range []struct {
		managers int
		want     string
		not      string
	}{{4, "3-1", "2-2"}, {6, "4-2", "3-3"}} {
		rep, err := Plan(PlanSpec{Managers: tc.managers, Zones: 2, Proposals: 50, Samples: 100, Seed: 1})
		if err != nil {
			t.Fatal(err)
		}
		best := rep.Recommended()
		if best == nil || best.Layout.String() != tc.want || best.SurvivedZones != 1 || !slices.Equal(best.Survives, []string{"b"}) {
			t.Fatalf("%d over 2: recommended %+v, want %s surviving the loss of b", tc.managers, best, tc.want)
		}
		if rep.Layouts[0].Layout.String() != tc.want {
			t.Errorf("%d over 2: the recommended layout is not listed first", tc.managers)
		}
		for _, l := range rep.Layouts {
			if l.Recommended != (l.Layout.String() == tc.want) {
				t.Errorf("%d over 2: %s recommended: %v", tc.managers, l.Layout, l.Recommended)
			}
		}
		if rep.VerifiedLayout != tc.want {
			t.Errorf("%d over 2: verified %s, want the recommended %s", tc.managers, rep.VerifiedLayout, tc.want)
		}
		for _, v := range rep.Verified {
			if v.Zone == "b" && !v.Raft {
				t.Errorf("%d over 2: Raft lost quorum when %s lost zone b", tc.managers, tc.want)
			}
		}
	}
}

// --az 3-2 is judged, not recommended, and 2-2-1 over three zones is
// named as better; a layout the rule picks is judged recommended.
func TestPlanJudgesALayoutAndNamesABetterOne(t *testing.T) {
	rep := judge(t, "3-2", nil)
	if len(rep.Layouts) != 2 {
		t.Fatalf("judging 3-2: %d layouts, want the judged one and a better one", len(rep.Layouts))
	}
	judged, better := rep.Layouts[0], rep.Layouts[1]
	if !judged.Judged || judged.Recommended || judged.Layout.String() != "3-2" {
		t.Errorf("judged row %s: judged %v, recommended %v", judged.Layout, judged.Judged, judged.Recommended)
	}
	if better.Judged || !better.Recommended || better.Layout.String() != "2-2-1" || len(better.Loses) != 0 {
		t.Errorf("better row %s: judged %v, recommended %v, loses %v; want 2-2-1 surviving any zone", better.Layout, better.Judged, better.Recommended, better.Loses)
	}
	if want := "it survives losing any one zone, where 3-2 loses quorum if zone a fails"; rep.Better != want {
		t.Errorf("why it is better: %q, want %q", rep.Better, want)
	}
	if rep.Judged != "3-2" || rep.VerifiedLayout != "3-2" {
		t.Errorf("judged %q, verified %q: both should be 3-2", rep.Judged, rep.VerifiedLayout)
	}

	for _, layout := range []string{"2-2-1", "1-2-2", "1-1-1"} {
		rep := judge(t, layout, nil)
		if len(rep.Layouts) != 1 || !rep.Layouts[0].Recommended || rep.Better != "" {
			t.Errorf("judging %s, which the rule picks: %d rows, recommended %v, better %q", layout, len(rep.Layouts), rep.Layouts[0].Recommended, rep.Better)
		}
	}
	// 3-1-1 survives fewer zone losses than 2-2-1 over the same zones.
	if rep := judge(t, "3-1-1", nil); len(rep.Layouts) != 2 || rep.Layouts[1].Layout.String() != "2-2-1" {
		t.Errorf("judging 3-1-1: %+v, want 2-2-1 named as better", rep.Layouts)
	}
}

// With 40 ms between every pair of zones, a write waits for a quorum's
// answers: 2-2-1 needs one from another zone, 3-1-1 led from a finds a
// quorum inside a, and led from b it needs two from a.
func TestCommitLatencyFollowsTheQuorum(t *testing.T) {
	rtt := fortyMS(t)
	two := judge(t, "2-2-1", rtt).Layouts[0]
	if p50 := two.First().P50; p50 < 35*time.Millisecond || p50 > 60*time.Millisecond {
		t.Errorf("2-2-1 led from a commits in %v (p50), want one cross-zone round trip, 35–60 ms", p50)
	}
	three := judge(t, "3-1-1", rtt).Layouts[0]
	if c := three.First(); c.Zone != "a" || c.P50 >= 10*time.Millisecond {
		t.Errorf("3-1-1 led from %s commits in %v (p50), want under 10 ms from zone a", c.Zone, c.P50)
	}
	for _, c := range three.Commit[1:] {
		if c.P50 < 35*time.Millisecond || c.P99 < c.P50 {
			t.Errorf("3-1-1 led from %s commits in %v / %v, want at least a cross-zone round trip", c.Zone, c.P50, c.P99)
		}
	}
	if s := three.Slowest(); s.P50 < 35*time.Millisecond {
		t.Errorf("3-1-1's slowest leader zone %s commits in %v", s.Zone, s.P50)
	}
	// Each write: an append to each of 4 followers, its answer, the commit
	// passed on and answered.
	if m := two.First().Messages; m < 16*100 || m > 17*100 {
		t.Errorf("2-2-1: %d messages for 100 writes, want about 16 each", m)
	}
}

func TestCommitLatencyGrowsWithTheRoundTrip(t *testing.T) {
	var last time.Duration
	for _, rtt := range []string{"5ms", "20ms", "80ms", "320ms"} {
		r, err := cluster.ParseRTT("a-b="+rtt+",a-c="+rtt+",b-c="+rtt, []string{"a", "b", "c"})
		if err != nil {
			t.Fatal(err)
		}
		d, _ := time.ParseDuration(rtt)
		p50 := judge(t, "2-2-1", r).Layouts[0].First().P50
		if p50 <= last || p50 < d*9/10 || p50 > d*11/10 {
			t.Errorf("2-2-1 with %s round trips commits in %v (p50); want about one round trip, more than the %v before", rtt, p50, last)
		}
		last = p50
	}
}

// Every layout shown gets odds, and each Monte Carlo agrees with its exact
// figure.
func TestOddsForEveryLayout(t *testing.T) {
	o := &az.Odds{NodeFailure: 0.05, ZoneFailure: 0.02}
	rep, err := Plan(PlanSpec{Managers: 5, Zones: 3, Odds: o, Proposals: 20, Samples: 3000, Seed: 2})
	if err != nil {
		t.Fatal(err)
	}
	exact := map[float64]bool{}
	for _, l := range rep.Layouts {
		if l.Odds == nil {
			t.Fatalf("%s has no odds", l.Layout)
		}
		if !l.Odds.Agree {
			t.Errorf("%s: exact %.5f, Monte Carlo %.5f ± %.5f: more than 4 standard errors apart", l.Layout, l.Odds.Exact, l.Odds.MonteCarlo, l.Odds.StdError)
		}
		if want := l.Layout.LossProbability(*o); l.Odds.Exact != want {
			t.Errorf("%s: exact %v, az says %v", l.Layout, l.Odds.Exact, want)
		}
		exact[l.Odds.Exact] = true
	}
	if len(rep.Layouts) != 5 || len(exact) < 3 {
		t.Errorf("%d layouts with %d distinct exact odds: they are not each the layout's own", len(rep.Layouts), len(exact))
	}
	if !rep.Agrees() {
		t.Error("the plan reports a disagreement")
	}
}

// Zones holding as many managers, with no round trip given for either,
// are timed once; a zone the round trips name is timed on its own.
func TestInterchangeableZonesAreTimedOnce(t *testing.T) {
	plain := judge(t, "2-2-1", nil).Layouts[0]
	if plain.Commit[1].SameAs != "a" || plain.Commit[1].P50 != plain.Commit[0].P50 || plain.Commit[2].SameAs != "" {
		t.Errorf("2-2-1 on the default network: %+v, want b as a and c timed", plain.Commit)
	}
	r, err := cluster.ParseRTT("b-c=12ms", []string{"a", "b", "c"})
	if err != nil {
		t.Fatal(err)
	}
	named := judge(t, "2-2-1", r).Layouts[0]
	for _, c := range named.Commit {
		if c.SameAs != "" {
			t.Errorf("2-2-1 with b-c=12ms: %s is taken as %s, but b's round trips differ from a's", c.Zone, c.SameAs)
		}
	}
}

func TestPlanIsTheSameOnOneAndTwoCores(t *testing.T) {
	spec := PlanSpec{Managers: 5, Zones: 3, Odds: &az.Odds{NodeFailure: 0.05, ZoneFailure: 0.02}, RTT: fortyMS(t), Proposals: 30, Samples: 500, Seed: 9}
	spec.Cores = 1
	one, err := Plan(spec)
	if err != nil {
		t.Fatal(err)
	}
	spec.Cores = 2
	two, err := Plan(spec)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(one, two) {
		t.Errorf("1 core:\n%+v\n2 cores:\n%+v", one, two)
	}
}

func TestPercentile(t *testing.T) {
	var d []time.Duration
	for i := 1; i <= 200; i++ {
		d = append(d, time.Duration(i))
	}
	for p, want := range map[int]time.Duration{50: 100, 99: 198, 100: 200, 1: 2, 0: 1} {
		if got := percentile(d, p); got != want {
			t.Errorf("p%d of 1..200 = %d, want %d", p, got, want)
		}
	}
	if got := percentile(d[:1], 99); got != 1 {
		t.Errorf("p99 of one value = %d", got)
	}
	if got := percentile(nil, 50); got != 0 {
		t.Errorf("p50 of nothing = %d", got)
	}
}

func TestPlanListsAtMostMaxPlanRows(t *testing.T) {
	rep, err := Plan(PlanSpec{Managers: 9, Zones: 5, Proposals: 10, Samples: 100, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	if all := len(az.Layouts(9, 5)); len(rep.Layouts) != MaxPlanRows || rep.More != all-MaxPlanRows {
		t.Errorf("9 over 5: %d listed, %d more; there are %d layouts", len(rep.Layouts), rep.More, all)
	}
}

// A plan reports its progress from its goroutines, each timing once (the
// highest count heard is the number of calls), and the report is the same
// as without it.
func TestPlanProgress(t *testing.T) {
	spec := PlanSpec{Managers: 5, Zones: 3, Samples: 100, Seed: 1, Cores: 2}
	plain, err := Plan(spec)
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	last, calls := 0, 0
	spec.Progress = func(done, total int) {
		mu.Lock()
		defer mu.Unlock()
		calls++
		if done > total || total < 1 {
			t.Errorf("progress %d of %d", done, total)
		}
		last = max(last, done)
	}
	watched, err := Plan(spec)
	if err != nil {
		t.Fatal(err)
	}
	if calls == 0 || last != calls {
		t.Errorf("heard %d calls, last done %d", calls, last)
	}
	if !reflect.DeepEqual(plain.Layouts, watched.Layouts) {
		t.Error("a watched plan differs from the same plan unwatched")
	}
}
