package az

import (
	"errors"
	"fmt"
	"slices"
	"strings"
)

// Partition cuts every link between a zone on one side and a zone on the other. Zones named on neither side keep all their links.
//
// Each side lists zones in the order of the zones ParsePartition was given,
// whatever order they were written in, so String is canonical. A zone is
// on at most one side. The zero Partition cuts nothing.
type Partition struct {
	Sides [2][]string
}

const howToPartition = "like a|b,c"

// ParsePartition reads "a|b,c" (also accept spaces: "a | b c" with spaces or commas as separators inside a side,
// since the drill language writes `partition a | b c`). Errors: no "|" or more than one, an empty side, an unknown zone
// (name the known zones), a zone named twice (e.g. "a|a": say a zone cannot be on both sides).
func ParsePartition(spec string, zones []string) (Partition, error) {
	if strings.TrimFunc(spec, isSpace) == "" {
		return Partition{}, errors.New(`the partition is empty; write the zones of each side around one "|", ` + howToPartition)
	}
	switch n := strings.Count(spec, "|"); {
	case n == 0:
		return Partition{}, fmt.Errorf(`%q has no "|" between two sides; write the zones of each side around one "|", %s`, spec, howToPartition)
	case n > 1:
		return Partition{}, fmt.Errorf(`%q has %d "|", but a partition has exactly two sides; write one "|", %s`, spec, n, howToPartition)
	}
	left, right, _ := strings.Cut(spec, "|")
	var p Partition
	side := map[string]int{} // zone → the side it is already on
	for s, text := range [2]string{left, right} {
		names := strings.FieldsFunc(text, func(r rune) bool { return r == ',' || isSpace(r) })
		if len(names) == 0 {
			return Partition{}, fmt.Errorf("the %s side of %q names no zone; name at least one zone on each side, %s", sideName(s), spec, howToPartition)
		}
		for _, name := range names {
			if !slices.Contains(zones, name) {
				return Partition{}, fmt.Errorf("%q names zone %q, which does not exist; %s", spec, name, known(zones))
			}
			if was, ok := side[name]; ok {
				if was == s {
					return Partition{}, fmt.Errorf("%q names zone %s twice on the %s side; name each zone once", spec, name, sideName(s))
				}
				return Partition{}, fmt.Errorf("%q puts zone %s on both sides, but a zone cannot be on both sides; move it to one of them", spec, name)
			}
			side[name] = s
		}
	}
	for _, z := range zones {
		if s, ok := side[z]; ok {
			p.Sides[s] = append(p.Sides[s], z)
			delete(side, z) // zones may list a name twice; place it once
		}
	}
	return p, nil
}

func sideName(s int) string {
	if s == 0 {
		return "left"
	}
	return "right"
}

func known(zones []string) string {
	if len(zones) == 0 {
		return "there are no zones to partition"
	}
	return "the zones are " + strings.Join(zones, ", ")
}

// Cut reports whether a and b are on opposite sides, so a message between
// them is lost. It is symmetric, and a zone is never cut from itself.
func (p Partition) Cut(a, b string) bool {
	sa, sb := p.side(a), p.side(b)
	return sa >= 0 && sb >= 0 && sa != sb
}

func (p Partition) side(zone string) int {
	for s, names := range p.Sides {
		if slices.Contains(names, zone) {
			return s
		}
	}
	return -1
}

// String writes the partition the way ParsePartition reads it: "a|b,c".
// The zero Partition is "".
func (p Partition) String() string {
	if len(p.Sides[0]) == 0 && len(p.Sides[1]) == 0 {
		return ""
	}
	return strings.Join(p.Sides[0], ",") + "|" + strings.Join(p.Sides[1], ",")
}
