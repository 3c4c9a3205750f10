package cluster

import (
	"fmt"
	"maps"
	"strconv"
	"strings"
)

// A Raft entry carries a command: a batch of typed store actions, one
// payload type per kind as swarmkit's StoreAction has, proposed together and
// applied together. Each action checks its preconditions when applied,
// against the store as it is then, because a proposal may commit after the
// state its proposer saw has moved on (a new leader, an older entry that
// committed late). A stale action is skipped, identically on every manager.
type command struct {
	ID      uint64 // the proposer's handle, to hear that it was applied
	Actions []action
}

// action is one change to the store.
type action interface {
	kind() actionKind
	encode(*encoder)
	decode(*decoder)
	// apply changes the store if the action's preconditions still hold.
	apply(*Store, *applyContext)
}

type actionKind uint8

const (
	kindCreateService actionKind = iota + 1
	kindUpdateService
	kindRemoveService
	kindRollbackService
	kindUpdateState
	kindCreateTask
	kindAssignTask
	kindTaskStatus
	kindShutdownTask
	kindPendingReason
	kindNodeStatus
	kindUpdateNode
	kindAddNode
	kindRemoveNode
	kindRemoveTask
	kindSetAutolock
	kindRotateUnlockKey
	kindCreateSecret
	kindRemoveSecret
	kindCreateConfig
	kindRemoveConfig
	numActionKinds
)

func newAction(k actionKind) action {
	switch k {
	case kindCreateService:
		return &createService{}
	case kindUpdateService:
		return &updateService{}
	case kindRemoveService:
		return &removeService{}
	case kindRollbackService:
		return &rollbackService{}
	case kindUpdateState:
		return &updateState{}
	case kindCreateTask:
		return &createTask{}
	case kindAssignTask:
		return &assignTask{}
	case kindTaskStatus:
		return &taskStatus{}
	case kindShutdownTask:
		return &shutdownTask{}
	case kindPendingReason:
		return &pendingReason{}
	case kindNodeStatus:
		return &nodeStatus{}
	case kindUpdateNode:
		return &updateNode{}
	case kindAddNode:
		return &addNode{}
	case kindRemoveNode:
		return &removeNode{}
	case kindRemoveTask:
		return &removeTask{}
	case kindSetAutolock:
		return &setAutolock{}
	case kindRotateUnlockKey:
		return &rotateUnlockKey{}
	case kindCreateSecret:
		return &createSecret{}
	case kindRemoveSecret:
		return &removeSecret{}
	case kindCreateConfig:
		return &createConfig{}
	case kindRemoveConfig:
		return &removeConfig{}
	}
	return nil
}

// commandVersion starts every encoded command, so a change of format fails
// loudly instead of decoding garbage.
const commandVersion = 1

func (c *command) encode() []byte {
	e := encoder{b: make([]byte, 0, 16+24*len(c.Actions))}
	e.b = append(e.b, commandVersion)
	e.uint(c.ID)
	e.uint(uint64(len(c.Actions)))
	for _, a := range c.Actions {
		e.b = append(e.b, byte(a.kind()))
		a.encode(&e)
	}
	return e.b
}

func decodeCommand(b []byte) (*command, error) {
	d := decoder{b: b}
	if v := d.byte(); v != commandVersion {
		return nil, fmt.Errorf("decoding a command: format %d, expected %d", v, commandVersion)
	}
	c := &command{ID: d.uint()}
	n := d.count()
	c.Actions = make([]action, 0, n)
	for range n {
		k := actionKind(d.byte())
		a := newAction(k)
		if a == nil {
			if d.err == nil {
				d.err = fmt.Errorf("unknown action kind %d", k)
			}
			break
		}
		a.decode(&d)
		c.Actions = append(c.Actions, a)
	}
	if d.err != nil {
		return nil, fmt.Errorf("decoding a command: %w", d.err)
	}
	if len(d.b) != 0 {
		return nil, fmt.Errorf("decoding a command: %d bytes left after the last action", len(d.b))
	}
	return c, nil
}

