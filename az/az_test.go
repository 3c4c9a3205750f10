package az_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/swarmsim/swarmsim/az"
)

func TestQuorumAndTolerance(t *testing.T) {
	tests := []struct {
		n, quorum, tolerance int
	}{
		{-1, 0, 0},
		{0, 0, 0},
		{1, 1, 0},
		{2, 2, 0},
		{3, 2, 1},
		{4, 3, 1},
		{5, 3, 2},
		{6, 4, 2},
		{7, 4, 3},
		{8, 5, 3},
		{9, 5, 4},
	}
	for _, tt := range tests {
		if got := az.Quorum(tt.n); got != tt.quorum {
			t.Errorf("Quorum(%d) = %d, want %d", tt.n, got, tt.quorum)
		}
		if got := az.Tolerance(tt.n); got != tt.tolerance {
			t.Errorf("Tolerance(%d) = %d, want %d", tt.n, got, tt.tolerance)
		}
		// The two numbers must tell the same story: losing exactly the
		// tolerated managers keeps quorum, one more loses it.
		if tt.n > 0 {
			if !az.Holds(tt.n, tt.n-tt.tolerance) {
				t.Errorf("Holds(%d, %d) = false after losing the tolerated %d", tt.n, tt.n-tt.tolerance, tt.tolerance)
			}
			if az.Holds(tt.n, tt.n-tt.tolerance-1) {
				t.Errorf("Holds(%d, %d) = true after losing one more than tolerated", tt.n, tt.n-tt.tolerance-1)
			}
		}
	}
}

func TestHolds(t *testing.T) {
	tests := []struct {
		name           string
		members, alive int
		want           bool
	}{
		{"all of 3 alive", 3, 3, true},
		{"2 of 3 alive", 3, 2, true},
		{"1 of 3 alive", 3, 1, false},
		{"3 of 5 alive", 5, 3, true},
		{"2 of 5 alive", 5, 2, false},
		{"2 of 4 is half, not a majority", 4, 2, false},
		{"1 of 2 is half, not a majority", 2, 1, false},
		{"sole manager alive", 1, 1, true},
		{"sole manager dead", 1, 0, false},
		{"no members, nothing to hold", 0, 0, false},
		{"negative alive", 3, -1, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := az.Holds(tt.members, tt.alive); got != tt.want {
				t.Errorf("Holds(%d, %d) = %v, want %v", tt.members, tt.alive, got, tt.want)
			}
		})
	}
}

func TestZoneName(t *testing.T) {
	tests := []struct {
		i    int
		want string
	}{
		{-1, ""},
		{0, "a"},
		{1, "b"},
		{2, "c"},
		{25, "z"},
		{26, "aa"},
		{27, "ab"},
		{51, "az"},
		{52, "ba"},
		{701, "zz"},
		{702, "aaa"},
		{703, "aab"},
		{18277, "zzz"},
		{18278, "aaaa"},
	}
	for _, tt := range tests {
		if got := az.ZoneName(tt.i); got != tt.want {
			t.Errorf("ZoneName(%d) = %q, want %q", tt.i, got, tt.want)
		}
	}
}

func TestZoneNameDistinctAndOrdered(t *testing.T) {
	// Names sort like spreadsheet columns: shorter first, then
	// alphabetically. That makes them distinct and keeps zone order and
	// name order the same wherever something sorts by name.
	prev := az.ZoneName(0)
	for i := 1; i < 20000; i++ {
		name := az.ZoneName(i)
		if len(name) < len(prev) || (len(name) == len(prev) && name <= prev) {
			t.Fatalf("ZoneName(%d) = %q does not come after ZoneName(%d) = %q", i, name, i-1, prev)
		}
		prev = name
	}
}

