package playground

import (
	"strings"
	"testing"

	"github.com/swarmsim/swarmsim/az"
)

// TestLockedLane: under autolock a restarted manager waits for its key;
// its lane says locked, not dead, until docker swarm unlock.
func TestLockedLane(t *testing.T) {
	l, err := az.Parse("1-1-1")
	if err != nil {
		t.Fatal(err)
	}
	src, err := FromStart(Start{Layout: l, Seed: 1, Autolock: true})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(src.Text, " autolock=true ") {
		t.Fatalf("the start drill has no autolock:\n%s", src.Text)
	}
	s, err := New(src, "")
	if err != nil {
		t.Fatal(err)
	}
	laneOf := func(name string) []string {
		for _, l := range s.State(0).Lanes {
			if l.Name == name {
				var states []string
				for _, seg := range l.Segments {
					states = append(states, seg.State)
				}
				return states
			}
		}
		t.Fatalf("no lane %s", name)
		return nil
	}
	for _, line := range []string{"kill m3", "wait 2s", "restart m3", "wait 2s"} {
		if _, err := s.Do(line); err != nil {
			t.Fatal(err)
		}
	}
	got := laneOf("m3")
	if n := len(got); n < 2 || got[n-2] != LaneDead || got[n-1] != LaneLocked {
		t.Errorf("m3's lane is %v; want it to end dead, then locked", got)
	}
}
