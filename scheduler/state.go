package scheduler

// state is the cluster as one Schedule call sees it: what every node holds
// now, counting the placements made so far in the call. Nodes and services
// are referred to by their index in the caller's slices.
type state struct {
	nodes    []Node
	services []Service

	byName   map[string]int32 // service name → index; the first of duplicates wins
	byID     map[string]int32 // node ID → index; built on first use, since a call with only new tasks never needs it
	lastName string           // tasks of one service tend to come together, so remember the last lookup
	lastIdx  int32
	lastOK   bool

	// Per node. Invariant: used and total include every running task and
	// every placement made so far in this call.
	used  []Resources
	total []int32

	// ports holds node<<32|port for every host-mode port in use; nil until
	// some task holding a host port is seen.
	ports map[uint64]struct{}

	// active lists, per service, the node of each of its running tasks and
	// of each preassigned task placed in this call (one entry per task), so
	// that count can be loaded for one service at a time.
	active [][]int32

	// count is, per node, the tasks of the one service being scheduled;
	// zero everywhere else. touched lists the nodes where it is not zero,
	// so that unloading costs what loading did rather than a pass over
	// every node.
	count   []int32
	touched []int32
}

func newState(nodes []Node, services []Service) *state {
	st := &state{
		nodes:    nodes,
		services: services,
		byName:   make(map[string]int32, len(services)),
		used:     make([]Resources, len(nodes)),
		total:    make([]int32, len(nodes)),
		count:    make([]int32, len(nodes)),
	}
	for i := range services {
		if _, dup := st.byName[services[i].Name]; !dup {
			st.byName[services[i].Name] = int32(i)
		}
	}
	return st
}

// service returns the index of the named service, or -1.
func (st *state) service(name string) int32 {
	if st.lastOK && name == st.lastName {
		return st.lastIdx
	}
	i, ok := st.byName[name]
	if !ok {
		i = -1
	}
	st.lastName, st.lastIdx, st.lastOK = name, i, true
	return i
}

// node returns the index of the node with this ID, or -1.
func (st *state) node(id string) int32 {
	if st.byID == nil {
		st.byID = make(map[string]int32, len(st.nodes))
		for i := range st.nodes {
			if _, dup := st.byID[st.nodes[i].ID]; !dup {
				st.byID[st.nodes[i].ID] = int32(i)
			}
		}
	}
	i, ok := st.byID[id]
	if !ok {
		return -1
	}
	return i
}

// hold records one task of service s (-1: unknown, so it reserves nothing
// and publishes no port) on node n. own, when set, is what the task holds
// by its own spec instead of its service's.
func (st *state) hold(n, s int32, own *Footprint) {
	st.total[n]++
	if s < 0 {
		return
	}
	svc := &st.services[s]
	reservation, ports := svc.Reservation, svc.HostPorts
	if own != nil {
		reservation, ports = own.Reservation, own.HostPorts
	}
	st.used[n] = st.used[n].plus(reservation)
	if len(ports) > 0 {
		if st.ports == nil {
			st.ports = make(map[uint64]struct{})
		}
		for _, p := range ports {
			st.ports[portKey(n, p)] = struct{}{}
		}
	}
}

func portKey(n int32, port uint32) uint64 { return uint64(uint32(n))<<32 | uint64(port) }

// load fills count with service s's tasks; unload clears it again.
func (st *state) load(s int32) {
	for _, n := range st.active[s] {
		st.bump(n)
	}
}

func (st *state) bump(n int32) {
	if st.count[n] == 0 {
		st.touched = append(st.touched, n)
	}
	st.count[n]++
}

func (st *state) unload() {
	for _, n := range st.touched {
		st.count[n] = 0
	}
	st.touched = st.touched[:0]
}

// place records a new task of the loaded service s on node n.
func (st *state) place(n, s int32) {
	st.hold(n, s, nil)
	st.bump(n)
}

// rank is the changing part of a node's place in the ranking: fewest tasks
// of the loaded service first, then fewest tasks in all.
func (st *state) rank(n int32) uint64 {
	return uint64(uint32(st.count[n]))<<32 | uint64(uint32(st.total[n]))
}

// reasons interns the reason texts of a call, so that thousands of tasks
// left pending for one reason share one string. Codes are negative, which
// is how outcomes tell them from placements.
type reasons struct {
	list  []string
	index map[string]int32
}

func (r *reasons) code(text string) int32 {
	if r.index == nil {
		r.index = make(map[string]int32)
	}
	c, ok := r.index[text]
	if !ok {
		r.list = append(r.list, text)
		c = -int32(len(r.list))
		r.index[text] = c
	}
	return c
}

func (r *reasons) text(code int32) string { return r.list[-code-1] }

// taskRef is a task's service and node, resolved once.
type taskRef struct{ svc, node int32 }

// work is one call's bookkeeping over its tasks.
type work struct {
	tasks []Task
	refs  []taskRef

	// outcome, per task: node index+1 once placed, a reason code (< 0)
	// once given up on, 0 for tasks that are not pending.
	outcome []int32
	why     reasons

	// The pending tasks, bucketed by service: the preassigned ones of
	// service s in bucket s, the ones the scheduler places itself in
	// bucket len(services)+s, each bucket in input order.
	order []int32
	start []int32 // bucket b is order[start[b]:start[b+1]]
}

func (w *work) bucket(b int32) []int32 { return w.order[w.start[b]:w.start[b+1]] }