func TestParse(t *testing.T) {
	many := strings.Repeat("1-", 26) + "1" // 27 zones: a … z, aa
	tests := []struct {
		name string
		spec string
		want []az.Zone
	}{
		{"three zones", "2-2-1", []az.Zone{{Name: "a", Managers: 2}, {Name: "b", Managers: 2}, {Name: "c", Managers: 1}}},
		{"one zone", "3", []az.Zone{{Name: "a", Managers: 3}}},
		{"worker-only zone", "0-3", []az.Zone{{Name: "a", Managers: 0}, {Name: "b", Managers: 3}}},
		{"worker-only zones last", "1-0-0", []az.Zone{{Name: "a", Managers: 1}, {Name: "b"}, {Name: "c"}}},
		{"leading zero is still a whole number", "02-1", []az.Zone{{Name: "a", Managers: 2}, {Name: "b", Managers: 1}}},
		{"two-digit count", "10-1", []az.Zone{{Name: "a", Managers: 10}, {Name: "b", Managers: 1}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l, err := az.Parse(tt.spec)
			if err != nil {
				t.Fatalf("Parse(%q): %v", tt.spec, err)
			}
			if !slices.Equal(l.Zones, tt.want) {
				t.Errorf("Parse(%q) = %+v, want %+v", tt.spec, l.Zones, tt.want)
			}
		})
	}
	t.Run("27 zones name the last one aa", func(t *testing.T) {
		l, err := az.Parse(many)
		if err != nil {
			t.Fatalf("Parse(%q): %v", many, err)
		}
		if len(l.Zones) != 27 || l.Zones[25].Name != "z" || l.Zones[26].Name != "aa" {
			t.Errorf("Parse(%q) names = %v", many, l.Names())
		}
	})
	t.Run("exactly the zone limit", func(t *testing.T) {
		spec := strings.Repeat("1-", az.MaxZones-1) + "1"
		if _, err := az.Parse(spec); err != nil {
			t.Errorf("Parse of %d zones: %v", az.MaxZones, err)
		}
	})
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name string
		spec string
		want []string // every one must appear in the error
	}{
		{"empty", "", []string{"empty", "like 2-2-1"}},
		{"doubled dash", "2--1", []string{"zone b is empty", `"2--1"`, "like 2-2-1"}},
		{"trailing dash", "2-", []string{"zone b is empty"}},
		{"dash alone", "-", []string{"zone a is empty"}},
		{"letter", "x", []string{`zone a is "x"`, "not a whole number", "digits"}},
		{"letter in second zone", "2-x-1", []string{`zone b is "x"`, "not a whole number"}},
		{"space inside", "2 -1", []string{`zone a is "2 "`, "without spaces", "like 2-2-1"}},
		{"leading space", " 2-1", []string{"without spaces"}},
		{"fraction", "2.5-1", []string{"not a whole number"}},
		{"plus sign", "+1-1", []string{"not a whole number", "digits"}},
		{"unicode minus", "2−1", []string{"not a whole number"}},
		{"negative first count", "-1-2", []string{"negative", "0 or more"}},
		{"all zero", "0-0-0", []string{"no manager", "at least one"}},
		{"single zero", "0", []string{"no manager"}},
		{"too many zones", strings.Repeat("1-", az.MaxZones) + "1", []string{"101 zones", "at most 100"}},
		{"count too large", "1001", []string{"zone a asks for 1001 managers", "at most 1000"}},
		{"count overflows int", "99999999999999999999999-1", []string{"zone a asks for 99999999999999999999999", "at most 1000"}},
		{"total too large", "600-600", []string{"adds up to 1200", "at most 1000"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l, err := az.Parse(tt.spec)
			if err == nil {
				t.Fatalf("Parse(%q) = %v, want an error", tt.spec, l)
			}
			msg := err.Error()
			for _, w := range tt.want {
				if !strings.Contains(msg, w) {
					t.Errorf("Parse(%q) error %q does not mention %q", tt.spec, msg, w)
				}
			}
			checkSentence(t, msg)
		})
	}
}

