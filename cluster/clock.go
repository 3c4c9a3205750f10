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
//
// Beside the heap, a FIFO holds the events that come back at a fixed
// period: every node's heartbeat re-arms itself HeartbeatPeriod after it
// fires, so those events arrive in (time, sequence) order and need no
// sifting; 4,700 workers are 3.4 million of them a simulated hour. pop
// takes whichever of the two heads comes first, so the order of events is
// exactly the single heap's.
type queue struct {
	keys []qkey
	slab []timed
	free []int32
	seq  uint64
	fifo []qkey // re-armed periodic events, in (time, sequence) order from head
	head int
}

type qkey struct {
	at   time.Duration
	seq  uint64 // the low 32 bits hold the slab slot; the order is that of the high bits
	slot int32
}

func (q *queue) Len() int { return len(q.keys) + len(q.fifo) - q.head }

func (k qkey) less(o qkey) bool {
	if k.at != o.at {
		return k.at < o.at
	}
	return k.seq < o.seq
}

// store puts e in the slab with the next sequence number.
func (q *queue) store(e timed) qkey {
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
	return qkey{at: e.at, seq: e.seq, slot: slot}
}

func (q *queue) push(e timed) {
	q.keys = append(q.keys, q.store(e))
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

// pushPeriodic queues an event that re-arms a fixed period after the one
// firing now: no earlier than any event pushed this way before it.
func (q *queue) pushPeriodic(e timed) {
	if n := len(q.fifo); n > q.head && e.at < q.fifo[n-1].at {
		q.push(e) // out of order: cannot happen with one period, but stay correct
		return
	}
	if q.head > 0 && q.head >= len(q.fifo)/2 {
		q.fifo = q.fifo[:copy(q.fifo, q.fifo[q.head:])]
		q.head = 0
	}
	q.fifo = append(q.fifo, q.store(e))
}

// fromFIFO reports whether the next event is the FIFO's head.
func (q *queue) fromFIFO() bool {
	if q.head == len(q.fifo) {
		return false
	}
	return len(q.keys) == 0 || q.fifo[q.head].less(q.keys[0])
}

// peek returns the time of the next event; ok is false when there is none.
func (q *queue) peek() (time.Duration, bool) {
	if q.fromFIFO() {
		return q.fifo[q.head].at, true
	}
	if len(q.keys) == 0 {
		return 0, false
	}
	return q.keys[0].at, true
}

func (q *queue) pop() timed {
	var top qkey
	if q.fromFIFO() {
		top = q.fifo[q.head]
		q.head++
	} else {
		top = q.popHeap()
	}
	e := q.slab[top.slot]
	q.slab[top.slot] = timed{} // drop the message reference
	q.free = append(q.free, top.slot)
	return e
}

func (q *queue) popHeap() qkey {
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
	return top
}
