package state

// TaskSet is a set of task IDs: a bit per task number (TaskNumber) for the
// store's own IDs, so a lookup hashes nothing, and a map for any other ID.
// The zero value is empty. It has no order; IDSet adds one.
type TaskSet struct {
	bits  bitset
	other map[string]bool
}

// Has reports whether id is in the set.
func (s *TaskSet) Has(id string) bool {
	if n, ok := TaskNumber(id); ok {
		return s.bits.has(n)
	}
	return s.other[id]
}

// Add puts id in the set and reports whether it was not there yet.
func (s *TaskSet) Add(id string) bool {
	if n, ok := TaskNumber(id); ok {
		return s.bits.set(n)
	}
	if s.other[id] {
		return false
	}
	if s.other == nil {
		s.other = map[string]bool{}
	}
	s.other[id] = true
	return true
}

// Remove takes id out of the set.
func (s *TaskSet) Remove(id string) {
	if n, ok := TaskNumber(id); ok {
		s.bits.unset(n)
		return
	}
	delete(s.other, id)
}

// Clear empties the set, keeping its memory.
func (s *TaskSet) Clear() {
	clear(s.bits)
	clear(s.other)
}

// bitset is a set of small numbers, a bit each.
type bitset []uint64

func (b bitset) has(n int) bool { return n/64 < len(b) && b[n/64]&(1<<(n%64)) != 0 }

// set adds n and reports whether it was not there yet.
func (b *bitset) set(n int) bool {
	w, bit := n/64, uint64(1)<<(n%64)
	if w >= len(*b) {
		*b = append(*b, make(bitset, w+1-len(*b))...)
	}
	if (*b)[w]&bit != 0 {
		return false
	}
	(*b)[w] |= bit
	return true
}

func (b bitset) unset(n int) {
	if n/64 < len(b) {
		b[n/64] &^= 1 << (n % 64)
	}
}