// applyContext is what applying one command needs besides the store.
type applyContext struct {
	report  bool     // the first manager to apply an entry reports its effects
	effects []effect // for the timeline
	refused error    // why an action of the command did nothing, for its proposer
}

// effect is what applying an action changed, for the timeline.
type effect struct {
	kind, node, detail string
}

func (ctx *applyContext) emit(kind, node, format string, args ...any) {
	if ctx.report {
		ctx.effects = append(ctx.effects, effect{kind, node, fmt.Sprintf(format, args...)})
	}
}

// apply applies a committed command at index.
func (s *Store) apply(index uint64, c *command, ctx *applyContext) {
	s.Index = index
	for _, a := range c.Actions {
		a.apply(s, ctx)
	}
}

func (s *Store) serviceChanged(name string) {
	if s.watch != nil {
		s.watch.serviceChanged(name)
	}
}

func (s *Store) taskChanged(t *Task) {
	if s.watch != nil {
		s.watch.taskChanged(t)
	}
}

func (s *Store) nodeChanged(name string) {
	if s.watch != nil {
		s.watch.nodeChanged(name)
	}
}

// createService is `docker service create`.
type createService struct{ Spec *ServiceSpec }

func (a *createService) kind() actionKind  { return kindCreateService }
func (a *createService) encode(e *encoder) { e.spec(a.Spec) }
func (a *createService) decode(d *decoder) { a.Spec = d.spec() }
func (a *createService) apply(s *Store, ctx *applyContext) {
	if s.Services[a.Spec.Name] != nil {
		return
	}
	spec := a.Spec.clone()
	s.Services[spec.Name] = spec
	s.serviceOrder = nil
	s.Versions[spec.Name] = 1
	s.Revisions[spec.Name] = 1
	if spec.Mode == ModeGlobal {
		ctx.emit(EventServiceCreated, "", "%s created (global)", spec.Name)
	} else {
		ctx.emit(EventServiceCreated, "", "%s created with %d replicas", spec.Name, spec.Replicas)
	}
	s.serviceChanged(spec.Name)
}

// updateService is `docker service update` and `docker service scale`. A
// change to what the tasks run starts a rolling update.
type updateService struct {
	Spec *ServiceSpec
	At   int64 // ms
	// Revision is the service's revision the spec was read at. The update
	// is refused if the service was written since: the spec would undo
	// that write.
	Revision uint64
}

func (a *updateService) kind() actionKind  { return kindUpdateService }
func (a *updateService) encode(e *encoder) { e.spec(a.Spec); e.int(a.At); e.uint(a.Revision) }
func (a *updateService) decode(d *decoder) { a.Spec = d.spec(); a.At = d.int(); a.Revision = d.uint() }
func (a *updateService) apply(s *Store, ctx *applyContext) {
	old := s.Services[a.Spec.Name]
	if old == nil {
		return
	}
	if s.Revisions[a.Spec.Name] != a.Revision {
		ctx.refused = ErrOutOfSequence
		return
	}
	s.Revisions[a.Spec.Name]++
	spec := a.Spec.clone()
	s.Services[spec.Name] = spec
	switch {
	case old.taskHash() != spec.taskHash() || !samePlacement(old, spec):
		s.Previous[spec.Name] = old
		s.Versions[spec.Name]++
		s.Updates[spec.Name] = &UpdateStatus{State: UpdateUpdating, Message: "update in progress", StartedAt: a.At, NextBatch: a.At}
		ctx.emit(EventServiceUpdated, "", "%s updating to version %d", spec.Name, s.Versions[spec.Name])
	case old.Replicas != spec.Replicas && spec.Mode == ModeReplicated:
		ctx.emit(EventServiceUpdated, "", "%s scaled from %d to %d", spec.Name, old.Replicas, spec.Replicas)
	default:
		ctx.emit(EventServiceUpdated, "", "%s updated", spec.Name)
	}
	s.serviceChanged(spec.Name)
}

// removeService is `docker service rm`: the service and all its tasks go.
type removeService struct{ Name string }

