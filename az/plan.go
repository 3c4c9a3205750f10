package az

import (
	"cmp"
	"fmt"
	"slices"

	"github.com/swarmsim/swarmsim/internal/prose"
)

// Planning: every way to place N managers over Z zones, each assessed.
//
// A plan answers "what are my options?" before "which one is best?": it
// lists each distinct layout once (zones are interchangeable, so 1-2-2 and
// 2-2-1 are the same layout and only 2-2-1 is shown), best first, with
// what the layout survives, what breaks it, and what an operator should be
// warned about. Recommend's layout is first and marked.

// MaxPlanManagers bounds Layouts and Plan. The number of layouts grows
// quickly with the managers (25 managers over 25 zones have 1958), and no
// swarm should need more than 7; the limit only keeps a typo from asking
// for a listing nobody can read or wait for.
const MaxPlanManagers = 25

// RecommendedManagers is the most managers Docker recommends: beyond it
// every write waits for more acknowledgements and nothing survives more.
const RecommendedManagers = 7

// CheckPlan says whether Layouts and Plan can list managers over zones:
// at least 1 manager and at most MaxPlanManagers, at least 1 zone and at
// most MaxZones. The error is one sentence saying what to ask for instead.
func CheckPlan(managers, zones int) error {
	switch {
	case managers < 1:
		return fmt.Errorf("a plan needs at least 1 manager, but %d were asked for; plan 3, 5 or 7 managers", managers)
	case managers > MaxPlanManagers:
		return fmt.Errorf("%d managers have too many layouts to list; plan at most %d managers (Docker recommends at most %d)", managers, MaxPlanManagers, RecommendedManagers)
	case zones < 1:
		return fmt.Errorf("a plan needs at least 1 zone, but %d were asked for; plan over 3 zones to survive losing one", zones)
	case zones > MaxZones:
		return fmt.Errorf("a plan over %d zones is more than the %d supported; plan over fewer zones", zones, MaxZones)
	}
	return nil
}

// Layouts returns every distinct way to place managers over zones, each
// once, with zones ordered largest first and named a, b, c, …: for 5 over 3
// that is 2-2-1, 3-1-1, 3-2-0, 4-1-0, 5-0-0.
//
// The order is best first by the recommendation rule (rule.go) without its
// commit latency: layouts that survive the loss of any one zone, then the
// most zones holding managers whose loss alone they survive, then the
// smallest largest zone, then the fewest empty zones, then the more even
// (by comparing counts zone by zone, smaller first). The first layout is always Recommend's. Layouts
// returns nil when CheckPlan rejects the counts.
func Layouts(managers, zones int) []Layout {
	if CheckPlan(managers, zones) != nil {
		return nil
	}
	var out []Layout
	counts := make([]int, 0, zones)
	// partition appends the parts of left, each at most most, into counts;
	// parts never grow, so every multiset comes out exactly once.
	var partition func(left, most int)
	partition = func(left, most int) {
		if left == 0 {
			out = append(out, layoutOf(counts, zones))
			return
		}
		if len(counts) == zones {
			return // every zone is used and managers are left over
		}
		for n := min(left, most); n >= 1; n-- {
			counts = append(counts, n)
			partition(left-n, n)
			counts = counts[:len(counts)-1]
		}
	}
	partition(managers, managers)
	slices.SortStableFunc(out, compareLayouts)
	return out
}

// layoutOf names counts a, b, c, … and pads them with empty zones.
func layoutOf(counts []int, zones int) Layout {
	l := Layout{Zones: make([]Zone, zones)}
	for i := range l.Zones {
		l.Zones[i].Name = ZoneName(i)
		if i < len(counts) {
			l.Zones[i].Managers = counts[i]
		}
	}
	return l
}

// compareLayouts orders layouts best first, as Layouts documents.
func compareLayouts(a, b Layout) int {
	if sa, sb := a.SurvivesAnyZone(), b.SurvivesAnyZone(); sa != sb {
		if sa {
			return -1
		}
		return 1
	}
	if c := cmp.Compare(b.SurvivedZones(), a.SurvivedZones()); c != 0 {
		return c
	}
	if c := cmp.Compare(largest(a), largest(b)); c != 0 {
		return c
	}
	if c := cmp.Compare(emptyZones(a), emptyZones(b)); c != 0 {
		return c
	}
	return slices.Compare(sortedCounts(a), sortedCounts(b))
}

// largest is the most managers any one zone holds.
func largest(l Layout) int {
	n := 0
	for _, z := range l.Zones {
		n = max(n, z.Managers)
	}
	return n
}

// emptyZones counts the zones without a manager.
func emptyZones(l Layout) int {
	n := 0
	for _, z := range l.Zones {
		if z.Managers <= 0 {
			n++
		}
	}
	return n
}

// sortedCounts is the managers per zone, largest first: the layout with the
// zone names forgotten, so two layouts that differ only in naming compare
// equal.
func sortedCounts(l Layout) []int {
	out := make([]int, len(l.Zones))
	for i, z := range l.Zones {
		out[i] = max(z.Managers, 0)
	}
	slices.SortFunc(out, func(a, b int) int { return cmp.Compare(b, a) })
	return out
}