// checkSentence holds errors to the house style: one line, one sentence
// that the caller can prefix, no flag name the caller did not choose.
func checkSentence(t *testing.T, msg string) {
	t.Helper()
	if msg == "" || strings.ContainsAny(msg, "\n") || strings.HasSuffix(msg, ".") || strings.Contains(msg, ". ") {
		t.Errorf("error %q is not one line with one sentence", msg)
	}
	if strings.Contains(msg, "--az") || strings.Contains(msg, "--partition") || strings.Contains(msg, "flag") {
		t.Errorf("error %q names a flag", msg)
	}
	if first := msg[0]; first >= 'A' && first <= 'Z' {
		t.Errorf("error %q starts with a capital, but callers prefix it", msg)
	}
}

func TestEvenAndRecommend(t *testing.T) {
	tests := []struct {
		managers, zones int
		even, recommend string
	}{
		{3, 3, "1-1-1", "1-1-1"},
		{5, 3, "2-2-1", "2-2-1"},
		{7, 3, "3-2-2", "3-2-2"},
		{9, 3, "3-3-3", "3-3-3"},
		{4, 3, "2-1-1", "2-1-1"},
		{3, 2, "2-1", "2-1"},
		{4, 2, "2-2", "3-1"},
		{6, 2, "3-3", "4-2"},
		{2, 2, "1-1", "1-1"},
		{5, 5, "1-1-1-1-1", "1-1-1-1-1"},
		{3, 5, "1-1-1-0-0", "1-1-1-0-0"},
		{1, 1, "1", "1"},
		{0, 2, "0-0", "0-0"},
		{-3, 2, "0-0", "0-0"},
		{3, 0, "", ""},
	}
	for _, tt := range tests {
		if got := az.Even(tt.managers, tt.zones); got.String() != tt.even {
			t.Errorf("Even(%d, %d) = %q, want %q", tt.managers, tt.zones, got, tt.even)
		}
		got := az.Recommend(tt.managers, tt.zones)
		if got.String() != tt.recommend {
			t.Errorf("Recommend(%d, %d) = %q, want %q", tt.managers, tt.zones, got, tt.recommend)
		}
		for i, z := range got.Zones {
			if z.Name != az.ZoneName(i) {
				t.Errorf("Recommend(%d, %d) zone %d is named %q, want %q", tt.managers, tt.zones, i, z.Name, az.ZoneName(i))
			}
		}
	}
}

// compositions calls f with every way to put m managers in z ordered zones.
func compositions(m, z int, f func([]int)) {
	counts := make([]int, z)
	var rec func(i, left int)
	rec = func(i, left int) {
		if i == z-1 {
			counts[i] = left
			f(counts)
			return
		}
		for n := 0; n <= left; n++ {
			counts[i] = n
			rec(i+1, left-n)
		}
	}
	rec(0, m)
}

// TestRecommendIsBestPossible checks Recommend against every composition:
// no layout survives more single-zone losses (any zone first, then the
// most zones holding managers), and none that survives as many has a
// smaller largest zone.
func TestRecommendIsBestPossible(t *testing.T) {
	for m := 1; m <= 12; m++ {
		for z := 1; z <= 5; z++ {
			bestAny, bestCount, smallestLargest := false, 0, m
			compositions(m, z, func(counts []int) {
				l := az.Layout{Zones: make([]az.Zone, z)}
				for i, n := range counts {
					l.Zones[i] = az.Zone{Name: az.ZoneName(i), Managers: n}
				}
				anyZone, count, largest := l.SurvivesAnyZone(), l.SurvivedZones(), slices.Max(counts)
				switch {
				case anyZone && !bestAny, anyZone == bestAny && count > bestCount:
					bestAny, bestCount, smallestLargest = anyZone, count, largest
				case anyZone == bestAny && count == bestCount:
					smallestLargest = min(smallestLargest, largest)
				}
			})
			r := az.Recommend(m, z)
			if r.Managers() != m || len(r.Zones) != z {
				t.Fatalf("Recommend(%d, %d) = %q: wrong shape", m, z, r)
			}
			if r.SurvivesAnyZone() != bestAny || r.SurvivedZones() != bestCount {
				t.Errorf("Recommend(%d, %d) = %q survives any zone: %v, %d zone losses; the best layout: %v, %d",
					m, z, r, r.SurvivesAnyZone(), r.SurvivedZones(), bestAny, bestCount)
			}
			largest := 0
			for _, zone := range r.Zones {
				largest = max(largest, zone.Managers)
			}
			if largest != smallestLargest {
				t.Errorf("Recommend(%d, %d) = %q has a zone of %d, but %d is possible", m, z, r, largest, smallestLargest)
			}
		}
	}
}

