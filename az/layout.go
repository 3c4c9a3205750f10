package az

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// Limits on what Parse accepts. They are far beyond any real swarm (Docker
// recommends at most 7 managers) and exist so that a typo cannot ask for an
// absurd simulation or overflow a sum.
const (
	MaxZones    = 100
	MaxManagers = 1000
)

// ZoneName: 0→"a", 1→"b", … 25→"z", 26→"aa", 27→"ab", … (spreadsheet-style, lower case).
// A negative index has no name and gives "".
func ZoneName(i int) string {
	if i < 0 {
		return ""
	}
	// Bijective base 26: there is no zero digit, which is why "z" is
	// followed by "aa" rather than "ba".
	var buf [16]byte
	n := len(buf)
	for {
		n--
		buf[n] = byte('a' + i%26)
		i = i/26 - 1
		if i < 0 {
			break
		}
	}
	return string(buf[n:])
}

// Zone is one availability zone: nodes that fail together.
type Zone struct {
	Name     string
	Managers int // ≥ 0; 0 is a zone that only runs workers
	Workers  int // ≥ 0
}

// Layout is an ordered list of zones. The order is the naming order (a, b,
// c, …) and the order of every listing, so output never depends on a map.
type Layout struct {
	Zones []Zone
}

const howToWrite = "like 2-2-1"

// Parse reads a managers-per-zone spec like "2-2-1" (zones named a, b, c in order).
//
// It is strict: only digits and single dashes, no spaces, no signs. Every
// error is one sentence saying what is wrong and how to write it, without
// naming a flag, so the caller can add its own context.
func Parse(spec string) (Layout, error) {
	if spec == "" {
		return Layout{}, errors.New(`the zone layout is empty; write the managers in each zone separated by "-", ` + howToWrite)
	}
	parts := strings.Split(spec, "-")
	if len(parts) > MaxZones {
		return Layout{}, fmt.Errorf("the zone layout has %d zones, but at most %d are supported; write one count per zone, %s", len(parts), MaxZones, howToWrite)
	}
	// A leading dash before a number reads as a minus sign; every other
	// empty part is more likely a doubled or stray dash.
	if len(parts) > 1 && parts[0] == "" && wholeNumber(parts[1]) {
		return Layout{}, fmt.Errorf("%q starts with a negative count, but a zone cannot hold fewer than 0 managers; write counts of 0 or more, %s", spec, howToWrite)
	}
	l := Layout{Zones: make([]Zone, len(parts))}
	total := 0
	for i, p := range parts {
		name := ZoneName(i)
		switch {
		case p == "":
			return Layout{}, fmt.Errorf("zone %s is empty in %q; write a whole number of managers for every zone, %s", name, spec, howToWrite)
		case !wholeNumber(p):
			hint := "write only digits for each zone"
			if strings.ContainsFunc(p, isSpace) {
				hint = "write the counts without spaces"
			}
			return Layout{}, fmt.Errorf("zone %s is %q in %q, which is not a whole number; %s, %s", name, p, spec, hint, howToWrite)
		}
		n, err := strconv.Atoi(p)
		if err != nil || n > MaxManagers {
			return Layout{}, fmt.Errorf("zone %s asks for %s managers, but at most %d are supported; write a smaller count, %s", name, p, MaxManagers, howToWrite)
		}
		l.Zones[i] = Zone{Name: name, Managers: n}
		total += n
	}
	if total == 0 {
		return Layout{}, fmt.Errorf("%q puts no manager in any zone, but a swarm needs at least one; write at least one count above 0, like 1-1-1", spec)
	}
	if total > MaxManagers {
		return Layout{}, fmt.Errorf("%q adds up to %d managers, but at most %d are supported; write smaller counts, %s", spec, total, MaxManagers, howToWrite)
	}
	return l, nil
}

func isSpace(r rune) bool {
	switch r {
	case ' ', '\t', '\n', '\r', '\v', '\f':
		return true
	}
	return false
}

