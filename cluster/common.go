package cluster

import "slices"

// commonStore is one store shared by followers that hold entries back.
//
// Every manager applies the same committed entries in the same order, so
// two followers' stores differ only in how far each has got. A follower's
// store is read by no one while it follows (Apply), so followers need not
// each keep a store of their own: they share one, as of an index none of
// them is behind, and each holds the entries past it. Nine managers of a
// swarm of a hundred thousand tasks then keep two stores, the leader's
// and this one, and apply each entry twice, not nine times.
//
// A follower leaves with a copy of its own (leaveCommon) when its store is
// read or written: it becomes leader, a command or the picture reads it,
// it takes a configuration change, a backup is taken or restored. It
// leaves without a copy when its store is replaced (setStore). The last
// to leave takes the shared store itself.
type commonStore struct {
	store   *Store
	members []*manager
}

// shareStore makes s the store of managers, which hold nothing back yet.
func shareStore(s *Store, managers []*manager) {
	g := &commonStore{store: s}
	for _, m := range managers {
		m.setStore(s)
		m.common = g
		g.members = append(g.members, m)
	}
}

// advance moves the shared store on when m holds too much back: the
// commands a follower holds keep every task record they made alive, so
// holding without end would keep every record of the run.
//
// The store moves to the least index among the members keeping up with
// m. One that lags far behind (its node is down, or it is cut off and
// more than maxLagEntries behind) leaves with a copy of its own first, so
// that no member is ever behind the shared store; one a single large
// entry behind is not far, and m holds on until it has that entry too.
// Each member then drops what the store now holds: the same entries, since
// committed entries at an index and term are the same in every log.
func (g *commonStore) advance(m *manager) {
	top := m.appliedIndex()
	target := top
	for _, o := range g.members {
		if at := o.appliedIndex(); o.node.alive && at+maxLagEntries >= top {
			target = min(target, at)
		}
	}
	for _, o := range slices.Clone(g.members) {
		if o.appliedIndex() < target || !o.holdsAsIn(m, target) {
			o.leaveCommon()
		}
	}
	n := 0
	for n < len(m.behind) && m.behind[n].index <= target {
		n++
	}
	if n == 0 {
		return
	}
	applyHeld(g.store, m.behind[:n])
	for _, o := range g.members {
		o.dropThrough(target)
	}
}

// maxLagEntries is how far behind a live member of a shared store may be
// and still hold the store back: a follower that keeps up with its leader
// is a few entries behind the first follower at most.
const maxLagEntries = 64

// holdsAsIn reports whether the entries o holds up to index through are
// those m holds: the same index and term.
func (o *manager) holdsAsIn(m *manager, through uint64) bool {
	if o == m {
		return true
	}
	a, b := o.behind, m.behind
	for len(a) > 0 && a[0].index <= through {
		if len(b) == 0 || a[0].index != b[0].index || a[0].term != b[0].term {
			return false
		}
		a, b = a[1:], b[1:]
	}
	return len(b) == 0 || b[0].index > through
}

// dropThrough forgets the held entries up to index through, which the
// shared store has applied.
func (m *manager) dropThrough(through uint64) {
	n := 0
	for n < len(m.behind) && m.behind[n].index <= through {
		m.heldActions -= len(m.behind[n].cmd.Actions)
		n++
	}
	m.behind = slices.Delete(m.behind, 0, n) // clears what it drops: the collector frees those commands
}

// leaveCommon gives a member of a shared store a copy of its own, or the
// store itself if it is the last member; its held entries stay held.
func (m *manager) leaveCommon() {
	g := m.common
	if g == nil {
		return
	}
	g.drop(m)
	m.common = nil
	if len(g.members) > 0 {
		m.held = g.store.Clone()
	}
}

// drop takes m out of the members; a nil store has none.
func (g *commonStore) drop(m *manager) {
	if g == nil {
		return
	}
	g.members = slices.DeleteFunc(g.members, func(o *manager) bool { return o == m })
}