func TestSeedZoneTable(t *testing.T) {
	tests := []struct {
		name   string
		spec   string
		any    bool
		holds  []bool // per zone, in zone order
		reason string // of losing zone a
	}{
		{"3 managers 1-1-1", "1-1-1", true, []bool{true, true, true},
			"losing zone a (1 manager) leaves 2 of 3; quorum needs 2, so it holds"},
		{"5 managers 2-2-1", "2-2-1", true, []bool{true, true, true},
			"losing zone a (2 managers) leaves 3 of 5; quorum needs 3, so it holds"},
		{"7 managers 3-2-2", "3-2-2", true, []bool{true, true, true},
			"losing zone a (3 managers) leaves 4 of 7; quorum needs 4, so it holds"},
		{"9 managers 3-3-3", "3-3-3", true, []bool{true, true, true},
			"losing zone a (3 managers) leaves 6 of 9; quorum needs 5, so it holds"},
		{"two-zone trap 2-1", "2-1", false, []bool{false, true},
			"losing zone a (2 managers) leaves 1 of 3; quorum needs 2, so the swarm loses quorum"},
		{"two-zone trap 3-2", "3-2", false, []bool{false, true},
			"losing zone a (3 managers) leaves 2 of 5; quorum needs 3, so the swarm loses quorum"},
		{"two zones 2-2 lose either way", "2-2", false, []bool{false, false},
			"losing zone a (2 managers) leaves 2 of 4; quorum needs 3, so the swarm loses quorum"},
		{"5 managers 3-1-1 lean on zone a", "3-1-1", false, []bool{false, true, true},
			"losing zone a (3 managers) leaves 2 of 5; quorum needs 3, so the swarm loses quorum"},
		{"one zone cannot survive itself", "3", false, []bool{false},
			"losing zone a (3 managers) leaves 0 of 3; quorum needs 2, so the swarm loses quorum"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l, err := az.Parse(tt.spec)
			if err != nil {
				t.Fatal(err)
			}
			if got := l.SurvivesAnyZone(); got != tt.any {
				t.Errorf("%s SurvivesAnyZone = %v, want %v", tt.spec, got, tt.any)
			}
			losses := l.Losses()
			var holds []bool
			for _, loss := range losses {
				holds = append(holds, loss.Holds)
			}
			if !slices.Equal(holds, tt.holds) {
				t.Errorf("%s holds per zone = %v, want %v", tt.spec, holds, tt.holds)
			}
			if got := losses[0].Reason(); got != tt.reason {
				t.Errorf("%s losing a:\n got %q\nwant %q", tt.spec, got, tt.reason)
			}
		})
	}
}

func TestTwoZoneTrap(t *testing.T) {
	for m := 1; m <= 15; m++ {
		for a := 0; a <= m; a++ {
			l := az.Layout{Zones: []az.Zone{{Name: "a", Managers: a}, {Name: "b", Managers: m - a}}}
			if l.SurvivesAnyZone() {
				t.Errorf("%s survives losing either of two zones", l)
			}
		}
	}
}

