package cluster

import (
	"strconv"

	"github.com/swarmsim/swarmsim/scheduler"
)

// Reasons the orchestrator writes on tasks it ends.
const (
	reasonNodeDown   = "its node is down"
	reasonDrained    = "its node was drained"
	reasonScaledDown = "the service was scaled down"
	reasonLost       = "the node restarted and no longer runs it"
	reasonNoMatch    = "its node no longer satisfies the service's constraints"
	reasonMissed     = "no heartbeat for 15s"
)

// newTask is a task the orchestrator wants to create.
type newTask struct {
	service  string
	slot     int    // replicated
	node     string // global: the node it is for
	replaces string // the node of the task it replaces
}

// reconcile is one pass of the leader's dispatcher and orchestrators over its
// own store: it returns the ops that would bring the desired state in line
// with what the nodes report. It changes nothing in the store: only Raft
// does. It does change the nodes themselves (a reachable node starts the
// tasks committed to it and stops those no longer wanted), since that is
// what the dispatcher tells them.
func (c *Cluster) reconcile(m *manager) []op {
	s := m.store
	var ops []op

	// The dispatcher: nodes that went silent, nodes that came back.
	sc := &c.scratch
	clear(sc.status)
	clear(sc.live)
	clear(sc.replaced)
	for _, name := range s.NodeNames() {
		rec := s.Nodes[name]
		seen, ok := m.lastSeen[name]
		if !ok || name == m.node.name {
			seen, m.lastSeen[name] = c.now, c.now
		}
		switch {
		case rec.Status == NodeReady && c.now-seen > HeartbeatGrace:
			ops = append(ops, op{Kind: opNodeStatus, Node: name, Value: NodeDown, Reason: reasonMissed})
			sc.status[name] = NodeDown
		case rec.Status == NodeDown && c.now-seen < HeartbeatPeriod:
			ops = append(ops, op{Kind: opNodeStatus, Node: name, Value: NodeReady})
			sc.status[name] = NodeReady
		}
	}
	ready := func(name string) bool {
		if st, ok := sc.status[name]; ok {
			return st == NodeReady
		}
		rec := s.Nodes[name]
		return rec != nil && rec.Status == NodeReady
	}

	// The nodes' reports and the orchestrators' fixes for existing tasks.
	// sc.live holds the tasks still meant to run after this pass, by slot
	// (replicated) or by node (global).
	var placed, pending []*Task
	for _, t := range s.TaskList() {
		spec := s.Services[t.Service]
		n, _ := c.node(t.Node)
		reachable := n != nil && c.linked(m.node, n)
		if !t.Active() {
			if reachable && n.running[t.ID] {
				delete(n.running, t.ID)
				if t.State == TaskRunning || t.State == TaskAssigned {
					ops = append(ops, op{Kind: opTaskState, Task: t.ID, Value: TaskShutdown, Reason: t.Reason})
				}
			}
			continue
		}
		stop := func(state, reason string) {
			ops = append(ops, op{Kind: opTaskShutdown, Task: t.ID, Value: state, Reason: reason})
			if t.Slot > 0 {
				sc.replaced[t.slotKey()] = t.Node
			}
		}
		rec := s.Nodes[t.Node]
		switch {
		case t.State == TaskPending:
			pending = append(pending, t)
		case rec == nil:
			stop(TaskOrphaned, reasonNodeDown)
			continue
		case !ready(t.Node):
			if spec.Mode == ModeReplicated {
				stop(TaskOrphaned, reasonNodeDown)
				continue
			}
			// A global task stays with its node, dead or alive.
		case rec.Availability == Drain:
			stop(TaskShutdown, reasonDrained)
			continue
		case spec.Mode == ModeGlobal && !c.matches(spec, rec):
			stop(TaskShutdown, reasonNoMatch)
			continue
		case reachable && t.State == TaskAssigned:
			n.running[t.ID] = true
			ops = append(ops, op{Kind: opTaskState, Task: t.ID, Value: TaskRunning})
		case reachable && t.State == TaskRunning && !n.running[t.ID]:
			stop(TaskFailed, reasonLost)
			continue
		}
		if t.State != TaskPending {
			placed = append(placed, t)
		}
		sc.live[t.slotKey()] = t
	}

	// The orchestrators: the tasks each service is missing or has too many of.
	var wanted []newTask
	for _, name := range s.ServiceNames() {
		spec := s.Services[name]
		if spec.Mode == ModeGlobal {
			for _, nodeName := range s.NodeNames() {
				rec := s.Nodes[nodeName]
				if ready(nodeName) && rec.Availability != Drain && sc.live[slotKeyFor(name, 0, nodeName)] == nil && c.matches(spec, rec) {
					wanted = append(wanted, newTask{service: name, node: nodeName})
				}
			}
			continue
		}
		for slot := 1; slot <= spec.Replicas; slot++ {
			key := slotKeyFor(name, slot, "")
			if sc.live[key] == nil {
				wanted = append(wanted, newTask{service: name, slot: slot, replaces: sc.replaced[key]})
			}
		}
	}
	// Scaling down stops the highest slots; placed is in slot order.
	for _, t := range placed {
		if spec := s.Services[t.Service]; t.Slot > spec.Replicas && spec.Mode == ModeReplicated && sc.live[t.slotKey()] == t {
			ops = append(ops, op{Kind: opTaskShutdown, Task: t.ID, Value: TaskShutdown, Reason: reasonScaledDown})
		}
	}
	for _, t := range pending {
		if spec := s.Services[t.Service]; t.Slot > spec.Replicas && spec.Mode == ModeReplicated {
			ops = append(ops, op{Kind: opTaskShutdown, Task: t.ID, Value: TaskShutdown, Reason: reasonScaledDown})
		}
	}
	if len(wanted) == 0 && len(pending) == 0 {
		return ops
	}
	return append(ops, c.place(s, ready, placed, pending, wanted)...)
}

