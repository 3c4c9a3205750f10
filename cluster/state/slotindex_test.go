package state

import (
	"slices"
	"testing"
)

// A global service's tasks come in node-name order, and the sorted names
// kept between reads follow nodes that come and go.
func TestSlotIndexEachFollowsNodes(t *testing.T) {
	var x slotIndex
	on := func(node string) []*Task { return []*Task{{ID: "t-" + node, Node: node}} }
	order := func() []string {
		var got []string
		x.each(func(t *Task) bool { got = append(got, t.Node); return true })
		return got
	}
	for _, step := range []struct {
		name string
		do   func()
		want []string
	}{
		{"two nodes", func() { x.set(SlotKey{Node: "w10"}, on("w10")); x.set(SlotKey{Node: "w2"}, on("w2")) }, []string{"w2", "w10"}},
		{"a node joins", func() { x.set(SlotKey{Node: "w1"}, on("w1")) }, []string{"w1", "w2", "w10"}},
		{"a node's task is replaced", func() { x.set(SlotKey{Node: "w2"}, on("w2")) }, []string{"w1", "w2", "w10"}},
		{"a node leaves", func() { x.set(SlotKey{Node: "w2"}, nil) }, []string{"w1", "w10"}},
		{"it comes back", func() { x.set(SlotKey{Node: "w2"}, on("w2")) }, []string{"w1", "w2", "w10"}},
	} {
		step.do()
		if got := order(); !slices.Equal(got, step.want) {
			t.Errorf("%s: tasks on %q, want %q", step.name, got, step.want)
		}
	}
}
