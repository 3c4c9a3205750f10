package scheduler

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"testing"
)

// TestAgainstReference compares Schedule with the slowest scheduler that
// could be right: every filter on every node for every task, groups
// recounted from scratch each time. The filters themselves are shared
// (TestFilters pins them); what this checks is everything Schedule does to
// avoid that work: filtering once per service, the heaps, re-checking only
// the popped node, dropping exhausted groups, the counts in the tree.
func TestAgainstReference(t *testing.T) {
	for i := range 3000 {
		r := rand.New(rand.NewPCG(uint64(i), 42))
		nodes, services, tasks := randomCluster(r)
		seed := r.Uint64()
		got := Schedule(nodes, services, tasks, seed)
		want := reference(nodes, services, tasks, seed)
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("case %d differs from the reference\nnodes    %+v\nservices %+v\ntasks    %+v\n got  %+v\n want %+v",
				i, nodes, services, tasks, got, want)
		}
	}
}

func randomCluster(r *rand.Rand) ([]Node, []Service, []Task) {
	pick := func(xs ...string) string { return xs[r.IntN(len(xs))] }
	nodes := make([]Node, r.IntN(12))
	for i := range nodes {
		n := node(fmt.Sprintf("n%d", i))
		n.Ready = r.IntN(8) > 0
		n.Availability = Availability(pick("active", "active", "active", "pause", "drain"))
		n.Role = pick(Worker, Worker, Manager)
		n.Capacity = Resources{int64(r.IntN(5)) * cpu, int64(r.IntN(5)) * gib}
		n.Labels = map[string]string{}
		if z := pick("a", "b", "c", ""); z != "" || r.IntN(2) == 0 {
			n.Labels["zone"] = z
		}
		if rk := pick("r1", "r2", "-"); rk != "-" {
			n.Labels["rack"] = rk
		}
		if r.IntN(3) == 0 { // failures around the MaxFailures line
			n.RecentFailures = map[string]int{}
			for range 1 + r.IntN(3) {
				n.RecentFailures[fmt.Sprintf("s%d", r.IntN(4))] = MaxFailures - 2 + r.IntN(5)
			}
		}
		nodes[i] = n
	}
	services := make([]Service, 1+r.IntN(4))
	for i := range services {
		s := Service{Name: fmt.Sprintf("s%d", i)}
		switch r.IntN(4) {
		case 1:
			s.Preferences = []string{"node.labels.zone"}
		case 2:
			s.Preferences = []string{"node.labels.zone", "node.labels.rack"}
		case 3:
			s.Preferences = []string{"node.labels.rack", "node.role"}
		}
		for range r.IntN(3) {
			c, _ := ParseConstraint(pick("node.role==worker", "node.role!=worker", "node.labels.zone!=c", "node.labels.rack==r1", "node.platform.os==linux"))
			s.Constraints = append(s.Constraints, c)
		}
		if r.IntN(2) == 0 {
			s.Reservation = Resources{int64(r.IntN(3)) * cpu / 2, int64(r.IntN(3)) * gib / 2}
		}
		if r.IntN(3) == 0 {
			s.MaxReplicas = 1 + r.IntN(3)
		}
		if r.IntN(4) == 0 {
			s.HostPorts = []uint32{uint32(80 + r.IntN(2))}
		}
		services[i] = s
	}
	var tasks []Task
	for i := range r.IntN(40) {
		t := Task{ID: fmt.Sprintf("t%d", i), Service: fmt.Sprintf("s%d", r.IntN(len(services)+1))}
		switch r.IntN(4) {
		case 0: // running
			t.Node = fmt.Sprintf("n%d", r.IntN(len(nodes)+1))
		case 1: // preassigned
			t.Node = fmt.Sprintf("n%d", r.IntN(len(nodes)+1))
			t.Pending = true
		default:
			t.Pending = true
		}
		tasks = append(tasks, t)
	}
	return nodes, services, tasks
}

