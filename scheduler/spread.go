package scheduler

import (
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
type group struct {
	value  string // label value; "" for nodes without the label
	parent int32  // -1 for the root
	count  int32  // tasks of the service in the group, running or placed
	order  int32  // place among siblings: label values in order, "" last
	size   int32  // candidates, while building
	leaf   bool
	kids   []int32 // internal groups: min-heap by (count, order)
	slots  []slot  // leaves: min-heap of candidate nodes
}

type branch struct {
	parent int32
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
// then the seeded tie-break.
type picker struct {
	groups []group
	index  map[branch]int32
	keys   []spreadKey
	cands  []slot
	sorted []slot   // cands regrouped by leaf; the leaves' heaps live here
	leafOf []int32  // per candidate, while building
	hashes []uint64 // per node, hashString(ID); computed once per call
	last   int32    // leaf of the last node next returned
}

func (pk *picker) build(st *state, p *pipeline, svc *Service, seed uint64) {
	pk.candidates(st, p, serviceKey(seed, svc.Name))
	pk.keys = pk.keys[:0]
	for _, d := range svc.Preferences {
		if k, ok := parseDescriptor(d); ok {
			pk.keys = append(pk.keys, k)
		}
	}
	pk.groups = append(pk.groups[:0], group{parent: -1, leaf: len(pk.keys) == 0})
	if len(pk.keys) == 0 {
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

// candidates collects the nodes that pass every filter now. It is the one
// pass over all nodes a service costs.
func (pk *picker) candidates(st *state, p *pipeline, key uint64) {
	if pk.hashes == nil {
		pk.hashes = make([]uint64, len(st.nodes))
		for i := range st.nodes {
			pk.hashes[i] = hashString(st.nodes[i].ID)
		}
	}
	pk.cands = slices.Grow(pk.cands[:0], len(st.nodes))
	for n := range int32(len(st.nodes)) {
		if p.first(n) < 0 {
			pk.cands = append(pk.cands, newSlot(st.rank(n), mix(pk.hashes[n]^key), n))
		}
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
	last := len(pk.keys) - 1
	for ci := range pk.cands {
		node := &st.nodes[pk.cands[ci].node()]
		g := int32(0)
		for l, k := range pk.keys {
			b := branch{g, k.value(node)}
			x, ok := pk.index[b]
			if !ok {
				x = int32(len(pk.groups))
				pk.groups = append(pk.groups, group{value: b.value, parent: g, leaf: l == last})
				pk.groups[g].kids = append(pk.groups[g].kids, x)
				pk.index[b] = x
			}
			g = x
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
			x, ok := pk.index[branch{g, k.value(node)}]
			if !ok {
				break
			}
			pk.groups[x].count += c
			g = x
		}
	}
}

// heapify orders a group's heap. Siblings are ranked by label value first,
// since that is how ties between equally full groups break.
func (pk *picker) heapify(g int32) {
	grp := &pk.groups[g]
	if grp.leaf {
		heapifySlots(grp.slots)
		return
	}
	slices.SortFunc(grp.kids, func(a, b int32) int {
		return compareValues(pk.groups[a].value, pk.groups[b].value)
	})
	for i, x := range grp.kids {
		pk.groups[x].order = int32(i)
	}
	for i := len(grp.kids)/2 - 1; i >= 0; i-- {
		pk.siftKids(grp.kids, i)
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

func (pk *picker) kidLess(a, b int32) bool {
	ga, gb := &pk.groups[a], &pk.groups[b]
	if ga.count != gb.count {
		return ga.count < gb.count
	}
	return ga.order < gb.order
}

func (pk *picker) siftKids(h []int32, i int) {
	n := len(h)
	for {
		m := 2*i + 1
		if m >= n {
			return
		}
		if r := m + 1; r < n && pk.kidLess(h[r], h[m]) {
			m = r
		}
		if !pk.kidLess(h[m], h[i]) {
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
		p := &pk.groups[pk.groups[g].parent]
		last := len(p.kids) - 1
		p.kids[0] = p.kids[last]
		p.kids = p.kids[:last]
		pk.siftKids(p.kids, 0)
		if len(p.kids) > 0 {
			return
		}
		g = pk.groups[g].parent
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
		pk.siftKids(pk.groups[parent].kids, 0)
		g = parent
	}
	pk.groups[0].count++
}