func TestLosses(t *testing.T) {
	l := az.Layout{Zones: []az.Zone{
		{Name: "a", Managers: 2, Workers: 3},
		{Name: "b", Managers: 1},
		{Name: "c", Managers: 0, Workers: 4},
	}}
	want := []struct {
		loss   az.Loss
		reason string
	}{
		{az.Loss{Zone: "a", Lost: 2, Left: 1, Members: 3, Quorum: 2, Holds: false},
			"losing zone a (2 managers) leaves 1 of 3; quorum needs 2, so the swarm loses quorum"},
		{az.Loss{Zone: "b", Lost: 1, Left: 2, Members: 3, Quorum: 2, Holds: true},
			"losing zone b (1 manager) leaves 2 of 3; quorum needs 2, so it holds"},
		{az.Loss{Zone: "c", Lost: 0, Left: 3, Members: 3, Quorum: 2, Holds: true},
			"losing zone c (no managers) leaves 3 of 3; quorum needs 2, so it holds"},
	}
	got := l.Losses()
	if len(got) != len(want) {
		t.Fatalf("Losses() has %d entries, want %d", len(got), len(want))
	}
	for i, w := range want {
		if got[i] != w.loss {
			t.Errorf("Losses()[%d] = %+v, want %+v", i, got[i], w.loss)
		}
		if r := got[i].Reason(); r != w.reason {
			t.Errorf("Losses()[%d].Reason():\n got %q\nwant %q", i, r, w.reason)
		}
	}
	if len((az.Layout{}).Losses()) != 0 {
		t.Error("an empty layout reports losses")
	}
	if (az.Layout{}).SurvivesAnyZone() {
		t.Error("an empty layout survives any zone")
	}
	if (az.Layout{Zones: []az.Zone{{Name: "a"}, {Name: "b"}}}).SurvivesAnyZone() {
		t.Error("a layout with no managers survives any zone")
	}
}

func TestLayoutAccessors(t *testing.T) {
	l := az.Layout{Zones: []az.Zone{
		{Name: "a", Managers: 2, Workers: 1},
		{Name: "b", Managers: 2, Workers: 4},
		{Name: "c", Managers: 1},
	}}
	if got := l.Managers(); got != 5 {
		t.Errorf("Managers() = %d, want 5", got)
	}
	if got := l.Workers(); got != 5 {
		t.Errorf("Workers() = %d, want 5", got)
	}
	if got := l.Names(); !slices.Equal(got, []string{"a", "b", "c"}) {
		t.Errorf("Names() = %v", got)
	}
	l.Names()[0] = "x"
	if l.Zones[0].Name != "a" {
		t.Error("changing the slice from Names() renamed a zone")
	}
	if got := l.String(); got != "2-2-1" {
		t.Errorf("String() = %q, want 2-2-1", got)
	}
	if got := (az.Layout{}).String(); got != "" {
		t.Errorf("empty String() = %q, want empty", got)
	}
	for name, want := range map[string]int{"a": 0, "b": 1, "c": 2, "d": -1, "": -1, "A": -1} {
		if got := l.Index(name); got != want {
			t.Errorf("Index(%q) = %d, want %d", name, got, want)
		}
	}
}

func TestWithWorkers(t *testing.T) {
	base := az.Layout{Zones: []az.Zone{
		{Name: "a", Managers: 2, Workers: 9},
		{Name: "b", Managers: 2},
		{Name: "c", Managers: 1},
	}}
	tests := []struct {
		name string
		n    int
		want []int
	}{
		{"7 over 3, zone a first", 7, []int{3, 2, 2}},
		{"6 over 3", 6, []int{2, 2, 2}},
		{"2 over 3 leaves c without", 2, []int{1, 1, 0}},
		{"8 over 3", 8, []int{3, 3, 2}},
		{"zero replaces existing workers", 0, []int{0, 0, 0}},
		{"negative is none", -4, []int{0, 0, 0}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := base.WithWorkers(tt.n)
			var workers []int
			for i, z := range got.Zones {
				workers = append(workers, z.Workers)
				if z.Name != base.Zones[i].Name || z.Managers != base.Zones[i].Managers {
					t.Errorf("zone %d changed from %+v to %+v", i, base.Zones[i], z)
				}
			}
			if !slices.Equal(workers, tt.want) {
				t.Errorf("WithWorkers(%d) workers = %v, want %v", tt.n, workers, tt.want)
			}
			if base.Zones[0].Workers != 9 {
				t.Errorf("WithWorkers changed its receiver: zone a has %d workers", base.Zones[0].Workers)
			}
		})
	}
	if got := (az.Layout{}).WithWorkers(3); len(got.Zones) != 0 {
		t.Errorf("WithWorkers on no zones = %+v", got)
	}
}