func reference(nodes []Node, services []Service, tasks []Task, seed uint64) Plan {
	st := newState(nodes, services)
	p := newPipeline(st)
	cnt := make([][]int32, len(services)) // per service, per node
	for s := range cnt {
		cnt[s] = make([]int32, len(nodes))
	}
	use := func(s int32) {
		copy(st.count, cnt[s])
		p.set(&services[s])
	}
	place := func(n, s int32) {
		st.hold(n, s, nil)
		cnt[s][n]++
		st.count[n]++
	}
	for _, t := range tasks {
		if !t.Pending && t.Node != "" {
			if n := st.node(t.Node); n >= 0 {
				s := st.service(t.Service)
				st.hold(n, s, t.Own)
				if s >= 0 {
					cnt[s][n]++
				}
			}
		}
	}

	outcome := make([]string, len(tasks)) // "@node" when placed
	for i, t := range tasks {
		switch {
		case !t.Pending:
		case st.service(t.Service) < 0:
			outcome[i] = notFound("service", t.Service)
		case t.Node != "" && st.node(t.Node) < 0:
			outcome[i] = notFound("node", t.Node)
		}
	}
	for s := range int32(len(services)) {
		use(s)
		for i, t := range tasks {
			if !t.Pending || t.Node == "" || outcome[i] != "" || st.service(t.Service) != s {
				continue
			}
			n := st.node(t.Node)
			if f := p.first(n); f >= 0 {
				outcome[i] = p.filters[f].explain(1)
				continue
			}
			place(n, s)
			outcome[i] = "@" + t.Node
		}
	}

	for s := range int32(len(services)) {
		svc := &services[s]
		use(s)
		var keys []spreadKey
		for _, d := range svc.Preferences {
			if k, ok := parseDescriptor(d); ok {
				keys = append(keys, k)
			}
		}
		var start []int32 // passed every filter when the service began
		for n := range int32(len(nodes)) {
			if p.first(n) < 0 {
				start = append(start, n)
			}
		}
		key := serviceKey(seed, svc.Name)
		reason := ""
		for i, t := range tasks {
			if !t.Pending || t.Node != "" || outcome[i] != "" || st.service(t.Service) != s {
				continue
			}
			if reason != "" {
				outcome[i] = reason
				continue
			}
			var cands []int32
			for _, n := range start {
				if p.first(n) < 0 {
					cands = append(cands, n)
				}
			}
			if len(cands) == 0 {
				reason = st.noSuitableNode(p)
				outcome[i] = reason
				continue
			}
			// Descend level by level into the group with the fewest tasks
			// of the service on any of its nodes, ties in label order.
			var path []string
			for l, k := range keys {
				inGroup := func(n int32, v string) bool {
					for j := range l {
						if keys[j].value(&nodes[n]) != path[j] {
							return false
						}
					}
					return k.value(&nodes[n]) == v
				}
				best, bestCount := "", int32(-1)
				for _, c := range cands {
					v := k.value(&nodes[c])
					var total int32
					for n := range int32(len(nodes)) {
						if inGroup(n, v) {
							total += cnt[s][n]
						}
					}
					if bestCount < 0 || total < bestCount || total == bestCount && compareValues(v, best) < 0 {
						best, bestCount = v, total
					}
				}
				path = append(path, best)
				var kept []int32
				for _, c := range cands {
					if k.value(&nodes[c]) == best {
						kept = append(kept, c)
					}
				}
				cands = kept
			}
			// Within the group: a node the service keeps failing on after
			// every other (fewer failures first among those), then the
			// ranking.
			best := cands[0]
			for _, c := range cands[1:] {
				pc, pb := failing(nodes[c], svc.Name), failing(nodes[best], svc.Name)
				a := newSlot(st.rank(c), mix(hashString(nodes[c].ID)^key), c)
				b := newSlot(st.rank(best), mix(hashString(nodes[best].ID)^key), best)
				if pc < pb || pc == pb && a.less(&b) {
					best = c
				}
			}
			place(best, s)
			outcome[i] = "@" + nodes[best].ID
		}
	}

	var plan Plan
	for i, o := range outcome {
		switch {
		case o == "":
		case o[0] == '@':
			plan.Placements = append(plan.Placements, Placement{tasks[i].ID, o[1:]})
		default:
			plan.Pending = append(plan.Pending, Unplaced{tasks[i].ID, o})
		}
	}
	return plan
}

// failing is swarmkit's nodeLess on failures alone, written out again
// rather than shared with the code under test: the count when it reaches
// MaxFailures, else 0.
func failing(n Node, service string) int {
	if f := n.RecentFailures[service]; f >= MaxFailures {
		return f
	}
	return 0
}
