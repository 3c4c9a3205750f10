package scheduler

import (
	"reflect"
	"slices"
	"strings"
	"testing"
)

// Each filter on its own, then together: how many tasks land, and the
// exact sentence the rest are left pending with.
func TestFilters(t *testing.T) {
	web := Service{Name: "web", Mode: Replicated}
	tests := []struct {
		name    string
		nodes   []Node
		service func(*Service)
		tasks   []Task
		placed  int
		reasons []string // distinct reasons of the pending tasks
	}{
		{
			name:    "no nodes at all",
			tasks:   pending("web", 2),
			reasons: []string{"no suitable node"},
		},
		{
			name:    "one node down",
			nodes:   []Node{node("w1", down)},
			tasks:   pending("web", 1),
			reasons: []string{"no suitable node (1 node not available for new tasks)"},
		},
		{
			name:    "two nodes down",
			nodes:   []Node{node("w1", down), node("w2", down)},
			tasks:   pending("web", 1),
			reasons: []string{"no suitable node (2 nodes not available for new tasks)"},
		},
		{
			name:    "paused and drained nodes take no new tasks",
			nodes:   []Node{node("w1", availability(Pause)), node("w2", availability(Drain))},
			tasks:   pending("web", 1),
			reasons: []string{"no suitable node (2 nodes not available for new tasks)"},
		},
		{
			name:    "down and drained share Docker's one clause",
			nodes:   []Node{node("w1", down), node("w2", availability(Drain)), node("w3", availability(Pause))},
			tasks:   pending("web", 1),
			reasons: []string{"no suitable node (3 nodes not available for new tasks)"},
		},
		{
			name:    "empty availability is not active",
			nodes:   []Node{node("w1", availability(""))},
			tasks:   pending("web", 1),
			reasons: []string{"no suitable node (1 node not available for new tasks)"},
		},
		{
			name:    "reservation larger than a node",
			nodes:   []Node{node("w1", capacity(1, 8))},
			service: func(s *Service) { s.Reservation = Resources{NanoCPUs: 2 * cpu} },
			tasks:   pending("web", 1),
			reasons: []string{"no suitable node (insufficient resources on 1 node)"},
		},
		{
			name:    "memory alone can be short",
			nodes:   []Node{node("w1", capacity(4, 1)), node("w2", capacity(4, 1))},
			service: func(s *Service) { s.Reservation = Resources{MemoryBytes: 2 * gib} },
			tasks:   pending("web", 1),
			reasons: []string{"no suitable node (insufficient resources on 2 nodes)"},
		},
		{
			name:    "running tasks hold their reservations",
			nodes:   []Node{node("w1", capacity(2, 8))},
			service: func(s *Service) { s.Reservation = Resources{NanoCPUs: cpu} },
			tasks:   tasksOf(running("web", "w1", 2), pending("web", 1)),
			reasons: []string{"no suitable node (insufficient resources on 1 node)"},
		},
		{
			name:   "zero capacity takes tasks that reserve nothing",
			nodes:  []Node{node("w1", capacity(0, 0))},
			tasks:  pending("web", 3),
			placed: 3,
		},
		{
			name:    "constraint no node satisfies",
			nodes:   []Node{node("w1"), node("w2")},
			service: func(s *Service) { s.Constraints = constraints(t, "node.role==manager") },
			tasks:   pending("web", 1),
			reasons: []string{"no suitable node (scheduling constraints not satisfied on 2 nodes)"},
		},
		{
			name:    "constraint on one node",
			nodes:   []Node{node("w1"), node("m1", manager)},
			service: func(s *Service) { s.Constraints = constraints(t, "node.role==worker", "node.hostname!=w1") },
			tasks:   pending("web", 1),
			reasons: []string{"no suitable node (scheduling constraints not satisfied on 2 nodes)"},
		},
		{
			name:    "max replicas reached everywhere",
			nodes:   []Node{node("w1"), node("w2")},
			service: func(s *Service) { s.MaxReplicas = 2 },
			tasks:   tasksOf(running("web", "w1", 1), pending("web", 5)),
			placed:  3,
			reasons: []string{"no suitable node (max replicas per node limit exceed)"},
		},
		{
			name:    "host port held by another service",
			nodes:   []Node{node("w1")},
			service: func(s *Service) { s.HostPorts = []uint32{80} },
			tasks:   tasksOf(running("proxy", "w1", 1), pending("web", 1)),
			reasons: []string{"no suitable node (host-mode port already in use on 1 node)"},
		},
		{
			name:    "host port taken by a task placed earlier in the call",
			nodes:   []Node{node("w1"), node("w2")},
			service: func(s *Service) { s.HostPorts = []uint32{8080, 80} },
			tasks:   pending("web", 3),
			placed:  2,
			reasons: []string{"no suitable node (host-mode port already in use on 2 nodes)"},
		},
		{
			name: "three nodes fail constraints, two lack resources",
			nodes: []Node{
				node("m1", manager), node("m2", manager), node("m3", manager),
				node("w1", capacity(1, 8)), node("w2", capacity(1, 8)),
			},
			service: func(s *Service) {
				s.Constraints = constraints(t, "node.role==worker")
				s.Reservation = Resources{NanoCPUs: 2 * cpu}
			},
			tasks:   pending("web", 2),
			reasons: []string{"no suitable node (scheduling constraints not satisfied on 3 nodes; insufficient resources on 2 nodes)"},
		},
		{
			name: "most failures first, whatever the filter order",
			nodes: []Node{
				node("m1", manager), node("w1", capacity(1, 8)), node("w2", capacity(1, 8)), node("w3", capacity(1, 8)),
			},
			service: func(s *Service) {
				s.Constraints = constraints(t, "node.role==worker")
				s.Reservation = Resources{NanoCPUs: 2 * cpu}
			},
			tasks:   pending("web", 1),
			reasons: []string{"no suitable node (insufficient resources on 3 nodes; scheduling constraints not satisfied on 1 node)"},
		},
		{
			name: "a node counts under the first filter it fails only",
			nodes: []Node{
				// m1 is down and fails the constraint: it counts as not available.
				node("m1", manager, down), node("m2", manager),
			},
			service: func(s *Service) { s.Constraints = constraints(t, "node.role==worker") },
			tasks:   pending("web", 1),
			reasons: []string{"no suitable node (1 node not available for new tasks; scheduling constraints not satisfied on 1 node)"},
		},
		{
			name: "every filter at once",
			nodes: []Node{
				node("d1", down), node("d2", availability(Drain)),
				node("r1", capacity(0, 8)), node("r2", capacity(0, 8)), node("r3", capacity(0, 8)), node("r4", capacity(0, 8)),
				node("m1", manager), node("m2", manager), node("m3", manager),
				node("x1", label("x", "1")), node("p1"),
			},
			service: func(s *Service) {
				s.Constraints = constraints(t, "node.role==worker")
				s.Reservation = Resources{NanoCPUs: cpu / 10}
				s.MaxReplicas = 1
				s.HostPorts = []uint32{443}
			},
			// x1 runs a web task: it is at the replica limit, but it also
			// holds web's port 443, and swarmkit's host-port filter runs
			// before its max-replicas filter, so x1 counts under ports.
			tasks: tasksOf(running("web", "x1", 1), running("tls", "p1", 1), pending("web", 1)),
			reasons: []string{"no suitable node (insufficient resources on 4 nodes; scheduling constraints not satisfied on 3 nodes; " +
				"2 nodes not available for new tasks; host-mode port already in use on 2 nodes)"},
		},
		{
			name:    "unknown service",
			nodes:   []Node{node("w1")},
			tasks:   pending("ghost", 1),
			reasons: []string{"service ghost not found"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			svc := web
			if tt.service != nil {
				tt.service(&svc)
			}
			services := []Service{svc, {Name: "proxy", HostPorts: []uint32{80}}, {Name: "tls", HostPorts: []uint32{443}}}
			plan := Schedule(tt.nodes, services, tt.tasks, 1)
			if len(plan.Placements) != tt.placed {
				t.Errorf("placed %d tasks (%v), want %d", len(plan.Placements), plan.Placements, tt.placed)
			}
			if got := pendingReasons(plan); !slices.Equal(got, tt.reasons) {
				t.Errorf("pending reasons:\n got %q\nwant %q", got, tt.reasons)
			}
			want := 0
			for _, task := range tt.tasks {
				if task.Pending {
					want++
				}
			}
			if len(plan.Placements)+len(plan.Pending) != want {
				t.Errorf("plan covers %d+%d tasks, want every one of the %d pending", len(plan.Placements), len(plan.Pending), want)
			}
		})
	}
}

