package scheduler

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
)

// ParseSpread reads a placement preference as written after
// --placement-pref, "spread=node.labels.zone", and returns the spread
// descriptor that goes into Service.Preferences. Only node.labels.KEY and
// engine.labels.KEY can be spread over: they are the only descriptors
// swarmkit acts on.
func ParseSpread(s string) (string, error) {
	strategy, descriptor, ok := strings.Cut(s, "=")
	strategy, descriptor = trimSpace(strategy), trimSpace(descriptor)
	switch {
	case !ok || strategy == "" || descriptor == "":
		return "", fmt.Errorf("placement preference %q is not of the form spread=LABEL; write it like spread=node.labels.zone", s)
	case !strings.EqualFold(strategy, "spread"):
		return "", fmt.Errorf("placement preference %q asks for %q, but spread is the only strategy; write it like spread=node.labels.zone", s, strategy)
	}
	k, ok := parseDescriptor(descriptor)
	if !ok || !isLabelName(k.label) {
		return "", fmt.Errorf("cannot spread over %q; spread over a node.labels.KEY or engine.labels.KEY label, like spread=node.labels.zone", descriptor)
	}
	if k.engine {
		return engineLabelPrefix + k.label, nil
	}
	return nodeLabelPrefix + k.label, nil
}

// spreadKey is a parsed spread descriptor: the label whose values divide
// the nodes into groups.
type spreadKey struct {
	engine bool
	label  string
}

func parseDescriptor(d string) (spreadKey, bool) {
	if l, ok := cutPrefixFold(d, nodeLabelPrefix); ok && l != "" {
		return spreadKey{label: l}, true
	}
	if l, ok := cutPrefixFold(d, engineLabelPrefix); ok && l != "" {
		return spreadKey{engine: true, label: l}, true
	}
	return spreadKey{}, false
}

// value is the node's group at this level. A missing label and an empty
// value are the same group, "", as in swarmkit.
func (k spreadKey) value(n *Node) string {
	if k.engine {
		return n.EngineLabels[k.label]
	}
	return n.Labels[k.label]
}

// group is a node of the spread tree: the root, one group per label value
// at each preference level below it, and candidate nodes in the leaves.
// Without preferences the root is the only group and a leaf.
//
// When some candidate has MaxFailures or more recent failures of the
// service, every group of the last spread level (the root, without
// preferences) gets one more level: a tier per penalty, healthy nodes in
// tier 0, the tiers ranked strictly by penalty rather than spread evenly.
// The ranking inside a group then becomes (penalty, rank, tie-break)
// without widening slot, and a call with no failing node builds no tiers
// at all.
type group struct {
	value  string // label value; "" for nodes without the label
	tier   uint32 // a tier's penalty; 0 for spread groups
	parent int32  // -1 for the root
	count  int32  // tasks of the service in the group, running or placed
	order  int32  // place among siblings: label values in order, "" last; tiers by penalty
	size   int32  // candidates, while building
	leaf   bool
	tiers  bool    // kids are tiers: ranked by order alone, never by count
	kids   []int32 // internal groups: min-heap by (count, order), or by order for tiers
	slots  []slot  // leaves: min-heap of candidate nodes
}

type branch struct {
	parent int32
	tier   uint32
	value  string
}

// picker chooses nodes for the tasks of one service at a time. It is built
// once per service and then answers every task in O(depth × log(width)):
// the static filters ran once per node while building it, and of the
// dynamic ones only the node about to be chosen is checked again.
//
// At every level the next task goes to the group with the fewest tasks of
// the service (ties: label order, nodes without the label last), which
// ends as swarmkit's even split: 7 tasks over zones a, b, c land 3/2/2. A
// group only exists if some node in it passed every filter when the picker
// was built, and it leaves the race when its last candidate fails, so a
// dead zone's share goes to the others. Within a leaf the node with the
// fewest tasks of the service wins, then the one with the fewest tasks,
// then the seeded tie-break; nodes the service keeps failing on come after
// all of those (the tiers above).
type picker struct {
	groups []group
	index  map[branch]int32
	keys   []spreadKey
	cands  []slot
	pens   []uint32 // per candidate, its penalty; only filled when tiered
	tiered bool     // some candidate has a penalty
	sorted []slot   // cands regrouped by leaf; the leaves' heaps live here
	leafOf []int32  // per candidate, while building
	hashes []uint64 // per node, hashString(ID); computed once per call
	last   int32    // leaf of the last node next returned
}

