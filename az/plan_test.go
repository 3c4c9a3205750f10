package az_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/swarmsim/swarmsim/az"
)

func layoutStrings(ls []az.Layout) []string {
	out := make([]string, len(ls))
	for i, l := range ls {
		out[i] = l.String()
	}
	return out
}

func TestLayouts(t *testing.T) {
	tests := []struct {
		managers, zones int
		want            []string
	}{
		{5, 3, []string{"2-2-1", "3-1-1", "3-2-0", "4-1-0", "5-0-0"}},
		{3, 3, []string{"1-1-1", "2-1-0", "3-0-0"}},
		{3, 2, []string{"2-1", "3-0"}},
		{1, 3, []string{"1-0-0"}},
		{4, 1, []string{"4"}},
		{2, 2, []string{"1-1", "2-0"}},
		// 5-1-1 survives losing b or c, 4-3-0 only b: it comes first.
		{7, 3, []string{"3-2-2", "3-3-1", "4-2-1", "5-1-1", "4-3-0", "5-2-0", "6-1-0", "7-0-0"}},
		// Surviving any zone over four zones before surviving it over three.
		{9, 4, []string{"3-2-2-2", "3-3-2-1", "4-2-2-1", "4-3-1-1", "3-3-3-0", "4-3-2-0", "4-4-1-0",
			"5-2-1-1", "6-1-1-1", "5-2-2-0", "5-3-1-0", "6-2-1-0", "7-1-1-0", "5-4-0-0", "6-3-0-0", "7-2-0-0", "8-1-0-0", "9-0-0-0"}},
		// No two-zone layout survives both zones; 3-1 survives losing b.
		{4, 2, []string{"3-1", "2-2", "4-0"}},
		{6, 2, []string{"4-2", "5-1", "3-3", "6-0"}},
		{3, 5, []string{"1-1-1-0-0", "2-1-0-0-0", "3-0-0-0-0"}},
	}
	for _, tt := range tests {
		got := az.Layouts(tt.managers, tt.zones)
		if !slices.Equal(layoutStrings(got), tt.want) {
			t.Errorf("Layouts(%d, %d) =\n %v\nwant\n %v", tt.managers, tt.zones, layoutStrings(got), tt.want)
		}
		for _, l := range got {
			for i, z := range l.Zones {
				if z.Name != az.ZoneName(i) || z.Workers != 0 {
					t.Errorf("Layouts(%d, %d): %s zone %d is %+v", tt.managers, tt.zones, l, i, z)
				}
			}
		}
	}
}

// TestLayoutsAreEveryMultisetOnce checks Layouts against brute force: every
// composition of managers over zones, with the zone names forgotten, is one
// of the layouts, and no layout appears twice.
func TestLayoutsAreEveryMultisetOnce(t *testing.T) {
	for m := 1; m <= 10; m++ {
		for z := 1; z <= 5; z++ {
			want := map[string]bool{}
			compositions(m, z, func(counts []int) {
				sorted := slices.Clone(counts)
				slices.Sort(sorted)
				slices.Reverse(sorted)
				l := az.Layout{Zones: make([]az.Zone, z)}
				for i, n := range sorted {
					l.Zones[i] = az.Zone{Name: az.ZoneName(i), Managers: n}
				}
				want[l.String()] = true
			})
			got := layoutStrings(az.Layouts(m, z))
			seen := map[string]bool{}
			for _, s := range got {
				if seen[s] {
					t.Errorf("Layouts(%d, %d) lists %s twice", m, z, s)
				}
				seen[s] = true
				if !want[s] {
					t.Errorf("Layouts(%d, %d) lists %s, which is not a layout of %d managers over %d zones in decreasing order", m, z, s, m, z)
				}
			}
			if len(seen) != len(want) {
				t.Errorf("Layouts(%d, %d) lists %d layouts, want %d", m, z, len(seen), len(want))
			}
			if len(got) > 0 && got[0] != az.Recommend(m, z).String() {
				t.Errorf("Layouts(%d, %d) starts with %s, but Recommend is %s", m, z, got[0], az.Recommend(m, z))
			}
		}
	}
}

