// Package placement is the leader's glue to package scheduler, as
// swarmkit's manager/scheduler is: it keeps the tasks that wait for a node,
// the recent failures of each service on each node (the scheduler's
// penalty), and in each flush turns the scheduler's plan into store
// actions.
//
// # Using it
//
//	p := placement.New(store, hashes, seed, now)
//	store.Watch(...)            // the leader forwards store events:
//	p.TaskChanged(t)            // a task became pending, failed or went
//	p.ServiceChanged("web")     // a spec changed: failures count afresh
//	p.NodeChanged("w2")         // a node changed: pending tasks may fit
//	p.Place(batch)              // last in a flush: place what the batch creates
//
// A pending task is not looked at again until something changed that may
// let it in (a node, a service, a task that freed its resources), so a
// task no node can take costs nothing while the swarm stands still.
//
// Matches tells whether a node satisfies a service's constraints; the
// orchestrators, the updater and the constraint enforcer ask it too.
package placement

import (
	"slices"
	"strconv"
	"time"

	"github.com/swarmsim/swarmsim/cluster/state"
	"github.com/swarmsim/swarmsim/internal/fault"
	"github.com/swarmsim/swarmsim/scheduler"
)

// Placer places tasks for one leader. It is dropped with leadership, as
// swarmkit's scheduler is, and a new leader's placer starts from the
// store.
type Placer struct {
	s      *state.Store
	hashes state.Hashes
	seed   uint64
	now    func() time.Duration

	pending  map[string]bool // tasks waiting for a node
	schedule bool            // something changed that may let a pending task be placed
	failures FailureHistory
	specs    map[string]uint64 // each service's task hash as the failure history knows it

	// Scanning is set while a new leader takes in the whole store: a
	// failure it finds there is old, and not counted again.
	Scanning bool
}

// New returns a placer over s. hashes is the leader's cache of spec
// hashes, seed the scheduler's tie-breaks, now the simulation's clock.
func New(s *state.Store, hashes state.Hashes, seed uint64, now func() time.Duration) *Placer {
	return &Placer{s: s, hashes: hashes, seed: seed, now: now,
		pending: map[string]bool{}, failures: FailureHistory{}, specs: map[string]uint64{}, schedule: true}
}

// ServiceChanged hears that a service was created, changed or removed.
// A new spec's failures count from zero, as swarmkit keys them by spec
// version.
func (p *Placer) ServiceChanged(name string) {
	if h := p.hashes.OfService(p.s, name); h != p.specs[name] {
		p.failures.Forget(name)
		p.specs[name] = h
	}
	p.schedule = true
}

// NodeChanged hears that a node changed: a pending task may fit now.
func (p *Placer) NodeChanged(string) { p.schedule = true }

// Changed hears that something changed that may let a pending task in:
// a new leader looks at everything.
func (p *Placer) Changed() { p.schedule = true }

// TaskChanged hears that an applied entry touched a task.
func (p *Placer) TaskChanged(t *state.Task) {
	if !p.s.Tasks.Has(t) { // removed
		delete(p.pending, t.ID)
		p.schedule = true
		return
	}
	switch {
	case t.State == state.TaskPending && t.Active():
		p.pending[t.ID] = true
	case t.Active() && (t.State == state.TaskFailed || t.State == state.TaskRejected || t.State == state.TaskComplete):
		// swarmkit's scheduler.go updateTask counts only FAILED and
		// REJECTED toward the penalty: a container that exits 0 did not fail.
		if t.State != state.TaskComplete && !p.Scanning && t.Hash == p.hashes.OfService(p.s, t.Service) {
			p.failures.Record(t, p.now())
		}
		delete(p.pending, t.ID)
	default:
		delete(p.pending, t.ID)
	}
	if !t.Active() && len(p.pending) > 0 {
		p.schedule = true // it may have freed resources, a port or a replica limit
	}
}