func (a *removeService) kind() actionKind  { return kindRemoveService }
func (a *removeService) encode(e *encoder) { e.str(a.Name) }
func (a *removeService) decode(d *decoder) { a.Name = d.str() }
func (a *removeService) apply(s *Store, ctx *applyContext) {
	if s.Services[a.Name] == nil {
		return
	}
	delete(s.Services, a.Name)
	s.serviceOrder = nil
	delete(s.Versions, a.Name)
	delete(s.Revisions, a.Name)
	delete(s.Previous, a.Name)
	delete(s.Updates, a.Name)
	for _, t := range s.serviceTasks(a.Name) {
		s.removeTask(t)
		s.taskChanged(t)
	}
	delete(s.slots, a.Name)
	ctx.emit(EventServiceRemoved, "", "%s removed", a.Name)
	s.serviceChanged(a.Name)
}

// rollbackService puts the previous spec back, and rolls tasks back to it.
type rollbackService struct {
	Name, Reason string
	At           int64
}

func (a *rollbackService) kind() actionKind  { return kindRollbackService }
func (a *rollbackService) encode(e *encoder) { e.str(a.Name); e.str(a.Reason); e.int(a.At) }
func (a *rollbackService) decode(d *decoder) { a.Name = d.str(); a.Reason = d.str(); a.At = d.int() }
func (a *rollbackService) apply(s *Store, ctx *applyContext) {
	prev, cur := s.Previous[a.Name], s.Services[a.Name]
	if prev == nil || cur == nil {
		return
	}
	// Replicas are not part of what a rollback restores: the rollback is of
	// the template, as the scale may have changed since.
	restored := prev.clone()
	restored.Replicas = cur.Replicas
	s.Services[a.Name], s.Previous[a.Name] = restored, cur
	s.Versions[a.Name]++
	s.Revisions[a.Name]++
	s.Updates[a.Name] = &UpdateStatus{State: UpdateRollbackStarted, Message: a.Reason, StartedAt: a.At, NextBatch: a.At}
	ctx.emit(EventServiceUpdated, "", "%s rolling back: %s", a.Name, a.Reason)
	s.serviceChanged(a.Name)
}

// updateState moves a rolling update along: its state, message and when
// its next batch may start.
type updateState struct {
	Service, State, Message string
	NextBatch               int64
}

func (a *updateState) kind() actionKind { return kindUpdateState }
func (a *updateState) encode(e *encoder) {
	e.str(a.Service)
	e.str(a.State)
	e.str(a.Message)
	e.int(a.NextBatch)
}
func (a *updateState) decode(d *decoder) {
	a.Service, a.State, a.Message, a.NextBatch = d.str(), d.str(), d.str(), d.int()
}
func (a *updateState) apply(s *Store, ctx *applyContext) {
	u := s.Updates[a.Service]
	if u == nil {
		return
	}
	if u.State != a.State {
		ctx.emit(EventServiceUpdated, "", "%s update %s: %s", a.Service, strings.ReplaceAll(a.State, "_", " "), a.Message)
	}
	u.State, u.Message, u.NextBatch = a.State, a.Message, a.NextBatch
	s.serviceChanged(a.Service)
}

// Why a task is created, for the timeline.
const (
	causeNew        = 0
	causeReschedule = 1 // its predecessor's node went down, was drained or removed
	causeRestart    = 2 // its predecessor's container exited or was rejected
	causeUpdate     = 3 // a rolling update replaced its predecessor
	causeStartFirst = 4 // a start-first update runs it beside its predecessor
)

// createTask adds a task to a slot (or a global service's node), placed on
// Node or, when Node is empty for a replicated task, pending with Reason.
type createTask struct {
	Service  string
	Slot     int
	Node     string
	Pending  bool // no node could take it; Node is set for a global task all the same
	Reason   string
	Version  uint64
	Hash     uint64
	Image    string
	Attempt  int
	Cause    uint8
	Replaces string // the node of the task it takes over from
	At       int64  // ms
	Delay    int64  // ms before it may start
}

