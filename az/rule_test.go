package az_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/swarmsim/swarmsim/az"
)

func TestSurvivedZones(t *testing.T) {
	for spec, want := range map[string]int{
		"2-2-1": 3, "3-1-1": 2, "3-2-0": 1, "1-1-1-1-1": 5,
		"3-1": 1, "2-2": 0, "4-0": 0, "0-5-0": 0, "1": 0, "1-0-0": 0,
	} {
		l := mustParse(t, spec)
		if got := l.SurvivedZones(); got != want {
			t.Errorf("%s survives %d zone losses, want %d", spec, got, want)
		}
		if got := az.Assess(l).SurvivedZones; got != want {
			t.Errorf("Assess(%s).SurvivedZones = %d, want %d", spec, got, want)
		}
	}
}

// rank ranks the layouts spec by spec, with the commit latencies given in
// milliseconds (nil for none), and returns them best first.
func rank(t *testing.T, specs []string, commitMS []int) []string {
	t.Helper()
	as := make([]az.Assessment, len(specs))
	for i, s := range specs {
		as[i] = az.Assess(mustParse(t, s))
	}
	var commit []time.Duration
	for _, ms := range commitMS {
		commit = append(commit, time.Duration(ms)*time.Millisecond)
	}
	var out []string
	for _, i := range az.Rank(as, commit) {
		out = append(out, specs[i])
	}
	return out
}

func TestRankFollowsTheRule(t *testing.T) {
	for _, tc := range []struct {
		name   string
		specs  []string
		commit []int // ms, one per spec; nil when not measured
		want   []string
	}{
		{"4 over 2 zones: surviving one zone beats surviving none", []string{"2-2", "4-0", "3-1"}, nil, []string{"3-1", "2-2", "4-0"}},
		{"6 over 2 zones", []string{"3-3", "6-0", "5-1", "4-2"}, nil, []string{"4-2", "5-1", "3-3", "6-0"}},
		{"a faster layout cannot buy back a lost zone", []string{"3-1-1", "2-2-1"}, []int{1, 40}, []string{"2-2-1", "3-1-1"}},
		{"surviving any zone beats surviving more zones of five", []string{"4-1-1-1-1", "3-3-2-0-0"}, nil, []string{"3-3-2-0-0", "4-1-1-1-1"}},
		{"then the most manager losses, even with more managers", []string{"1-1-1", "2-2-1"}, nil, []string{"2-2-1", "1-1-1"}},
		{"then the fewest managers", []string{"2-2-2", "2-2-1"}, nil, []string{"2-2-1", "2-2-2"}},
		{"then the faster commit", []string{"4-2", "5-1"}, []int{30, 10}, []string{"5-1", "4-2"}},
		{"a tenth slower is as fast: then the more even", []string{"5-1", "4-2"}, []int{100, 109}, []string{"4-2", "5-1"}},
		{"more than a tenth slower loses", []string{"5-1", "4-2"}, []int{100, 112}, []string{"5-1", "4-2"}},
		// 100 ≈ 108 ≈ 116, but 100 beats 116: the fastest sets the bar.
		{"the tolerance is measured from the fastest", []string{"3-2-2-2", "3-3-2-1", "4-2-2-1", "4-3-1-1"}, []int{116, 108, 100, 200},
			[]string{"3-3-2-1", "4-2-2-1", "3-2-2-2", "4-3-1-1"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := rank(t, tc.specs, tc.commit); !slices.Equal(got, tc.want) {
				t.Errorf("Rank = %v, want %v", got, tc.want)
			}
		})
	}
}

// Without latencies Rank is Layouts' order, whose first is Recommend's.
func TestRankWithoutLatencyIsLayoutsOrder(t *testing.T) {
	for m := 1; m <= 9; m++ {
		for z := 1; z <= 4; z++ {
			ls := az.Layouts(m, z)
			specs := make([]string, len(ls))
			for i := range ls {
				specs[len(ls)-1-i] = ls[i].String() // reversed, so Rank has work to do
			}
			got := rank(t, specs, nil)
			if want := layoutStrings(ls); !slices.Equal(got, want) {
				t.Errorf("Rank of Layouts(%d, %d) = %v, want %v", m, z, got, want)
			}
		}
	}
}

func TestVersusNamesTheDecidingKey(t *testing.T) {
	for _, tc := range []struct {
		a, b   string
		ca, cb int // ms
		want   string
	}{
		{"2-2-1", "3-2", 40, 1, "it survives losing any one zone, where 3-2 loses quorum if zone a fails"},
		{"3-1", "2-2", 0, 0, "it survives losing 1 zone of its zones, where 2-2 survives losing 0 zones"},
		{"2-2-1", "1-1-1", 0, 0, "it survives losing any 2 managers, where 1-1-1 survives losing 1"},
		{"2-2-1", "2-2-2", 0, 0, "it needs 5 managers for the same safety, where 2-2-2 needs 6"},
		{"5-1", "4-2", 10, 30, "it survives as much and commits faster: 10.0 ms at its slowest leader zone, where 4-2 takes 30.0 ms"},
		{"4-2", "5-1", 10, 10, "it survives as much, as fast, with at most 4 managers in a zone, where 5-1 puts 5 in one"},
		{"3-2-2", "3-3-1", 0, 0, "it survives as much, as fast, with the managers spread more evenly than 3-3-1"},
		{"3-2", "2-2-1", 0, 0, ""},
		{"4-2", "5-1", 30, 10, ""},
		{"2-2-1", "1-2-2", 0, 0, ""},
	} {
		a, b := az.Assess(mustParse(t, tc.a)), az.Assess(mustParse(t, tc.b))
		got := az.Versus(a, b, time.Duration(tc.ca)*time.Millisecond, time.Duration(tc.cb)*time.Millisecond)
		if got != tc.want {
			t.Errorf("Versus(%s, %s):\n got %q\nwant %q", tc.a, tc.b, got, tc.want)
		}
		if strings.Contains(got, "\n") || strings.HasSuffix(got, ".") {
			t.Errorf("%q is not one sentence on one line", got)
		}
	}
}

func TestSameShape(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		same bool
	}{
		{"2-2-1", "1-2-2", true}, {"2-2-1", "2-0-2-1", true}, {"1", "1-0-0", true},
		{"2-2-1", "3-1-1", false}, {"3-2", "2-2-1", false}, {"2-2", "2-2-0-1", false},
	} {
		if got := az.SameShape(mustParse(t, tc.a), mustParse(t, tc.b)); got != tc.same {
			t.Errorf("SameShape(%s, %s) = %v, want %v", tc.a, tc.b, got, tc.same)
		}
	}
}

func TestWarningTagsNameEachWarning(t *testing.T) {
	for m := 1; m <= 9; m++ {
		for z := 1; z <= 3; z++ {
			for _, a := range az.Plan(m, z) {
				if len(a.WarningTags) != len(a.Warnings) {
					t.Errorf("%s: %d tags for %d warnings: %q", a.Layout, len(a.WarningTags), len(a.Warnings), a.WarningTags)
				}
			}
		}
	}
	a := az.Assess(mustParse(t, "4-4"))
	if want := []string{"even count", "over 7", "two-zone trap"}; !slices.Equal(a.WarningTags, want) {
		t.Errorf("4-4 tags %q, want %q", a.WarningTags, want)
	}
}
