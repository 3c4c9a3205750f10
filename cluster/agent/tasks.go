package agent

import (
	"iter"
	"maps"
	"math"
	"slices"

	"github.com/swarmsim/swarmsim/cluster/state"
)

// Tasks is a set of task IDs: the containers a node runs, known by their
// tasks' IDs. The store names its tasks "t1", "t2", … (state.TaskNumber):
// those are kept as numbers in a sorted slice, any other ID (a container
// of another history, set apart after a restore) in a map. A node runs
// tens of tasks, so a slice of numbers costs four bytes a task and no
// hashing, where a map keyed by ID grew and rehashed on every node of a
// large swarm as it placed its tasks. The zero value is empty.
type Tasks struct {
	nums  []uint32
	other map[string]bool
}

// number is id's number when the slice may hold it.
func number(id string) (uint32, bool) {
	n, ok := state.TaskNumber(id)
	if !ok || uint64(n) > math.MaxUint32 {
		return 0, false
	}
	return uint32(n), true
}

// Has reports whether id is in the set.
func (s *Tasks) Has(id string) bool {
	if n, ok := number(id); ok {
		return s.HasNumber(n)
	}
	return s.other[id]
}

// HasNumber reports whether task "t"+n is in the set.
func (s *Tasks) HasNumber(n uint32) bool {
	_, found := slices.BinarySearch(s.nums, n)
	return found
}

// Add puts id in the set and reports whether it was not there yet. Tasks
// mostly come in the order the store numbered them, so most land at the
// end of the slice.
func (s *Tasks) Add(id string) bool {
	n, ok := number(id)
	if !ok {
		if s.other == nil {
			s.other = map[string]bool{}
		}
		added := !s.other[id]
		s.other[id] = true
		return added
	}
	if k := len(s.nums); k == 0 || s.nums[k-1] < n {
		s.nums = append(s.nums, n)
		return true
	}
	i, found := slices.BinarySearch(s.nums, n)
	if found {
		return false
	}
	s.nums = slices.Insert(s.nums, i, n)
	return true
}

// Remove takes id out of the set and reports whether it was there.
func (s *Tasks) Remove(id string) bool {
	n, ok := number(id)
	if !ok {
		if !s.other[id] {
			return false
		}
		delete(s.other, id)
		return true
	}
	i, found := slices.BinarySearch(s.nums, n)
	if found {
		s.nums = slices.Delete(s.nums, i, i+1)
	}
	return found
}

// Len counts the IDs.
func (s *Tasks) Len() int { return len(s.nums) + len(s.other) }

// Clear empties the set.
func (s *Tasks) Clear() {
	s.nums = s.nums[:0]
	clear(s.other)
}

// Numbers are the numbers of the store's IDs in the set, in order: read
// them, do not keep them past the next change.
func (s *Tasks) Numbers() []uint32 { return s.nums }

// Others yields the IDs not of the store's form, sorted.
func (s *Tasks) Others() iter.Seq[string] {
	return func(yield func(string) bool) {
		if len(s.other) == 0 {
			return
		}
		for _, id := range slices.Sorted(maps.Keys(s.other)) {
			if !yield(id) {
				return
			}
		}
	}
}

// All yields every ID: the store's in order of number, then the others
// sorted. Each of the store's IDs is written out anew: hot paths read
// Numbers.
func (s *Tasks) All() iter.Seq[string] {
	return func(yield func(string) bool) {
		for _, n := range s.nums {
			if !yield(state.TaskID(uint64(n))) {
				return
			}
		}
		for id := range s.Others() {
			if !yield(id) {
				return
			}
		}
	}
}
