package scenario

import (
	"runtime"
	"sync"
)

// pool is the one worker pool: it runs the items [0, n) on up to slots
// workers at once (every core when slots < 1), handing each worker the next
// chunk of consecutive items nobody has yet, until none are left. work(slot,
// lo, hi) does items lo to hi-1 on worker slot, which is always the same
// worker for the same slot (a goroutine, or a goroutine talking to its own
// process). Callers store results by item, so what they gather never
// depends on the number of workers or on scheduling. The first error stops
// the handing out, and pool returns it once every worker has stopped.
func pool(n, slots, chunk int, work func(slot, lo, hi int) error) error {
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

// forEach calls do(i) for every i in [0, n) on up to cores goroutines
// (every core when cores < 1), one item at a time.
func forEach(n, cores int, do func(i int)) {
	_ = pool(n, cores, 1, func(_, lo, hi int) error {
		for i := lo; i < hi; i++ {
			do(i)
		}
		return nil
	})
}

// inOrder hands results that arrive in any order to each in item order,
// from whichever goroutine completes the next one, one at a time.
type inOrder[T any] struct {
	mu      sync.Mutex
	next    int
	waiting map[int]T
	each    func(int, T)
}

func newInOrder[T any](first int, each func(int, T)) *inOrder[T] {
	return &inOrder[T]{next: first, waiting: map[int]T{}, each: each}
}

func (o *inOrder[T]) deliver(i int, v T) {
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
