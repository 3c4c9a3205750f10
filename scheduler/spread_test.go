package scheduler

import (
	"slices"
	"strconv"
	"strings"
	"testing"
)

func TestSpread(t *testing.T) {
	zonePref := []string{"node.labels.zone"}
	tests := []struct {
		name   string
		nodes  []Node
		svc    Service
		tasks  []Task
		by     string // label to count placements by
		want   string // placements per label value, "-" for nodes without it
		reason string // of the tasks left pending, if any
	}{
		{
			name:  "6 tasks over a, b, c land 2/2/2",
			nodes: zoned(2, "a", "b", "c"),
			svc:   Service{Name: "web", Preferences: zonePref},
			tasks: pending("web", 6), by: "zone",
			want: "a=2 b=2 c=2",
		},
		{
			name:  "7 tasks land 3/2/2, the extra in label order",
			nodes: zoned(2, "c", "b", "a"), // node order must not matter
			svc:   Service{Name: "web", Preferences: zonePref},
			tasks: pending("web", 7), by: "zone",
			want: "a=3 b=2 c=2",
		},
		{
			name:  "uneven zones still split evenly",
			nodes: append(zoned(1, "a"), zoned(5, "b")...),
			svc:   Service{Name: "web", Preferences: zonePref},
			tasks: pending("web", 6), by: "zone",
			want: "a=3 b=3",
		},
		{
			name:  "nodes without the label form one more group, last",
			nodes: append(zoned(1, "a", "b"), node("x1"), node("x2")),
			svc:   Service{Name: "web", Preferences: zonePref},
			tasks: pending("web", 7), by: "zone",
			want: "-=2 a=3 b=2",
		},
		{
			name:  "an empty value is the same group as no label",
			nodes: append(zoned(1, "a"), node("x1"), node("x2", zone(""))),
			svc:   Service{Name: "web", Preferences: zonePref},
			tasks: pending("web", 4), by: "zone",
			want: "=1 -=1 a=2", // x2 shows as "" and x1 as "-": one group of 2
		},
		{
			name:  "running tasks count: the emptier zones catch up",
			nodes: zoned(2, "a", "b", "c"),
			svc:   Service{Name: "web", Preferences: zonePref},
			tasks: tasksOf(running("web", "a1", 3), pending("web", 3)), by: "zone",
			want: "b=2 c=1",
		},
		{
			name:  "a zone whose nodes are all down gets nothing, the others share",
			nodes: append(zoned(2, "a", "b"), node("c1", zone("c"), down), node("c2", zone("c"), down)),
			svc:   Service{Name: "web", Preferences: zonePref},
			tasks: pending("web", 6), by: "zone",
			want: "a=3 b=3",
		},
		{
			name:  "tasks still running in a dead zone do not hold back the others",
			nodes: append(zoned(1, "a", "b"), node("c1", zone("c"), down)),
			svc:   Service{Name: "web", Preferences: zonePref},
			tasks: tasksOf(running("web", "c1", 2), pending("web", 4)), by: "zone",
			want: "a=2 b=2",
		},
		{
			name:  "a paused node's tasks still fill its zone",
			nodes: append(zoned(1, "a", "b"), node("a2", zone("a"), availability(Pause))),
			svc:   Service{Name: "web", Preferences: zonePref},
			tasks: tasksOf(running("web", "a2", 2), pending("web", 2)), by: "zone",
			want: "b=2",
		},
		{
			name:  "a zone that runs out of room drops out and the others share",
			nodes: append(zoned(2, "b", "c"), node("a1", zone("a"), capacity(1, 8))),
			svc:   Service{Name: "web", Preferences: zonePref, Reservation: Resources{NanoCPUs: cpu}},
			tasks: pending("web", 9), by: "zone",
			want: "a=1 b=4 c=4",
		},
		{
			name:  "constraints filter first, then the spread",
			nodes: append(zoned(2, "a", "b"), node("m1", zone("c"), manager)),
			svc:   Service{Name: "web", Preferences: zonePref, Constraints: constraints(t, "node.role==worker")},
			tasks: pending("web", 4), by: "zone",
			want: "a=2 b=2",
		},
		{
			name:  "engine labels spread too",
			nodes: []Node{engine(node("w1"), "rack", "r1"), engine(node("w2"), "rack", "r1"), engine(node("w3"), "rack", "r2")},
			svc:   Service{Name: "web", Preferences: []string{"engine.labels.rack"}},
			tasks: pending("web", 4), by: "host",
			want: "w1=1 w2=1 w3=2",
		},
		{
			name:  "unsupported descriptors are ignored, as swarmkit does",
			nodes: zoned(1, "a", "b", "c"),
			svc:   Service{Name: "web", Preferences: []string{"node.role", "node.labels."}},
			tasks: pending("web", 3), by: "zone",
			want: "a=1 b=1 c=1",
		},
		{
			name:  "all zones full: pending with the usual sentence",
			nodes: zoned(1, "a", "b"),
			svc:   Service{Name: "web", Preferences: zonePref, MaxReplicas: 2},
			tasks: pending("web", 5), by: "zone",
			want:   "a=2 b=2",
			reason: "no suitable node (max replicas per node limit exceed)",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for seed := range uint64(6) { // spread and ranking decide, not the seed
				plan := Schedule(tt.nodes, []Service{tt.svc}, tt.tasks, seed)
				var got string
				if tt.by == "host" {
					got = hosts(plan)
				} else {
					got = perLabel(plan, tt.nodes, tt.by)
				}
				if got != tt.want {
					t.Fatalf("seed %d: placed %s, want %s", seed, got, tt.want)
				}
				var want []string
				if tt.reason != "" {
					want = []string{tt.reason}
				}
				if r := pendingReasons(plan); !slices.Equal(r, want) {
					t.Fatalf("seed %d: pending reasons %q, want %q", seed, r, want)
				}
			}
		})
	}
}

