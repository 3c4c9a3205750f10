package live

import (
	"strconv"
	"strings"
	"unicode"

	"github.com/swarmsim/swarmsim/cluster"
)

// safe shows a name from an imported file on the terminal: control bytes
// and invalid UTF-8 are written as Go escapes (\x1b, \n), never sent, so a
// hostname cannot move the cursor or forge a line of the view.
//
// TODO(coordinator): the terminal sink's shared helper (issue 23) replaces
// this once it is on main.
func safe(s string) string {
	if !strings.ContainsFunc(s, func(r rune) bool { return r == unicode.ReplacementChar || !unicode.IsPrint(r) && r != ' ' }) {
		return s
	}
	q := strconv.QuoteToGraphic(s)
	return q[1 : len(q)-1]
}

// safeSnapshot is snap with every name it draws made safe.
func safeSnapshot(snap cluster.Snapshot) cluster.Snapshot {
	out := snap
	out.Leader = safe(snap.Leader)
	out.Zones = make([]cluster.Zone, len(snap.Zones))
	for i, z := range snap.Zones {
		out.Zones[i] = cluster.Zone{Name: safe(z.Name), Nodes: all(z.Nodes)}
	}
	out.Cut = make([][2]string, len(snap.Cut))
	for i, c := range snap.Cut {
		out.Cut[i] = [2]string{safe(c[0]), safe(c[1])}
	}
	out.Nodes = make([]cluster.NodeView, len(snap.Nodes))
	for i, n := range snap.Nodes {
		n.Name, n.Zone, n.Tasks = safe(n.Name), safe(n.Zone), all(n.Tasks)
		out.Nodes[i] = n
	}
	out.Services = make([]cluster.ServiceView, len(snap.Services))
	for i, sv := range snap.Services {
		sv.Name, sv.Reasons = safe(sv.Name), all(sv.Reasons)
		zones := make(map[string]int, len(sv.PerZone))
		for z, n := range sv.PerZone {
			zones[safe(z)] = n
		}
		sv.PerZone = zones
		out.Services[i] = sv
	}
	return out
}

func all(names []string) []string {
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = safe(n)
	}
	return out
}