var abc = []string{"a", "b", "c"}

func TestParsePartition(t *testing.T) {
	tests := []struct {
		name        string
		spec        string
		left, right []string
		str         string
	}{
		{"flag form", "a|b,c", []string{"a"}, []string{"b", "c"}, "a|b,c"},
		{"drill form with spaces", "a | b c", []string{"a"}, []string{"b", "c"}, "a|b,c"},
		{"commas and spaces mixed", " a ,b| c ", []string{"a", "b"}, []string{"c"}, "a,b|c"},
		{"stray comma", "a,|b", []string{"a"}, []string{"b"}, "a|b"},
		{"sides keep their order", "b|a", []string{"b"}, []string{"a"}, "b|a"},
		{"zones inside a side in zone order", "c,b|a", []string{"b", "c"}, []string{"a"}, "b,c|a"},
		{"a zone on neither side", "a|b", []string{"a"}, []string{"b"}, "a|b"},
		{"tab separated", "a\t|\tc", []string{"a"}, []string{"c"}, "a|c"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := az.ParsePartition(tt.spec, abc)
			if err != nil {
				t.Fatalf("ParsePartition(%q): %v", tt.spec, err)
			}
			if !slices.Equal(p.Sides[0], tt.left) || !slices.Equal(p.Sides[1], tt.right) {
				t.Errorf("ParsePartition(%q) = %v | %v, want %v | %v", tt.spec, p.Sides[0], p.Sides[1], tt.left, tt.right)
			}
			if got := p.String(); got != tt.str {
				t.Errorf("String() = %q, want %q", got, tt.str)
			}
		})
	}
}

func TestParsePartitionErrors(t *testing.T) {
	tests := []struct {
		name  string
		spec  string
		zones []string
		want  []string
	}{
		{"empty", "", abc, []string{"empty", `"|"`, "like a|b,c"}},
		{"blank", "   ", abc, []string{"empty"}},
		{"no bar", "a", abc, []string{`no "|"`, "like a|b,c"}},
		{"no bar, two zones", "a b", abc, []string{`no "|"`}},
		{"empty right side", "a|", abc, []string{"right side", "names no zone", "each side"}},
		{"empty left side", "|b", abc, []string{"left side", "names no zone"}},
		{"left side only commas", ", |b", abc, []string{"left side", "names no zone"}},
		{"unknown zone", "a|z", abc, []string{`zone "z"`, "does not exist", "the zones are a, b, c"}},
		{"upper case is another name", "A|b", abc, []string{`zone "A"`, "the zones are a, b, c"}},
		{"no zones at all", "a|b", nil, []string{"there are no zones"}},
		{"three sides", "a|b|c", abc, []string{`2 "|"`, "exactly two sides"}},
		{"same zone on both sides", "a|a", abc, []string{"zone a on both sides", "cannot be on both sides"}},
		{"same zone on both sides among others", "a,b|c,b", abc, []string{"zone b on both sides"}},
		{"same zone twice on one side", "a,a|b", abc, []string{"zone a twice", "left side", "once"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := az.ParsePartition(tt.spec, tt.zones)
			if err == nil {
				t.Fatalf("ParsePartition(%q) = %v, want an error", tt.spec, p)
			}
			msg := err.Error()
			for _, w := range tt.want {
				if !strings.Contains(msg, w) {
					t.Errorf("ParsePartition(%q) error %q does not mention %q", tt.spec, msg, w)
				}
			}
			checkSentence(t, msg)
		})
	}
}

