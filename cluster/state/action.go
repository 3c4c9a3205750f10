package state

import (
	"fmt"
	"maps"
	"strings"
)

// A Raft entry carries a command: a batch of typed store actions, one
// payload type per kind as swarmkit's StoreAction has, proposed together and
// applied together. Each action checks its preconditions when applied,
// against the store as it is then, because a proposal may commit after the
// state its proposer saw has moved on (a new leader, an older entry that
// committed late). A stale action is skipped, identically on every manager.
type Command struct {
	ID      uint64 // the proposer's handle, to hear that it was applied
	Actions []Action
}

// Action is one change to the store.
type Action interface {
	kind() actionKind
	encode(*encoder)
	decode(*decoder)
	// apply changes the store if the action's preconditions still hold.
	apply(*Store, *ApplyContext)
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
	kindSetTaskHistoryLimit
	numActionKinds
)

func newAction(k actionKind) Action {
	switch k {
	case kindCreateService:
		return &CreateService{}
	case kindUpdateService:
		return &UpdateService{}
	case kindRemoveService:
		return &RemoveService{}
	case kindRollbackService:
		return &RollbackService{}
	case kindUpdateState:
		return &UpdateState{}
	case kindCreateTask:
		return &CreateTask{}
	case kindAssignTask:
		return &AssignTask{}
	case kindTaskStatus:
		return &TaskStatus{}
	case kindShutdownTask:
		return &ShutdownTask{}
	case kindPendingReason:
		return &PendingReason{}
	case kindNodeStatus:
		return &NodeStatus{}
	case kindUpdateNode:
		return &UpdateNode{}
	case kindAddNode:
		return &AddNode{}
	case kindRemoveNode:
		return &RemoveNode{}
	case kindRemoveTask:
		return &RemoveTask{}
	case kindSetAutolock:
		return &SetAutolock{}
	case kindRotateUnlockKey:
		return &RotateUnlockKey{}
	case kindCreateSecret:
		return &CreateSecret{}
	case kindRemoveSecret:
		return &RemoveSecret{}
	case kindCreateConfig:
		return &CreateConfig{}
	case kindRemoveConfig:
		return &RemoveConfig{}
	case kindSetTaskHistoryLimit:
		return &SetTaskHistoryLimit{}
	}
	return nil
}

// commandVersion starts every encoded command, so a change of format fails
// loudly instead of decoding garbage.
const commandVersion = 1

