package cluster

import (
	"slices"
	"strconv"
	"time"

	"github.com/swarmsim/swarmsim/scheduler"
)

// place runs package scheduler over the tasks that need a node: the ones
// this batch creates, and the pending ones when something changed that may
// let them in (a node, a service, a task that freed its resources). A
// pending task is not looked at again until then, so a task no node can
// take costs nothing while the swarm stands still.
func (l *leader) place(b *batch) {
	s := l.s
	if len(b.creates) == 0 && (len(l.pending) == 0 || !l.schedule) {
		return
	}
	l.schedule = false

	var nodes []scheduler.Node
	for _, name := range s.NodeNames() {
		n := schedNode(s.Nodes[name])
		n.RecentFailures = l.failures.counts(name, l.c.now)
		nodes = append(nodes, n)
	}
	var services []scheduler.Service
	for _, name := range s.ServiceNames() {
		services = append(services, l.schedService(s.Services[name]))
	}
	pending := sortedTaskIDs(l.pending)
	tasks := make([]scheduler.Task, 0, len(s.Tasks)+len(b.creates))
	var own owned
	for _, t := range s.TaskList() {
		if t.Active() && t.State != TaskPending && !b.stopped[t.ID] && t.Node != "" {
			tasks = append(tasks, scheduler.Task{ID: t.ID, Service: t.Service, Node: t.Node, Own: own.of(l, t)})
		}
	}
	for _, id := range pending {
		if t := s.Tasks[id]; t != nil && !b.stopped[id] {
			tasks = append(tasks, scheduler.Task{ID: id, Service: t.Service, Node: t.Node, Pending: true})
		}
	}
	for i, ct := range b.creates {
		tasks = append(tasks, scheduler.Task{ID: newTaskID(i), Service: ct.Service, Node: ct.Node, Pending: true})
	}
	plan := scheduler.Schedule(nodes, services, tasks, l.c.schedSeed)

	where := make(map[string]string, len(plan.Placements))
	for _, p := range plan.Placements {
		where[p.Task] = p.Node
	}
	why := make(map[string]string, len(plan.Pending))
	for _, u := range plan.Pending {
		why[u.Task] = u.Reason
	}
	for _, id := range pending {
		t := s.Tasks[id]
		if t == nil || b.stopped[id] {
			continue
		}
		if node, ok := where[id]; ok {
			b.add(&assignTask{Task: id, Node: node})
		} else if why[id] != t.Reason {
			b.add(&pendingReason{Task: id, Reason: why[id]})
		}
	}
	for i, ct := range b.creates {
		id := newTaskID(i)
		if node, ok := where[id]; ok {
			ct.Node = node
		} else {
			ct.Pending, ct.Reason = true, why[id]
		}
		b.add(ct)
	}
}

// failureHistory is when each service's tasks failed on each node, for
// the scheduler's penalty: swarmkit's scheduler keeps the same history in
// the leader's memory (nodeInfo.recentFailures) and puts last the nodes
// where a service failed MaxFailures times within FailureWindow.
type failureHistory map[string]map[string][]time.Duration // node → service → times

// record notes a failure of a task the scheduler placed. A global task
// goes to its own node whatever the penalty, so it is not counted.
func (h failureHistory) record(t *Task, at time.Duration) {
	if t.Slot == 0 || t.Node == "" {
		return
	}
	bySvc := h[t.Node]
	if bySvc == nil {
		bySvc = map[string][]time.Duration{}
		h[t.Node] = bySvc
	}
	bySvc[t.Service] = append(bySvc[t.Service], at)
}

// forget drops a service's history: after an update its failures count
// from zero, as swarmkit keys them by spec version.
func (h failureHistory) forget(service string) {
	for _, bySvc := range h {
		delete(bySvc, service)
	}
}

// counts returns a node's recent failures per service, dropping those too
// old to count again; nil when there are none.
func (h failureHistory) counts(node string, now time.Duration) map[string]int {
	bySvc := h[node]
	if len(bySvc) == 0 {
		return nil
	}
	out := map[string]int{}
	for svc, times := range bySvc {
		i := 0
		for i < len(times) && now-times[i] > scheduler.FailureWindow {
			i++
		}
		bySvc[svc] = times[i:]
		if len(times) == i {
			delete(bySvc, svc)
			continue
		}
		out[svc] = scheduler.CountRecentFailures(times[i:], now)
	}
	return out
}

