package playground

import (
	"time"

	"github.com/swarmsim/swarmsim/cluster"
)

// Lane states beyond Raft's own: a dead manager, a manager restarted under
// autolock that waits for its key, and a node that no longer runs manager
// software (demoted or removed).
const (
	LaneDead   = "dead"
	LaneLocked = "locked"
	LaneGone   = "not a manager"
)

// Lane is one manager's Raft role over time, as segments that each last
// until the next one begins.
type Lane struct {
	Name     string    `json:"name"`
	Segments []Segment `json:"segments"`
}

// Segment is a stretch of time in one role and term. Its start is in
// microseconds: a pre-vote round trip inside a zone takes less than a
// millisecond.
type Segment struct {
	FromUS int64  `json:"from_us"`
	State  string `json:"state"` // follower, pre-candidate, candidate, leader, dead or "not a manager"
	Term   uint64 `json:"term"`  // 0 while dead or not a manager
}

// lanes records every change of a manager's role or term.
type lanes struct {
	all   []Lane
	index map[string]int // name → position in all
	seen  []uint64       // per lane, the observation that last saw it
	count uint64         // observations so far
}

// observe records the roles as they are at simulated time at. A node seen
// before and missing now has stopped being a manager.
func (l *lanes) observe(at time.Duration, members []cluster.MemberState) {
	if l.index == nil {
		l.index = map[string]int{}
	}
	l.count++
	for _, m := range members {
		i, ok := l.index[m.Name]
		if !ok {
			i = len(l.all)
			l.index[m.Name] = i
			l.all = append(l.all, Lane{Name: m.Name})
			l.seen = append(l.seen, 0)
		}
		l.seen[i] = l.count
		seg := Segment{State: m.State, Term: m.Term}
		switch {
		case m.Locked:
			seg = Segment{State: LaneLocked}
		case !m.Alive:
			seg = Segment{State: LaneDead}
		}
		l.set(i, at, seg)
	}
	for i := range l.all {
		if l.seen[i] != l.count {
			l.set(i, at, Segment{State: LaneGone})
		}
	}
}

// set starts a new segment on lane i unless it continues the last one.
func (l *lanes) set(i int, at time.Duration, seg Segment) {
	segs := l.all[i].Segments
	if n := len(segs); n > 0 && segs[n-1].State == seg.State && segs[n-1].Term == seg.Term {
		return
	}
	seg.FromUS = at.Microseconds()
	if n := len(segs); n > 0 && segs[n-1].FromUS == seg.FromUS {
		// Two changes at one instant: only the second lasted.
		segs = segs[:n-1]
		if n > 1 && segs[n-2].State == seg.State && segs[n-2].Term == seg.Term {
			l.all[i].Segments = segs
			return
		}
	}
	l.all[i].Segments = append(segs, seg)
}