// Nested preferences divide evenly over zones first, then over racks
// within each zone.
func TestSpreadNested(t *testing.T) {
	var nodes []Node
	for _, n := range []struct{ id, zone, rack string }{
		{"a-r1-1", "a", "r1"}, {"a-r1-2", "a", "r1"}, {"a-r1-3", "a", "r1"}, {"a-r2-1", "a", "r2"},
		{"b-r1-1", "b", "r1"},
	} {
		nodes = append(nodes, node(n.id, zone(n.zone), label("rack", n.rack)))
	}
	svc := Service{Name: "web", Preferences: []string{"node.labels.zone", "node.labels.rack"}}
	plan := Schedule(nodes, []Service{svc}, pending("web", 8), 5)
	got := map[string]int{}
	for _, p := range plan.Placements {
		got[p.Node[:4]]++ // zone and rack
	}
	// Zones 4/4; in a, racks 2/2 although r1 has three nodes and r2 one.
	want := map[string]int{"a-r1": 2, "a-r2": 2, "b-r1": 4}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("placements per zone and rack = %v, want %v", got, want)
			break
		}
	}
	// Swapping the preferences changes the split: racks first (r1 over two
	// zones, r2 in a only), then zones within r1.
	svc.Preferences = []string{"node.labels.rack", "node.labels.zone"}
	plan = Schedule(nodes, []Service{svc}, pending("web", 8), 5)
	got = map[string]int{}
	for _, p := range plan.Placements {
		got[p.Node[:4]]++
	}
	want = map[string]int{"a-r1": 2, "b-r1": 2, "a-r2": 4}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("racks first: placements = %v, want %v", got, want)
			break
		}
	}
}

func TestParseSpread(t *testing.T) {
	good := []struct{ in, want string }{
		{"spread=node.labels.zone", "node.labels.zone"},
		{"SPREAD = Node.Labels.Zone", "node.labels.Zone"},
		{"spread=engine.labels.rack", "engine.labels.rack"},
	}
	for _, tt := range good {
		if got, err := ParseSpread(tt.in); err != nil || got != tt.want {
			t.Errorf("ParseSpread(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
	bad := []struct{ in, mention string }{
		{"node.labels.zone", "spread=LABEL"},
		{"spread=", "spread=LABEL"},
		{"pack=node.labels.zone", `asks for "pack"`},
		{"spread=node.role", "node.labels.KEY or engine.labels.KEY"},
		{"spread=node.labels.", "node.labels.KEY"},
		{"spread=node.labels.my zone", "node.labels.KEY"},
	}
	for _, tt := range bad {
		_, err := ParseSpread(tt.in)
		if err == nil {
			t.Errorf("ParseSpread(%q) succeeded, want an error", tt.in)
			continue
		}
		checkSentence(t, err.Error())
		if !strings.Contains(err.Error(), tt.mention) || !strings.Contains(err.Error(), "like spread=node.labels.zone") {
			t.Errorf("ParseSpread(%q) error %q should mention %q and show how to write it", tt.in, err, tt.mention)
		}
	}
}

func engine(n Node, key, value string) Node {
	n.EngineLabels = map[string]string{key: value}
	return n
}

// hosts writes placements per node as "w1=1 w2=2", by node ID.
func hosts(p Plan) string {
	m := perNode(p)
	ids := make([]string, 0, len(m))
	for id := range m {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	var parts []string
	for _, id := range ids {
		parts = append(parts, id+"="+strconv.Itoa(m[id]))
	}
	return strings.Join(parts, " ")
}