func (a *createTask) kind() actionKind { return kindCreateTask }
func (a *createTask) encode(e *encoder) {
	e.str(a.Service)
	e.uint(uint64(a.Slot))
	e.str(a.Node)
	e.boolean(a.Pending)
	e.str(a.Reason)
	e.uint(a.Version)
	e.uint(a.Hash)
	e.str(a.Image)
	e.uint(uint64(a.Attempt))
	e.b = append(e.b, a.Cause)
	e.str(a.Replaces)
	e.int(a.At)
	e.int(a.Delay)
}
func (a *createTask) decode(d *decoder) {
	a.Service = d.str()
	a.Slot = int(d.uint())
	a.Node = d.str()
	a.Pending = d.boolean()
	a.Reason = d.str()
	a.Version = d.uint()
	a.Hash = d.uint()
	a.Image = d.str()
	a.Attempt = int(d.uint())
	a.Cause = d.byte()
	a.Replaces = d.str()
	a.At = d.int()
	a.Delay = d.int()
}
func (a *createTask) apply(s *Store, ctx *applyContext) {
	if s.Services[a.Service] == nil || s.slotTaken(a.Service, slotKeyFor(a.Slot, a.Node), a.Cause == causeStartFirst, a.Hash) {
		return
	}
	if !a.Pending && (a.Node == "" || s.Nodes[a.Node] == nil) {
		return
	}
	s.NextTask++
	t := &Task{
		ID:      "t" + strconv.FormatUint(s.NextTask, 10),
		Service: a.Service,
		Slot:    a.Slot,
		Node:    a.Node,
		Desired: TaskRunning,
		State:   TaskAssigned,
		Version: a.Version,
		Hash:    a.Hash,
		Image:   a.Image,
		Attempt: a.Attempt,
		Created: a.At,
		Delay:   a.Delay,
	}
	if a.Pending {
		t.State, t.Reason = TaskPending, a.Reason
	}
	s.addTask(t)
	s.taskChanged(t)
	if !ctx.report {
		return
	}
	switch {
	case a.Pending:
		ctx.emit(EventTaskPending, a.Node, "%s pending: %s", t.Name(), a.Reason)
	case a.Cause == causeReschedule:
		ctx.emit(EventTaskRescheduled, a.Node, "%s rescheduled on %s (was on %s)", t.Name(), a.Node, a.Replaces)
	case a.Cause == causeRestart:
		ctx.emit(EventTaskPlaced, a.Node, "%s restarted on %s (attempt %d)", t.Name(), a.Node, t.Attempt+1)
	case a.Cause == causeUpdate || a.Cause == causeStartFirst:
		ctx.emit(EventTaskPlaced, a.Node, "%s updated to version %d on %s", t.Name(), t.Version, a.Node)
	default:
		ctx.effects = append(ctx.effects, effect{EventTaskPlaced, a.Node, t.Name() + " placed on " + a.Node})
	}
}

// slotTaken reports whether a slot already has a task meant to run. A
// start-first update may add a task of a new spec beside one of an older
// spec.
func (s *Store) slotTaken(service string, key slotKey, startFirst bool, hash uint64) bool {
	for _, t := range s.history(service, key) {
		if t.Active() && !(startFirst && t.Hash != hash) {
			return true
		}
	}
	return false
}

// assignTask records the scheduler's choice for a pending task.
type assignTask struct{ Task, Node string }

func (a *assignTask) kind() actionKind  { return kindAssignTask }
func (a *assignTask) encode(e *encoder) { e.str(a.Task); e.str(a.Node) }
func (a *assignTask) decode(d *decoder) { a.Task = d.str(); a.Node = d.str() }
func (a *assignTask) apply(s *Store, ctx *applyContext) {
	t := s.Tasks[a.Task]
	if t == nil || t.State != TaskPending || !t.Active() || s.Nodes[a.Node] == nil || (t.Slot == 0 && t.Node != a.Node) {
		return
	}
	s.assign(t, a.Node)
	t.State, t.Reason = TaskAssigned, ""
	ctx.emit(EventTaskPlaced, a.Node, "%s placed on %s", t.Name(), a.Node)
	s.taskChanged(t)
}

