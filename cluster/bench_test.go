package cluster

import (
	"fmt"
	"runtime"
	"testing"
	"time"

	"github.com/swarmsim/swarmsim/az"
	"github.com/swarmsim/swarmsim/cluster/state"
)

// BenchmarkLargeCluster runs 9 managers and 1,000 workers for ten simulated
// minutes with a global service and a replicated one (10,000 tasks in all
// with replicas=9000), and reports how fast that runs, the allocations per
// simulated second, and how much the live heap grew between minute 2 and
// minute 10: it should stay flat.
func BenchmarkLargeCluster(b *testing.B) {
	for _, replicas := range []int{300, 9000} {
		b.Run(fmt.Sprintf("replicas=%d", replicas), func(b *testing.B) { largeCluster(b, replicas) })
	}
}

func largeCluster(b *testing.B, replicas int) {
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
		mustApply(b, c, CreateService(ServiceSpec{Name: "web", Replicas: replicas, Preferences: []string{"node.labels.zone"}}))
		mustApply(b, c, CreateService(ServiceSpec{Name: "agent", Mode: ModeGlobal}))
		mustRun(b, c, 2*time.Minute)
		early, mallocs := liveHeap()
		mustRun(b, c, 8*time.Minute)
		late, mallocsLate := liveHeap()
		heapGrowth += float64(late) - float64(early)
		steadyAllocs += float64(mallocsLate-mallocs) / (8 * 60)
		simulated += c.Now()
		if snap := c.Snapshot(); snap.Services[1].Running != replicas {
			b.Fatalf("web runs %d of %d", snap.Services[1].Running, replicas)
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

// BenchmarkSimulatedRaft runs the shapes of raft's BenchmarkBareLoop inside
// the whole simulation (clock, network, zones, dispatcher, orchestrators):
// "opaque" proposes an empty command at the leader each simulated second,
// like for like with the bare loop's proposal, so msgs/s of the two compare
// the simulator's overhead with Raft's own cost (the goal: at least a third
// of the bare rate). "scale" scales a service each second instead, which
// adds the orchestrators, the scheduler and the nodes' work.
func BenchmarkSimulatedRaft(b *testing.B) {
	for _, tc := range []struct {
		managers int
		propose  string
	}{{5, "none"}, {5, "opaque"}, {9, "opaque"}, {5, "scale"}} {
		b.Run(fmt.Sprintf("managers=%d/propose=%s", tc.managers, tc.propose), func(b *testing.B) {
			c, err := New(Config{Seed: 1, Layout: az.Even(tc.managers, 3)})
			if err != nil {
				b.Fatal(err)
			}
			mustRun(b, c, time.Second)
			mustApply(b, c, CreateService(ServiceSpec{Name: "web", Replicas: 3}))
			mustRun(b, c, 10*time.Second)
			opaque := (&state.Command{}).Encode()
			start := c.messages
			b.ResetTimer()
			for i := range b.N {
				switch tc.propose {
				case "opaque":
					if err := c.leaderManager().member.Propose(opaque); err != nil {
						b.Fatal(err)
					}
					c.leaderManager().process()
				case "scale":
					mustApply(b, c, ScaleService("web", 3+i%2))
				}
				mustRun(b, c, time.Second)
			}
			secs := b.Elapsed().Seconds()
			b.ReportMetric(float64(c.messages-start)/secs, "msgs/s")
			b.ReportMetric(float64(b.N)/secs, "sim-s/s")
		})
	}
}

// BenchmarkHeadlineShape is the headline command's run: 5 managers 2-2-1,
// 100 workers, the default workload (web with two replicas per zone, a
// global agent), settle, kill 2 managers, then one simulated hour. The
// goal is at least 50,000 simulated seconds per second.
func BenchmarkHeadlineShape(b *testing.B) {
	layout, err := az.Parse("2-2-1")
	if err != nil {
		b.Fatal(err)
	}
	var simulated time.Duration
	for b.Loop() {
		c, err := New(Config{Seed: 1, Layout: layout.WithWorkers(100)})
		if err != nil {
			b.Fatal(err)
		}
		mustRun(b, c, time.Second) // m1 wins the election swarm init started
		mustApply(b, c, CreateService(ServiceSpec{Name: "web", Replicas: 6, Preferences: []string{"node.labels.zone"}}))
		mustApply(b, c, CreateService(ServiceSpec{Name: "agent", Mode: ModeGlobal}))
		if ok, err := c.Settle(time.Minute); !ok || err != nil {
			b.Fatalf("did not settle: %v", err)
		}
		mustApply(b, c, KillManagers(2))
		mustRun(b, c, time.Hour)
		simulated += c.Now()
	}
	b.ReportMetric(simulated.Seconds()/b.Elapsed().Seconds(), "sim-s/s")
}

// BenchmarkPlaceThroughRaft is swarmkit's scheduler benchmark shape end to
// end (1,000 nodes; 1,000 and 10,000 tasks; the goal 10k tasks in 50 ms): from
// tasks pending to every assignment recorded in the desired-state store,
// through the leader's orchestrator, the scheduler and a Raft commit.
func BenchmarkPlaceThroughRaft(b *testing.B) {
	for _, tasks := range []int{1_000, 10_000} {
		b.Run(fmt.Sprintf("1k-nodes/%d-tasks", tasks), func(b *testing.B) {
			var placed int
			for b.Loop() {
				b.StopTimer()
				c, err := New(Config{Seed: 1, Layout: az.Even(3, 3).WithWorkers(1000)})
				if err != nil {
					b.Fatal(err)
				}
				mustRun(b, c, time.Second)
				b.StartTimer()
				mustApply(b, c, CreateService(ServiceSpec{Name: "web", Replicas: tasks, Preferences: []string{"node.labels.zone"}}))
				// The orchestrator creates the tasks placed, in one batch:
				// they are all recorded once the leader's store holds them.
				for c.leaderManager().store().NextTask < uint64(tasks) {
					mustRun(b, c, 5*time.Millisecond)
				}
				b.StopTimer()
				if got := assigned(c); got != tasks {
					b.Fatalf("%d of %d tasks assigned when the store holds them all", got, tasks)
				}
				b.StartTimer()
				placed += tasks
			}
			b.ReportMetric(float64(placed)/b.Elapsed().Seconds(), "tasks/s")
		})
	}
}

func assigned(c *Cluster) int {
	n := 0
	for _, t := range c.leaderManager().store().TaskList() {
		if t.Active() && t.State != TaskPending {
			n++
		}
	}
	return n
}
