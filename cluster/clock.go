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
	evHealthy                    // a task's health check passes for the first time
	evUnhealthy                  // a task's health check has failed for good
	evTimer                      // a caller's function, scheduled with After
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
	fn     func() // evTimer
}

// queue is a binary heap of small keys, (time, sequence) and a slot in a
// slab that holds the events themselves: sifting moves 16 bytes, not a
// whole event, and a popped event's slot is reused.
type queue struct {
	keys []qkey
	slab []timed
	free []int32
	seq  uint64
}

type qkey struct {
	at   time.Duration
	seq  uint64 // the low 32 bits hold the slab slot; the order is that of the high bits
	slot int32
}

func (q *queue) Len() int { return len(q.keys) }

func (k qkey) less(o qkey) bool {
	if k.at != o.at {
		return k.at < o.at
	}
	return k.seq < o.seq
}

func (q *queue) push(e timed) {
	q.seq++
	e.seq = q.seq
	var slot int32
	if n := len(q.free); n > 0 {
		slot = q.free[n-1]
		q.free = q.free[:n-1]
		q.slab[slot] = e
	} else {
		slot = int32(len(q.slab))
		q.slab = append(q.slab, e)
	}
	q.keys = append(q.keys, qkey{at: e.at, seq: e.seq, slot: slot})
	i := len(q.keys) - 1
	for i > 0 {
		parent := (i - 1) / 2
		if !q.keys[i].less(q.keys[parent]) {
			break
		}
		q.keys[i], q.keys[parent] = q.keys[parent], q.keys[i]
		i = parent
	}
}

// peek returns the time of the next event; ok is false when there is none.
func (q *queue) peek() (time.Duration, bool) {
	if len(q.keys) == 0 {
		return 0, false
	}
	return q.keys[0].at, true
}

func (q *queue) pop() timed {
	top := q.keys[0]
	last := len(q.keys) - 1
	q.keys[0] = q.keys[last]
	q.keys = q.keys[:last]
	i, n := 0, len(q.keys)
	for {
		l, r, small := 2*i+1, 2*i+2, i
		if l < n && q.keys[l].less(q.keys[small]) {
			small = l
		}
		if r < n && q.keys[r].less(q.keys[small]) {
			small = r
		}
		if small == i {
			break
		}
		q.keys[i], q.keys[small] = q.keys[small], q.keys[i]
		i = small
	}
	e := q.slab[top.slot]
	q.slab[top.slot] = timed{} // drop the message reference
	q.free = append(q.free, top.slot)
	return e
}
