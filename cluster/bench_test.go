package cluster

import (
	"runtime"
	"testing"
	"time"

	"github.com/swarmsim/swarmsim/az"
)

// BenchmarkLargeCluster runs 9 managers and 1,000 workers for ten simulated
// minutes with a global service and a replicated one, and reports how fast
// that runs, the allocations per simulated second, and how much the live
// heap grew between minute 2 and minute 10: it should stay flat.
func BenchmarkLargeCluster(b *testing.B) {
	layout := az.Even(9, 3).WithWorkers(1000)
	var heapGrowth, steadyAllocs float64
	var simulated time.Duration
	b.ReportAllocs()
	for b.Loop() {
		c, err := New(Config{Seed: 1, Layout: layout})
		if err != nil {
			b.Fatal(err)
		}
		mustRun(b, c, time.Second)
		mustApply(b, c, CreateService(ServiceSpec{Name: "web", Replicas: 300, Preferences: []string{"node.labels.zone"}}))
		mustApply(b, c, CreateService(ServiceSpec{Name: "agent", Mode: ModeGlobal}))
		mustRun(b, c, 2*time.Minute)
		early, mallocs := liveHeap()
		mustRun(b, c, 8*time.Minute)
		late, mallocsLate := liveHeap()
		heapGrowth += float64(late) - float64(early)
		steadyAllocs += float64(mallocsLate-mallocs) / (8 * 60)
		simulated += c.Now()
		if snap := c.Snapshot(); snap.Services[1].Running != 300 {
			b.Fatalf("web runs %d of 300", snap.Services[1].Running)
		}
	}
	b.ReportMetric(simulated.Seconds()/b.Elapsed().Seconds(), "sim-s/s")
	b.ReportMetric(heapGrowth/float64(b.N), "heap-growth-B")
	b.ReportMetric(steadyAllocs/float64(b.N), "allocs/sim-s")
}

// liveHeap returns the live heap after a collection and the count of
// allocations so far.
func liveHeap() (uint64, uint64) {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapAlloc, ms.Mallocs
}