// Explain answers for one node in swarmkit's one-node words: what a
// pending global task shows in docker service ps.
func TestExplain(t *testing.T) {
	services := []Service{
		{Name: "agent", Mode: Global},
		{Name: "big", Reservation: Resources{NanoCPUs: 3 * cpu}},
		{Name: "db", Constraints: constraints(t, "node.labels.disk==ssd")},
		{Name: "one", MaxReplicas: 1},
		{Name: "edge", HostPorts: []uint32{443}},
	}
	nodes := []Node{
		node("up"), node("down", down), node("drained", availability(Drain)), node("busy"),
		node("ssd", label("disk", "SSD")),
	}
	tasks := tasksOf(running("big", "busy", 1), running("one", "busy", 1), running("edge", "busy", 1),
		pending("big", 3)) // pending tasks hold nothing
	tests := []struct {
		service, node, want string
	}{
		{"agent", "up", ""},
		{"agent", "down", "1 node not available for new tasks"},
		{"agent", "drained", "1 node not available for new tasks"},
		{"big", "up", ""},
		{"big", "busy", "insufficient resources on 1 node"},
		{"db", "up", "scheduling constraints not satisfied on 1 node"},
		{"db", "ssd", ""}, // values compare without regard to case
		{"one", "busy", "max replicas per node limit exceed"},
		{"one", "up", ""},
		{"edge", "busy", "host-mode port already in use on 1 node"},
		{"edge", "up", ""},
		{"agent", "w9", "node w9 not found"},
		{"ghost", "up", "service ghost not found"},
	}
	for _, tt := range tests {
		if got := Explain(nodes, services, tasks, tt.service, tt.node); got != tt.want {
			t.Errorf("Explain(%s on %s) = %q, want %q", tt.service, tt.node, got, tt.want)
		}
	}
}

