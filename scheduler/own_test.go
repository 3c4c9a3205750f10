package scheduler

import "testing"

// A placed task of an older spec holds its own ports and reservation, not
// its service's current ones, as swarmkit counts each task's own spec: a
// service that dropped host port 9000 still has a task holding it, and a
// service that now reserves a whole node still has a task reserving none.
func TestPlacedTasksHoldTheirOwnSpec(t *testing.T) {
	nodes := []Node{
		{ID: "n1", Ready: true, Availability: Active, Capacity: Resources{NanoCPUs: 1e9, MemoryBytes: 1 << 30}}, // too small for fat
		{ID: "n2", Ready: true, Availability: Active, Capacity: Resources{NanoCPUs: 2e9, MemoryBytes: 1 << 30}},
	}
	services := []Service{
		{Name: "old", Mode: Replicated}, // its current spec publishes nothing
		{Name: "edge", Mode: Replicated, HostPorts: []uint32{9000}},
		{Name: "fat", Mode: Replicated, Reservation: Resources{NanoCPUs: 2e9}}, // its current spec reserves a node
	}
	tasks := []Task{
		{ID: "old.1", Service: "old", Node: "n1", Own: &Holding{HostPorts: []uint32{9000}}},
		{ID: "fat.1", Service: "fat", Node: "n2", Own: &Holding{}},
		{ID: "edge.1", Service: "edge", Pending: true},
		{ID: "fat.2", Service: "fat", Pending: true},
	}
	plan := Schedule(nodes, services, tasks, 1)
	where := map[string]string{}
	for _, p := range plan.Placements {
		where[p.Task] = p.Node
	}
	if where["edge.1"] != "n2" {
		t.Errorf("edge.1 placed on %q, want n2: old.1 holds port 9000 on n1 (%+v)", where["edge.1"], plan)
	}
	if where["fat.2"] != "n2" {
		t.Errorf("fat.2 placed on %q, want n2, where fat.1 reserves nothing of its own (%+v)", where["fat.2"], plan)
	}
	// Counted with their service's current spec, old.1 holds no port and
	// fat.1 reserves all of n2.
	tasks[0].Own, tasks[1].Own = nil, nil
	plan = Schedule(nodes, services, tasks, 1)
	if len(plan.Placements) != 1 || plan.Placements[0] != (Placement{"edge.1", "n1"}) {
		t.Errorf("without own holdings: %+v, want edge.1 on n1 and fat.2 pending", plan)
	}
}
