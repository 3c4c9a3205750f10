package verdict

import (
	"strings"
	"testing"

	"github.com/swarmsim/swarmsim/cluster"
	"github.com/swarmsim/swarmsim/internal/scenario"
)

func TestWordsOfALostQuorum(t *testing.T) {
	s := cluster.Snapshot{
		Quorum: cluster.Quorum{Members: 3, Needed: 2, Alive: 1, Locked: 1, Tolerance: 1},
		Nodes: []cluster.NodeView{
			{Name: "m1", Role: cluster.RoleManager, Alive: true, Locked: true},
			{Name: "m2", Role: cluster.RoleManager},
			{Name: "m3", Role: cluster.RoleManager, Alive: true},
		},
	}
	v := Words(s, scenario.QuorumLost, "SWMKEY-1-x")
	if v.Head != "quorum lost" || v.Summary != "quorum 2 of 3, 1 alive (1 locked), tolerates 1: 1 more manager is needed." {
		t.Errorf("head %q, summary %q", v.Head, v.Summary)
	}
	var all []string
	for _, n := range v.Notes {
		all = append(all, n.Text())
	}
	text := strings.Join(all, "\n")
	for _, want := range []string{"Docker answers every change with:", "m1 is locked", "Unlock it to bring the quorum back", "SWMKEY-1-x"} {
		if !strings.Contains(text, want) {
			t.Errorf("the notes lack %q:\n%s", want, text)
		}
	}
	if !v.Notes[1].Answer || !strings.Contains(v.Notes[1].Text(), "does not have a leader") {
		t.Errorf("the second note is not Docker's answer: %+v", v.Notes[1])
	}
}

func TestNoteTextJoinsItsLines(t *testing.T) {
	n := Note{Lines: []string{"one,", "  two"}}
	if got := n.Text(); got != "one, two" {
		t.Errorf("Text() = %q", got)
	}
}