// Place runs package scheduler over the tasks that need a node: the ones
// the batch creates, and the pending ones when something changed that may
// let them in.
func (p *Placer) Place(b *state.Batch) {
	s := p.s
	if len(b.Creates) == 0 && (len(p.pending) == 0 || !p.schedule) {
		return
	}
	p.schedule = false
	pending := state.SortedIDs(p.pending)
	tasks, stale := p.tasks(b, pending)
	plan := scheduler.Schedule(p.nodes(b.Now), p.services(stale), tasks, p.seed)

	out := outcomes{plan: plan}
	for _, id := range pending {
		t := s.Tasks.Get(id)
		if t == nil || b.Stopped.Has(id) {
			continue
		}
		if node, why := out.next(id); node != "" {
			b.Add(&state.AssignTask{Task: id, Node: node})
		} else if why != t.Reason {
			b.Add(&state.PendingReason{Task: id, Reason: why})
		}
	}
	for i, ct := range b.Creates {
		if node, why := out.next(newTaskID(i)); node != "" {
			ct.Node = node
		} else {
			ct.Pending, ct.Reason = true, why
		}
		b.Add(ct)
	}
}

// outcomes reads a plan task by task, in the order the pending tasks were
// given to the scheduler, which is the order of both its lists: a walk
// with two cursors instead of two maps of a hundred thousand IDs.
type outcomes struct {
	plan         scheduler.Plan
	placed, left int // the next entry of each list
}

// next is where the pending task id was placed, or why it was not.
func (o *outcomes) next(id string) (node, why string) {
	if p := o.plan.Placements; o.placed < len(p) && p[o.placed].Task == id {
		o.placed++
		return p[o.placed-1].Node, ""
	}
	if u := o.plan.Pending; o.left < len(u) && u[o.left].Task == id {
		o.left++
		return "", u[o.left-1].Reason
	}
	return "", ""
}

func (p *Placer) nodes(now time.Duration) []scheduler.Node {
	var nodes []scheduler.Node
	for _, name := range p.s.NodeNames() {
		n := Node(p.s.Nodes[name])
		n.RecentFailures = p.failures.Counts(name, now)
		nodes = append(nodes, n)
	}
	return nodes
}

// services lists the services as the scheduler sees them, and for each
// service in stale, its spec before the last update under a name of its
// own: the pending tasks that still run that spec are placed by it.
func (p *Placer) services(stale map[string]bool) []scheduler.Service {
	var services []scheduler.Service
	for _, name := range p.s.ServiceNames() {
		services = append(services, Service(p.s.Services[name]))
		if stale[name] {
			prev := Service(p.s.Previous[name])
			prev.Name = name + staleSuffix
			services = append(services, prev)
		}
	}
	return services
}

// staleSuffix names the spec a service had before its last update, for
// the scheduler: no service name holds a space.
const staleSuffix = " (previous spec)"

// tasks lists what the scheduler must account for: the tasks that hold a
// node, then the pending ones, then the batch's new ones. Each is counted
// with its own spec, as swarmkit's scheduler counts it: a placed task of
// the previous spec holds that spec's reservation and ports, and a pending
// one is placed by that spec; stale names the services that have such
// pending tasks.
func (p *Placer) tasks(b *state.Batch, pending []string) (tasks []scheduler.Task, stale map[string]bool) {
	s := p.s
	tasks = make([]scheduler.Task, 0, s.Tasks.Len()+len(b.Creates))
	var own owned
	for _, t := range s.TaskList() {
		if t.Active() && t.State != state.TaskPending && !b.Stopped.Has(t.ID) && t.Node != "" {
			tasks = append(tasks, scheduler.Task{ID: t.ID, Service: t.Service, Node: t.Node, Own: own.of(p, t)})
		}
	}
	for _, id := range pending {
		if t := s.Tasks.Get(id); t != nil && !b.Stopped.Has(id) {
			service := t.Service
			if own.of(p, t) != nil {
				if stale == nil {
					stale = map[string]bool{}
				}
				stale[service] = true
				service += staleSuffix
			}
			tasks = append(tasks, scheduler.Task{ID: id, Service: service, Node: t.Node, Pending: true})
		}
	}
	for i, ct := range b.Creates {
		tasks = append(tasks, scheduler.Task{ID: newTaskID(i), Service: ct.Service, Node: ct.Node, Pending: true})
	}
	return tasks, stale
}