// place runs the scheduler over the tasks waiting for a node.
func (c *Cluster) place(s *Store, ready func(string) bool, placed, pending []*Task, wanted []newTask) []op {
	var nodes []scheduler.Node
	for _, name := range s.NodeNames() {
		nodes = append(nodes, c.schedNode(s.Nodes[name], ready(name)))
	}
	var services []scheduler.Service
	for _, name := range s.ServiceNames() {
		services = append(services, c.schedService(s.Services[name]))
	}
	tasks := make([]scheduler.Task, 0, len(placed)+len(pending)+len(wanted))
	for _, t := range placed {
		tasks = append(tasks, scheduler.Task{ID: t.ID, Service: t.Service, Node: t.Node})
	}
	for _, t := range pending {
		tasks = append(tasks, scheduler.Task{ID: t.ID, Service: t.Service, Node: t.Node, Pending: true})
	}
	for i, w := range wanted {
		tasks = append(tasks, scheduler.Task{ID: "new:" + strconv.Itoa(i), Service: w.service, Node: w.node, Pending: true})
	}
	plan := scheduler.Schedule(nodes, services, tasks, c.schedSeed)

	where := map[string]string{}
	for _, p := range plan.Placements {
		where[p.Task] = p.Node
	}
	why := map[string]string{}
	for _, u := range plan.Pending {
		why[u.Task] = u.Reason
	}
	var ops []op
	for _, t := range pending {
		if node, ok := where[t.ID]; ok {
			ops = append(ops, op{Kind: opTaskAssign, Task: t.ID, Node: node})
		} else if why[t.ID] != t.Reason {
			ops = append(ops, op{Kind: opTaskReason, Task: t.ID, Reason: why[t.ID]})
		}
	}
	for i, w := range wanted {
		id := "new:" + strconv.Itoa(i)
		o := op{Kind: opTaskCreate, Service: w.service, Slot: w.slot, Node: w.node, Version: s.Versions[w.service], Replaces: w.replaces}
		if node, ok := where[id]; ok {
			o.Node = node
		} else {
			o.Value, o.Reason = TaskPending, why[id]
		}
		ops = append(ops, o)
	}
	return ops
}

func (c *Cluster) schedNode(rec *NodeRecord, ready bool) scheduler.Node {
	return scheduler.Node{
		ID:           rec.Name,
		Hostname:     rec.Name,
		Role:         rec.Role,
		Ready:        ready,
		Availability: scheduler.Availability(rec.Availability),
		Labels:       rec.Labels,
		OS:           "linux",
		Arch:         "x86_64",
		Capacity:     scheduler.Resources{NanoCPUs: rec.NanoCPUs, MemoryBytes: rec.MemoryBytes},
	}
}

func (c *Cluster) schedService(spec *ServiceSpec) scheduler.Service {
	return scheduler.Service{
		Name:        spec.Name,
		Mode:        scheduler.Mode(spec.Mode),
		Constraints: c.constraints(spec),
		Preferences: spec.Preferences,
		Reservation: scheduler.Resources{NanoCPUs: spec.NanoCPUs, MemoryBytes: spec.MemoryBytes},
		MaxReplicas: spec.MaxReplicas,
	}
}

// constraints parses a spec's constraints; they were validated when the
// service was created, so a parse error cannot happen here.
func (c *Cluster) constraints(spec *ServiceSpec) []scheduler.Constraint {
	var out []scheduler.Constraint
	for _, s := range spec.Constraints {
		if k, err := scheduler.ParseConstraint(s); err == nil {
			out = append(out, k)
		}
	}
	return out
}

// matches reports whether a node satisfies a service's constraints, which
// decides where a global service wants a task.
func (c *Cluster) matches(spec *ServiceSpec, rec *NodeRecord) bool {
	if len(spec.Constraints) == 0 {
		return true
	}
	n := c.schedNode(rec, true)
	for _, k := range c.constraints(spec) {
		if !k.Match(n) {
			return false
		}
	}
	return true
}

// scratch is reconcile's working memory, kept between passes so a pass
// allocates little. Only one pass runs at a time.
type scratch struct {
	status   map[string]string  // node → status this pass decided
	live     map[slotKey]*Task  // slot or node → task still meant to run
	replaced map[slotKey]string // slot → node of the task being replaced
}

func newScratch() scratch {
	return scratch{status: map[string]string{}, live: map[slotKey]*Task{}, replaced: map[slotKey]string{}}
}