// A global task carries its node: it lands there or stays pending with
// that node's own reason, never elsewhere.
func TestGlobalTasks(t *testing.T) {
	nodes := []Node{node("w1"), node("w2", availability(Drain)), node("w3", capacity(0, 8)), node("w4", down)}
	services := []Service{{Name: "agent", Mode: Global, Reservation: Resources{NanoCPUs: cpu}}}
	var tasks []Task
	for _, n := range append(nodes, node("w9")) {
		tasks = append(tasks, Task{ID: "agent@" + n.ID, Service: "agent", Node: n.ID, Pending: true})
	}
	plan := Schedule(nodes, services, tasks, 1)
	wantPlaced := []Placement{{"agent@w1", "w1"}}
	wantPending := []Unplaced{
		{"agent@w2", "1 node not available for new tasks"},
		{"agent@w3", "insufficient resources on 1 node"},
		{"agent@w4", "1 node not available for new tasks"},
		{"agent@w9", "node w9 not found"},
	}
	if !reflect.DeepEqual(plan.Placements, wantPlaced) {
		t.Errorf("placements = %v, want %v", plan.Placements, wantPlaced)
	}
	if !reflect.DeepEqual(plan.Pending, wantPending) {
		t.Errorf("pending = %v, want %v", plan.Pending, wantPending)
	}
}

// Global tasks are confirmed before replicated tasks are placed, so a
// replicated service cannot take the capacity a global one is pinned to.
func TestGlobalTasksGoFirst(t *testing.T) {
	nodes := []Node{node("w1", capacity(1, 8)), node("w2", capacity(1, 8))}
	services := []Service{
		{Name: "web", Reservation: Resources{NanoCPUs: cpu}},
		{Name: "agent", Mode: Global, Reservation: Resources{NanoCPUs: cpu}},
	}
	tasks := tasksOf(pending("web", 1), []Task{{ID: "agent@w1", Service: "agent", Node: "w1", Pending: true}})
	plan := Schedule(nodes, services, tasks, 1)
	want := []Placement{{"web.1", "w2"}, {"agent@w1", "w1"}}
	if !reflect.DeepEqual(plan.Placements, want) {
		t.Errorf("placements = %v, want %v", plan.Placements, want)
	}
}