func TestLayoutsOrderIsBestFirst(t *testing.T) {
	for m := 1; m <= 12; m++ {
		for z := 1; z <= 5; z++ {
			ls := az.Layouts(m, z)
			for i := 1; i < len(ls); i++ {
				a, b := ls[i-1], ls[i]
				switch {
				case !a.SurvivesAnyZone() && b.SurvivesAnyZone():
					t.Errorf("Layouts(%d, %d): %s, which loses a zone, comes before %s, which does not", m, z, a, b)
				case a.SurvivesAnyZone() == b.SurvivesAnyZone() && a.SurvivedZones() < b.SurvivedZones():
					t.Errorf("Layouts(%d, %d): %s survives %d zone losses and comes before %s, which survives %d", m, z, a, a.SurvivedZones(), b, b.SurvivedZones())
				case a.SurvivesAnyZone() == b.SurvivesAnyZone() && a.SurvivedZones() == b.SurvivedZones() && maxZone(a) > maxZone(b):
					t.Errorf("Layouts(%d, %d): %s comes before %s, which survives as much with a smaller largest zone", m, z, a, b)
				}
			}
		}
	}
}

func maxZone(l az.Layout) int {
	n := 0
	for _, z := range l.Zones {
		n = max(n, z.Managers)
	}
	return n
}

func TestCheckPlan(t *testing.T) {
	if err := az.CheckPlan(5, 3); err != nil {
		t.Errorf("CheckPlan(5, 3) = %v", err)
	}
	if err := az.CheckPlan(az.MaxPlanManagers, az.MaxZones); err != nil {
		t.Errorf("CheckPlan at the limits = %v", err)
	}
	tests := []struct {
		name            string
		managers, zones int
		want            []string
	}{
		{"no managers", 0, 3, []string{"at least 1 manager", "0 were asked for", "3, 5 or 7"}},
		{"negative managers", -2, 3, []string{"-2 were asked for"}},
		{"too many managers", az.MaxPlanManagers + 1, 3, []string{"26 managers", "at most 25", "at most 7"}},
		{"no zones", 3, 0, []string{"at least 1 zone", "0 were asked for", "3 zones"}},
		{"too many zones", 3, az.MaxZones + 1, []string{"101 zones", "100"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := az.CheckPlan(tt.managers, tt.zones)
			if err == nil {
				t.Fatalf("CheckPlan(%d, %d) = nil, want an error", tt.managers, tt.zones)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("CheckPlan(%d, %d) error %q does not mention %q", tt.managers, tt.zones, err, w)
				}
			}
			checkSentence(t, err.Error())
			if ls := az.Layouts(tt.managers, tt.zones); ls != nil {
				t.Errorf("Layouts(%d, %d) = %v, want nil", tt.managers, tt.zones, layoutStrings(ls))
			}
			if p := az.Plan(tt.managers, tt.zones); p != nil {
				t.Errorf("Plan(%d, %d) has %d assessments, want nil", tt.managers, tt.zones, len(p))
			}
		})
	}
}

func TestPlanRecommends(t *testing.T) {
	for _, tt := range []struct {
		managers int
		want     string
	}{{3, "1-1-1"}, {5, "2-2-1"}, {7, "3-2-2"}, {9, "3-3-3"}} {
		plan := az.Plan(tt.managers, 3)
		if len(plan) == 0 {
			t.Fatalf("Plan(%d, 3) is empty", tt.managers)
		}
		var recommended []string
		for _, a := range plan {
			if a.Recommended {
				recommended = append(recommended, a.Layout.String())
			}
		}
		if !slices.Equal(recommended, []string{tt.want}) {
			t.Errorf("Plan(%d, 3) recommends %v, want exactly [%s]", tt.managers, recommended, tt.want)
		}
		if plan[0].Layout.String() != tt.want {
			t.Errorf("Plan(%d, 3) starts with %s, want the recommended %s", tt.managers, plan[0].Layout, tt.want)
		}
		if len(plan[0].Loses) != 0 || len(plan[0].Survives) != 3 {
			t.Errorf("Plan(%d, 3)[0] survives %v and loses %v, want all three survived", tt.managers, plan[0].Survives, plan[0].Loses)
		}
	}
}

