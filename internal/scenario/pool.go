package scenario

import (
	"runtime"
	"sync"
)

// forEach calls do(i) for every i in [0, n) on up to cores goroutines
// (every core when cores < 1). Callers store results by i, so what they
// gather never depends on the number of cores or on scheduling.
func forEach(n, cores int, do func(i int)) {
	if cores < 1 {
		cores = runtime.NumCPU()
	}
	next := make(chan int)
	var wg sync.WaitGroup
	for range min(cores, n) {
		wg.Go(func() {
			for i := range next {
				do(i)
			}
		})
	}
	for i := range n {
		next <- i
	}
	close(next)
	wg.Wait()
}