// FailureHistory is when each service's tasks failed on each node, for
// the scheduler's penalty: swarmkit's scheduler keeps the same history in
// the leader's memory (nodeInfo.recentFailures) and puts last the nodes
// where a service failed MaxFailures times within FailureWindow.
type FailureHistory map[string]map[string][]time.Duration // node → service → times

// Record notes a failure of a task the scheduler placed. A global task
// goes to its own node whatever the penalty, so it is not counted.
func (h FailureHistory) Record(t *state.Task, at time.Duration) {
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

// Forget drops a service's history: after an update its failures count
// from zero, as swarmkit keys them by spec version.
func (h FailureHistory) Forget(service string) {
	for _, bySvc := range h {
		delete(bySvc, service)
	}
}

// Counts returns a node's recent failures per service, dropping those too
// old to count again; nil when there are none.
func (h FailureHistory) Counts(node string, now time.Duration) map[string]int {
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

// Node is a node record as package scheduler sees it.
func Node(rec *state.NodeRecord) scheduler.Node {
	return scheduler.Node{
		ID:           rec.Name,
		Hostname:     rec.Name,
		Role:         rec.Role,
		Ready:        rec.Status == state.NodeReady,
		Availability: scheduler.Availability(rec.Availability),
		Labels:       rec.Labels,
		EngineLabels: rec.EngineLabels,
		DockerID:     rec.ID,
		OS:           rec.OS,
		Arch:         rec.Arch,
		Capacity:     scheduler.Resources{NanoCPUs: rec.NanoCPUs, MemoryBytes: rec.MemoryBytes},
	}
}

// Service is a spec as package scheduler sees it.
func Service(spec *state.ServiceSpec) scheduler.Service {
	limit := spec.MaxReplicas
	if fault.Is(fault.MaxReplicasDropped) {
		limit = 0
	}
	return scheduler.Service{
		Name:        spec.Name,
		Mode:        scheduler.Mode(spec.Mode),
		Constraints: Constraints(spec),
		Preferences: spec.Preferences,
		Reservation: scheduler.Resources{NanoCPUs: spec.NanoCPUs, MemoryBytes: spec.MemoryBytes},
		MaxReplicas: limit,
		HostPorts:   hostPorts(spec),
	}
}

// hostPorts are a spec's host-mode ports for the scheduler, each with its
// protocol (scheduler.HostPort); one in HostPorts that Ports does not
// describe is tcp.
func hostPorts(spec *state.ServiceSpec) []uint32 {
	var out []uint32
	for _, p := range spec.Ports {
		if p.Mode == state.PublishHost {
			out = append(out, scheduler.HostPort(p.Published, p.Protocol))
		}
	}
	for _, p := range spec.HostPorts {
		if !slices.ContainsFunc(spec.Ports, func(c state.PortConfig) bool { return c.Mode == state.PublishHost && c.Published == p }) {
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
func (o *owned) of(p *Placer, t *state.Task) *scheduler.Footprint {
	if t.Service != o.service || o.service == "" {
		*o = owned{service: t.Service}
		if spec := p.s.Services[t.Service]; spec != nil {
			o.hash = p.hashes.Of(spec)
			if prev := p.s.Previous[t.Service]; prev != nil {
				o.prevOld = p.hashes.Of(prev)
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

// Constraints parses a spec's constraints; they were validated when the
// service was created, so a parse error cannot happen here.
func Constraints(spec *state.ServiceSpec) []scheduler.Constraint {
	var out []scheduler.Constraint
	for _, s := range spec.Constraints {
		if k, err := scheduler.ParseConstraint(s); err == nil {
			out = append(out, k)
		}
	}
	return out
}

// Matches reports whether a node satisfies a service's constraints.
func Matches(spec *state.ServiceSpec, rec *state.NodeRecord) bool {
	if len(spec.Constraints) == 0 {
		return true
	}
	n := Node(rec)
	return !slices.ContainsFunc(Constraints(spec), func(k scheduler.Constraint) bool { return !k.Match(n) })
}