func newTaskID(i int) string { return "new:" + strconv.Itoa(i) }

func schedNode(rec *NodeRecord) scheduler.Node {
	return scheduler.Node{
		ID:           rec.Name,
		Hostname:     rec.Name,
		Role:         rec.Role,
		Ready:        rec.Status == NodeReady,
		Availability: scheduler.Availability(rec.Availability),
		Labels:       rec.Labels,
		EngineLabels: rec.EngineLabels,
		DockerID:     rec.ID,
		OS:           rec.OS,
		Arch:         rec.Arch,
		Capacity:     scheduler.Resources{NanoCPUs: rec.NanoCPUs, MemoryBytes: rec.MemoryBytes},
	}
}

func (l *leader) schedService(spec *ServiceSpec) scheduler.Service {
	return scheduler.Service{
		Name:        spec.Name,
		Mode:        scheduler.Mode(spec.Mode),
		Constraints: constraintsOf(spec),
		Preferences: spec.Preferences,
		Reservation: scheduler.Resources{NanoCPUs: spec.NanoCPUs, MemoryBytes: spec.MemoryBytes},
		MaxReplicas: spec.MaxReplicas,
		HostPorts:   hostPorts(spec),
	}
}

// hostPorts are a spec's host-mode ports for the scheduler, each with its
// protocol (scheduler.HostPort); one in HostPorts that Ports does not
// describe is tcp.
func hostPorts(spec *ServiceSpec) []uint32 {
	var out []uint32
	for _, p := range spec.Ports {
		if p.Mode == PublishHost {
			out = append(out, scheduler.HostPort(p.Published, p.Protocol))
		}
	}
	for _, p := range spec.HostPorts {
		if !slices.ContainsFunc(spec.Ports, func(c PortConfig) bool { return c.Mode == PublishHost && c.Published == p }) {
			out = append(out, p)
		}
	}
	return out
}

// owned finds what a placed task holds by its own spec, when that is not
// its service's current one. Tasks come grouped by service, so it keeps
// the last service's hashes and footprint.
type owned struct {
	service       string
	hash, prevOld uint64 // the current spec's hash; the previous spec's, 0 when none
	prev          *scheduler.Footprint
}

// of is nil when t runs its service's current spec (or one the store no
// longer keeps).
func (o *owned) of(l *leader, t *Task) *scheduler.Footprint {
	if t.Service != o.service || o.service == "" {
		*o = owned{service: t.Service}
		if spec := l.s.Services[t.Service]; spec != nil {
			o.hash = l.hashOf(spec)
			if prev := l.s.Previous[t.Service]; prev != nil {
				o.prevOld = l.hashOf(prev)
				o.prev = &scheduler.Footprint{
					Reservation: scheduler.Resources{NanoCPUs: prev.NanoCPUs, MemoryBytes: prev.MemoryBytes},
					HostPorts:   hostPorts(prev),
				}
			}
		}
	}
	if t.Hash == o.hash || o.prev == nil || t.Hash != o.prevOld {
		return nil
	}
	return o.prev
}

// constraintsOf parses a spec's constraints; they were validated when the
// service was created, so a parse error cannot happen here.
func constraintsOf(spec *ServiceSpec) []scheduler.Constraint {
	var out []scheduler.Constraint
	for _, s := range spec.Constraints {
		if k, err := scheduler.ParseConstraint(s); err == nil {
			out = append(out, k)
		}
	}
	return out
}

// matches reports whether a node satisfies a service's constraints.
func matches(spec *ServiceSpec, rec *NodeRecord) bool {
	if len(spec.Constraints) == 0 {
		return true
	}
	n := schedNode(rec)
	return !slices.ContainsFunc(constraintsOf(spec), func(k scheduler.Constraint) bool { return !k.Match(n) })
}