func (pk *picker) build(st *state, p *pipeline, svc *Service, seed uint64) {
	pk.candidates(st, p, svc.Name, serviceKey(seed, svc.Name))
	pk.keys = pk.keys[:0]
	for _, d := range svc.Preferences {
		if k, ok := parseDescriptor(d); ok {
			pk.keys = append(pk.keys, k)
		}
	}
	flat := len(pk.keys) == 0 && !pk.tiered
	pk.groups = append(pk.groups[:0], group{parent: -1, leaf: flat})
	if flat {
		pk.groups[0].slots = pk.cands
		heapifySlots(pk.cands)
		return
	}
	pk.grow(st)
	pk.countRunning(st)
	for g := range pk.groups {
		pk.heapify(int32(g))
	}
}

// candidates collects the nodes that pass every filter now, and their
// penalties if any has one. It is the one pass over all nodes a service
// costs.
func (pk *picker) candidates(st *state, p *pipeline, name string, key uint64) {
	if pk.hashes == nil {
		pk.hashes = make([]uint64, len(st.nodes))
		for i := range st.nodes {
			pk.hashes[i] = hashString(st.nodes[i].ID)
		}
	}
	pk.cands = slices.Grow(pk.cands[:0], len(st.nodes))
	pk.tiered = false
	for n := range int32(len(st.nodes)) {
		if p.first(n) >= 0 {
			continue
		}
		if pen := penalty(&st.nodes[n], name); pen > 0 || pk.tiered {
			if !pk.tiered {
				// The first failing node: every candidate before it
				// was healthy.
				pk.tiered = true
				pk.pens = slices.Grow(pk.pens[:0], len(st.nodes))[:len(pk.cands)]
				clear(pk.pens)
			}
			pk.pens = append(pk.pens, pen)
		}
		pk.cands = append(pk.cands, newSlot(st.rank(n), mix(pk.hashes[n]^key), n))
	}
}

// grow builds the groups the candidates fall into, level by level, and
// puts each candidate in its leaf.
func (pk *picker) grow(st *state) {
	if pk.index == nil {
		pk.index = make(map[branch]int32)
	} else {
		clear(pk.index)
	}
	pk.leafOf = slices.Grow(pk.leafOf[:0], len(pk.cands))[:len(pk.cands)]
	for ci := range pk.cands {
		node := &st.nodes[pk.cands[ci].node()]
		g := int32(0)
		for l, k := range pk.keys {
			g = pk.child(branch{parent: g, value: k.value(node)}, l == len(pk.keys)-1 && !pk.tiered)
		}
		if pk.tiered {
			pk.groups[g].tiers = true
			g = pk.child(branch{parent: g, tier: pk.pens[ci]}, true)
		}
		pk.leafOf[ci] = g
		pk.groups[g].size++
	}

	// One buffer for all leaves, carved in group order, rather than an
	// allocation per leaf.
	pk.sorted = slices.Grow(pk.sorted[:0], len(pk.cands))[:len(pk.cands)]
	var off int32
	for g := range pk.groups {
		if grp := &pk.groups[g]; grp.leaf {
			grp.slots = pk.sorted[off:off:(off + grp.size)]
			off += grp.size
		}
	}
	for ci, g := range pk.leafOf {
		pk.groups[g].slots = append(pk.groups[g].slots, pk.cands[ci])
	}
}

// child returns the group b names, making it if it is new.
func (pk *picker) child(b branch, leaf bool) int32 {
	x, ok := pk.index[b]
	if !ok {
		x = int32(len(pk.groups))
		pk.groups = append(pk.groups, group{value: b.value, tier: b.tier, parent: b.parent, leaf: leaf})
		pk.groups[b.parent].kids = append(pk.groups[b.parent].kids, x)
		pk.index[b] = x
	}
	return x
}

