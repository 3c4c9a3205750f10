// Package pool spreads independent work over cores, or over worker
// processes, and hands the results back in item order: what a caller
// gathers never depends on the number of workers or on scheduling. Plans
// and chaos campaigns run their simulations through it.
package pool

import (
	"runtime"
	"sync"
)

// Run is the one worker pool: it runs the items [0, n) on up to slots
// workers at once (every core when slots < 1), handing each worker the next
// chunk of consecutive items nobody has yet, until none are left. work(slot,
// lo, hi) does items lo to hi-1 on worker slot, which is always the same
// worker for the same slot (a goroutine, or a goroutine talking to its own
// process). Callers store results by item, so what they gather never
// depends on the number of workers or on scheduling. The first error stops
// the handing out, and Run returns it once every worker has stopped.
func Run(n, slots, chunk int, work func(slot, lo, hi int) error) error {
	if slots < 1 {
		slots = runtime.NumCPU()
	}
	chunk = max(chunk, 1)
	var (
		mu    sync.Mutex
		next  int
		first error
		wg    sync.WaitGroup
	)
	claim := func() (int, int, bool) {
		mu.Lock()
		defer mu.Unlock()
		if next >= n || first != nil {
			return 0, 0, false
		}
		lo := next
		next = min(n, next+chunk)
		return lo, next, true
	}
	for slot := range min(slots, n) {
		wg.Go(func() {
			for {
				lo, hi, ok := claim()
				if !ok {
					return
				}
				if err := work(slot, lo, hi); err != nil {
					mu.Lock()
					if first == nil {
						first = err
					}
					mu.Unlock()
					return
				}
			}
		})
	}
	wg.Wait()
	return first
}

// ForEach calls do(i) for every i in [0, n) on up to cores goroutines
// (every core when cores < 1), one item at a time.
func ForEach(n, cores int, do func(i int)) {
	_ = Run(n, cores, 1, func(_, lo, hi int) error {
		for i := lo; i < hi; i++ {
			do(i)
		}
		return nil
	})
}

// InOrder hands results that arrive in any order to each in item order,
// from whichever goroutine completes the next one, one at a time.
type InOrder[T any] struct {
	mu      sync.Mutex
	next    int
	waiting map[int]T
	each    func(int, T)
}

// NewInOrder hands results to each from item first on.
func NewInOrder[T any](first int, each func(int, T)) *InOrder[T] {
	return &InOrder[T]{next: first, waiting: map[int]T{}, each: each}
}

// Deliver hands over item i's result; each hears it once every item
// before it has been.
func (o *InOrder[T]) Deliver(i int, v T) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.waiting[i] = v
	for {
		v, ok := o.waiting[o.next]
		if !ok {
			return
		}
		delete(o.waiting, o.next)
		o.each(o.next, v)
		o.next++
	}
}
