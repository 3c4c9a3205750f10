package scenario

import (
	"strconv"
	"strings"
	"testing"

	"github.com/swarmsim/swarmsim/az"
	"github.com/swarmsim/swarmsim/cluster"
)

func TestNewLayout(t *testing.T) {
	parse := func(s string) *az.Layout {
		l, err := az.Parse(s)
		if err != nil {
			t.Fatal(err)
		}
		return &l
	}
	for _, tc := range []struct {
		name     string
		managers int
		zones    *az.Layout
		workers  int
		want     string // the layout, then workers per zone
		err      string
	}{
		{"three spread over three zones", 3, nil, 0, "1-1-1 0-0-0", ""},
		{"five spread over three zones", 5, nil, 7, "2-2-1 3-2-2", ""},
		{"one manager is one zone", 1, nil, 0, "1 0", ""},
		{"two managers are two zones", 2, nil, 4, "1-1 2-2", ""},
		{"given zones", 5, parse("3-2"), 1, "3-2 1-0", ""},
		{"a zone of workers only", 5, parse("2-2-1-0"), 4, "2-2-1-0 1-1-1-1", ""},
		// In Docker a zone is a node label; workers may join zone d later.
		{"an empty zone, for workers to join", 5, parse("2-2-1-0"), 0, "2-2-1-0 0-0-0-0", ""},
		{"zones that do not add up", 5, parse("2-2"), 0, "", "the zones add up to 4 managers, not 5"},
		{"no manager", 0, nil, 0, "", "at least 1 manager"},
		{"too many managers", MaxManagers + 1, nil, 0, "", "more than swarmsim simulates"},
		{"too many workers", 3, nil, MaxWorkers + 1, "", "use at most 10000"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			l, err := NewLayout(tc.managers, tc.zones, tc.workers)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Errorf("error %v, want %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			got := l.String() + " " + workersOf(l)
			if got != tc.want {
				t.Errorf("got %s, want %s", got, tc.want)
			}
		})
	}
}

// workersOf is the workers per zone, written like a layout.
func workersOf(l az.Layout) string {
	var parts []string
	for _, z := range l.Zones {
		parts = append(parts, strconv.Itoa(z.Workers))
	}
	return strings.Join(parts, "-")
}

// Workers are assigned in blocks, as the README says: w1, w2, … fill zone a
// first, then b, then c; the first zones get one more when the count does
// not divide evenly.
func TestWorkersAreAssignedInBlocks(t *testing.T) {
	l, err := NewLayout(3, nil, 7)
	if err != nil {
		t.Fatal(err)
	}
	spec := Spec{Layout: l}
	var got []string
	for _, n := range spec.NodeSpecs() {
		if n.Role == cluster.RoleWorker {
			got = append(got, n.Name+"@"+n.Zone)
		}
	}
	want := "w1@a w2@a w3@a w4@b w5@b w6@c w7@c"
	if strings.Join(got, " ") != want {
		t.Errorf("workers %v, want %s", got, want)
	}
	// The simulation names them the same way.
	c, err := cluster.New(cluster.Config{Seed: 1, Layout: l})
	if err != nil {
		t.Fatal(err)
	}
	var sim []string
	for _, n := range c.Snapshot().Nodes {
		if n.Role == cluster.RoleWorker {
			sim = append(sim, n.Name+"@"+n.Zone)
		}
	}
	if strings.Join(sim, " ") != want {
		t.Errorf("the simulation placed workers %v, want %s", sim, want)
	}
}

// The headline runs once, so nobody can join a zone it leaves empty.
func TestEveryZoneHolds(t *testing.T) {
	for _, tc := range []struct {
		zones   string
		workers int
		err     string
	}{
		{"2-2-1-0", 0, "zone d would hold no node; leave it out, or add workers"},
		{"2-2-1-0", 1, "zone d would hold no node"}, // the one worker goes to zone a
		{"2-2-1-0", 4, ""},
		{"2-2-1", 0, ""},
	} {
		z, err := az.Parse(tc.zones)
		if err != nil {
			t.Fatal(err)
		}
		l, err := NewLayout(z.Managers(), &z, tc.workers)
		if err != nil {
			t.Fatal(err)
		}
		err = EveryZoneHolds(l)
		if (err == nil) != (tc.err == "") || err != nil && !strings.Contains(err.Error(), tc.err) {
			t.Errorf("%s with %d workers: error %v, want %q", tc.zones, tc.workers, err, tc.err)
		}
	}
}