// Resources run out, the rest stay pending with the resources reason; a
// later call with fewer tasks running places them.
func TestResourcesExhaustedThenFreed(t *testing.T) {
	nodes := []Node{node("w1", capacity(2, 8)), node("w2", capacity(2, 8))}
	services := []Service{{Name: "web", Reservation: Resources{NanoCPUs: cpu, MemoryBytes: gib}}}
	plan := Schedule(nodes, services, pending("web", 5), 3)
	if got := perNode(plan); got["w1"] != 2 || got["w2"] != 2 {
		t.Fatalf("placements per node = %v, want 2 on each", got)
	}
	wantPending := []Unplaced{{"web.5", "no suitable node (insufficient resources on 2 nodes)"}}
	if !reflect.DeepEqual(plan.Pending, wantPending) {
		t.Fatalf("pending = %v, want %v", plan.Pending, wantPending)
	}

	// Next round: web.1 and web.2 were removed, the other two run, web.5 waits.
	var tasks []Task
	for _, p := range plan.Placements[2:] {
		tasks = append(tasks, Task{ID: p.Task, Service: "web", Node: p.Node})
	}
	tasks = append(tasks, Task{ID: "web.5", Service: "web", Pending: true})
	again := Schedule(nodes, services, tasks, 3)
	if len(again.Placements) != 1 || len(again.Pending) != 0 {
		t.Fatalf("after freeing capacity: %+v, want web.5 placed", again)
	}
}

// Ranking without preferences: fewest tasks of the service, then fewest
// tasks in all, then the seeded tie-break.
func TestRanking(t *testing.T) {
	tests := []struct {
		name  string
		nodes []Node
		tasks []Task
		want  []Placement
	}{
		{
			name:  "fewest tasks of the service wins over fewest tasks",
			nodes: []Node{node("w1"), node("w2"), node("w3")},
			tasks: tasksOf(running("web", "w1", 2), running("web", "w2", 1), running("db", "w3", 5), pending("web", 1)),
			want:  []Placement{{"web.1", "w3"}},
		},
		{
			name:  "then fewest tasks in all",
			nodes: []Node{node("w1"), node("w2"), node("w3")},
			tasks: tasksOf(running("db", "w1", 3), running("db", "w2", 1), running("db", "w3", 2), pending("web", 1)),
			want:  []Placement{{"web.1", "w2"}},
		},
		{
			name:  "tasks placed in the call count",
			nodes: []Node{node("w1"), node("w2")},
			tasks: tasksOf(running("db", "w1", 1), pending("web", 3)),
			// w2 (0 tasks), then w1 (no web yet), then w2 again: web 1 each, w2 fewer in all.
			want: []Placement{{"web.1", "w2"}, {"web.2", "w1"}, {"web.3", "w2"}},
		},
		{
			name:  "a running task with no node holds nothing",
			nodes: []Node{node("w1"), node("w2")},
			tasks: tasksOf([]Task{{ID: "lost", Service: "web"}}, running("web", "w1", 1), pending("web", 1)),
			want:  []Placement{{"web.1", "w2"}},
		},
		{
			name:  "tasks on unknown nodes are ignored",
			nodes: []Node{node("w1"), node("w2")},
			tasks: tasksOf(running("web", "gone", 4), running("web", "w2", 1), pending("web", 1)),
			want:  []Placement{{"web.1", "w1"}},
		},
	}
	services := []Service{{Name: "web"}, {Name: "db"}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for seed := range uint64(8) { // the tie-break must not matter here
				plan := Schedule(tt.nodes, services, tt.tasks, seed)
				if !reflect.DeepEqual(plan.Placements, tt.want) {
					t.Fatalf("seed %d: placements = %v, want %v", seed, plan.Placements, tt.want)
				}
			}
		})
	}
}

func TestTieBreak(t *testing.T) {
	nodes := []Node{node("w1"), node("w2"), node("w3"), node("w4"), node("w5")}
	services := []Service{{Name: "web"}}
	tasks := pending("web", 1)
	chosen := map[string]bool{}
	for seed := range uint64(32) {
		first := Schedule(nodes, services, tasks, seed)
		again := Schedule(nodes, services, tasks, seed)
		if !reflect.DeepEqual(first, again) {
			t.Fatalf("seed %d: two runs differ: %v and %v", seed, first, again)
		}
		// The tie-break hashes node IDs, so the order nodes are given in
		// does not matter either.
		reversed := slices.Clone(nodes)
		slices.Reverse(reversed)
		if r := Schedule(reversed, services, tasks, seed); !reflect.DeepEqual(first, r) {
			t.Fatalf("seed %d: reversing the nodes changed %v to %v", seed, first, r)
		}
		chosen[first.Placements[0].Node] = true
	}
	if len(chosen) < 3 {
		t.Errorf("32 seeds chose only %v among 5 equal nodes; the seed should move the tie-break", chosen)
	}
}

