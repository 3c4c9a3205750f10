package inspect_test

import (
	"bytes"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/swarmsim/swarmsim/inspect"
	"github.com/swarmsim/swarmsim/scheduler"
)

// testdata/nodes-engine-labels.json is a swarm whose daemons carry labels
// of their own (/etc/docker/daemon.json "labels"): node-1 and node-2 are
// in rack r1, node-3 in r2; node-2 also has a node label storage=ssd while
// its engine says hdd; node-3 writes SSD in capitals; node-4's daemon has
// no labels, so docker prints no Engine.Labels at all.
func TestNodesEngineLabels(t *testing.T) {
	nodes, err := inspect.Nodes(bytes.NewReader(load(t, "nodes-engine-labels.json")))
	if err != nil {
		t.Fatal(err)
	}
	want := []struct {
		host           string
		labels, engine map[string]string
	}{
		{"node-1", nil, map[string]string{"com.example.rack": "r1", "storage": "ssd"}},
		{"node-2", map[string]string{"storage": "ssd"}, map[string]string{"com.example.rack": "r1", "storage": "hdd"}},
		{"node-3", nil, map[string]string{"com.example.rack": "r2", "storage": "SSD"}},
		{"node-4", nil, nil},
	}
	if len(nodes) != len(want) {
		t.Fatalf("read %d nodes, want %d", len(nodes), len(want))
	}
	for i, w := range want {
		n := nodes[i]
		if n.Hostname != w.host || !reflect.DeepEqual(n.Labels, w.labels) || !reflect.DeepEqual(n.EngineLabels, w.engine) {
			t.Errorf("node %d: %s labels %v engine labels %v, want %s labels %v engine labels %v",
				i+1, n.Hostname, n.Labels, n.EngineLabels, w.host, w.labels, w.engine)
		}
	}
}

// schedulerNodes is what a caller does with inspected nodes before it
// schedules on them: the engine labels go to scheduler.Node.EngineLabels,
// or engine.labels.KEY constraints match nothing.
func schedulerNodes(nodes []inspect.Node) []scheduler.Node {
	out := make([]scheduler.Node, len(nodes))
	for i, n := range nodes {
		out[i] = scheduler.Node{
			ID: n.ID, Hostname: n.Hostname, Role: n.Role,
			Ready: n.State == "ready", Availability: scheduler.Availability(n.Availability),
			Labels: n.Labels, EngineLabels: n.EngineLabels, OS: n.OS, Arch: n.Arch,
			Capacity: scheduler.Resources{NanoCPUs: n.NanoCPUs, MemoryBytes: n.MemoryBytes},
		}
	}
	return out
}

// Engine labels read from docker node inspect decide engine.labels.KEY
// constraints as swarmkit's constraint.NodeMatches decides them (its
// TestEngineLabel, TestNodeLabel and TestMultipleConstraints): engine and
// node labels are apart, values compare without case, and a node without
// the label satisfies != and never ==.
func TestEngineLabelConstraints(t *testing.T) {
	nodes, err := inspect.Nodes(bytes.NewReader(load(t, "nodes-engine-labels.json")))
	if err != nil {
		t.Fatal(err)
	}
	sn := schedulerNodes(nodes)
	tests := []struct {
		name       string
		constraint []string
		want       []string // hostnames that satisfy every constraint
	}{
		{"engine label, value in any case", []string{"engine.labels.storage==ssd"}, []string{"node-1", "node-3"}},
		{"a node label is not an engine label", []string{"node.labels.storage==ssd"}, []string{"node-2"}},
		{"a missing engine label differs from every value", []string{"engine.labels.storage!=ssd"}, []string{"node-2", "node-4"}},
		{"label names with dots", []string{"engine.labels.com.example.rack==r1"}, []string{"node-1", "node-2"}},
		{"all must hold", []string{"engine.labels.com.example.rack==r1", "node.role==worker"}, []string{"node-2"}},
		{"nobody has it", []string{"engine.labels.storage==nvme"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, n := range sn {
				ok := true
				for _, s := range tt.constraint {
					c, err := scheduler.ParseConstraint(s)
					if err != nil {
						t.Fatal(err)
					}
					ok = ok && c.Match(n)
				}
				if ok {
					got = append(got, n.Hostname)
				}
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("%v matches %v, want %v", tt.constraint, got, tt.want)
			}
		})
	}
}

// The same nodes through Schedule: engine labels steer constraints and
// spread preferences alike, and a constraint no engine satisfies leaves
// tasks pending with Docker's reason.
func TestEngineLabelsSchedule(t *testing.T) {
	nodes, err := inspect.Nodes(bytes.NewReader(load(t, "nodes-engine-labels.json")))
	if err != nil {
		t.Fatal(err)
	}
	sn := schedulerNodes(nodes)
	pending := func(svc string, n int) []scheduler.Task {
		ts := make([]scheduler.Task, n)
		for i := range ts {
			ts[i] = scheduler.Task{ID: svc + "." + strconv.Itoa(i+1), Service: svc, Pending: true}
		}
		return ts
	}
	must := func(s string) scheduler.Constraint {
		c, err := scheduler.ParseConstraint(s)
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	rack, err := scheduler.ParseSpread("spread=engine.labels.com.example.rack")
	if err != nil {
		t.Fatal(err)
	}
	services := []scheduler.Service{
		{Name: "db", Constraints: []scheduler.Constraint{must("engine.labels.storage==ssd")}},
		{Name: "web", Preferences: []string{rack}},
		{Name: "cache", Constraints: []scheduler.Constraint{must("engine.labels.storage==nvme")}},
	}
	tasks := slices.Concat(pending("db", 4), pending("web", 6), pending("cache", 1))
	plan := scheduler.Schedule(sn, services, tasks, 1)

	hostOf := map[string]string{}
	for _, n := range sn {
		hostOf[n.ID] = n.Hostname
	}
	got := map[string]map[string]int{} // service → hostname → tasks
	for _, p := range plan.Placements {
		svc, _, _ := strings.Cut(p.Task, ".")
		if got[svc] == nil {
			got[svc] = map[string]int{}
		}
		got[svc][hostOf[p.Node]]++
	}
	if want := map[string]int{"node-1": 2, "node-3": 2}; !reflect.DeepEqual(got["db"], want) {
		t.Errorf("db on %v, want %v (only engines with storage=ssd)", got["db"], want)
	}
	// Three groups: r1 (node-1, node-2), r2 (node-3) and the nodes without
	// the label (node-4); six tasks split 2/2/2.
	racks := map[string]int{}
	for h, c := range got["web"] {
		racks[map[string]string{"node-1": "r1", "node-2": "r1", "node-3": "r2", "node-4": "-"}[h]] += c
	}
	if want := map[string]int{"r1": 2, "r2": 2, "-": 2}; !reflect.DeepEqual(racks, want) {
		t.Errorf("web over racks %v, want %v", racks, want)
	}
	want := []scheduler.Unplaced{{Task: "cache.1", Reason: "no suitable node (scheduling constraints not satisfied on 4 nodes)"}}
	if !reflect.DeepEqual(plan.Pending, want) {
		t.Errorf("pending %v, want %v", plan.Pending, want)
	}
}
