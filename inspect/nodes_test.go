package inspect_test

import (
	"bytes"
	"reflect"
	"strings"
	"testing"

	"github.com/swarmsim/swarmsim/inspect"
)

// The swarm in testdata/nodes.json: 5 managers over 3 zones (2-2-1, m1
// leads) and 4 workers: w2 moved zones (its node label wins over a stale
// engine label), w3 is drained, w4 is down, has no node labels and takes
// its zone from the engine.
var wantNodes = []inspect.Node{
	{
		ID: "4kwbkkvk8181coql1mox1ld36", Hostname: "m1", Role: "manager", Availability: "active", State: "ready", Addr: "10.0.1.11",
		Leader: true, Reachability: "reachable", ManagerAddr: "10.0.1.11:2377",
		Zone: "eu-west-1a", ZoneLabel: "node.labels.zone",
		Labels:       map[string]string{"zone": "eu-west-1a"},
		EngineLabels: map[string]string{"instance-type": "m6i.large", "provider": "aws"},
		OS:           "linux", Arch: "x86_64", NanoCPUs: 2_000_000_000, MemoryBytes: 4109729792,
	},
	{
		ID: "uziyqk3ltkru4vvjz1qady73i", Hostname: "m2", Role: "manager", Availability: "active", State: "ready", Addr: "10.0.1.12",
		Reachability: "reachable", ManagerAddr: "10.0.1.12:2377",
		Zone: "eu-west-1a", ZoneLabel: "node.labels.zone",
		Labels:       map[string]string{"zone": "eu-west-1a"},
		EngineLabels: map[string]string{"instance-type": "m6i.large", "provider": "aws"},
		OS:           "linux", Arch: "x86_64", NanoCPUs: 2_000_000_000, MemoryBytes: 4109729792,
	},
	{
		ID: "5qwk0iebmirl5dj0nb1yythut", Hostname: "m3", Role: "manager", Availability: "active", State: "ready", Addr: "10.0.2.11",
		Reachability: "reachable", ManagerAddr: "10.0.2.11:2377",
		Zone: "eu-west-1b", ZoneLabel: "node.labels.zone",
		Labels:       map[string]string{"zone": "eu-west-1b"},
		EngineLabels: map[string]string{"instance-type": "m6i.large", "provider": "aws"},
		OS:           "linux", Arch: "x86_64", NanoCPUs: 2_000_000_000, MemoryBytes: 4109729792,
	},
	{
		ID: "lts52nuiraarfs0ouiikwzm6m", Hostname: "m4", Role: "manager", Availability: "active", State: "ready", Addr: "10.0.2.12",
		Reachability: "reachable", ManagerAddr: "10.0.2.12:2377",
		Zone: "eu-west-1b", ZoneLabel: "node.labels.zone",
		Labels:       map[string]string{"zone": "eu-west-1b"},
		EngineLabels: map[string]string{"instance-type": "m6i.large", "provider": "aws"},
		OS:           "linux", Arch: "x86_64", NanoCPUs: 2_000_000_000, MemoryBytes: 4109729792,
	},
	{
		ID: "2zalnncaymcorhfg9allb7t4z", Hostname: "m5", Role: "manager", Availability: "active", State: "ready", Addr: "10.0.3.11",
		Reachability: "reachable", ManagerAddr: "10.0.3.11:2377",
		Zone: "eu-west-1c", ZoneLabel: "node.labels.zone",
		Labels:       map[string]string{"zone": "eu-west-1c"},
		EngineLabels: map[string]string{"instance-type": "m6i.large", "provider": "aws"},
		OS:           "linux", Arch: "x86_64", NanoCPUs: 2_000_000_000, MemoryBytes: 4109729792,
	},
	{
		ID: "cuqbkbtmh15w809cb44p02b1d", Hostname: "w1", Role: "worker", Availability: "active", State: "ready", Addr: "10.0.1.21",
		Zone: "eu-west-1a", ZoneLabel: "node.labels.zone",
		Labels:       map[string]string{"edge": "true", "zone": "eu-west-1a"},
		EngineLabels: map[string]string{"instance-type": "c6i.xlarge", "provider": "aws"},
		OS:           "linux", Arch: "x86_64", NanoCPUs: 4_000_000_000, MemoryBytes: 7999430656,
	},
	{
		ID: "28kegzm3ltm17nt1r12cwckdc", Hostname: "w2", Role: "worker", Availability: "active", State: "ready", Addr: "10.0.2.21",
		Zone: "eu-west-1b", ZoneLabel: "node.labels.zone",
		Labels:       map[string]string{"edge": "true", "zone": "eu-west-1b"},
		EngineLabels: map[string]string{"instance-type": "c6i.xlarge", "provider": "aws", "zone": "eu-west-1a"},
		OS:           "linux", Arch: "x86_64", NanoCPUs: 4_000_000_000, MemoryBytes: 7999430656,
	},
	{
		ID: "xpaahn03yc5tfy0l4fe2yrxbv", Hostname: "w3", Role: "worker", Availability: "drain", State: "ready", Addr: "10.0.3.21",
		Zone: "eu-west-1c", ZoneLabel: "node.labels.zone",
		Labels:       map[string]string{"disk": "ssd", "zone": "eu-west-1c"},
		EngineLabels: map[string]string{"instance-type": "r6i.2xlarge", "provider": "aws"},
		OS:           "linux", Arch: "x86_64", NanoCPUs: 8_000_000_000, MemoryBytes: 66436677632,
	},
	{
		ID: "1dgvggstzqjr9wvcef9xsum5z", Hostname: "w4", Role: "worker", Availability: "active", State: "down",
		Message: "heartbeat failure", Addr: "10.0.3.22",
		Zone: "eu-west-1c", ZoneLabel: "engine.labels.zone",
		EngineLabels: map[string]string{"instance-type": "c7g.xlarge", "provider": "aws", "zone": "eu-west-1c"},
		OS:           "linux", Arch: "aarch64", NanoCPUs: 4_000_000_000, MemoryBytes: 8152784896,
	},
}