func TestPlanMatchesAssess(t *testing.T) {
	plan := az.Plan(5, 3)
	ls := az.Layouts(5, 3)
	if len(plan) != len(ls) {
		t.Fatalf("Plan(5, 3) has %d assessments, Layouts %d", len(plan), len(ls))
	}
	for i, a := range plan {
		want := az.Assess(ls[i])
		if a.Layout.String() != want.Layout.String() || a.Why != want.Why || !slices.Equal(a.Warnings, want.Warnings) ||
			a.Recommended != want.Recommended || a.MinBreak != want.MinBreak {
			t.Errorf("Plan(5, 3)[%d] = %+v, Assess gives %+v", i, a, want)
		}
	}
}

func mustParse(t *testing.T, spec string) az.Layout {
	t.Helper()
	l, err := az.Parse(spec)
	if err != nil {
		t.Fatal(err)
	}
	return l
}

func TestAssess(t *testing.T) {
	tests := []struct {
		spec                   string
		quorum, tolerance      int
		survives, loses        []string
		minBreak, minZoneBreak int
		recommended            bool
		why                    string
		warnings               []string
	}{
		{"1-1-1", 2, 1, []string{"a", "b", "c"}, nil, 2, 2, true,
			"survives the loss of any one zone: no zone holds more than 1 of 3 managers, so at least 2 remain and quorum needs 2",
			nil},
		{"2-2-1", 3, 2, []string{"a", "b", "c"}, nil, 3, 2, true,
			"survives the loss of any one zone: no zone holds more than 2 of 5 managers, so at least 3 remain and quorum needs 3",
			nil},
		{"1-2-2", 3, 2, []string{"a", "b", "c"}, nil, 3, 2, true,
			"survives the loss of any one zone: no zone holds more than 2 of 5 managers, so at least 3 remain and quorum needs 3",
			nil},
		{"3-2-2", 4, 3, []string{"a", "b", "c"}, nil, 4, 2, true,
			"survives the loss of any one zone: no zone holds more than 3 of 7 managers, so at least 4 remain and quorum needs 4",
			nil},
		{"3-3-3", 5, 4, []string{"a", "b", "c"}, nil, 5, 2, true,
			"survives the loss of any one zone: no zone holds more than 3 of 9 managers, so at least 6 remain and quorum needs 5",
			[]string{"9 managers are more than the 7 Docker recommends at most: every change needs a quorum's acknowledgement, so more managers mean slower writes"}},
		{"3-1-1", 3, 2, []string{"b", "c"}, []string{"a"}, 3, 1, false,
			"loses quorum if zone a fails: losing zone a leaves 2 of 5 managers, and quorum needs 3",
			nil},
		{"2-1", 2, 1, []string{"b"}, []string{"a"}, 2, 1, true,
			"loses quorum if zone a fails: losing zone a leaves 1 of 3 managers, and quorum needs 2",
			[]string{"the two-zone trap: with managers in only two zones, zone a holds 2 of 3, so losing it loses quorum; a third zone fixes this, more managers do not"}},
		{"2-3", 3, 2, []string{"a"}, []string{"b"}, 3, 1, true,
			"loses quorum if zone b fails: losing zone b leaves 2 of 5 managers, and quorum needs 3",
			[]string{"the two-zone trap: with managers in only two zones, zone b holds 3 of 5, so losing it loses quorum; a third zone fixes this, more managers do not"}},
		{"3-2-0", 3, 2, []string{"b", "c"}, []string{"a"}, 3, 1, false,
			"loses quorum if zone a fails: losing zone a leaves 2 of 5 managers, and quorum needs 3",
			[]string{"the two-zone trap: with managers in only two zones, zone a holds 3 of 5, so losing it loses quorum; a third zone fixes this, more managers do not"}},
		// Not recommended: 3-1 survives losing b, 2-2 neither zone.
		{"2-2", 3, 1, nil, []string{"a", "b"}, 2, 1, false,
			"loses quorum if zone a or b fails: losing zone a leaves 2 of 4 managers, and quorum needs 3",
			[]string{
				"4 managers tolerate no more failures than 3: an even count only adds a manager that can fail",
				"the two-zone trap: with managers in only two zones, zone a holds 2 of 4, so losing it loses quorum; a third zone fixes this, more managers do not",
			}},
		{"2-1-1", 3, 1, []string{"b", "c"}, []string{"a"}, 2, 1, true,
			"loses quorum if zone a fails: losing zone a leaves 2 of 4 managers, and quorum needs 3",
			[]string{"4 managers tolerate no more failures than 3: an even count only adds a manager that can fail"}},
		{"3", 2, 1, nil, []string{"a"}, 2, 1, true,
			"loses quorum if zone a fails: losing zone a leaves 0 of 3 managers, and quorum needs 2",
			[]string{"a single zone: all 3 managers are in zone a, so losing that zone loses every one of them"}},
		{"0-5-0", 3, 2, []string{"a", "c"}, []string{"b"}, 3, 1, false,
			"loses quorum if zone b fails: losing zone b leaves 0 of 5 managers, and quorum needs 3",
			[]string{"a single zone: all 5 managers are in zone b, so losing that zone loses every one of them"}},
		{"1-0-0", 1, 0, []string{"b", "c"}, []string{"a"}, 1, 1, true,
			"loses quorum if zone a fails: losing zone a leaves 0 of 1 managers, and quorum needs 1",
			[]string{
				"1 manager tolerates no failure: losing it leaves the swarm without a leader, and nothing can change until it comes back",
				"a single zone: the only manager is in zone a, so losing that zone loses it",
			}},
		{"4-4-4", 7, 5, []string{"a", "b", "c"}, nil, 6, 2, true,
			"survives the loss of any one zone: no zone holds more than 4 of 12 managers, so at least 8 remain and quorum needs 7",
			[]string{
				"12 managers tolerate no more failures than 11: an even count only adds a manager that can fail",
				"12 managers are more than the 7 Docker recommends at most: every change needs a quorum's acknowledgement, so more managers mean slower writes",
			}},
		{"5-4", 5, 4, []string{"b"}, []string{"a"}, 5, 1, true,
			"loses quorum if zone a fails: losing zone a leaves 4 of 9 managers, and quorum needs 5",
			[]string{
				"9 managers are more than the 7 Docker recommends at most: every change needs a quorum's acknowledgement, so more managers mean slower writes",
				"the two-zone trap: with managers in only two zones, zone a holds 5 of 9, so losing it loses quorum; a third zone fixes this, more managers do not",
			}},
	}
	for _, tt := range tests {
		t.Run(tt.spec, func(t *testing.T) {
			l := mustParse(t, tt.spec)
			a := az.Assess(l)
			if a.Layout.String() != tt.spec {
				t.Errorf("Layout = %s", a.Layout)
			}
			if a.Quorum != tt.quorum || a.Tolerance != tt.tolerance {
				t.Errorf("Quorum, Tolerance = %d, %d, want %d, %d", a.Quorum, a.Tolerance, tt.quorum, tt.tolerance)
			}
			if !slices.Equal(a.Survives, tt.survives) || !slices.Equal(a.Loses, tt.loses) {
				t.Errorf("Survives %v Loses %v, want %v and %v", a.Survives, a.Loses, tt.survives, tt.loses)
			}
			if a.MinBreak != tt.minBreak || a.MinZoneBreak != tt.minZoneBreak {
				t.Errorf("MinBreak, MinZoneBreak = %d, %d, want %d, %d", a.MinBreak, a.MinZoneBreak, tt.minBreak, tt.minZoneBreak)
			}
			if a.Recommended != tt.recommended {
				t.Errorf("Recommended = %v, want %v", a.Recommended, tt.recommended)
			}
			if a.Why != tt.why {
				t.Errorf("Why:\n got %q\nwant %q", a.Why, tt.why)
			}
			if !slices.Equal(a.Warnings, tt.warnings) {
				t.Errorf("Warnings:\n got %q\nwant %q", a.Warnings, tt.warnings)
			}
			for _, s := range append([]string{a.Why}, a.Warnings...) {
				if strings.Contains(s, "\n") || strings.HasSuffix(s, ".") || strings.Contains(s, ". ") {
					t.Errorf("%q is not one sentence on one line", s)
				}
			}
		})
	}
}