// taskStatus is what a node reported about a task, or what the dispatcher
// concluded for it: running, failed, rejected, shut down or orphaned.
type taskStatus struct {
	Task, State, Reason string
	At                  int64
	ExitOK              bool
}

func (a *taskStatus) kind() actionKind { return kindTaskStatus }
func (a *taskStatus) encode(e *encoder) {
	e.str(a.Task)
	e.str(a.State)
	e.str(a.Reason)
	e.int(a.At)
	e.boolean(a.ExitOK)
}
func (a *taskStatus) decode(d *decoder) {
	a.Task, a.State, a.Reason, a.At, a.ExitOK = d.str(), d.str(), d.str(), d.int(), d.boolean()
}
func (a *taskStatus) apply(s *Store, ctx *applyContext) {
	t := s.Tasks[a.Task]
	if t == nil || t.State == a.State || t.terminal() {
		return
	}
	if a.State == TaskRunning && (t.State != TaskAssigned && t.State != TaskStarting || !t.Active()) {
		return
	}
	if a.State == TaskStarting && (t.State != TaskAssigned || !t.Active()) {
		return
	}
	was := t.State
	t.State, t.Reason = a.State, a.Reason
	switch a.State {
	case TaskStarting:
		t.Started = a.At
	case TaskRunning:
		t.Started = a.At
		if was == TaskStarting {
			ctx.emit(EventTaskHealthy, t.Node, "%s is healthy on %s", t.Name(), t.Node)
		}
	case TaskFailed, TaskRejected:
		t.Ended, t.ExitOK = a.At, a.ExitOK
		if was != TaskRunning {
			// It never ran: the updater counts such a failure whatever
			// the monitor period (swarmkit's zero startedAt).
			t.Started = 0
		}
		ctx.emit(EventTaskFailed, t.Node, "%s %s on %s: %s", t.Name(), a.State, t.Node, a.Reason)
	default:
		t.Ended = a.At
	}
	s.taskChanged(t)
}

// shutdownTask sets a task's desired state to shutdown: the orchestrator no
// longer wants it to run. Its observed state stays what its node last said
// until the node confirms, except when State is given (a task that never
// started needs no confirmation).
type shutdownTask struct {
	Task, State, Reason string
	At                  int64
	Final               bool // the restart policy will not replace it
}

func (a *shutdownTask) kind() actionKind { return kindShutdownTask }
func (a *shutdownTask) encode(e *encoder) {
	e.str(a.Task)
	e.str(a.State)
	e.str(a.Reason)
	e.int(a.At)
	e.boolean(a.Final)
}
func (a *shutdownTask) decode(d *decoder) {
	a.Task, a.State, a.Reason, a.At, a.Final = d.str(), d.str(), d.str(), d.int(), d.boolean()
}
func (a *shutdownTask) apply(s *Store, ctx *applyContext) {
	t := s.Tasks[a.Task]
	if t == nil || !t.Active() {
		return
	}
	t.Desired, t.Final = TaskShutdown, a.Final
	if a.State != "" && !t.terminal() {
		t.State, t.Ended = a.State, a.At
	}
	if a.Reason != "" && (a.State != "" || !t.terminal()) {
		t.Reason = a.Reason
	}
	s.taskChanged(t)
}

// pendingReason updates why a pending task still has no node.
type pendingReason struct{ Task, Reason string }

func (a *pendingReason) kind() actionKind  { return kindPendingReason }
func (a *pendingReason) encode(e *encoder) { e.str(a.Task); e.str(a.Reason) }
func (a *pendingReason) decode(d *decoder) { a.Task = d.str(); a.Reason = d.str() }
func (a *pendingReason) apply(s *Store, ctx *applyContext) {
	if t := s.Tasks[a.Task]; t != nil && t.State == TaskPending {
		t.Reason = a.Reason
	}
}

// Node statuses, as `docker node ls` shows them.
const (
	NodeReady   = "ready"
	NodeUnknown = "unknown"
	NodeDown    = "down"
)

// nodeStatus is the dispatcher's verdict on a node: ready, unknown or down.
type nodeStatus struct {
	Node, Status, Message string
	At                    int64
}