func (st *state) schedule(tasks []Task, seed uint64) Plan {
	w := st.sort(tasks)
	p := newPipeline(st)
	st.confirm(w, p)
	st.search(w, p, seed)
	return w.plan(st)
}

// sort resolves every task once, records what the running ones hold, and
// buckets the pending ones with a counting sort, which keeps input order.
func (st *state) sort(tasks []Task) *work {
	ns := int32(len(st.services))
	w := &work{
		tasks:   tasks,
		refs:    make([]taskRef, len(tasks)),
		outcome: make([]int32, len(tasks)),
		start:   make([]int32, 2*ns+1),
	}
	held := make([]int32, ns) // room each service needs in active
	for i := range tasks {
		t := &tasks[i]
		s := st.service(t.Service)
		n := int32(-1)
		if t.Node != "" {
			n = st.node(t.Node)
		}
		w.refs[i] = taskRef{s, n}
		switch {
		case !t.Pending:
			if n >= 0 {
				st.hold(n, s, t.Own)
				if s >= 0 {
					held[s]++
				}
			}
		case s < 0:
			w.outcome[i] = w.why.code(notFound("service", t.Service))
		case t.Node != "" && n < 0:
			w.outcome[i] = w.why.code(notFound("node", t.Node))
		case n >= 0:
			w.start[s+1]++
			held[s]++ // a confirmed global task joins active
		default:
			w.start[ns+s+1]++
		}
	}
	for b := 1; b < len(w.start); b++ {
		w.start[b] += w.start[b-1]
	}

	// One array behind every service's active list, each with exactly the
	// room it can need, so that appending never copies.
	var room int32
	for _, h := range held {
		room += h
	}
	flat := make([]int32, room)
	st.active = make([][]int32, ns)
	room = 0
	for s, h := range held {
		st.active[s] = flat[room : room : room+h]
		room += h
	}

	w.order = make([]int32, w.start[2*ns])
	next := make([]int32, 2*ns)
	copy(next, w.start)
	for i, r := range w.refs {
		var b int32
		switch {
		case w.outcome[i] != 0 || r.svc < 0:
			continue
		case !tasks[i].Pending:
			if r.node >= 0 {
				st.active[r.svc] = append(st.active[r.svc], r.node)
			}
			continue
		case r.node >= 0:
			b = r.svc
		default:
			b = ns + r.svc
		}
		w.order[next[b]] = int32(i)
		next[b]++
	}
	return w
}

// confirm handles the preassigned tasks. The global orchestrator has
// chosen their node, so the scheduler only confirms it or says why not,
// with the bare clause for one node as swarmkit does ("1 node not
// available for new tasks"), not the "no suitable node (...)" of a search.
func (st *state) confirm(w *work, p *pipeline) {
	var clause [numFilters]int32 // a clause for one node is the same for every service
	for s := range int32(len(st.services)) {
		bucket := w.bucket(s)
		if len(bucket) == 0 {
			continue
		}
		st.load(s)
		p.set(&st.services[s])
		for _, i := range bucket {
			n := w.refs[i].node
			if f := p.first(n); f >= 0 {
				if clause[f] == 0 {
					clause[f] = w.why.code(p.filters[f].explain(1))
				}
				w.outcome[i] = clause[f]
				continue
			}
			st.place(n, s)
			st.active[s] = append(st.active[s], n)
			w.outcome[i] = n + 1
		}
		st.unload()
	}
}

// search places the tasks whose node the scheduler chooses, service by
// service.
func (st *state) search(w *work, p *pipeline, seed uint64) {
	ns := int32(len(st.services))
	var pk picker
	for s := range ns {
		bucket := w.bucket(ns + s)
		if len(bucket) == 0 {
			continue
		}
		svc := &st.services[s]
		st.load(s)
		p.set(svc)
		pk.build(st, p, svc, seed)
		for k, i := range bucket {
			n := pk.next(p)
			if n < 0 {
				// Every later task of this service would fail the same
				// way: placements only ever take capacity away.
				c := w.why.code(st.noSuitableNode(p))
				for _, j := range bucket[k:] {
					w.outcome[j] = c
				}
				break
			}
			st.place(n, s)
			pk.placed(st.rank(n))
			w.outcome[i] = n + 1
		}
		st.unload()
	}
}

func (w *work) plan(st *state) Plan {
	var plan Plan
	placed, pending := 0, 0
	for _, o := range w.outcome {
		if o > 0 {
			placed++
		} else if o < 0 {
			pending++
		}
	}
	if placed > 0 {
		plan.Placements = make([]Placement, 0, placed)
	}
	if pending > 0 {
		plan.Pending = make([]Unplaced, 0, pending)
	}
	for i, o := range w.outcome {
		switch {
		case o > 0:
			plan.Placements = append(plan.Placements, Placement{Task: w.tasks[i].ID, Node: st.nodes[o-1].ID})
		case o < 0:
			plan.Pending = append(plan.Pending, Unplaced{Task: w.tasks[i].ID, Reason: w.why.text(o)})
		}
	}
	return plan
}

// noSuitableNode is Docker's reason for a task that no node can take now,
// counting each node under the first filter it fails.
func (st *state) noSuitableNode(p *pipeline) string {
	var counts [numFilters]int
	for n := range int32(len(st.nodes)) {
		if f := p.first(n); f >= 0 {
			counts[f]++
		}
	}
	if c := p.clauses(&counts); c != "" {
		return "no suitable node (" + c + ")"
	}
	// swarmkit's words when it has nothing to explain, as with no nodes.
	return "no suitable node"
}
