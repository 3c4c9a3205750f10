package cluster

import (
	"strconv"
	"strings"
	"time"

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
	reasonUpdated    = "replaced by a rolling update"
	reasonExit       = "task: non-zero exit (1)"
)

// FailingImagePrefix marks images whose containers exit with status 1 a few
// seconds after they start: `docker service create --name app fail` (or
// `fail/app:2`) rehearses a crash loop, restart policies and failed updates.
const FailingImagePrefix = "fail"

// failAfter is how long a failing image's container runs before it exits.
const failAfter = 2 * time.Second

func failingImage(image string) bool { return strings.HasPrefix(image, FailingImagePrefix) }

// newTask is a task the orchestrator wants to create.
type newTask struct {
	service  string
	slot     int    // replicated
	node     string // global: the node it is for
	replaces string // the node of the task it replaces
	cause    string
	attempt  int
}

// reconcile is one pass of the leader's dispatcher and orchestrators over its
// own store: it returns the ops that would bring the desired state in line
// with what the nodes report. It changes nothing in the store: only Raft
// does. It does change the nodes themselves (a reachable node starts the
// tasks committed to it and stops those no longer wanted), since that is
// what the dispatcher tells them.
func (c *Cluster) reconcile(m *manager) []op {
	s := m.store
	now := c.now.Milliseconds()
	var ops []op

	// The dispatcher: nodes that went silent, nodes that came back.
	sc := &c.scratch
	clear(sc.status)
	clear(sc.live)
	clear(sc.replaced)
	clear(sc.refresh)
	clear(sc.updated)
	clear(sc.hold)
	for _, name := range s.NodeNames() {
		rec := s.Nodes[name]
		seen, ok := m.lastSeen[name]
		switch {
		case name == m.node.name:
			seen, m.lastSeen[name] = c.now, c.now
		case !ok && rec.Status == NodeReady:
			// A node new to this dispatcher gets a full grace period; one
			// already down stays down until it is heard from.
			seen, m.lastSeen[name] = c.now, c.now
		case !ok:
			seen = -HeartbeatGrace
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
	// sc.live holds the newest task still meant to run in each slot (or, for
	// a global service, on each node).
	var placed, pending, superseded []*Task
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
			ops = append(ops, op{Kind: opTaskShutdown, Task: t.ID, Value: state, Reason: reason, At: now})
			switch {
			case state == TaskFailed:
				sc.hold[t.slotKey()] = true // the restart policy decides, from the next pass on
			case t.Slot > 0:
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
			c.start(n, t)
			ops = append(ops, op{Kind: opTaskState, Task: t.ID, Value: TaskRunning, At: now})
		case reachable && t.State == TaskRunning && !n.running[t.ID]:
			reason := n.exited[t.ID]
			if reason == "" {
				reason = reasonLost
			}
			delete(n.exited, t.ID)
			stop(TaskFailed, reason)
			continue
		}
		if t.State != TaskPending {
			placed = append(placed, t)
		}
		key := t.slotKey()
		if prev := sc.live[key]; prev != nil {
			superseded = append(superseded, prev) // a start-first update's older task
		}
		sc.live[key] = t
	}

	// A start-first update stops the older task once the newer one runs.
	for _, old := range superseded {
		if newer := sc.live[old.slotKey()]; newer.State == TaskRunning {
			ops = append(ops, op{Kind: opTaskShutdown, Task: old.ID, Value: TaskShutdown, Reason: reasonUpdated, At: now})
		}
	}

	// Rolling updates.
	for _, name := range s.ServiceNames() {
		if u := s.Updates[name]; u != nil && (u.State == UpdateUpdating || u.State == UpdateRollbackStarted) {
			ops = append(ops, c.update(s, name, u, now)...)
		}
	}

	// The orchestrators: the tasks each service is missing or has too many of.
	var wanted []newTask
	for _, name := range s.ServiceNames() {
		spec := s.Services[name]
		want := func(w newTask) {
			key := slotKeyFor(name, w.slot, w.node)
			w.service = name
			switch {
			case sc.hold[key]:
				return
			case sc.refresh[key]:
				w.cause = causeStartFirst
			case sc.live[key] != nil:
				return
			case sc.replaced[key] != "":
				w.replaces, w.cause = sc.replaced[key], causeReschedule
				if sc.updated[key] {
					w.cause = causeUpdate
				}
			default:
				due, attempt := restartDue(s, spec, key, now)
				if !due {
					return
				}
				w.attempt = attempt
				if attempt > 0 {
					w.cause = causeRestart
				}
			}
			wanted = append(wanted, w)
		}
		if spec.Mode == ModeGlobal {
			for _, nodeName := range s.NodeNames() {
				rec := s.Nodes[nodeName]
				if ready(nodeName) && rec.Availability != Drain && c.matches(spec, rec) {
					want(newTask{node: nodeName})
				}
			}
			continue
		}
		for slot := 1; slot <= spec.Replicas; slot++ {
			want(newTask{slot: slot})
		}
	}
	// Scaling down stops the highest slots.
	for _, t := range append(placed, pending...) {
		if spec := s.Services[t.Service]; spec.Mode == ModeReplicated && t.Slot > spec.Replicas && sc.live[t.slotKey()] == t {
			ops = append(ops, op{Kind: opTaskShutdown, Task: t.ID, Value: TaskShutdown, Reason: reasonScaledDown, At: now})
		}
	}
	if len(wanted) == 0 && len(pending) == 0 {
		return ops
	}
	return append(ops, c.place(s, ready, placed, pending, wanted)...)
}

// start runs a committed task on its node. A failing image's container
// exits a little later.
func (c *Cluster) start(n *node, t *Task) {
	n.running[t.ID] = true
	if failingImage(t.Image) {
		c.q.push(timed{at: c.now + failAfter, kind: evTaskExit, node: c.byName[n.name], epoch: n.epoch, task: t.ID})
	}
}

// exit ends a container on its node; the node reports it with its next
// status update, which the leader's next pass reads.
func (c *Cluster) exit(n *node, task string) {
	if n.running[task] {
		delete(n.running, task)
		n.exited[task] = reasonExit
	}
}

// restartDue applies the restart policy to a slot with no task meant to run:
// it says whether a new task may start now, and its attempt number.
func restartDue(s *Store, spec *ServiceSpec, key slotKey, now int64) (bool, int) {
	hist := s.slots[key]
	if len(hist) == 0 {
		return true, 0
	}
	last := hist[len(hist)-1]
	if last.State != TaskFailed || last.Version != s.Versions[spec.Name] {
		return true, 0
	}
	p := spec.Restart
	if p.Condition == "none" {
		return false, 0
	}
	attempt := last.Attempt + 1
	if p.Window > 0 && last.Ended-last.Started > p.Window.Milliseconds() {
		attempt = 1 // it ran longer than the window: a fresh start
	}
	if p.MaxAttempts > 0 && attempt > p.MaxAttempts {
		return false, 0
	}
	return now >= last.Ended+p.Delay.Milliseconds(), attempt
}

// update advances a rolling update by at most one batch: it stops or
// supersedes tasks of older versions, watches the new ones, and applies the
// failure action when one fails.
func (c *Cluster) update(s *Store, name string, u *UpdateStatus, now int64) []op {
	spec := s.Services[name]
	cfg := spec.Update
	version := s.Versions[name]
	rollback := u.State == UpdateRollbackStarted
	sc := &c.scratch

	var stale []*Task
	busy := 0
	var failed *Task
	for _, t := range s.TaskList() {
		if t.Service != name {
			continue
		}
		switch {
		case t.Version == version && t.State == TaskFailed && t.Ended >= u.StartedAt:
			failed = t
		case !t.Active():
		case t.Version < version:
			if sc.live[t.slotKey()] == t {
				stale = append(stale, t)
			}
		case t.State != TaskRunning || now-t.Started < cfg.Monitor.Milliseconds():
			busy++
		}
	}
	if failed != nil && cfg.FailureAction != "continue" {
		why := "update paused due to failure or early termination of task " + failed.Name() + ": " + failed.Reason
		switch {
		case rollback:
			return []op{{Kind: opUpdateState, Service: name, Value: UpdateRollbackPaused, Reason: why}}
		case cfg.FailureAction == "rollback":
			return []op{{Kind: opServiceRollback, Service: name, At: now,
				Reason: "update rolled back due to failure or early termination of task " + failed.Name()}}
		default:
			return []op{{Kind: opUpdateState, Service: name, Value: UpdatePaused, Reason: why}}
		}
	}
	if len(stale) == 0 && busy == 0 {
		if rollback {
			return []op{{Kind: opUpdateState, Service: name, Value: UpdateRollbackCompleted, Reason: "rollback completed"}}
		}
		return []op{{Kind: opUpdateState, Service: name, Value: UpdateCompleted, Reason: "update completed"}}
	}
	if busy > 0 || now < u.NextBatch || len(stale) == 0 {
		return nil
	}
	batch := stale
	if cfg.Parallelism > 0 && len(batch) > cfg.Parallelism {
		batch = batch[:cfg.Parallelism]
	}
	var ops []op
	for _, t := range batch {
		key := t.slotKey()
		if cfg.Order == "start-first" {
			sc.refresh[key] = true
			continue
		}
		ops = append(ops, op{Kind: opTaskShutdown, Task: t.ID, Value: TaskShutdown, Reason: reasonUpdated, At: now})
		delete(sc.live, key)
		sc.replaced[key] = t.Node
		sc.updated[key] = true
	}
	next := now + (cfg.Monitor + cfg.Delay).Milliseconds()
	return append(ops, op{Kind: opUpdateState, Service: name, Value: u.State, Reason: u.Message, At: next})
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
		spec := s.Services[w.service]
		o := op{Kind: opTaskCreate, Service: w.service, Slot: w.slot, Node: w.node, Version: s.Versions[w.service],
			Replaces: w.replaces, Cause: w.cause, Attempt: w.attempt, Image: spec.Image}
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
		HostPorts:   spec.HostPorts,
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
	live     map[slotKey]*Task  // slot or node → newest task still meant to run
	replaced map[slotKey]string // slot → node of the task being replaced
	updated  map[slotKey]bool   // slot freed by a stop-first update
	refresh  map[slotKey]bool   // slot getting a start-first update
	hold     map[slotKey]bool   // slot whose task just failed
}

func newScratch() scratch {
	return scratch{status: map[string]string{}, live: map[slotKey]*Task{}, replaced: map[slotKey]string{},
		updated: map[slotKey]bool{}, refresh: map[slotKey]bool{}, hold: map[slotKey]bool{}}
}
