package scheduler

import (
	"fmt"
	"testing"
)

// The yardstick is SwarmKit's own scheduler benchmarks: 1,000
// nodes with 1,000, 10,000 and 100,000 pending tasks, and 100,000 nodes
// with 1,000, each once with any node eligible and once with only every
// third node. One operation is one Schedule call, from tasks pending to
// every placement decided; committing the plan through Raft is the cluster
// package's part and is measured there.
//
// SwarmKit v2.1.1 on a 2-core machine: 1k×1k 124 ms, 1k×10k 1.02 s (about
// 10,000 tasks/s), every third node 1.06 s, 1k×100k 12.1 s, 100k×1k 11.0 s.
// The goal is ten times its rate.
func BenchmarkShapes(b *testing.B) {
	shapes := []struct {
		name         string
		nodes, tasks int
	}{
		{"1k-nodes-1k-tasks", 1_000, 1_000},
		{"1k-nodes-10k-tasks", 1_000, 10_000},
		{"1k-nodes-100k-tasks", 1_000, 100_000},
		{"100k-nodes-1k-tasks", 100_000, 1_000},
	}
	for _, sh := range shapes {
		for _, everyThird := range []bool{false, true} {
			name := sh.name + "/any-node"
			svc := Service{Name: "web", Reservation: Resources{NanoCPUs: cpu / 10, MemoryBytes: 64 << 20}}
			if everyThird {
				name = sh.name + "/every-third-node"
				svc.Constraints = constraints(b, "node.labels.disk==ssd")
			}
			b.Run(name, func(b *testing.B) {
				benchSchedule(b, benchNodes(sh.nodes), svc, sh.tasks)
			})
		}
	}
}

// BenchmarkSchedule is the shape of the scheduler's issue: 10,000 tasks of
// a service spread over zones and constrained to every third node, on
// 1,000 nodes.
func BenchmarkSchedule(b *testing.B) {
	svc := Service{
		Name:        "web",
		Preferences: []string{"node.labels.zone"},
		Constraints: constraints(b, "node.labels.disk==ssd"),
		Reservation: Resources{NanoCPUs: cpu / 10, MemoryBytes: 64 << 20},
	}
	benchSchedule(b, benchNodes(1_000), svc, 10_000)
}

// BenchmarkFailingNodes is BenchmarkSchedule's shape with every tenth node
// past MaxFailures for the service, so that each zone's leaf splits into
// failure tiers: what the penalty costs when it is in play.
func BenchmarkFailingNodes(b *testing.B) {
	svc := Service{
		Name:        "web",
		Preferences: []string{"node.labels.zone"},
		Constraints: constraints(b, "node.labels.disk==ssd"),
		Reservation: Resources{NanoCPUs: cpu / 10, MemoryBytes: 64 << 20},
	}
	nodes := benchNodes(1_000)
	for i := range nodes {
		if i%10 == 0 {
			nodes[i].RecentFailures = map[string]int{"web": MaxFailures + i%3}
		}
	}
	benchSchedule(b, nodes, svc, 10_000)
}

func benchSchedule(b *testing.B, nodes []Node, svc Service, tasks int) {
	services := []Service{svc}
	pend := pending(svc.Name, tasks)
	b.ReportAllocs()
	for b.Loop() {
		plan := Schedule(nodes, services, pend, 7)
		if len(plan.Placements) != tasks {
			b.Fatalf("placed %d of %d tasks: %v", len(plan.Placements), tasks, plan.Pending[:1])
		}
	}
	b.ReportMetric(float64(tasks)*float64(b.N)/b.Elapsed().Seconds(), "tasks/s")
}

// benchNodes is n ready workers over zones a, b, c, every third of them
// (spread evenly over the zones) labelled disk=ssd, each with room for
// 640 tasks of the benchmark's reservation.
func benchNodes(n int) []Node {
	zones := [...]string{"a", "b", "c"}
	nodes := make([]Node, n)
	for i := range nodes {
		disk := "hdd"
		if (i/3)%3 == 0 {
			disk = "ssd"
		}
		nodes[i] = Node{
			ID: fmt.Sprintf("node-%06d", i), Hostname: fmt.Sprintf("host-%d", i),
			Role: Worker, Ready: true, Availability: Active, OS: "linux", Arch: "amd64",
			Labels:   map[string]string{"zone": zones[i%3], "disk": disk},
			Capacity: Resources{NanoCPUs: 64 * cpu, MemoryBytes: 256 * gib},
		}
	}
	return nodes
}