// countRunning adds the service's tasks to the groups they run in. They
// count also on nodes that cannot take more now (a paused node's tasks
// still fill its zone), but only in groups that take part: a group with no
// candidate does not exist.
func (pk *picker) countRunning(st *state) {
	for _, n := range st.touched {
		c := st.count[n]
		node := &st.nodes[n]
		g := int32(0)
		pk.groups[0].count += c
		for _, k := range pk.keys {
			x, ok := pk.index[branch{parent: g, value: k.value(node)}]
			if !ok {
				break
			}
			pk.groups[x].count += c
			g = x
		}
	}
}

// heapify orders a group's heap. Siblings are ranked by label value first,
// since that is how ties between equally full groups break; tiers by
// penalty alone.
func (pk *picker) heapify(g int32) {
	grp := &pk.groups[g]
	if grp.leaf {
		heapifySlots(grp.slots)
		return
	}
	if grp.tiers {
		slices.SortFunc(grp.kids, func(a, b int32) int {
			return cmp.Compare(pk.groups[a].tier, pk.groups[b].tier)
		})
	} else {
		slices.SortFunc(grp.kids, func(a, b int32) int {
			return compareValues(pk.groups[a].value, pk.groups[b].value)
		})
	}
	for i, x := range grp.kids {
		pk.groups[x].order = int32(i)
	}
	for i := len(grp.kids)/2 - 1; i >= 0; i-- {
		pk.siftKids(g, i)
	}
}

// compareValues orders label values, the missing label ("") last: it is
// "one more group" after the named ones.
func compareValues(a, b string) int {
	switch {
	case a == b:
		return 0
	case a == "":
		return 1
	case b == "":
		return -1
	}
	return strings.Compare(a, b)
}

// kidLess orders the kids of group parent. Spread groups go by the
// service's tasks in them, then label order; tiers by penalty only, so a
// failing node's tier never draws tasks to even out counts.
func (pk *picker) kidLess(parent, a, b int32) bool {
	ga, gb := &pk.groups[a], &pk.groups[b]
	if !pk.groups[parent].tiers && ga.count != gb.count {
		return ga.count < gb.count
	}
	return ga.order < gb.order
}

// siftKids moves kid i of group g down its heap.
func (pk *picker) siftKids(g int32, i int) {
	h := pk.groups[g].kids
	n := len(h)
	for {
		m := 2*i + 1
		if m >= n {
			return
		}
		if r := m + 1; r < n && pk.kidLess(g, h[r], h[m]) {
			m = r
		}
		if !pk.kidLess(g, h[m], h[i]) {
			return
		}
		h[i], h[m] = h[m], h[i]
		i = m
	}
}

// next returns the node for one more task of the service, or -1 when no
// candidate is left. It always walks down through the roots of the heaps,
// which is why a group that turns out empty is the root of its parent's
// heap and can be dropped by a pop.
func (pk *picker) next(p *pipeline) int32 {
	for {
		g := int32(0)
		for !pk.groups[g].leaf {
			kids := pk.groups[g].kids
			if len(kids) == 0 {
				return -1 // only the root is ever left empty: drop removes the rest
			}
			g = kids[0]
		}
		leaf := &pk.groups[g]
		for len(leaf.slots) > 0 {
			if n := leaf.slots[0].node(); p.recheck(n) {
				pk.last = g
				return n
			}
			leaf.slots = popSlot(leaf.slots)
		}
		if g == 0 {
			return -1
		}
		pk.drop(g)
	}
}

// drop removes an empty group from its parent, and the parent from its own
// parent if that leaves it empty.
func (pk *picker) drop(g int32) {
	for g != 0 {
		parent := pk.groups[g].parent
		p := &pk.groups[parent]
		last := len(p.kids) - 1
		p.kids[0] = p.kids[last]
		p.kids = p.kids[:last]
		pk.siftKids(parent, 0)
		if len(p.kids) > 0 {
			return
		}
		g = parent
	}
}

// placed moves the node next returned down its leaf's heap to its new rank,
// and its groups down their parents' heaps.
func (pk *picker) placed(rank uint64) {
	g := pk.last
	leaf := &pk.groups[g]
	leaf.slots[0].rank = rank
	siftSlots(leaf.slots, 0)
	for g != 0 {
		pk.groups[g].count++
		parent := pk.groups[g].parent
		pk.siftKids(parent, 0)
		g = parent
	}
	pk.groups[0].count++
}