func TestAssessNoManagers(t *testing.T) {
	a := az.Assess(az.Layout{Zones: []az.Zone{{Name: "a"}, {Name: "b"}}})
	if a.Quorum != 0 || a.MinBreak != 0 || a.MinZoneBreak != 0 || a.Recommended {
		t.Errorf("Assess of no managers = %+v", a)
	}
	if a.Why != "has no managers, so there is no quorum to keep" {
		t.Errorf("Why = %q", a.Why)
	}
	if len(a.Warnings) != 1 || !strings.Contains(a.Warnings[0], "no managers") {
		t.Errorf("Warnings = %q", a.Warnings)
	}
	if empty := az.Assess(az.Layout{}); empty.Why == "" || len(empty.Survives)+len(empty.Loses) != 0 {
		t.Errorf("Assess of an empty layout = %+v", empty)
	}
}

// TestMinBreakIsWorstCase checks MinBreak and MinZoneBreak by brute force:
// no smaller loss breaks quorum, and some loss of that size does.
func TestMinBreakIsWorstCase(t *testing.T) {
	for m := 1; m <= 9; m++ {
		for _, l := range az.Layouts(m, 3) {
			a := az.Assess(l)
			if az.Holds(m, m-a.MinBreak) || !az.Holds(m, m-a.MinBreak+1) {
				t.Errorf("%s: MinBreak %d is not the fewest losses that break quorum", l, a.MinBreak)
			}
			fewest := len(l.Zones) + 1
			for set := 1; set < 1<<len(l.Zones); set++ {
				lost, zones := 0, 0
				for i, z := range l.Zones {
					if set&(1<<i) != 0 {
						lost += z.Managers
						zones++
					}
				}
				if !az.Holds(m, m-lost) {
					fewest = min(fewest, zones)
				}
			}
			if a.MinZoneBreak != fewest {
				t.Errorf("%s: MinZoneBreak = %d, brute force says %d", l, a.MinZoneBreak, fewest)
			}
		}
	}
}