// Even spreads managers over zones as evenly as possible, larger zones first: Even(5,3)=2-2-1, Even(7,3)=3-2-2, Even(9,3)=3-3-3, Even(3,3)=1-1-1, Even(4,3)=2-1-1, Even(3,2)=2-1.
// Negative counts are taken as 0; zones ≤ 0 gives an empty layout.
func Even(managers, zones int) Layout {
	if zones <= 0 {
		return Layout{}
	}
	l := Layout{Zones: make([]Zone, zones)}
	for i := range l.Zones {
		l.Zones[i] = Zone{Name: ZoneName(i), Managers: share(managers, zones, i)}
	}
	return l
}

// share is zone i's part of n spread over zones: n/zones each, and one
// more for the first n%zones, so earlier zones are never the smaller ones.
func share(n, zones, i int) int {
	n = max(n, 0)
	s := n / zones
	if i < n%zones {
		s++
	}
	return s
}

// Recommend returns the layout the recommendation rule (rule.go) picks for
// managers over zones, commit latency aside; it reproduces 3→1-1-1,
// 5→2-2-1, 7→3-2-2, 9→3-3-3 over 3 zones.
//
// When some layout survives the loss of any one zone, Even does: surviving
// any zone means no zone holds more than Tolerance(managers), and Even
// makes the largest zone as small as it can be, ceil(m/z), over as many
// zones as there are managers to fill. Otherwise no layout survives every
// zone, and the most a layout can survive is all zones but one: zones-1
// zones of Tolerance(managers) each, the rest in the first zone (4 over 2
// is 3-1, 6 over 2 is 4-2, where Even's 2-2 and 3-3 survive no zone). With
// a tolerance of 0 (1 or 2 managers) no zone loss is survived and Even's is
// the smallest largest zone. Negative counts are taken as 0; zones ≤ 0
// gives an empty layout. The brute-force tests pin all of this.
func Recommend(managers, zones int) Layout {
	even := Even(managers, zones)
	t := Tolerance(max(managers, 0))
	if zones < 2 || t == 0 || even.SurvivesAnyZone() {
		return even
	}
	l := Layout{Zones: make([]Zone, zones)}
	for i := range l.Zones {
		l.Zones[i] = Zone{Name: ZoneName(i), Managers: t}
	}
	l.Zones[0].Managers = managers - (zones-1)*t
	return l
}

// Managers is the total number of managers, which is the Raft
// configuration size when every manager has joined.
func (l Layout) Managers() int {
	n := 0
	for _, z := range l.Zones {
		n += z.Managers
	}
	return n
}

// Workers is the total number of workers.
func (l Layout) Workers() int {
	n := 0
	for _, z := range l.Zones {
		n += z.Workers
	}
	return n
}

// Names lists the zone names in layout order. The slice is the caller's.
func (l Layout) Names() []string {
	out := make([]string, len(l.Zones))
	for i, z := range l.Zones {
		out[i] = z.Name
	}
	return out
}

// String writes the managers per zone the way Parse reads them: "2-2-1".
// Workers are not part of it because the spec language has no place for them.
func (l Layout) String() string {
	var b strings.Builder
	for i, z := range l.Zones {
		if i > 0 {
			b.WriteByte('-')
		}
		b.WriteString(strconv.Itoa(z.Managers))
	}
	return b.String()
}

// Index is the position of the zone named name, -1 when absent.
func (l Layout) Index(name string) int {
	for i, z := range l.Zones {
		if z.Name == name {
			return i
		}
	}
	return -1
}

// WithWorkers returns a copy with n workers spread round-robin over the zones, zone a first (7 over 3 → 3,2,2).
// Workers already in l are replaced, not added to. A layout without zones
// has nowhere to put them and comes back unchanged.
func (l Layout) WithWorkers(n int) Layout {
	if len(l.Zones) == 0 {
		return Layout{}
	}
	out := Layout{Zones: make([]Zone, len(l.Zones))}
	for i, z := range l.Zones {
		z.Workers = share(n, len(l.Zones), i)
		out.Zones[i] = z
	}
	return out
}

// wholeNumber reports whether s is made of digits only.
func wholeNumber(s string) bool { return s != "" && strings.Trim(s, "0123456789") == "" }