func (a *nodeStatus) kind() actionKind { return kindNodeStatus }
func (a *nodeStatus) encode(e *encoder) {
	e.str(a.Node)
	e.str(a.Status)
	e.str(a.Message)
	e.int(a.At)
}
func (a *nodeStatus) decode(d *decoder) {
	a.Node, a.Status, a.Message, a.At = d.str(), d.str(), d.str(), d.int()
}
func (a *nodeStatus) apply(s *Store, ctx *applyContext) {
	n := s.Nodes[a.Node]
	if n == nil || n.Status == a.Status {
		return
	}
	was := n.Status
	n.Status, n.StatusMessage = a.Status, a.Message
	switch a.Status {
	case NodeDown:
		n.DownSince = a.At
		ctx.emit(EventNodeDown, n.Name, "%s is down: %s", n.Name, a.Message)
	case NodeReady:
		n.DownSince = 0
		if was == NodeDown {
			ctx.emit(EventNodeReady, n.Name, "%s is ready again", n.Name)
		}
	}
	s.nodeChanged(a.Node)
}

// updateNode is `docker node update`: availability and labels.
type updateNode struct {
	Node, Availability string
	Labels             map[string]string
}

func (a *updateNode) kind() actionKind { return kindUpdateNode }
func (a *updateNode) encode(e *encoder) {
	e.str(a.Node)
	e.str(a.Availability)
	e.labels(a.Labels)
}
func (a *updateNode) decode(d *decoder) {
	a.Node, a.Availability, a.Labels = d.str(), d.str(), d.labels()
}
func (a *updateNode) apply(s *Store, ctx *applyContext) {
	n := s.Nodes[a.Node]
	if n == nil {
		return
	}
	if n.Availability != a.Availability {
		ctx.emit(EventNodeUpdated, n.Name, "%s availability %s", n.Name, a.Availability)
	}
	n.Availability, n.Labels = a.Availability, maps.Clone(a.Labels)
	s.nodeChanged(a.Node)
}

// addNode records a node that joined, or with Replace, a node's new record
// (a role change).
type addNode struct {
	Record  *NodeRecord
	Replace bool
}

func (a *addNode) kind() actionKind  { return kindAddNode }
func (a *addNode) encode(e *encoder) { e.record(a.Record); e.boolean(a.Replace) }
func (a *addNode) decode(d *decoder) { a.Record = d.record(); a.Replace = d.boolean() }
func (a *addNode) apply(s *Store, ctx *applyContext) {
	if s.Nodes[a.Record.Name] != nil && !a.Replace {
		return
	}
	s.Nodes[a.Record.Name] = a.Record.clone()
	s.nodeOrder = nil
	if !a.Replace {
		ctx.emit(EventNodeJoined, a.Record.Name, "%s joined as a %s in zone %s", a.Record.Name, a.Record.Role, a.Record.Zone)
	}
	s.nodeChanged(a.Record.Name)
}

// removeNode is `docker node rm`.
type removeNode struct{ Node string }

func (a *removeNode) kind() actionKind  { return kindRemoveNode }
func (a *removeNode) encode(e *encoder) { e.str(a.Node) }
func (a *removeNode) decode(d *decoder) { a.Node = d.str() }
func (a *removeNode) apply(s *Store, ctx *applyContext) {
	if s.Nodes[a.Node] == nil {
		return
	}
	delete(s.Nodes, a.Node)
	s.nodeOrder = nil
	ctx.emit(EventNodeRemoved, a.Node, "%s removed from the swarm", a.Node)
	s.nodeChanged(a.Node)
}

// removeTask is the task reaper's: a finished task beyond the history limit
// is deleted.
type removeTask struct{ Task string }

func (a *removeTask) kind() actionKind  { return kindRemoveTask }
func (a *removeTask) encode(e *encoder) { e.str(a.Task) }
func (a *removeTask) decode(d *decoder) { a.Task = d.str() }
func (a *removeTask) apply(s *Store, ctx *applyContext) {
	t := s.Tasks[a.Task]
	if t == nil || t.Active() {
		return
	}
	s.removeTask(t)
}