func TestWarningsFlagEveryTrap(t *testing.T) {
	for m := 1; m <= 12; m++ {
		for z := 1; z <= 4; z++ {
			for _, a := range az.Plan(m, z) {
				used := 0
				for _, zone := range a.Layout.Zones {
					if zone.Managers > 0 {
						used++
					}
				}
				has := func(prefix string) bool {
					return slices.ContainsFunc(a.Warnings, func(w string) bool { return strings.HasPrefix(w, prefix) })
				}
				if got, want := has("the two-zone trap"), used == 2; got != want {
					t.Errorf("%s: two-zone warning %v, want %v", a.Layout, got, want)
				}
				if got, want := has("a single zone"), used == 1; got != want {
					t.Errorf("%s: single-zone warning %v, want %v", a.Layout, got, want)
				}
				if got, want := strings.Contains(strings.Join(a.Warnings, "|"), "an even count"), m%2 == 0; got != want {
					t.Errorf("%s: even warning %v, want %v", a.Layout, got, want)
				}
				if got, want := strings.Contains(strings.Join(a.Warnings, "|"), "Docker recommends at most"), m > 7; got != want {
					t.Errorf("%s: more-than-7 warning %v, want %v", a.Layout, got, want)
				}
				if used <= 2 && len(a.Loses) == 0 {
					t.Errorf("%s survives every zone with managers in %d zones", a.Layout, used)
				}
			}
		}
	}
}