func TestCut(t *testing.T) {
	p, err := az.ParsePartition("a|b", []string{"a", "b", "c"})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		a, b string
		want bool
	}{
		{"a", "b", true},
		{"b", "a", true},
		{"a", "c", false}, // c is on neither side
		{"c", "b", false},
		{"a", "a", false},
		{"a", "z", false},
	}
	for _, tt := range tests {
		if got := p.Cut(tt.a, tt.b); got != tt.want {
			t.Errorf("%s Cut(%q, %q) = %v, want %v", p, tt.a, tt.b, got, tt.want)
		}
	}
	var zero az.Partition
	if zero.Cut("a", "b") || zero.String() != "" {
		t.Errorf("zero Partition cuts a from b or prints %q", zero.String())
	}
}

func TestPredict(t *testing.T) {
	cutBy := func(spec string) func(a, b string) bool {
		p, err := az.ParsePartition(spec, []string{"a", "b", "c"})
		if err != nil {
			t.Fatal(err)
		}
		return p.Cut
	}
	isolated := func(a, b string) bool { return a != b }
	tests := []struct {
		name    string
		members int
		live    map[string]int
		cut     func(a, b string) bool
		want    bool
	}{
		{"2-2-1 all alive, no partition", 5, map[string]int{"a": 2, "b": 2, "c": 1}, nil, true},
		{"full partition, majority side b,c keeps 3 of 5", 5, map[string]int{"a": 2, "b": 2, "c": 1}, cutBy("a|b,c"), true},
		{"full partition, majority side a,b keeps 4 of 5", 5, map[string]int{"a": 2, "b": 2, "c": 1}, cutBy("c|a,b"), true},
		{"full partition, even split 2|2 has no majority", 4, map[string]int{"a": 2, "b": 2}, cutBy("a|b"), false},
		{"full partition, 2-1 minority a,b side dead", 3, map[string]int{"a": 0, "b": 0, "c": 1}, cutBy("a,b|c"), false},
		{"full partition, 9 managers 3-3-3, b,c side keeps 6", 9, map[string]int{"a": 3, "b": 3, "c": 3}, cutBy("a|b,c"), true},
		{"partial partition: c reaches both a and b", 5, map[string]int{"a": 2, "b": 2, "c": 1}, cutBy("a|b"), true},
		{"partial partition: only the bridge zone c reaches 4 of 7", 7, map[string]int{"a": 2, "b": 2, "c": 1}, cutBy("a|b"), true},
		{"partial partition: same, bridge zone's manager dead", 7, map[string]int{"a": 2, "b": 2, "c": 0}, cutBy("a|b"), false},
		{"full partition: same counts, c with b, 3 of 7 at most", 7, map[string]int{"a": 2, "b": 2, "c": 1}, cutBy("a|b,c"), false},
		{"a zone without live managers bridges nothing", 9, map[string]int{"a": 3, "b": 0, "c": 3}, cutBy("a|c"), false},
		{"dead managers: 3 of 5 alive", 5, map[string]int{"a": 2, "b": 0, "c": 1}, nil, true},
		{"dead managers: 2 of 5 alive", 5, map[string]int{"a": 1, "b": 0, "c": 1}, nil, false},
		{"dead managers still count toward the size", 5, map[string]int{"a": 2}, nil, false},
		{"every zone isolated, one has a quorum", 3, map[string]int{"a": 2, "b": 1}, isolated, true},
		{"every zone isolated, 1-1-1", 3, map[string]int{"a": 1, "b": 1, "c": 1}, isolated, false},
		{"negative live counts are none", 3, map[string]int{"a": 2, "b": -5}, nil, true},
		{"no members", 0, map[string]int{"a": 1}, nil, false},
		{"no live map", 3, nil, nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := az.Predict(tt.members, tt.live, tt.cut); got != tt.want {
				t.Errorf("Predict(%d, %v) = %v, want %v", tt.members, tt.live, got, tt.want)
			}
		})
	}
}

