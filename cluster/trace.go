package cluster

import (
	"time"
)

// Mark is a manager's lane on a timeline from a moment on: whether its
// machine runs, its Raft role and term, and whether a cut link keeps its
// zone from some other zone. A new Mark is recorded whenever any of these
// changes, so the marks of one manager, in order, describe its whole run
// without sampling.
type Mark struct {
	At     time.Duration
	Node   string
	Alive  bool
	State  string // follower, pre-candidate, candidate or leader; "" while dead
	Term   uint64 // 0 while dead
	CutOff bool   // a partition separates its zone from at least one other
}

// tracer keeps the last mark of each manager, to record only changes.
type tracer struct {
	c     *Cluster // the swarm it traces
	marks []Mark
	last  map[string]int // manager → index of its latest mark
}

// Trace returns the marks recorded so far, in time order; nil unless the
// cluster was built with Config.Trace.
func (c *Cluster) Trace() []Mark {
	if c.trace == nil {
		return nil
	}
	return append([]Mark(nil), c.trace.marks...)
}

// traceManagers records a mark for every manager whose lane changed. It
// runs after every event and action, so a change is dated to the simulated
// moment it happened.
func (t *tracer) managers() {
	if t == nil {
		return
	}
	c := t.c
	for _, m := range c.managers {
		mk := Mark{At: c.now, Node: m.node.name, Alive: m.node.alive}
		if mk.Alive {
			mk.State, mk.Term = m.last.State.String(), m.last.Term
		}
		for other, cut := range c.cut[m.node.zone] {
			mk.CutOff = mk.CutOff || (cut && other != m.node.zone)
		}
		if i, ok := t.last[mk.Node]; ok {
			prev := t.marks[i]
			if prev.Alive == mk.Alive && prev.State == mk.State && prev.Term == mk.Term && prev.CutOff == mk.CutOff {
				continue
			}
		}
		t.last[mk.Node] = len(t.marks)
		t.marks = append(t.marks, mk)
	}
}