func TestNodesFixture(t *testing.T) {
	got, err := inspect.Nodes(bytes.NewReader(load(t, "nodes.json")))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(wantNodes) {
		t.Fatalf("read %d nodes, want %d", len(got), len(wantNodes))
	}
	for i := range wantNodes {
		if !reflect.DeepEqual(got[i], wantNodes[i]) {
			t.Errorf("node %d:\n got %+v\nwant %+v", i+1, got[i], wantNodes[i])
		}
	}
}

// readNode reads one node given as a JSON object.
func readNode(t *testing.T, text string) inspect.Node {
	t.Helper()
	nodes, err := inspect.Nodes(strings.NewReader("[" + text + "]"))
	if err != nil {
		t.Fatalf("Nodes(%s): %v", text, err)
	}
	if len(nodes) != 1 {
		t.Fatalf("Nodes(%s) read %d nodes", text, len(nodes))
	}
	return nodes[0]
}

func TestNodeDefaults(t *testing.T) {
	tests := []struct {
		name string
		json string
		want inspect.Node
	}{
		{"only what is required", `{"ID":"a1","Spec":{"Role":"worker"},"Description":{"Hostname":"h"}}`,
			inspect.Node{ID: "a1", Hostname: "h", Role: "worker", Availability: "active", State: "unknown"}},
		{"empty labels are nil", `{"ID":"a1","Spec":{"Labels":{},"Role":"worker"},"Description":{"Hostname":"h","Engine":{"Labels":{}}}}`,
			inspect.Node{ID: "a1", Hostname: "h", Role: "worker", Availability: "active", State: "unknown"}},
		{"a manager status without reachability", `{"ID":"a1","Spec":{"Role":"manager"},"Description":{"Hostname":"h"},"ManagerStatus":{}}`,
			inspect.Node{ID: "a1", Hostname: "h", Role: "manager", Availability: "active", State: "unknown", Reachability: "unknown"}},
		{"a manager without a manager status", `{"ID":"a1","Spec":{"Role":"manager"},"Description":{"Hostname":"h"}}`,
			inspect.Node{ID: "a1", Hostname: "h", Role: "manager", Availability: "active", State: "unknown"}},
		{"an unreachable manager", `{"ID":"a1","Spec":{"Role":"manager"},"Description":{"Hostname":"h"},"Status":{"State":"down"},"ManagerStatus":{"Reachability":"unreachable","Addr":"10.0.0.1:2377"}}`,
			inspect.Node{ID: "a1", Hostname: "h", Role: "manager", Availability: "active", State: "down", Reachability: "unreachable", ManagerAddr: "10.0.0.1:2377"}},
		{"paused and disconnected", `{"ID":"a1","Spec":{"Role":"worker","Availability":"pause"},"Description":{"Hostname":"h"},"Status":{"State":"disconnected"}}`,
			inspect.Node{ID: "a1", Hostname: "h", Role: "worker", Availability: "pause", State: "disconnected"}},
		{"an empty node label falls back to the engine", `{"ID":"a1","Spec":{"Role":"worker","Labels":{"zone":""}},"Description":{"Hostname":"h","Engine":{"Labels":{"zone":"b"}}}}`,
			inspect.Node{ID: "a1", Hostname: "h", Role: "worker", Availability: "active", State: "unknown", Zone: "b", ZoneLabel: "engine.labels.zone",
				Labels: map[string]string{"zone": ""}, EngineLabels: map[string]string{"zone": "b"}}},
		{"empty zone labels are no zone", `{"ID":"a1","Spec":{"Role":"worker","Labels":{"zone":""}},"Description":{"Hostname":"h","Engine":{"Labels":{"zone":""}}}}`,
			inspect.Node{ID: "a1", Hostname: "h", Role: "worker", Availability: "active", State: "unknown",
				Labels: map[string]string{"zone": ""}, EngineLabels: map[string]string{"zone": ""}}},
		{"other labels are no zone", `{"ID":"a1","Spec":{"Role":"worker","Labels":{"az":"a","Zone":"b"}},"Description":{"Hostname":"h"}}`,
			inspect.Node{ID: "a1", Hostname: "h", Role: "worker", Availability: "active", State: "unknown",
				Labels: map[string]string{"az": "a", "Zone": "b"}}},
		{"unknown fields are ignored", `{"ID":"a1","Spec":{"Role":"worker","Future":[1,2]},"Description":{"Hostname":"h","CSIInfo":[{"PluginName":"x"}]},"Extra":null}`,
			inspect.Node{ID: "a1", Hostname: "h", Role: "worker", Availability: "active", State: "unknown"}},
		{"Spec.Name is not the hostname", `{"ID":"a1","Spec":{"Name":"nice-name","Role":"worker"},"Description":{"Hostname":"h"}}`,
			inspect.Node{ID: "a1", Hostname: "h", Role: "worker", Availability: "active", State: "unknown"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := readNode(t, tt.json); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("\n got %+v\nwant %+v", got, tt.want)
			}
		})
	}
}

