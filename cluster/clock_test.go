package cluster

import (
	"cmp"
	"math/rand/v2"
	"slices"
	"testing"
	"time"
)

// TestQueueOrderWithPeriodicFIFO runs the queue as the simulation does:
// each popped event may re-arm a fixed period later (a heartbeat, into
// the FIFO) and schedule others at random delays (into the heap). Every
// pop must be the pending event first by (time, sequence), as a single
// heap would give it.
func TestQueueOrderWithPeriodicFIFO(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	var q queue
	type key struct {
		at  time.Duration
		seq uint64
	}
	var pending []key
	push := func(at time.Duration, periodic bool) {
		e := timed{at: at}
		if periodic {
			q.pushPeriodic(e)
		} else {
			q.push(e)
		}
		pending = append(pending, key{at, q.seq})
	}
	for range 50 {
		push(time.Duration(r.IntN(5))*time.Second, false) // whole seconds: many ties between the heap and the FIFO
	}
	const period = 5 * time.Second
	for range 20000 {
		if q.Len() != len(pending) {
			t.Fatalf("Len %d, %d pending", q.Len(), len(pending))
		}
		if len(pending) == 0 {
			break
		}
		at, _ := q.peek()
		e := q.pop()
		first := slices.MinFunc(pending, func(a, b key) int {
			return cmp.Or(cmp.Compare(a.at, b.at), cmp.Compare(a.seq, b.seq))
		})
		if e.at != first.at || e.seq != first.seq || at != e.at {
			t.Fatalf("popped (%v, %d), peeked %v; want (%v, %d)", e.at, e.seq, at, first.at, first.seq)
		}
		pending = slices.DeleteFunc(pending, func(k key) bool { return k == first })
		switch n := r.IntN(10); {
		case n < 6:
			push(e.at+period, true) // a heartbeat re-arms
		case n < 8:
			push(e.at+time.Duration(r.IntN(6))*time.Second, false)
			push(e.at+period, true)
		case n < 9:
			push(e.at, false) // due at once, after what is already due now
		}
	}
}