// Assessment is what a plan says about one layout.
type Assessment struct {
	Layout    Layout
	Quorum    int // Quorum(managers)
	Tolerance int // Tolerance(managers): any this many managers may fail

	// Survives and Loses split the zones, in layout order, by whether the
	// swarm keeps quorum when that one zone fails whole. A zone without
	// managers is always survived.
	Survives []string
	Loses    []string

	// SurvivedZones counts the zones holding managers whose loss alone
	// leaves a quorum: the recommendation rule's first key (rule.go).
	SurvivedZones int

	// MinBreak is the fewest managers whose loss breaks quorum when they
	// are the worst ones to lose: Tolerance+1 (0 without managers, which
	// have no quorum to break).
	MinBreak int

	// MinZoneBreak is the fewest whole zones whose loss breaks quorum,
	// largest zones first: 1 for 2-1, 2 for 2-2-1 and 3-3-3, 1 for a
	// single zone (0 without managers).
	MinZoneBreak int

	// Recommended marks Recommend's layout for the same managers and zones
	// (compared without zone names: 1-2-2 is 2-2-1): the rule's pick before
	// commit latency is measured. A caller that measures it, or compares
	// layouts over more zones, ranks them with Rank and sets this again.
	Recommended bool

	Why      string   // one sentence: whether it survives losing a zone, and why
	Warnings []string // one sentence each; none for an odd count of at most 7 in three or more zones
	// WarningTags name the warnings in a word or two, in the same order, for
	// a table: "no managers", "1 manager", "even count", "over 7", "one
	// zone", "two-zone trap".
	WarningTags []string
}

// Assess says what l survives and what to beware of.
func Assess(l Layout) Assessment {
	n := l.Managers()
	a := Assessment{
		Layout:        l,
		Quorum:        Quorum(n),
		Tolerance:     Tolerance(n),
		MinZoneBreak:  minZoneBreak(l),
		SurvivedZones: l.SurvivedZones(),
		Recommended:   n > 0 && SameShape(l, Recommend(n, len(l.Zones))),
	}
	if n > 0 {
		a.MinBreak = a.Tolerance + 1
	}
	for _, loss := range l.Losses() {
		if loss.Holds {
			a.Survives = append(a.Survives, loss.Zone)
		} else {
			a.Loses = append(a.Loses, loss.Zone)
		}
	}
	a.Why = why(l, a.Loses)
	a.Warnings, a.WarningTags = warnings(l)
	return a
}

// SameShape reports whether a and b place the same numbers of managers per
// zone, zone names and empty zones aside: 1-2-2, 2-2-1 and 2-0-2-1 are one
// shape.
func SameShape(a, b Layout) bool {
	trim := func(l Layout) []int {
		counts := sortedCounts(l)
		for len(counts) > 0 && counts[len(counts)-1] == 0 {
			counts = counts[:len(counts)-1]
		}
		return counts
	}
	return slices.Equal(trim(a), trim(b))
}

// Plan assesses every layout Layouts lists, in the same order; the first is
// the recommended one. It returns nil when CheckPlan rejects the counts.
func Plan(managers, zones int) []Assessment {
	layouts := Layouts(managers, zones)
	if layouts == nil {
		return nil
	}
	out := make([]Assessment, len(layouts))
	for i, l := range layouts {
		out[i] = Assess(l)
	}
	return out
}

func minZoneBreak(l Layout) int {
	n := l.Managers()
	if n <= 0 {
		return 0
	}
	lost := 0
	for i, m := range sortedCounts(l) {
		lost += m
		if !Holds(n, n-lost) {
			return i + 1
		}
	}
	return len(l.Zones) // not reached: losing every zone loses every manager
}

// why is Assessment.Why: the verdict on losing one zone, with its numbers.
func why(l Layout, loses []string) string {
	n := l.Managers()
	if n <= 0 {
		return "has no managers, so there is no quorum to keep"
	}
	big := largest(l)
	if len(loses) == 0 {
		return fmt.Sprintf("survives the loss of any one zone: no zone holds more than %d of %d managers, so at least %d remain and quorum needs %d",
			big, n, n-big, Quorum(n))
	}
	worst := l.Zones[0]
	for _, z := range l.Zones {
		if z.Managers > worst.Managers {
			worst = z
		}
	}
	return fmt.Sprintf("loses quorum if zone %s fails: losing zone %s leaves %d of %d managers, and quorum needs %d",
		prose.OrList(loses), worst.Name, n-worst.Managers, n, Quorum(n))
}

// warnings is Assessment.Warnings and WarningTags, most fundamental first.
func warnings(l Layout) (sentences, tags []string) {
	n := l.Managers()
	add := func(tag, format string, args ...any) {
		tags = append(tags, tag)
		sentences = append(sentences, fmt.Sprintf(format, args...))
	}
	switch {
	case n <= 0:
		add("no managers", "no managers: a swarm needs at least one, and 3, 5 or 7 tolerate failures")
		return sentences, tags
	case n == 1:
		add("1 manager", "1 manager tolerates no failure: losing it leaves the swarm without a leader, and nothing can change until it comes back")
	case n%2 == 0:
		add("even count", "%d managers tolerate no more failures than %d: an even count only adds a manager that can fail", n, n-1)
	}
	if n > 7 {
		add("over 7", "%d managers are more than the 7 Docker recommends at most: every change needs a quorum's acknowledgement, so more managers mean slower writes", n)
	}
	var used []Zone
	for _, z := range l.Zones {
		if z.Managers > 0 {
			used = append(used, z)
		}
	}
	switch len(used) {
	case 1:
		z := used[0]
		if n == 1 {
			add("one zone", "a single zone: the only manager is in zone %s, so losing that zone loses it", z.Name)
		} else {
			add("one zone", "a single zone: all %d managers are in zone %s, so losing that zone loses every one of them", n, z.Name)
		}
	case 2:
		big := used[0]
		if used[1].Managers > big.Managers {
			big = used[1]
		}
		add("two-zone trap", "the two-zone trap: with managers in only two zones, zone %s holds %d of %d, so losing it loses quorum; a third zone fixes this, more managers do not",
			big.Name, big.Managers, n)
	}
	return sentences, tags
}
