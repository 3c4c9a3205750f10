package main

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/swarmsim/swarmsim/az"
)

func TestPlanRecommendsTheSeedTable(t *testing.T) {
	for managers, want := range map[int]string{3: "1-1-1", 5: "2-2-1", 7: "3-2-2", 9: "3-3-3"} {
		rep := buildPlan(&planOptions{managers: managers, zones: 3, samples: 100, seed: 1})
		first := rep.Layouts[0]
		if first.Layout != want || !first.Recommended || len(first.Loses) != 0 {
			t.Errorf("%d managers: first layout %+v, want %s recommended and surviving any zone", managers, first, want)
		}
		for _, v := range rep.Verified[want] {
			if !v.Raft || !v.Predicted {
				t.Errorf("%d managers as %s: losing zone %s: Raft %v, predicted %v", managers, want, v.Zone, v.Raft, v.Predicted)
			}
		}
	}
}

func TestPlanFlagsTwoZoneLayouts(t *testing.T) {
	for _, layout := range []string{"2-1", "3-2", "4-3"} {
		l, _ := az.Parse(layout)
		rep := buildPlan(&planOptions{layout: &l, managers: l.Managers(), zones: 2, samples: 100, seed: 1})
		got := rep.Layouts[0]
		if len(got.Loses) == 0 || got.Loses[0] != "a" {
			t.Errorf("%s: loses %v, want zone a (the larger)", layout, got.Loses)
		}
		if !strings.Contains(strings.Join(got.Warnings, " "), "two-zone trap") {
			t.Errorf("%s: warnings %v lack the two-zone trap", layout, got.Warnings)
		}
		for _, v := range rep.Verified[layout] {
			if v.Raft != v.Predicted {
				t.Errorf("%s losing %s: Raft %v, predicted %v", layout, v.Zone, v.Raft, v.Predicted)
			}
		}
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
			r := odds(l, az.Odds{NodeFailure: tc.node, ZoneFailure: tc.zone}, 4000, 3)
			if !r.Agree {
				t.Errorf("exact %.5f, Monte Carlo %.5f ± %.5f: more than 4 standard errors apart", r.Exact, r.MonteCarlo, r.StdError)
			}
			if r.Exact <= 0 || r.Simulations < 2 {
				t.Errorf("a degenerate case: exact %v from %d simulated patterns", r.Exact, r.Simulations)
			}
		})
	}
}

func TestPlanCommand(t *testing.T) {
	out, _, code := runArgs(t, "plan", "--managers", "4", "--zones", "3", "--no-color")
	if code != exitOK || !strings.Contains(out, "★ 2-1-1") || !strings.Contains(out, "4 managers tolerate no more failures than 3") {
		t.Errorf("plan 4 over 3: exit %d\n%s", code, out)
	}
	out, _, _ = runArgs(t, "plan", "--managers", "9", "--zones", "3", "--no-color")
	if !strings.Contains(out, "more than the 7 Docker recommends") {
		t.Errorf("plan 9 lacks Docker's advice on write latency:\n%s", out)
	}
	js, _, code := runArgs(t, "plan", "--az", "2-2-1", "--node-failure", "0.05", "--zone-failure", "0.01", "--samples", "2000", "--output", "json")
	var rep planReport
	if err := json.Unmarshal([]byte(js), &rep); err != nil || code != exitOK {
		t.Fatalf("exit %d, %v\n%s", code, err, js)
	}
	if len(rep.Layouts) != 1 || rep.Layouts[0].Odds == nil || !rep.Layouts[0].Odds.Agree || len(rep.Verified["2-2-1"]) != 3 {
		t.Errorf("report %+v", rep)
	}
}

func TestPlanBadInput(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--managers", "0"}, "--managers 0: it must be at least 1"},
		{[]string{"--managers", "40"}, "too many layouts"},
		{[]string{"--az", "2-x"}, "--az 2-x:"},
		{[]string{"--node-failure", "0.1"}, "give both --node-failure and --zone-failure"},
		{[]string{"--node-failure", "2", "--zone-failure", "0"}, "not between 0 and 1"},
		{[]string{"--node-failure", "x", "--zone-failure", "0"}, "--node-failure x: write a probability"},
		{[]string{"--az", "2-2-1", "--managers", "4"}, "adds up to 5 managers, but --managers is 4"},
	} {
		_, stderr, code := runArgs(t, append([]string{"plan"}, tc.args...)...)
		if code != exitBadInput || !strings.Contains(stderr, tc.want) || strings.Count(stderr, "\n") != 1 {
			t.Errorf("plan %v: exit %d, %q; want %q", tc.args, code, stderr, tc.want)
		}
	}
}
