//go:build unix

package scenario

import (
	"runtime"
	"syscall"
	"testing"
	"time"

	"github.com/swarmsim/swarmsim/az"
)

// BenchmarkShapes runs the four shapes of issue 25 as the headline command
// runs them (scenario.Run: build, create, settle, fail, run, report) and
// reports simulated seconds per second of wall time and of CPU time, the
// bytes allocated per task asked for, and the heap held from the system.
// Whole-process figures (CPU time, peak RSS) come from timing the built
// binary with the same flags, e.g. `/usr/bin/time -v swarmsim --managers 3
// --az 1-1-1 --workers 2384 --service web=95000 --for 600s`;
// docs/benchmarks.md has both.
//
// The machine these run on is shared: sim-s/cpu-s (the process's user and
// system time, garbage collection included) is the figure that holds when
// other processes take the cores; sim-s/s is wall time. heap-sys-MB is the
// heap the runtime holds from the system at the end, about the peak.
//
// Run it short on a shared machine: -benchtime 1x.
func BenchmarkShapes(b *testing.B) {
	for _, tc := range []struct {
		name     string
		layout   string
		workers  int
		services []Service
		kill     int
		run      time.Duration
	}{
		// The headline shape for an hour: the default workload.
		{"headline-5m-100w-1h", "2-2-1", 100, nil, 2, time.Hour},
		{"9m-1000w-10k-10m", "3-3-3", 1000, []Service{Replicated("web", 9000), Global("agent")}, 0, 10 * time.Minute},
		{"swarm2k-3m-2384w-95k-10m", "1-1-1", 2384, []Service{Replicated("web", 95000)}, 0, 10 * time.Minute},
		{"swarm3k+-5m-4700w-150k-kill2-1h", "2-2-1", 4700, []Service{Replicated("web", 150000)}, 2, time.Hour},
	} {
		b.Run(tc.name, func(b *testing.B) {
			zones, err := az.Parse(tc.layout)
			if err != nil {
				b.Fatal(err)
			}
			managers := 0
			for _, z := range zones.Zones {
				managers += z.Managers
			}
			l, err := NewLayout(managers, &zones, tc.workers)
			if err != nil {
				b.Fatal(err)
			}
			spec := Spec{Seed: 1, Layout: l, Services: tc.services, Failure: Failure{Managers: tc.kill}, For: tc.run}
			var simulated time.Duration
			var heapSys, allocated uint64
			tasks := 0
			var cpu time.Duration
			for b.Loop() {
				b.StopTimer()
				runtime.GC()
				var before runtime.MemStats
				runtime.ReadMemStats(&before)
				b.StartTimer()
				start := cpuTime()
				out, err := Run(spec)
				cpu += cpuTime() - start
				if err != nil {
					b.Fatal(err)
				}
				if out.Verdict != Holds {
					b.Fatalf("verdict %s", out.Verdict)
				}
				simulated += out.After.At
				b.StopTimer()
				var after runtime.MemStats
				runtime.ReadMemStats(&after)
				heapSys = max(heapSys, after.HeapSys)
				allocated += after.TotalAlloc - before.TotalAlloc
				tasks = 0
				for _, s := range out.After.Services {
					tasks += s.Desired
				}
				b.StartTimer()
			}
			b.ReportMetric(simulated.Seconds()/b.Elapsed().Seconds(), "sim-s/s")
			b.ReportMetric(simulated.Seconds()/cpu.Seconds(), "sim-s/cpu-s")
			b.ReportMetric(float64(allocated)/float64(b.N)/float64(max(tasks, 1)), "alloc-B/task")
			b.ReportMetric(float64(heapSys)/1e6, "heap-sys-MB")
		})
	}
}

// cpuTime is the user and system time this process has used so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
