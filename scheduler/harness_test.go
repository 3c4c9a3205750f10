package scheduler

import (
	"fmt"
	"slices"
	"strings"
	"testing"
)

// The harness reads like Nomad's scheduler tests: given these nodes, these
// services and these tasks, expect this plan. Builders keep each case to a
// few lines; everything not said is the unremarkable default.

const (
	cpu = 1_000_000_000 // one CPU in NanoCPUs
	gib = 1 << 30
)

// node is a ready, active worker with 4 CPUs and 8 GiB unless opts say
// otherwise.
func node(id string, opts ...func(*Node)) Node {
	n := Node{
		ID: id, Hostname: id, Role: Worker, Ready: true, Availability: Active,
		OS: "linux", Arch: "amd64", Capacity: Resources{4 * cpu, 8 * gib},
	}
	for _, o := range opts {
		o(&n)
	}
	return n
}

func down(n *Node)    { n.Ready = false }
func manager(n *Node) { n.Role = Manager }

func availability(a Availability) func(*Node) { return func(n *Node) { n.Availability = a } }
func capacity(cpus, gibs int64) func(*Node) {
	return func(n *Node) { n.Capacity = Resources{cpus * cpu, gibs * gib} }
}

func label(key, value string) func(*Node) {
	return func(n *Node) {
		if n.Labels == nil {
			n.Labels = map[string]string{}
		}
		n.Labels[key] = value
	}
}

func zone(z string) func(*Node) { return label("zone", z) }

// zoned is count nodes per zone, named <zone><i>: zoned(2, "a", "b") is
// a1 a2 b1 b2.
func zoned(count int, zones ...string) []Node {
	var ns []Node
	for _, z := range zones {
		for i := 1; i <= count; i++ {
			ns = append(ns, node(fmt.Sprintf("%s%d", z, i), zone(z)))
		}
	}
	return ns
}

// pending is n new tasks of svc, IDs svc.1 … svc.n.
func pending(svc string, n int) []Task {
	ts := make([]Task, n)
	for i := range ts {
		ts[i] = Task{ID: fmt.Sprintf("%s.%d", svc, i+1), Service: svc, Pending: true}
	}
	return ts
}

// running is n tasks of svc already on node, IDs svc@node.1 … .
func running(svc, on string, n int) []Task {
	ts := make([]Task, n)
	for i := range ts {
		ts[i] = Task{ID: fmt.Sprintf("%s@%s.%d", svc, on, i+1), Service: svc, Node: on}
	}
	return ts
}

func tasksOf(groups ...[]Task) []Task { return slices.Concat(groups...) }

func constraints(t testing.TB, specs ...string) []Constraint {
	t.Helper()
	cs := make([]Constraint, len(specs))
	for i, s := range specs {
		c, err := ParseConstraint(s)
		if err != nil {
			t.Fatalf("ParseConstraint(%q): %v", s, err)
		}
		cs[i] = c
	}
	return cs
}

// perNode counts placements by node.
func perNode(p Plan) map[string]int {
	m := map[string]int{}
	for _, pl := range p.Placements {
		m[pl.Node]++
	}
	return m
}

// perLabel counts placements by the nodes' value of label ("-" for nodes
// without it), written "a=3 b=2 c=2" in value order for readable failures.
func perLabel(p Plan, nodes []Node, key string) string {
	val := map[string]string{}
	for _, n := range nodes {
		v, ok := n.Labels[key]
		if !ok {
			v = "-"
		}
		val[n.ID] = v
	}
	m := map[string]int{}
	for _, pl := range p.Placements {
		m[val[pl.Node]]++
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	var b strings.Builder
	for i, k := range keys {
		if i > 0 {
			b.WriteByte(' ')
		}
		fmt.Fprintf(&b, "%s=%d", k, m[k])
	}
	return b.String()
}

// reasons lists the distinct reasons of a plan's pending tasks, in order
// of first appearance.
func pendingReasons(p Plan) []string {
	var rs []string
	for _, u := range p.Pending {
		if !slices.Contains(rs, u.Reason) {
			rs = append(rs, u.Reason)
		}
	}
	return rs
}