func TestNodeErrors(t *testing.T) {
	node := func(i int, change func(n any)) func([]any) []any {
		return func(elems []any) []any {
			change(elems[i])
			return elems
		}
	}
	const m1, w1 = `node 1 (id "4kwbkkvk8181coql1mox1ld36")`, `node 6 (id "cuqbkbtmh15w809cb44p02b1d")`
	tests := []struct {
		name   string
		change func([]any) []any
		want   string // the whole error
	}{
		{"no ID", node(0, func(n any) { del(n, "ID") }),
			`node 1 (hostname "m1"): ID is missing; every node has one, so check that the file is what docker node inspect $(docker node ls -q) prints`},
		{"empty ID", node(0, func(n any) { set(n, "ID", "") }),
			`node 1 (hostname "m1"): ID is missing; every node has one, so check that the file is what docker node inspect $(docker node ls -q) prints`},
		{"no ID and no hostname", node(0, func(n any) { del(n, "ID"); del(n, "Description.Hostname") }),
			`node 1: ID is missing; every node has one, so check that the file is what docker node inspect $(docker node ls -q) prints`},
		{"no hostname", node(0, func(n any) { del(n, "Description.Hostname") }),
			m1 + `: Description.Hostname is missing; every node has one, so check that the file is what docker node inspect $(docker node ls -q) prints`},
		{"no description", node(0, func(n any) { del(n, "Description") }),
			m1 + `: Description.Hostname is missing; every node has one, so check that the file is what docker node inspect $(docker node ls -q) prints`},
		{"no role", node(0, func(n any) { del(n, "Spec.Role") }),
			m1 + `: Spec.Role is missing; it must be "manager" or "worker"`},
		{"role in capitals", node(0, func(n any) { set(n, "Spec.Role", "Manager") }),
			m1 + `: Spec.Role is "Manager"; it must be "manager" or "worker"`},
		{"unknown availability", node(0, func(n any) { set(n, "Spec.Availability", "drained") }),
			m1 + `: Spec.Availability is "drained"; it must be "active", "pause" or "drain"`},
		{"unknown state", node(0, func(n any) { set(n, "Status.State", "offline") }),
			m1 + `: Status.State is "offline"; it must be "ready", "down", "unknown" or "disconnected"`},
		{"unknown reachability", node(0, func(n any) { set(n, "ManagerStatus.Reachability", "gone") }),
			m1 + `: ManagerStatus.Reachability is "gone"; it must be "reachable", "unreachable" or "unknown"`},
		{"a worker that leads", node(5, func(n any) { set(n, "ManagerStatus.Leader", true) }),
			w1 + `: ManagerStatus.Leader is true, but Spec.Role is "worker", and only a manager can lead`},
		{"negative CPUs", node(0, func(n any) { set(n, "Description.Resources.NanoCPUs", -1) }),
			m1 + `: Description.Resources.NanoCPUs is -1, but a node cannot offer fewer than 0 CPUs`},
		{"negative memory", node(0, func(n any) { set(n, "Description.Resources.MemoryBytes", -4096) }),
			m1 + `: Description.Resources.MemoryBytes is -4096, but a node cannot offer fewer than 0 bytes`},
		{"the same node twice", func(elems []any) []any { return append(elems, elems[0]) },
			`node 10 (id "4kwbkkvk8181coql1mox1ld36"): ID is the same as node 1's, but each node must appear once; inspect every node once`},
		{"two leaders", node(2, func(n any) { set(n, "ManagerStatus.Leader", true) }),
			`node 3 (id "5qwk0iebmirl5dj0nb1yythut"): ManagerStatus.Leader is true, but node 1 is the leader already, and a swarm has one`},
		{"CPUs as a string", node(0, func(n any) { set(n, "Description.Resources.NanoCPUs", "2") }),
			m1 + `: Description.Resources.NanoCPUs is a string, but it must be a whole number`},
		{"memory as a fraction", node(0, func(n any) { set(n, "Description.Resources.MemoryBytes", 1.5) }),
			m1 + `: Description.Resources.MemoryBytes is 1.5, but it must be a whole number`},
		{"CPUs beyond 64 bits", node(0, func(n any) { set(n, "Description.Resources.NanoCPUs", 1e30) }),
			m1 + `: Description.Resources.NanoCPUs is 1e+30, which is too large; it must be a whole number up to 9223372036854775807`},
		{"role as a number", node(0, func(n any) { set(n, "Spec.Role", 1) }),
			m1 + `: Spec.Role is a number, but it must be a string`},
		{"leader as a string", node(0, func(n any) { set(n, "ManagerStatus.Leader", "yes") }),
			m1 + `: ManagerStatus.Leader is a string, but it must be true or false`},
		{"a label value that is not a string", node(0, func(n any) { set(n, "Spec.Labels.zone", 3) }),
			m1 + `: Spec.Labels has a number as a value, but label values must be strings`},
		{"engine labels as a list", node(0, func(n any) { set(n, "Description.Engine.Labels", []any{"zone=a"}) }),
			m1 + `: Description.Engine.Labels is a list, but it must be an object`},
		{"spec as a string", node(0, func(n any) { set(n, "Spec", "manager") }),
			m1 + `: Spec is a string, but it must be an object`},
		{"platform as a list", node(0, func(n any) { set(n, "Description.Platform", []any{}) }),
			m1 + `: Description.Platform is a list, but it must be an object`},
		{"a node that is a number", func(elems []any) []any { elems[1] = 5; return elems },
			`node 2 is a number, but each node must be a JSON object`},
		{"a node that is a string", func(elems []any) []any { elems[1] = "m2"; return elems },
			`node 2 is a string, but each node must be a JSON object`},
		{"a node that is a list", func(elems []any) []any { elems[1] = []any{}; return elems },
			`node 2 is a list, but each node must be a JSON object`},
		{"a node that is true", func(elems []any) []any { elems[1] = true; return elems },
			`node 2 is true or false, but each node must be a JSON object`},
		{"a node that is null", func(elems []any) []any { elems[1] = nil; return elems },
			`node 2 is null, but each node must be a JSON object`},
		{"no nodes", func([]any) []any { return []any{} },
			`the input has no nodes, but every swarm has at least one; pipe in what docker node inspect $(docker node ls -q) prints`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			nodes, err := inspect.Nodes(bytes.NewReader(edit(t, "nodes.json", tt.change)))
			if err == nil {
				t.Fatalf("read %d nodes, want an error", len(nodes))
			}
			if nodes != nil {
				t.Errorf("read %d nodes along with the error", len(nodes))
			}
			if err.Error() != tt.want {
				t.Errorf("error:\n got %s\nwant %s", err, tt.want)
			}
			checkLine(t, err.Error())
		})
	}
}
