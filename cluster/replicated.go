package cluster

import (
	"slices"
	"sort"

	"github.com/swarmsim/swarmsim/cluster/state"
)

// Reasons the orchestrators write on the tasks they stop.
const (
	reasonNodeDown   = "its node is down"
	reasonDrained    = "its node was drained"
	reasonScaledDown = "the service was scaled down"
	reasonNoMatch    = "its node no longer satisfies the service's constraints"
	reasonUpdated    = "replaced by a rolling update"
	reasonRejected   = "assigned node no longer meets constraints"
)

// orchestrate runs the replicated and global orchestrators over what
// changed: services first (created, scaled, updated, removed), then nodes
// (a node that went down, was drained, left, or no longer satisfies a
// task's constraints). Swarmkit replaces the tasks of a lost node only
// after the services are reconciled (tickTasks), and not a task the
// reconciliation has meanwhile shut down: a service scaled down as its
// node went down does not get that node's task back elsewhere.
func (l *leader) orchestrate(b *state.Batch) {
	s := l.s
	if len(l.dirtyNodes) == 0 && len(l.dirtyServices) == 0 {
		return
	}
	nodes := make([]string, 0, len(l.dirtyNodes))
	for name := range l.dirtyNodes {
		nodes = append(nodes, name)
	}
	clear(l.dirtyNodes)
	slices.SortFunc(nodes, state.CompareNames)
	for _, name := range state.SortedKeys(l.dirtyServices) {
		spec := s.Services[name]
		switch {
		case spec == nil:
		case spec.Mode == ModeGlobal:
			l.reconcileGlobal(b, spec)
		default:
			l.reconcileReplicated(b, spec)
		}
	}
	for _, name := range nodes {
		l.nodeTasks(b, name)
	}
	globals := l.globalServices()
	for _, name := range nodes {
		for _, spec := range globals {
			l.globalOnNode(b, spec, name)
		}
	}
}

// nodeTasks reacts to a change of one node for the tasks assigned to it:
// the orchestrators replace the tasks of a node that went down (replicated
// services only: a global task stays with its node), was drained or left
// the swarm, and swarmkit's constraint enforcer rejects tasks whose node
// no longer satisfies their constraints (constraintenforcer.go), after
// which the restart supervisor replaces them where the constraints hold.
func (l *leader) nodeTasks(b *state.Batch, name string) {
	s := l.s
	rec := s.Nodes[name]
	for _, t := range s.TasksOn(name) {
		spec := s.Services[t.Service]
		if !t.Active() || spec == nil || b.Stopped[t.ID] {
			continue
		}
		switch {
		case rec == nil:
			l.restartTask(b, t, spec, reasonGone, TaskOrphaned, state.CauseReschedule)
		case rec.Status == NodeDown:
			if spec.Mode == ModeReplicated {
				l.restartTask(b, t, spec, reasonNodeDown, "", state.CauseReschedule)
			}
		case rec.Availability == Drain:
			l.restartTask(b, t, spec, reasonDrained, "", state.CauseReschedule)
		case t.State != TaskPending && !t.Terminal() && !matches(spec, rec) && !b.Reported[t.ID]:
			b.Reported[t.ID] = true
			b.Add(&state.TaskStatus{Task: t.ID, State: TaskRejected, Reason: reasonRejected, At: b.Millis()})
		}
	}
}

// reconcileReplicated gives a replicated service its desired number of
// slots, as swarmkit's replicated orchestrator does: missing slots get new
// tasks, numbered from the lowest free number; extra slots are removed so
// that the rest stay balanced over the nodes.
func (l *leader) reconcileReplicated(b *state.Batch, spec *ServiceSpec) {
	s := l.s
	hash := l.hashOf(spec)
	keys := s.SlotKeys(spec.Name)
	var active []*Task
	occupied := map[int]bool{}
	held := 0
	for _, key := range keys {
		if cur := l.current(b, spec.Name, key); cur != nil {
			active = append(active, cur)
			occupied[key.Slot] = true
			continue
		}
		// A slot whose task the restart policy will not replace keeps its
		// number: scaling does not work around max attempts.
		if h := s.History(spec.Name, key); len(h) > 0 && h[len(h)-1].Final && h[len(h)-1].Hash == hash {
			occupied[key.Slot] = true
			held++
		}
	}
	target := max(spec.Replicas-held, 0)
	switch {
	case len(active) < target:
		slot := 0
		for range target - len(active) {
			slot++
			for occupied[slot] {
				slot++
			}
			occupied[slot] = true
			l.createIn(b, spec, slot, "", state.CreateTask{})
		}
	case len(active) > target:
		for _, t := range scaleDownOrder(active)[target:] {
			observed := ""
			if t.State == TaskPending {
				observed = TaskShutdown // it never started: nothing to confirm
			}
			b.Stop(t, observed, reasonScaledDown, false)
		}
	}
}

// scaleDownOrder sorts a service's tasks so that the ones to keep come
// first, as swarmkit's replicated orchestrator does when it scales down:
// each task is numbered as the nth copy of the service on its node, and the
// tasks with the highest numbers (on the nodes with the most copies) go
// first; among equals, tasks that are not running go before running ones.
func scaleDownOrder(tasks []*Task) []*Task {
	sorted := slices.Clone(tasks)
	sort.SliceStable(sorted, func(i, j int) bool {
		return sorted[i].State == TaskRunning && sorted[j].State != TaskRunning
	})
	nth := make(map[*Task]int, len(sorted))
	perNode := map[string]int{}
	for _, t := range sorted {
		perNode[t.Node]++
		nth[t] = perNode[t.Node]
	}
	sort.SliceStable(sorted, func(i, j int) bool { return nth[sorted[i]] < nth[sorted[j]] })
	return sorted
}

// current is a slot's task meant to run, unless this batch stops it.
func (l *leader) current(b *state.Batch, service string, key state.SlotKey) *Task {
	cur := l.s.Current(service, key)
	if cur == nil || b.Stopped[cur.ID] {
		return nil
	}
	return cur
}

// createIn makes a new task for a slot (or a global service's node) with
// the service's current spec. base carries the cause, attempt and delay.
func (l *leader) createIn(b *state.Batch, spec *ServiceSpec, slot int, node string, base state.CreateTask) {
	if !b.Fill(spec.Name, state.SlotKeyFor(slot, node)) {
		return
	}
	ct := base
	ct.Service, ct.Slot, ct.Node = spec.Name, slot, node
	ct.Version, ct.Hash, ct.Image = l.s.Versions[spec.Name], l.hashOf(spec), spec.Image
	b.Create(&ct)
}
