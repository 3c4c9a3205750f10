package cluster

import (
	"time"

	"github.com/swarmsim/swarmsim/raft"
)

// The simulation is a single queue of timed events, run one at a time in
// (time, sequence) order. The sequence number breaks ties in the order events
// were scheduled, which makes the run a pure function of its inputs.

type eventKind uint8

const (
	evTick      eventKind = iota // a manager's Raft tick, once per simulated second
	evDeliver                    // a Raft message reaches its destination
	evHeartbeat                  // a node heartbeats to the leader's dispatcher
	evTaskExit                   // a task's container exits on its node
	evFlush                      // the leader acts on what changed
)

type timed struct {
	at     time.Duration
	seq    uint64
	kind   eventKind
	node   int    // index into Cluster.nodes
	epoch  uint32 // the node's epoch when scheduled; stale after a crash or restart
	msg    raft.Message
	task   string // evTaskExit
	exitOK bool   // evTaskExit: the container exits with status 0
}

type queue struct {
	items []timed
	seq   uint64
}

func (q *queue) Len() int { return len(q.items) }

func (q *queue) less(i, j int) bool {
	a, b := &q.items[i], &q.items[j]
	if a.at != b.at {
		return a.at < b.at
	}
	return a.seq < b.seq
}

func (q *queue) push(e timed) {
	q.seq++
	e.seq = q.seq
	q.items = append(q.items, e)
	i := len(q.items) - 1
	for i > 0 {
		parent := (i - 1) / 2
		if !q.less(i, parent) {
			break
		}
		q.items[i], q.items[parent] = q.items[parent], q.items[i]
		i = parent
	}
}

// peek returns the time of the next event; ok is false when there is none.
func (q *queue) peek() (time.Duration, bool) {
	if len(q.items) == 0 {
		return 0, false
	}
	return q.items[0].at, true
}

func (q *queue) pop() timed {
	top := q.items[0]
	last := len(q.items) - 1
	q.items[0] = q.items[last]
	q.items[last] = timed{} // drop the message reference
	q.items = q.items[:last]
	i, n := 0, len(q.items)
	for {
		l, r, small := 2*i+1, 2*i+2, i
		if l < n && q.less(l, small) {
			small = l
		}
		if r < n && q.less(r, small) {
			small = r
		}
		if small == i {
			break
		}
		q.items[i], q.items[small] = q.items[small], q.items[i]
		i = small
	}
	return top
}