func TestPredictAgreesWithLosses(t *testing.T) {
	// Losing a zone and cutting it off entirely must look the same to the
	// rest of the swarm as far as a leader is concerned, as long as the
	// cut-off zone cannot hold a quorum by itself.
	for _, spec := range []string{"1-1-1", "2-2-1", "3-2-2", "3-3-3", "2-1", "3-2", "2-2", "3-1-1"} {
		l, err := az.Parse(spec)
		if err != nil {
			t.Fatal(err)
		}
		for _, loss := range l.Losses() {
			live := map[string]int{}
			for _, z := range l.Zones {
				if z.Name != loss.Zone {
					live[z.Name] = z.Managers
				}
			}
			if got := az.Predict(loss.Members, live, nil); got != loss.Holds {
				t.Errorf("%s without zone %s: Predict = %v, Losses says %v", spec, loss.Zone, got, loss.Holds)
			}
		}
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"2-2-1", "1", "0-3", "02-1", "3-2-2", "3-3-3", "",
		"2--1", "-1-2", "-", "x", "2 -1", "0-0", "1001", "600-600",
		"99999999999999999999999", "+1", "2−1", strings.Repeat("1-", 100) + "1",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, spec string) {
		l, err := az.Parse(spec)
		if err != nil {
			if msg := err.Error(); msg == "" || strings.Contains(msg, "\n") {
				t.Fatalf("Parse(%q) error %q is not one line", spec, msg)
			}
			return
		}
		if l.Managers() < 1 || l.Managers() > az.MaxManagers || len(l.Zones) > az.MaxZones {
			t.Fatalf("Parse(%q) accepted %d managers in %d zones", spec, l.Managers(), len(l.Zones))
		}
		again, err := az.Parse(l.String())
		if err != nil {
			t.Fatalf("Parse(%q).String() = %q does not parse: %v", spec, l.String(), err)
		}
		if !slices.Equal(again.Zones, l.Zones) {
			t.Fatalf("Parse(%q) = %+v, but its String %q parses to %+v", spec, l.Zones, l.String(), again.Zones)
		}
		if canonical(spec) && l.String() != spec {
			t.Fatalf("Parse(%q).String() = %q, want the spec back", spec, l.String())
		}
	})
}

// canonical reports whether no count in spec has a leading zero, the only
// way two specs can spell the same layout.
func canonical(spec string) bool {
	for _, part := range strings.Split(spec, "-") {
		if len(part) > 1 && part[0] == '0' {
			return false
		}
	}
	return true
}

func FuzzParsePartition(f *testing.F) {
	for _, s := range []string{
		"a|b,c", "a | b c", "c,b|a", "a,|b", "", "a", "a|", "|b", "a|z",
		"a|b|c", "a|a", "a,a|b", "A|b", "d|a,b,c", "\t|\t", "a|b,,c",
	} {
		f.Add(s)
	}
	zones := []string{"a", "b", "c", "d"}
	f.Fuzz(func(t *testing.T, spec string) {
		p, err := az.ParsePartition(spec, zones)
		if err != nil {
			if msg := err.Error(); msg == "" || strings.Contains(msg, "\n") {
				t.Fatalf("ParsePartition(%q) error %q is not one line", spec, msg)
			}
			return
		}
		if len(p.Sides[0]) == 0 || len(p.Sides[1]) == 0 {
			t.Fatalf("ParsePartition(%q) = %v has an empty side", spec, p)
		}
		for _, a := range zones {
			for _, b := range zones {
				if p.Cut(a, b) != p.Cut(b, a) {
					t.Fatalf("%v: Cut(%s, %s) is not symmetric", p, a, b)
				}
			}
			if p.Cut(a, a) {
				t.Fatalf("%v cuts %s from itself", p, a)
			}
		}
		again, err := az.ParsePartition(p.String(), zones)
		if err != nil {
			t.Fatalf("ParsePartition(%q).String() = %q does not parse: %v", spec, p.String(), err)
		}
		if !slices.Equal(again.Sides[0], p.Sides[0]) || !slices.Equal(again.Sides[1], p.Sides[1]) {
			t.Fatalf("ParsePartition(%q) = %v, but its String %q parses to %v", spec, p, p.String(), again)
		}
	})
}