// Output follows the input order of tasks, whatever order services are
// scheduled in.
func TestPlanOrder(t *testing.T) {
	nodes := []Node{node("w1"), node("w2"), node("w3")}
	services := []Service{{Name: "db"}, {Name: "web", Constraints: constraints(t, "node.role==manager")}}
	tasks := []Task{
		{ID: "w-1", Service: "web", Pending: true},
		{ID: "d-1", Service: "db", Pending: true},
		{ID: "w-2", Service: "web", Pending: true},
		{ID: "r-1", Service: "db", Node: "w1"},
		{ID: "d-2", Service: "db", Pending: true},
	}
	plan := Schedule(nodes, services, tasks, 1)
	var placed, left []string
	for _, p := range plan.Placements {
		placed = append(placed, p.Task)
	}
	for _, u := range plan.Pending {
		left = append(left, u.Task)
	}
	if !slices.Equal(placed, []string{"d-1", "d-2"}) || !slices.Equal(left, []string{"w-1", "w-2"}) {
		t.Errorf("placed %v and left %v, want [d-1 d-2] and [w-1 w-2]", placed, left)
	}
}

func TestScheduleLeavesInputsAlone(t *testing.T) {
	nodes := zoned(2, "a", "b")
	services := []Service{{Name: "web", Preferences: []string{"node.labels.zone"}, HostPorts: []uint32{80},
		Constraints: constraints(t, "node.labels.zone!=c")}}
	tasks := tasksOf(running("web", "a1", 1), pending("web", 3))
	before := []any{cloneNodes(nodes), slices.Clone(services), slices.Clone(tasks)}
	Schedule(nodes, services, tasks, 9)
	after := []any{nodes, services, tasks}
	if !reflect.DeepEqual(before, after) {
		t.Errorf("Schedule modified its arguments")
	}
}

func cloneNodes(ns []Node) []Node {
	out := slices.Clone(ns)
	for i := range out {
		if out[i].Labels != nil {
			l := make(map[string]string, len(out[i].Labels))
			for k, v := range out[i].Labels {
				l[k] = v
			}
			out[i].Labels = l
		}
	}
	return out
}

// nodeinfo.go addTask charges a placed task with its own spec: an old task
// of a start-first update holds its old port and reservation, not the
// service's new ones. filter.go HostPortFilter keys ports by protocol.
func TestTaskHoldsItsOwnSpec(t *testing.T) {
	w1 := node("w1")
	for _, tc := range []struct {
		name string
		svc  Service
		own  *Footprint
		want string // "" when the pending task is placed
	}{
		{"old task holds the old port", Service{Name: "web", HostPorts: []uint32{8081}}, &Footprint{HostPorts: []uint32{8080}}, ""},
		{"by the service's spec the port is taken", Service{Name: "web", HostPorts: []uint32{8081}}, nil, "host-mode port already in use"},
		{"old task holds its larger reservation", Service{Name: "web", Reservation: Resources{NanoCPUs: 2 * cpu}}, &Footprint{Reservation: Resources{NanoCPUs: 3 * cpu}}, "insufficient resources"},
		{"by the service's spec both fit", Service{Name: "web", Reservation: Resources{NanoCPUs: 2 * cpu}}, nil, ""},
		{"udp and tcp 7070 differ", Service{Name: "web", HostPorts: []uint32{HostPort(7070, "udp")}}, &Footprint{HostPorts: []uint32{HostPort(7070, "tcp")}}, ""},
		{"a bare port is tcp", Service{Name: "web", HostPorts: []uint32{HostPort(7070, "tcp")}}, &Footprint{HostPorts: []uint32{7070}}, "host-mode port already in use"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tasks := []Task{{ID: "old", Service: "web", Node: "w1", Own: tc.own}, {ID: "new", Service: "web", Pending: true}}
			plan := Schedule([]Node{w1}, []Service{tc.svc}, tasks, 1)
			got := ""
			if len(plan.Pending) > 0 {
				got = plan.Pending[0].Reason
			}
			if tc.want == "" && got != "" || tc.want != "" && !strings.Contains(got, tc.want) {
				t.Errorf("pending %q, want %q", got, tc.want)
			}
		})
	}
}
