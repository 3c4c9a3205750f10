package live

import (
	"github.com/swarmsim/swarmsim/cluster"
	"github.com/swarmsim/swarmsim/internal/sink"
)

// Names from an imported file reach the terminal through sink.Text:
// control bytes and invalid UTF-8 are written as Go escapes (\x1b, \n),
// never sent, so a hostname cannot move the cursor or forge a line of the
// view.

// safeSnapshot is snap with every name it draws made safe.
func safeSnapshot(snap cluster.Snapshot) cluster.Snapshot {
	out := snap
	out.Leader = sink.Text(snap.Leader)
	out.Zones = make([]cluster.Zone, len(snap.Zones))
	for i, z := range snap.Zones {
		out.Zones[i] = cluster.Zone{Name: sink.Text(z.Name), Nodes: all(z.Nodes)}
	}
	out.Cut = make([][2]string, len(snap.Cut))
	for i, c := range snap.Cut {
		out.Cut[i] = [2]string{sink.Text(c[0]), sink.Text(c[1])}
	}
	out.Nodes = make([]cluster.NodeView, len(snap.Nodes))
	for i, n := range snap.Nodes {
		n.Name, n.Zone, n.Tasks = sink.Text(n.Name), sink.Text(n.Zone), cluster.NamedTasks(all(n.Tasks.Names()))
		out.Nodes[i] = n
	}
	out.Services = make([]cluster.ServiceView, len(snap.Services))
	for i, sv := range snap.Services {
		sv.Name, sv.Reasons = sink.Text(sv.Name), all(sv.Reasons)
		zones := make(map[string]int, len(sv.PerZone))
		for z, n := range sv.PerZone {
			zones[sink.Text(z)] = n
		}
		sv.PerZone = zones
		out.Services[i] = sv
	}
	return out
}

func all(names []string) []string {
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = sink.Text(n)
	}
	return out
}
