package cluster

import (
	"testing"

	"github.com/swarmsim/swarmsim/raft"
)

// The committed-entries invariant compares entries by entrySum: any two
// entries that differ in their term, one byte of their data, their length
// or their change must sum differently.
func TestEntrySumTellsEntriesApart(t *testing.T) {
	data := []byte("a command of some length, more than a few words long!")
	entries := []raft.Entry{
		{Term: 1, Data: data},
		{Term: 2, Data: data},
		{Term: 1, Data: data[:len(data)-1]},
		{Term: 1, Data: append(append([]byte{}, data...), 0)},
		{Term: 1},
		{Term: 1, Change: &raft.Change{Op: raft.AddVoter, Node: 2}},
		{Term: 1, Change: &raft.Change{Op: raft.RemoveVoter, Node: 2}},
		{Term: 1, Change: &raft.Change{Op: raft.AddVoter, Node: 3}},
		{Term: 1, Change: &raft.Change{Op: raft.AddVoter, Node: 2, Context: []byte("m2")}},
	}
	for i := range data {
		changed := append([]byte{}, data...)
		changed[i] ^= 0x10
		entries = append(entries, raft.Entry{Term: 1, Data: changed})
	}
	seen := map[uint64]int{}
	for i, e := range entries {
		sum := entrySum(e)
		if j, ok := seen[sum]; ok {
			t.Errorf("entries %d and %d sum alike: %+v and %+v", j, i, entries[j], e)
		}
		seen[sum] = i
	}
	if entrySum(entries[0]) != entrySum(raft.Entry{Term: 1, Data: append([]byte{}, data...)}) {
		t.Error("equal entries sum differently")
	}
}
