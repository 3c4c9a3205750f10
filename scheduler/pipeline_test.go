package scheduler

import (
	"slices"
	"testing"
)

// TestPipelineOrder reproduces the order of swarmkit's default pipeline
// (manager/scheduler/pipeline.go, defaultFilters: ReadyFilter,
// ResourceFilter, PluginFilter, ConstraintFilter, PlatformFilter,
// HostPortFilter, MaxReplicasFilter) and how Pipeline.Explain words the
// outcome. A node that fails several filters counts under the first of
// them only, so the order decides which clauses a pending task shows;
// clauses with more nodes come first, and equal counts keep the pipeline's
// order. The plugin and platform filters are not modelled (see doc.go), so
// no case here can fail them.
func TestPipelineOrder(t *testing.T) {
	web := Service{Name: "web"}
	others := []Service{{Name: "proxy", HostPorts: []uint32{80}}}
	tests := []struct {
		name    string
		nodes   []Node
		service func(*Service)
		tasks   []Task
		want    string
	}{
		{
			// ReadyFilter.Check tests Status.State == READY and
			// Spec.Availability == ACTIVE together: one filter, one clause.
			name:  "ready and availability are one filter",
			nodes: []Node{node("w1", down, availability(Drain)), node("w2", availability(Pause)), node("w3", down)},
			tasks: pending("web", 1),
			want:  "no suitable node (3 nodes not available for new tasks)",
		},
		{
			name:    "ready before resources: a down node too small counts as not available",
			nodes:   []Node{node("w1", down, capacity(0, 0)), node("w2", capacity(0, 0))},
			service: func(s *Service) { s.Reservation = Resources{NanoCPUs: cpu} },
			tasks:   pending("web", 1),
			want:    "no suitable node (1 node not available for new tasks; insufficient resources on 1 node)",
		},
		{
			name:  "resources before constraints: a manager too small counts as short of resources",
			nodes: []Node{node("m1", manager, capacity(0, 0)), node("m2", manager, capacity(0, 0)), node("m3", manager)},
			service: func(s *Service) {
				s.Reservation = Resources{NanoCPUs: cpu}
				s.Constraints = constraints(t, "node.role==worker")
			},
			tasks: pending("web", 1),
			want:  "no suitable node (insufficient resources on 2 nodes; scheduling constraints not satisfied on 1 node)",
		},
		{
			name:  "constraints before host ports: a manager holding the port counts under constraints",
			nodes: []Node{node("m1", manager), node("m2", manager), node("w1")},
			service: func(s *Service) {
				s.HostPorts = []uint32{80}
				s.Constraints = constraints(t, "node.role==manager")
			},
			tasks: tasksOf(running("proxy", "m1", 1), running("proxy", "m2", 1), pending("web", 1)),
			want:  "no suitable node (host-mode port already in use on 2 nodes; scheduling constraints not satisfied on 1 node)",
		},
		{
			// Issue 10, item 8: the order used to be the other way round,
			// and this read "max replicas per node limit exceed". A task
			// of the service holds the service's ports, so with a host
			// port the replica limit is never the first filter a node
			// with a task of it fails.
			name:  "host ports before max replicas: a node at its limit holding the port counts under ports",
			nodes: []Node{node("w1"), node("w2")},
			service: func(s *Service) {
				s.HostPorts = []uint32{80}
				s.MaxReplicas = 1
			},
			tasks: tasksOf(running("web", "w1", 1), running("web", "w2", 1), pending("web", 1)),
			want:  "no suitable node (host-mode port already in use on 2 nodes)",
		},
		{
			name: "equal counts keep pipeline order: ready, resources, constraints",
			nodes: []Node{
				node("m1", manager), // fails only the constraint
				node("w1", capacity(0, 0)),
				node("w2", down),
			},
			service: func(s *Service) {
				s.Reservation = Resources{NanoCPUs: cpu}
				s.Constraints = constraints(t, "node.role==worker")
			},
			tasks: pending("web", 1),
			want:  "no suitable node (1 node not available for new tasks; insufficient resources on 1 node; scheduling constraints not satisfied on 1 node)",
		},
		{
			// swarmkit's TestSchedulerResourceConstraint: one ready node
			// without the memory, two larger nodes not ready.
			name: "most rejected nodes first (TestSchedulerResourceConstraint)",
			nodes: []Node{
				node("underprovisioned", capacity(1, 1)),
				node("nonready1", down, capacity(2, 2)), node("nonready2", down, capacity(2, 2)),
			},
			service: func(s *Service) { s.Reservation = Resources{MemoryBytes: 2 * gib} },
			tasks:   pending("web", 1),
			want:    "no suitable node (2 nodes not available for new tasks; insufficient resources on 1 node)",
		},
		{
			// swarmkit's TestSchedulerHostPort: two nodes, a third task
			// wanting the port both hold.
			name:    "host port on every node (TestSchedulerHostPort)",
			nodes:   []Node{node("node1"), node("node2")},
			service: func(s *Service) { s.HostPorts = []uint32{58} },
			tasks:   pending("web", 3),
			want:    "no suitable node (host-mode port already in use on 2 nodes)",
		},
		{
			// swarmkit's TestSchedulerMaxReplicas, first part.
			name:    "max replicas on every node (TestSchedulerMaxReplicas)",
			nodes:   []Node{node("node1"), node("node2")},
			service: func(s *Service) { s.MaxReplicas = 1 },
			tasks:   pending("web", 3),
			want:    "no suitable node (max replicas per node limit exceed)",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			svc := web
			if tt.service != nil {
				tt.service(&svc)
			}
			services := append([]Service{svc}, others...)
			plan := Schedule(tt.nodes, services, tt.tasks, 1)
			if got := pendingReasons(plan); !slices.Equal(got, []string{tt.want}) {
				t.Errorf("pending reasons:\n got %q\nwant %q", got, []string{tt.want})
			}
		})
	}
}

// A preassigned (global) task is checked against its one node, and the
// reason is that node's first failing filter, in swarmkit's words for one
// node (Scheduler.taskFitNode returns Pipeline.Explain for that node).
func TestExplainFirstFailingFilter(t *testing.T) {
	services := []Service{
		{Name: "edge", Mode: Global, HostPorts: []uint32{443}, MaxReplicas: 1, Reservation: Resources{NanoCPUs: cpu}},
	}
	tests := []struct {
		name  string
		nodes []Node
		tasks []Task
		want  string
	}{
		{"passes every filter", []Node{node("w1")}, nil, ""},
		{"drained and too small: ready first", []Node{node("w1", availability(Drain), capacity(0, 0))}, nil,
			"1 node not available for new tasks"},
		{"too small and holding the port: resources first", []Node{node("w1", capacity(1, 8))}, running("edge", "w1", 1),
			"insufficient resources on 1 node"},
		{"holding the port and at the limit: host port first", []Node{node("w1")}, running("edge", "w1", 1),
			"host-mode port already in use on 1 node"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Explain(tt.nodes, services, tt.tasks, "edge", "w1"); got != tt.want {
				t.Errorf("Explain = %q, want %q", got, tt.want)
			}
		})
	}
}
