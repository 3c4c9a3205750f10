package scheduler

// slot is a candidate node in a heap, smallest first. rank is the part of
// the order that changes as tasks land (st.rank: this service's tasks on
// the node, then all tasks). key holds the seeded tie-break in its high 32
// bits and the node index in its low 32: the tie-break is fixed for one
// service in one call, and the index settles the rare tie of two equal
// tie-breaks, so the order is total and the output deterministic. Packing
// keeps a slot at 16 bytes, which is most of what moves in a heap.
type slot struct {
	rank uint64
	key  uint64
}

func newSlot(rank, tie uint64, node int32) slot {
	return slot{rank, tie&^0xffffffff | uint64(uint32(node))}
}

func (s *slot) node() int32 { return int32(uint32(s.key)) }

func (s *slot) less(o *slot) bool {
	return s.rank < o.rank || s.rank == o.rank && s.key < o.key
}

// The heaps are written out rather than built on container/heap: the
// interface calls and boxing would cost more than the work itself, and
// only two operations are needed, because a node's rank only ever grows
// while a service is being scheduled (sift down the root, or drop it).

func heapifySlots(h []slot) {
	for i := len(h)/2 - 1; i >= 0; i-- {
		siftSlots(h, i)
	}
}

func siftSlots(h []slot, i int) {
	n := len(h)
	for {
		m := 2*i + 1
		if m >= n {
			return
		}
		if r := m + 1; r < n && h[r].less(&h[m]) {
			m = r
		}
		if !h[m].less(&h[i]) {
			return
		}
		h[i], h[m] = h[m], h[i]
		i = m
	}
}

func popSlot(h []slot) []slot {
	last := len(h) - 1
	h[0] = h[last]
	h = h[:last]
	siftSlots(h, 0)
	return h
}

// The tie-break is a hash of (seed, service name, node ID) rather than a
// random stream: it needs no state, so it does not depend on the order in
// which nodes, services or tasks are given, and each (seed, service) pair
// orders equal nodes by its own fixed shuffle.

// hashString is 64-bit FNV-1a.
func hashString(s string) uint64 {
	h := uint64(14695981039346656037)
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= 1099511628211
	}
	return h
}

// mix is SplitMix64's finaliser. FNV of IDs like node-000041 and
// node-000042 differ mostly in low bits; after mix every output bit depends
// on every input bit, and slot keeps only the high 32.
func mix(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ x>>30) * 0xbf58476d1ce4e5b9
	x = (x ^ x>>27) * 0x94d049bb133111eb
	return x ^ x>>31
}

func serviceKey(seed uint64, name string) uint64 { return mix(mix(seed) ^ hashString(name)) }
