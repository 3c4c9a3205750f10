package cluster

import (
	"fmt"
	"testing"

	"github.com/swarmsim/swarmsim/az"
)

// TestLayoutNodesNamesZoneByZone: managers are numbered across the zones
// first, then workers, each zone's in a row; a zone that holds only
// workers is a real swarm's shape and is named like any other.
func TestLayoutNodesNamesZoneByZone(t *testing.T) {
	for _, tc := range []struct {
		name  string
		zones []az.Zone
		want  string
	}{
		{"one zone", []az.Zone{{Name: "a", Managers: 1, Workers: 2}}, "[m1/a/manager w1/a/worker w2/a/worker]"},
		{"managers before workers", []az.Zone{{Name: "a", Managers: 2, Workers: 1}, {Name: "b", Managers: 1, Workers: 2}},
			"[m1/a/manager m2/a/manager m3/b/manager w1/a/worker w2/b/worker w3/b/worker]"},
		{"a zone of workers only", []az.Zone{{Name: "a", Managers: 1}, {Name: "b", Workers: 1}}, "[m1/a/manager w1/b/worker]"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			nodes := LayoutNodes(az.Layout{Zones: tc.zones})
			var got []string
			for _, n := range nodes {
				got = append(got, n.Name+"/"+n.Zone+"/"+n.Role)
			}
			if s := fmt.Sprint(got); s != tc.want {
				t.Errorf("LayoutNodes = %s, want %s", s, tc.want)
			}
		})
	}
}