// Encode is the command as a Raft entry carries it.
func (c *Command) Encode() []byte {
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

// CommandID reads the ID of the command encoded in b without decoding the
// rest; ok is false for bytes that are no command of this format.
func CommandID(b []byte) (id uint64, ok bool) {
	d := decoder{b: b}
	if d.byte() != commandVersion {
		return 0, false
	}
	id = d.uint()
	return id, d.err == nil
}

// DecodeCommand reads a command back from an entry, refusing one that is
// damaged or of another format.
func DecodeCommand(b []byte) (*Command, error) {
	d := decoder{b: b}
	if v := d.byte(); v != commandVersion {
		return nil, fmt.Errorf("decoding a command: format %d, expected %d", v, commandVersion)
	}
	c := &Command{ID: d.uint()}
	n := d.count()
	c.Actions = make([]Action, 0, n)
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

// ApplyContext is what applying one command needs besides the store.
type ApplyContext struct {
	// Report is set for the first manager to apply an entry, which tells
	// the timeline what the entry changed through Effect, as it goes: a
	// command that places a hundred thousand tasks has as many effects,
	// and collecting them first would build a slice only to read it once.
	Report bool
	Effect func(kind, node, detail string)
	// Placed, when set, hears of each task placed for the first time in
	// place of Effect, which would be given its line: a timeline may write
	// that line only if it is ever read.
	Placed  func(t *Task)
	Refused error // why an action of the command did nothing, for its proposer
}

func (ctx *ApplyContext) emit(kind, node, format string, args ...any) {
	if ctx.Report {
		ctx.Effect(kind, node, fmt.Sprintf(format, args...))
	}
}

// apply applies a committed command at index.
func (s *Store) Apply(index uint64, c *Command, ctx *ApplyContext) {
	s.Index = index
	for _, a := range c.Actions {
		a.apply(s, ctx)
	}
}

func (s *Store) notifyService(name string) {
	if s.watch != nil {
		s.watch.ServiceChanged(name)
	}
}

func (s *Store) notifyTask(t *Task) {
	if s.watch != nil {
		s.watch.TaskChanged(t)
	}
}

// NotifyNode tells the watcher a node changed, for what changes it outside
// an action: a committed Raft configuration change.
func (s *Store) NotifyNode(name string) {
	if s.watch != nil {
		s.watch.NodeChanged(name)
	}
}

// CreateService is `docker service create`.
type CreateService struct{ Spec *ServiceSpec }

func (a *CreateService) kind() actionKind  { return kindCreateService }
func (a *CreateService) encode(e *encoder) { e.spec(a.Spec) }
func (a *CreateService) decode(d *decoder) { a.Spec = d.spec() }
func (a *CreateService) apply(s *Store, ctx *ApplyContext) {
	if s.Services[a.Spec.Name] != nil {
		return
	}
	spec := a.Spec.Clone()
	s.Services[spec.Name] = spec
	s.serviceOrder = nil
	s.Versions[spec.Name] = 1
	s.Revisions[spec.Name] = 1
	switch spec.Mode {
	case ModeGlobal:
		ctx.emit(EventServiceCreated, "", "%s created (global)", spec.Name)
	case ModeGlobalJob:
		ctx.emit(EventServiceCreated, "", "%s created (global job)", spec.Name)
	case ModeReplicatedJob:
		ctx.emit(EventServiceCreated, "", "%s created (replicated job: %d completions, %d at a time)", spec.Name, spec.Replicas, spec.MaxConcurrent)
	default:
		ctx.emit(EventServiceCreated, "", "%s created with %d replicas", spec.Name, spec.Replicas)
	}
	s.notifyService(spec.Name)
}

// UpdateService is `docker service update` and `docker service scale`. A
// change to what the tasks run starts a rolling update.
type UpdateService struct {
	Spec *ServiceSpec
	At   int64 // ms
	// Revision is the service's revision the spec was read at. The update
	// is refused if the service was written since: the spec would undo
	// that write.
	Revision uint64
}

func (a *UpdateService) kind() actionKind  { return kindUpdateService }
func (a *UpdateService) encode(e *encoder) { e.spec(a.Spec); e.int(a.At); e.uint(a.Revision) }
func (a *UpdateService) decode(d *decoder) { a.Spec = d.spec(); a.At = d.int(); a.Revision = d.uint() }
func (a *UpdateService) apply(s *Store, ctx *ApplyContext) {
	old := s.Services[a.Spec.Name]
	if old == nil {
		return
	}
	if s.Revisions[a.Spec.Name] != a.Revision {
		ctx.Refused = ErrOutOfSequence
		return
	}
	s.Revisions[a.Spec.Name]++
	spec := a.Spec.Clone()
	s.Services[spec.Name] = spec
	switch {
	case spec.Job():
		// swarmkit's controlapi starts a new iteration of a job on every
		// update: the job runs again from the start, with no rolling
		// update. The template version names the iteration.
		s.Previous[spec.Name] = old
		s.Versions[spec.Name]++
		ctx.emit(EventServiceUpdated, "", "%s runs again (iteration %d)", spec.Name, s.Versions[spec.Name])
	case old.TaskHash() != spec.TaskHash() || !SamePlacement(old, spec):
		s.Previous[spec.Name] = old
		s.Versions[spec.Name]++
		s.Updates[spec.Name] = &UpdateStatus{State: UpdateUpdating, Message: "update in progress", StartedAt: a.At}
		ctx.emit(EventServiceUpdated, "", "%s updating to version %d", spec.Name, s.Versions[spec.Name])
	case old.Replicas != spec.Replicas && spec.Mode == ModeReplicated:
		ctx.emit(EventServiceUpdated, "", "%s scaled from %d to %d", spec.Name, old.Replicas, spec.Replicas)
	default:
		ctx.emit(EventServiceUpdated, "", "%s updated", spec.Name)
	}
	s.notifyService(spec.Name)
}

// RemoveService is `docker service rm`: the service and all its tasks go.
type RemoveService struct{ Name string }

func (a *RemoveService) kind() actionKind  { return kindRemoveService }
func (a *RemoveService) encode(e *encoder) { e.str(a.Name) }
func (a *RemoveService) decode(d *decoder) { a.Name = d.str() }
func (a *RemoveService) apply(s *Store, ctx *ApplyContext) {
	if s.Services[a.Name] == nil {
		return
	}
	delete(s.Services, a.Name)
	s.serviceOrder = nil
	delete(s.Versions, a.Name)
	delete(s.Revisions, a.Name)
	delete(s.Previous, a.Name)
	delete(s.Updates, a.Name)
	for _, t := range s.ServiceTasks(a.Name) {
		s.dropTask(t)
		s.notifyTask(t)
	}
	delete(s.slots, a.Name)
	ctx.emit(EventServiceRemoved, "", "%s removed", a.Name)
	s.notifyService(a.Name)
}

// RollbackService puts the previous spec back, and rolls tasks back to it.
type RollbackService struct {
	Name, Reason string
	At           int64
}

func (a *RollbackService) kind() actionKind  { return kindRollbackService }
func (a *RollbackService) encode(e *encoder) { e.str(a.Name); e.str(a.Reason); e.int(a.At) }
func (a *RollbackService) decode(d *decoder) { a.Name = d.str(); a.Reason = d.str(); a.At = d.int() }
func (a *RollbackService) apply(s *Store, ctx *ApplyContext) {
	prev, cur := s.Previous[a.Name], s.Services[a.Name]
	if prev == nil || cur == nil {
		return
	}
	// Replicas are not part of what a rollback restores: the rollback is of
	// the template, as the scale may have changed since.
	restored := prev.Clone()
	restored.Replicas = cur.Replicas
	s.Services[a.Name], s.Previous[a.Name] = restored, cur
	s.Versions[a.Name]++
	s.Revisions[a.Name]++
	if restored.Job() {
		// A job is not rolled: it runs again, as after any update.
		ctx.emit(EventServiceUpdated, "", "%s runs again (iteration %d): %s", a.Name, s.Versions[a.Name], a.Reason)
		s.notifyService(a.Name)
		return
	}
	s.Updates[a.Name] = &UpdateStatus{State: UpdateRollbackStarted, Message: a.Reason, StartedAt: a.At}
	ctx.emit(EventServiceUpdated, "", "%s rolling back: %s", a.Name, a.Reason)
	s.notifyService(a.Name)
}

// UpdateState moves a rolling update along: its state and message.
type UpdateState struct {
	Service, State, Message string
}

func (a *UpdateState) kind() actionKind { return kindUpdateState }
func (a *UpdateState) encode(e *encoder) {
	e.str(a.Service)
	e.str(a.State)
	e.str(a.Message)
}
func (a *UpdateState) decode(d *decoder) {
	a.Service, a.State, a.Message = d.str(), d.str(), d.str()
}
func (a *UpdateState) apply(s *Store, ctx *ApplyContext) {
	u := s.Updates[a.Service]
	if u == nil {
		return
	}
	if u.State != a.State {
		ctx.emit(EventServiceUpdated, "", "%s update %s: %s", a.Service, strings.ReplaceAll(a.State, "_", " "), a.Message)
	}
	u.State, u.Message = a.State, a.Message
	s.notifyService(a.Service)
}

// Why a task is created, for the timeline.
const (
	CauseNew        = 0
	CauseReschedule = 1 // its predecessor's node went down, was drained or removed
	CauseRestart    = 2 // its predecessor's container exited or was rejected
	CauseUpdate     = 3 // a rolling update replaced its predecessor
	CauseStartFirst = 4 // a start-first update runs it beside its predecessor
)

// CreateTask adds a task to a slot (or a global service's node), placed on
// Node or, when Node is empty for a replicated task, pending with Reason.
type CreateTask struct {
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

	made shared // the task the first store to apply this made
}

func (a *CreateTask) kind() actionKind { return kindCreateTask }
func (a *CreateTask) encode(e *encoder) {
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
func (a *CreateTask) decode(d *decoder) {
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
func (a *CreateTask) apply(s *Store, ctx *ApplyContext) {
	if s.Services[a.Service] == nil || s.slotTaken(a.Service, SlotKeyFor(a.Slot, a.Node), a.Cause == CauseStartFirst, a.Hash) {
		return
	}
	if !a.Pending && (a.Node == "" || s.Nodes[a.Node] == nil) {
		return
	}
	s.NextTask++
	// A task is made of the action, its number and whether its service is
	// a job: a store that agrees on those with the first store takes the
	// same record (records are shared, never changed in place).
	t := a.made.out
	job := s.Services[a.Service].Job()
	if t == nil || a.made.seq != s.NextTask || (t.Desired == TaskComplete) != job {
		t = &Task{
			ID:      TaskID(s.NextTask),
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
		if job {
			t.Desired = TaskComplete
		}
		a.made.keep(nil, t, s.NextTask)
	}
	s.addTask(t)
	s.notifyTask(t)
	if !ctx.Report {
		return
	}
	switch {
	case a.Pending:
		ctx.emit(EventTaskPending, a.Node, "%s pending: %s", t.Name(), a.Reason)
	case a.Cause == CauseReschedule:
		ctx.emit(EventTaskRescheduled, a.Node, "%s rescheduled on %s (was on %s)", t.Name(), a.Node, a.Replaces)
	case a.Cause == CauseRestart:
		ctx.emit(EventTaskPlaced, a.Node, "%s restarted on %s (attempt %d)", t.Name(), a.Node, t.Attempt+1)
	case a.Cause == CauseUpdate || a.Cause == CauseStartFirst:
		ctx.emit(EventTaskPlaced, a.Node, "%s updated to version %d on %s", t.Name(), t.Version, a.Node)
	case ctx.Placed != nil:
		ctx.Placed(t)
	default:
		ctx.Effect(EventTaskPlaced, a.Node, t.Name()+" placed on "+a.Node)
	}
}

// slotTaken reports whether a slot already has a task meant to run. A
// start-first update may add a task of a new spec beside one of an older
// spec.
func (s *Store) slotTaken(service string, key SlotKey, startFirst bool, hash uint64) bool {
	for _, t := range s.History(service, key) {
		if t.Active() && !(startFirst && t.Hash != hash) {
			return true
		}
	}
	return false
}

// AssignTask records the scheduler's choice for a pending task.
type AssignTask struct {
	Task, Node string

	made shared
}

func (a *AssignTask) kind() actionKind  { return kindAssignTask }
func (a *AssignTask) encode(e *encoder) { e.str(a.Task); e.str(a.Node) }
func (a *AssignTask) decode(d *decoder) { a.Task = d.str(); a.Node = d.str() }
func (a *AssignTask) apply(s *Store, ctx *ApplyContext) {
	t := s.Tasks.Get(a.Task)
	if t == nil || t.State != TaskPending || !t.Active() || s.Nodes[a.Node] == nil || (t.Slot == 0 && t.Node != a.Node) {
		return
	}
	nt := a.made.of(t)
	if nt == nil {
		nt = t.copy()
		nt.Node, nt.State, nt.Reason = a.Node, TaskAssigned, ""
		a.made.keep(t, nt, 0)
	}
	s.assign(t, nt)
	t = nt
	ctx.emit(EventTaskPlaced, a.Node, "%s placed on %s", t.Name(), a.Node)
	s.notifyTask(t)
}

// TaskStatus is what a node reported about a task, or what the dispatcher
// concluded for it: running, failed, rejected, shut down or orphaned.
type TaskStatus struct {
	Task, State, Reason string
	At                  int64
	ExitOK              bool

	made shared
}

func (a *TaskStatus) kind() actionKind { return kindTaskStatus }
func (a *TaskStatus) encode(e *encoder) {
	e.str(a.Task)
	e.str(a.State)
	e.str(a.Reason)
	e.int(a.At)
	e.boolean(a.ExitOK)
}
func (a *TaskStatus) decode(d *decoder) {
	a.Task, a.State, a.Reason, a.At, a.ExitOK = d.str(), d.str(), d.str(), d.int(), d.boolean()
}
func (a *TaskStatus) apply(s *Store, ctx *ApplyContext) {
	t := s.Tasks.Get(a.Task)
	if t == nil || t.State == a.State || t.Terminal() {
		return
	}
	if a.State == TaskRunning && (t.State != TaskAssigned && t.State != TaskStarting || !t.Active()) {
		return
	}
	if a.State == TaskStarting && (t.State != TaskAssigned || !t.Active()) {
		return
	}
	was := t.State
	nt := a.made.of(t)
	if nt == nil {
		nt = t.copy()
		nt.State, nt.Reason = a.State, a.Reason
		switch a.State {
		case TaskStarting, TaskRunning:
			nt.Started = a.At
		case TaskFailed, TaskRejected:
			nt.Ended, nt.ExitOK = a.At, a.ExitOK
			if was != TaskRunning {
				// It never ran: the updater counts such a failure whatever
				// the monitor period (swarmkit's zero startedAt).
				nt.Started = 0
			}
		case TaskComplete:
			nt.Ended, nt.ExitOK = a.At, a.ExitOK
		default:
			nt.Ended = a.At
		}
		a.made.keep(t, nt, 0)
	}
	s.replace(t, nt)
	t = nt
	switch a.State {
	case TaskRunning:
		if was == TaskStarting {
			ctx.emit(EventTaskHealthy, t.Node, "%s is healthy on %s", t.Name(), t.Node)
		}
	case TaskFailed, TaskRejected:
		ctx.emit(EventTaskFailed, t.Node, "%s %s on %s: %s", t.Name(), a.State, t.Node, a.Reason)
	case TaskComplete:
		ctx.emit(EventTaskComplete, t.Node, "%s complete on %s: its container exited with status 0", t.Name(), t.Node)
	}
	s.notifyTask(t)
}

// ShutdownTask sets a task's desired state to shutdown: the orchestrator no
// longer wants it to run. Its observed state stays what its node last said
// until the node confirms, except when State is given (a task that never
// started needs no confirmation).
type ShutdownTask struct {
	Task, State, Reason string
	At                  int64
	Final               bool // the restart policy will not replace it

	made shared
}

func (a *ShutdownTask) kind() actionKind { return kindShutdownTask }
func (a *ShutdownTask) encode(e *encoder) {
	e.str(a.Task)
	e.str(a.State)
	e.str(a.Reason)
	e.int(a.At)
	e.boolean(a.Final)
}
func (a *ShutdownTask) decode(d *decoder) {
	a.Task, a.State, a.Reason, a.At, a.Final = d.str(), d.str(), d.str(), d.int(), d.boolean()
}
func (a *ShutdownTask) apply(s *Store, ctx *ApplyContext) {
	t := s.Tasks.Get(a.Task)
	if t == nil || !t.Active() {
		return
	}
	nt := a.made.of(t)
	if nt == nil {
		nt = t.copy()
		nt.Desired, nt.Final = TaskShutdown, a.Final
		if a.State != "" && !t.Terminal() {
			nt.State, nt.Ended = a.State, a.At
		}
		if a.Reason != "" && (a.State != "" || !nt.Terminal()) {
			nt.Reason = a.Reason
		}
		a.made.keep(t, nt, 0)
	}
	s.replace(t, nt)
	s.notifyTask(nt)
}

// PendingReason updates why a pending task still has no node.
type PendingReason struct {
	Task, Reason string

	made shared
}

func (a *PendingReason) kind() actionKind  { return kindPendingReason }
func (a *PendingReason) encode(e *encoder) { e.str(a.Task); e.str(a.Reason) }
func (a *PendingReason) decode(d *decoder) { a.Task = d.str(); a.Reason = d.str() }
func (a *PendingReason) apply(s *Store, ctx *ApplyContext) {
	if t := s.Tasks.Get(a.Task); t != nil && t.State == TaskPending {
		nt := a.made.of(t)
		if nt == nil {
			nt = t.copy()
			nt.Reason = a.Reason
			a.made.keep(t, nt, 0)
		}
		s.replace(t, nt)
	}
}

// Node statuses, as `docker node ls` shows them.
const (
	NodeReady   = "ready"
	NodeUnknown = "unknown"
	NodeDown    = "down"
)

// NodeStatus is the dispatcher's verdict on a node: ready, unknown or down.
type NodeStatus struct {
	Node, Status, Message string
	At                    int64
}

func (a *NodeStatus) kind() actionKind { return kindNodeStatus }
func (a *NodeStatus) encode(e *encoder) {
	e.str(a.Node)
	e.str(a.Status)
	e.str(a.Message)
	e.int(a.At)
}
func (a *NodeStatus) decode(d *decoder) {
	a.Node, a.Status, a.Message, a.At = d.str(), d.str(), d.str(), d.int()
}
func (a *NodeStatus) apply(s *Store, ctx *ApplyContext) {
	n := s.Nodes[a.Node]
	if n == nil || n.Status == a.Status {
		return
	}
	was := n.Status
	n = n.edit(s)
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
	s.NotifyNode(a.Node)
}

// UpdateNode is `docker node update`: availability and labels.
type UpdateNode struct {
	Node, Availability string
	Labels             map[string]string
}

func (a *UpdateNode) kind() actionKind { return kindUpdateNode }
func (a *UpdateNode) encode(e *encoder) {
	e.str(a.Node)
	e.str(a.Availability)
	e.labels(a.Labels)
}
func (a *UpdateNode) decode(d *decoder) {
	a.Node, a.Availability, a.Labels = d.str(), d.str(), d.labels()
}
func (a *UpdateNode) apply(s *Store, ctx *ApplyContext) {
	n := s.Nodes[a.Node]
	if n == nil {
		return
	}
	if n.Availability != a.Availability {
		ctx.emit(EventNodeUpdated, n.Name, "%s availability %s", n.Name, a.Availability)
	}
	n = n.edit(s)
	n.Availability, n.Labels = a.Availability, maps.Clone(a.Labels)
	s.NotifyNode(a.Node)
}

// AddNode records a node that joined, or with Replace, a node's new record
// (a role change).
type AddNode struct {
	Record  *NodeRecord
	Replace bool
}

func (a *AddNode) kind() actionKind  { return kindAddNode }
func (a *AddNode) encode(e *encoder) { e.record(a.Record); e.boolean(a.Replace) }
func (a *AddNode) decode(d *decoder) { a.Record = d.record(); a.Replace = d.boolean() }
func (a *AddNode) apply(s *Store, ctx *ApplyContext) {
	if s.Nodes[a.Record.Name] != nil && !a.Replace {
		return
	}
	s.Nodes[a.Record.Name] = a.Record.Clone()
	s.nodeOrder = nil
	if !a.Replace {
		ctx.emit(EventNodeJoined, a.Record.Name, "%s joined as a %s in zone %s", a.Record.Name, a.Record.Role, a.Record.Zone)
	}
	s.NotifyNode(a.Record.Name)
}

// RemoveNode is `docker node rm`.
type RemoveNode struct{ Node string }

func (a *RemoveNode) kind() actionKind  { return kindRemoveNode }
func (a *RemoveNode) encode(e *encoder) { e.str(a.Node) }
func (a *RemoveNode) decode(d *decoder) { a.Node = d.str() }
func (a *RemoveNode) apply(s *Store, ctx *ApplyContext) {
	if s.Nodes[a.Node] == nil {
		return
	}
	delete(s.Nodes, a.Node)
	s.nodeOrder = nil
	ctx.emit(EventNodeRemoved, a.Node, "%s removed from the swarm", a.Node)
	s.NotifyNode(a.Node)
}

// RemoveTask is the task reaper's: a finished task beyond the history limit
// is deleted.
type RemoveTask struct{ Task string }

func (a *RemoveTask) kind() actionKind  { return kindRemoveTask }
func (a *RemoveTask) encode(e *encoder) { e.str(a.Task) }
func (a *RemoveTask) decode(d *decoder) { a.Task = d.str() }
func (a *RemoveTask) apply(s *Store, ctx *ApplyContext) {
	t := s.Tasks.Get(a.Task)
	if t == nil || t.Active() {
		return
	}
	s.dropTask(t)
}
