package az

import (
	"cmp"
	"fmt"
	"slices"
	"time"

	"github.com/swarmsim/swarmsim/internal/prose"
)

// The recommendation rule: which of several layouts to recommend.
//
//  1. Survive the most single-zone losses: a layout that survives losing
//     any one zone first; then the one that survives losing more of the
//     zones holding managers (SurvivedZones). A zone without managers does
//     not count: losing it costs nothing, and counting it would rank
//     putting every manager in one zone beside spreading them (4-0 beside
//     3-1, which survives losing b and keeps a manager to recover from).
//  2. Then survive the most manager losses (Tolerance).
//  3. Then use the fewest managers: every one is a voter that every write
//     waits on and that can fail.
//  4. Then commit the fastest: the lowest commit latency, measured by the
//     caller (package az runs nothing). Latencies within a tenth of each
//     other count as equal, because measurements of the same layout under
//     different seeds differ by about that much.
//  5. Then, as Layouts orders them: the smaller largest zone, the fewer
//     empty zones, the more even spread.
//
// Within one plan every layout has the same managers, so 2 and 3 never
// decide there; they do when layouts of different sizes are compared.

// Rule is the recommendation rule in one sentence, as the README and the
// plan command state it.
const Rule = "survive the most single-zone losses, then the most manager losses, then the fewest managers, then the lowest commit latency"

// SurvivedZones is the rule's first key: how many of the zones holding
// managers l survives losing, one at a time.
func (l Layout) SurvivedZones() int {
	n := 0
	for _, loss := range l.Losses() {
		if loss.Lost > 0 && loss.Holds {
			n++
		}
	}
	return n
}

// Compare orders a and b by the rule's first three keys, what they survive
// and how many managers they need, commit latency aside: it is negative
// when a is better, 0 when they tie and only latency or evenness can tell
// them apart.
func Compare(a, b Assessment) int {
	if sa, sb := a.Layout.SurvivesAnyZone(), b.Layout.SurvivesAnyZone(); sa != sb {
		if sa {
			return -1
		}
		return 1
	}
	if c := cmp.Compare(b.SurvivedZones, a.SurvivedZones); c != 0 {
		return c
	}
	if c := cmp.Compare(b.Tolerance, a.Tolerance); c != 0 {
		return c
	}
	return cmp.Compare(a.Layout.Managers(), b.Layout.Managers())
}

// Faster reports whether latency a is lower than b by more than the
// rule's tolerance of a tenth of b.
func Faster(a, b time.Duration) bool { return 10*a < 9*b }

// Rank orders assessments best first by the recommendation rule and
// returns their indexes into as; the first is the one to recommend.
// commit[i] is as[i]'s commit latency, and commit may be nil when none was
// measured, which leaves key 4 out.
//
// The tolerance in key 4 makes "as fast as" intransitive (1.0 ≈ 1.08 ≈
// 1.16, but 1.0 beats 1.16), so Rank does not sort with it: among the
// layouts tied on keys 1 to 3 it takes the fastest, then the first in
// Layouts' order that is not slower than that by more than a tenth, and
// repeats with the rest.
func Rank(as []Assessment, commit []time.Duration) []int {
	left := make([]int, len(as))
	for i := range left {
		left[i] = i
	}
	slices.SortStableFunc(left, func(i, j int) int {
		if c := Compare(as[i], as[j]); c != 0 {
			return c
		}
		return compareLayouts(as[i].Layout, as[j].Layout)
	})
	out := make([]int, 0, len(as))
	for len(left) > 0 {
		pick := 0
		if commit != nil {
			tied := 1
			for tied < len(left) && Compare(as[left[0]], as[left[tied]]) == 0 {
				tied++
			}
			fastest := commit[left[0]]
			for _, i := range left[1:tied] {
				fastest = min(fastest, commit[i])
			}
			for k, i := range left[:tied] {
				if !Faster(fastest, commit[i]) {
					pick = k
					break
				}
			}
		}
		out = append(out, left[pick])
		left = slices.Delete(left, pick, pick+1)
	}
	return out
}

// Versus says in one sentence why the rule prefers a to b, naming the first
// key that decides; ca and cb are their commit latencies (0 when not
// measured). It returns "" when the rule does not prefer a: when b is
// better, or when the two tie on every key.
func Versus(a, b Assessment, ca, cb time.Duration) string {
	if c := Compare(a, b); c > 0 {
		return ""
	} else if c < 0 {
		switch {
		case a.Layout.SurvivesAnyZone() != b.Layout.SurvivesAnyZone():
			return fmt.Sprintf("it survives losing any one zone, where %s loses quorum if zone %s fails", b.Layout, prose.OrList(b.Loses))
		case a.SurvivedZones != b.SurvivedZones:
			return fmt.Sprintf("it survives losing %s of its zones, where %s survives losing %s", prose.Counted(a.SurvivedZones, "zone"), b.Layout, prose.Counted(b.SurvivedZones, "zone"))
		case a.Tolerance != b.Tolerance:
			return fmt.Sprintf("it survives losing any %s, where %s survives losing %d", prose.Counted(a.Tolerance, "manager"), b.Layout, b.Tolerance)
		default:
			return fmt.Sprintf("it needs %s for the same safety, where %s needs %d", prose.Counted(a.Layout.Managers(), "manager"), b.Layout, b.Layout.Managers())
		}
	}
	if ca > 0 && cb > 0 {
		if Faster(cb, ca) {
			return ""
		}
		if Faster(ca, cb) {
			return fmt.Sprintf("it survives as much and commits faster: %s at its slowest leader zone, where %s takes %s", millis(ca), b.Layout, millis(cb))
		}
	}
	if compareLayouts(a.Layout, b.Layout) >= 0 {
		return ""
	}
	if la, lb := largest(a.Layout), largest(b.Layout); la < lb {
		return fmt.Sprintf("it survives as much, as fast, with at most %d managers in a zone, where %s puts %d in one", la, b.Layout, lb)
	}
	return fmt.Sprintf("it survives as much, as fast, with the managers spread more evenly than %s", b.Layout)
}

// millis writes a latency in milliseconds with one decimal, by integer
// arithmetic: 38.7 ms.
func millis(d time.Duration) string {
	tenths := (d + 50*time.Microsecond) / (100 * time.Microsecond)
	return fmt.Sprintf("%d.%d ms", tenths/10, tenths%10)
}
