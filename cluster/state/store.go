package state

import (
	"cmp"
	"errors"
	"hash/fnv"
	"iter"
	"maps"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Store is the desired state of the swarm: what every manager agrees on
// because it came out of committed Raft entries. Each manager keeps its own
// copy and changes it only by applying committed actions (action.go),
// so two managers that applied the same entries hold equal stores.
//
// Invariant: the indexes (slots, byNode) always describe Tasks exactly; only
// addTask, assign, replace and dropTask touch them. A task record, once in
// a store, is never changed: stores share records (see shared).
type Store struct {
	Index    uint64                  `json:"index"` // the last applied log index
	Nodes    map[string]*NodeRecord  `json:"nodes"`
	Services map[string]*ServiceSpec `json:"services"`
	Versions map[string]uint64       `json:"versions"` // service → template version
	// Revisions counts the writes to each service's spec, as swarmkit's
	// Meta.Version does: an update names the revision it read and is
	// refused if another write came first, so two clients cannot undo
	// each other's change unseen.
	Revisions map[string]uint64        `json:"revisions"`
	Previous  map[string]*ServiceSpec  `json:"previous"` // service → spec before the last update, for rollback
	Updates   map[string]*UpdateStatus `json:"updates"`
	Tasks     TaskTable                `json:"tasks"`
	NextTask  uint64                   `json:"next_task"`
	// Autolock is on after `docker swarm init --autolock` or `docker swarm
	// update --autolock=true`: each manager keeps its state on disk sealed
	// with UnlockKey, and one that restarts is locked until it is given the
	// key (autolock.go). Invariant: UnlockKey is set exactly when Autolock is.
	Autolock  bool                   `json:"autolock,omitempty"`
	UnlockKey string                 `json:"unlock_key,omitempty"`
	Secrets   map[string]*FileObject `json:"secrets,omitempty"` // docker secret create, by name
	Configs   map[string]*FileObject `json:"configs,omitempty"` // docker config create, by name

	// TaskHistoryLimit is how many tasks the task reaper keeps in each
	// slot, finished ones included: `docker swarm update
	// --task-history-limit`, DefaultTaskHistoryLimit unless changed; a
	// negative limit keeps every task.
	TaskHistoryLimit int `json:"task_history_limit"`

	// slots indexes each service's tasks by slot (or by node, for global
	// services), oldest first. Derived: rebuilt after decoding.
	slots map[string]*slotIndex
	// byNode indexes tasks by the node they are assigned to, by ID, not
	// record: a task's new record (replace) leaves it as it is. Derived.
	byNode map[string]*nodeTasks
	// nodeOrder caches NodeNames; nil when nodes were added or removed.
	nodeOrder []string
	// serviceOrder caches ServiceNames; nil when services were added or
	// removed.
	serviceOrder []string
	// taskOrder caches TaskList; nil when tasks were added, removed or moved.
	taskOrder []*Task
	// orderAt is where each of the store's own tasks ("t"+N) is in
	// taskOrder, by N, built with it: a task's new record takes the old
	// one's place there without a search through the list.
	orderAt []int32
	// watch hears every change this store applies; set only on the store of
	// the leading manager, whose orchestrators react to what changed.
	watch Watcher
}

// Watcher is told what an applied action changed.
type Watcher interface {
	NodeChanged(name string)
	ServiceChanged(name string)
	TaskChanged(t *Task)
}

// SlotKey names a replicated task's slot, or a global task's node.
type SlotKey struct {
	Slot int
	Node string // global services only
}

// SlotKeyFor is the key of a replicated task's slot, or of a global
// task's node when slot is 0.
func SlotKeyFor(slot int, node string) SlotKey {
	if slot > 0 {
		node = ""
	}
	return SlotKey{slot, node}
}

// SlotKey is the key of the task's slot.
func (t *Task) SlotKey() SlotKey { return SlotKeyFor(t.Slot, t.Node) }

// slotIndex holds one service's tasks: a replicated service's by slot
// number (slots are small dense numbers), a global service's by node.
//
// Most slots hold one task, so a slot's history is kept in one of two
// places: one holds a single task in only (get returns a one-element view
// of it, no allocation), a longer one is in more. A slot of 150,000 tasks
// in each of five stores then costs 8 bytes, not a slice header and an
// allocation.
type slotIndex struct {
	only   []*Task         // by slot: its one task, or nil when it has none or several
	more   map[int][]*Task // by slot: histories of two tasks or more
	byNode map[string][]*Task
	// nodes is byNode's keys in CompareNames order, nil when a key came or
	// went since: each reads it, and a global service on a thousand nodes
	// would otherwise sort a thousand names at every picture.
	nodes []string
}

func (x *slotIndex) get(key SlotKey) []*Task {
	if key.Slot > 0 {
		if h, ok := x.more[key.Slot]; ok {
			return h
		}
		if key.Slot < len(x.only) && x.only[key.Slot] != nil {
			return x.only[key.Slot : key.Slot+1 : key.Slot+1] // cap 1: an append copies
		}
		return nil
	}
	return x.byNode[key.Node]
}

// add puts t last in its slot's history. A slot's first task takes no
// slice of its own.
func (x *slotIndex) add(t *Task) {
	if s := t.Slot; s > 0 && (s >= len(x.only) || x.only[s] == nil) && len(x.more[s]) == 0 {
		x.grow(s)
		x.only[s] = t
		return
	}
	key := t.SlotKey()
	x.set(key, append(x.get(key), t))
}

// grow makes room in only for slot.
func (x *slotIndex) grow(slot int) {
	if slot >= len(x.only) {
		x.only = append(x.only, make([]*Task, slot+1-len(x.only))...)
	}
}

func (x *slotIndex) set(key SlotKey, tasks []*Task) {
	if key.Slot > 0 {
		x.grow(key.Slot)
		x.only[key.Slot] = nil
		delete(x.more, key.Slot)
		switch len(tasks) {
		case 0:
		case 1:
			x.only[key.Slot] = tasks[0]
		default:
			if x.more == nil {
				x.more = map[int][]*Task{}
			}
			x.more[key.Slot] = tasks
		}
		return
	}
	if x.byNode == nil {
		x.byNode = map[string][]*Task{}
	}
	_, had := x.byNode[key.Node]
	if len(tasks) == 0 {
		delete(x.byNode, key.Node)
	} else {
		x.byNode[key.Node] = tasks
	}
	if had != (len(tasks) > 0) {
		x.nodes = nil
	}
}

// sortedNodes is byNode's keys in CompareNames order, sorted again only
// after a key came or went (set).
func (x *slotIndex) sortedNodes() []string {
	if x.nodes == nil && len(x.byNode) > 0 {
		x.nodes = slices.SortedFunc(maps.Keys(x.byNode), CompareNames)
	}
	return x.nodes
}

// slots is one past the highest replicated slot that may hold tasks.
func (x *slotIndex) slots() int { return len(x.only) }

// keys lists the slots that hold tasks, replicated slots in order, then
// global ones by node.
func (x *slotIndex) keys() []SlotKey {
	n := max(x.slots()-1, 0) + len(x.byNode)
	if n == 0 {
		return nil
	}
	// Sized at once: a key holds a string, and growing the slice copies
	// them all again, under the collector's write barrier while it marks.
	out := make([]SlotKey, 0, n)
	for slot := 1; slot < x.slots(); slot++ {
		if len(x.get(SlotKey{Slot: slot})) > 0 {
			out = append(out, SlotKey{Slot: slot})
		}
	}
	for _, n := range x.sortedNodes() {
		out = append(out, SlotKey{Node: n})
	}
	return out
}

// NodeRecord is a node as the swarm knows it (`docker node inspect`).
type NodeRecord struct {
	Name          string            `json:"name"`
	Zone          string            `json:"zone"`
	Role          string            `json:"role"`    // "manager" or "worker"
	RaftID        uint64            `json:"raft_id"` // 0 for workers
	Status        string            `json:"status"`  // "ready", "unknown" or "down"
	StatusMessage string            `json:"status_message,omitempty"`
	DownSince     int64             `json:"down_since,omitempty"` // ms of simulated time
	Availability  string            `json:"availability"`
	Labels        map[string]string `json:"labels,omitempty"`
	EngineLabels  map[string]string `json:"engine_labels,omitempty"`
	NanoCPUs      int64             `json:"nano_cpus"`
	MemoryBytes   int64             `json:"memory_bytes"`
	// ID is Docker's ID for the node (ids.go): node.id in constraints.
	ID string `json:"id"`
	// OS and Arch are the node's platform: node.platform.os and .arch.
	OS   string `json:"os"`
	Arch string `json:"arch"`
}

// edit puts a copy of r in its place in s and returns it, for an action
// to change: like task records, node records are shared between stores
// (Store.Clone) and never changed in place. The copy shares the label
// maps, which are replaced, never written to.
func (r *NodeRecord) edit(s *Store) *NodeRecord {
	c := *r
	s.Nodes[r.Name] = &c
	return &c
}

// SetRole records what a committed Raft configuration change made of a
// node: a manager with its Raft ID, or a worker with none. Like every
// change to a shared record, it puts a new record in place.
func (s *Store) SetRole(name, role string, raftID uint64) {
	if r := s.Nodes[name]; r != nil {
		r = r.edit(s)
		r.Role, r.RaftID = role, raftID
	}
}

// Clone returns a deep copy.
func (r *NodeRecord) Clone() *NodeRecord {
	c := *r
	c.Labels = maps.Clone(r.Labels)
	c.EngineLabels = maps.Clone(r.EngineLabels)
	return &c
}

// ServiceSpec is what `docker service create` describes.
type ServiceSpec struct {
	Name string `json:"name"`
	// ID is the ID an imported service had; "" gives one derived from the
	// seed and the name (ids.go). It is no part of what the service runs.
	ID          string   `json:"id,omitempty"`
	Image       string   `json:"image,omitempty"`
	Mode        string   `json:"mode"`     // replicated, global, replicated-job or global-job
	Replicas    int      `json:"replicas"` // a replicated job's: its completions
	Constraints []string `json:"constraints,omitempty"`
	Preferences []string `json:"preferences,omitempty"`  // spread descriptors, e.g. node.labels.zone
	NanoCPUs    int64    `json:"nano_cpus,omitempty"`    // reservation
	MemoryBytes int64    `json:"memory_bytes,omitempty"` // reservation
	MaxReplicas int      `json:"max_replicas,omitempty"` // per node, 0 for no limit
	HostPorts   []uint32 `json:"host_ports,omitempty"`   // published in host mode
	ForceUpdate uint64   `json:"force_update,omitempty"` // bumped by `docker service update --force`

	Update  UpdateConfig  `json:"update"`
	Restart RestartPolicy `json:"restart"`

	// Labels are the service's labels; a stack's services carry
	// LabelNamespace, which is how Docker finds a stack's parts.
	Labels map[string]string `json:"labels,omitempty"`
	// Ports are every published port, as the endpoint spec lists them. The
	// host-mode ones are also in HostPorts, which the scheduler reads.
	Ports        []PortConfig `json:"ports,omitempty"`
	EndpointMode string       `json:"endpoint_mode,omitempty"` // vip ("" too) or dnsrr
	// Limits are recorded, as `docker service inspect` shows them; the
	// simulated containers use no CPU or memory to be limited.
	LimitNanoCPUs    int64        `json:"limit_nano_cpus,omitempty"`
	LimitMemoryBytes int64        `json:"limit_memory_bytes,omitempty"`
	Health           HealthCheck  `json:"health,omitzero"`
	Secrets          []string     `json:"secrets,omitempty"` // names of secrets the tasks mount
	Configs          []string     `json:"configs,omitempty"` // names of configs the tasks mount
	Rollback         UpdateConfig `json:"rollback"`          // how a rollback replaces tasks
	// Env is the containers' environment (--env, a stack's environment),
	// KEY=VALUE each: recorded, as docker service inspect shows it, and a
	// change rolls the tasks as Docker's does; nothing simulated reads it.
	Env []string `json:"env,omitempty"`

	// MaxConcurrent is how many tasks of a replicated job run at once
	// (--max-concurrent, by default --replicas); 0 for other modes.
	MaxConcurrent int `json:"max_concurrent,omitempty"`
}

// LabelNamespace is the label Docker puts on a stack's services, secrets
// and configs, with the stack's name as its value.
const LabelNamespace = "com.docker.stack.namespace"

// Publish modes of a port.
const (
	PublishIngress = "ingress" // the routing mesh: open on every node
	PublishHost    = "host"    // only on the nodes that run a task
)

// PortConfig is one published port of a service.
type PortConfig struct {
	Published uint32 `json:"published"`
	Target    uint32 `json:"target"`
	Protocol  string `json:"protocol"` // tcp, udp or sctp
	Mode      string `json:"mode"`     // PublishIngress or PublishHost
}

// HealthCheck is a container's health check (`--health-*`, a stack's
// healthcheck). A task that has one counts as running only once a check
// has passed; the zero value has none.
type HealthCheck struct {
	Cmd         string        `json:"cmd,omitempty"` // the test as written; "" for no check
	Interval    time.Duration `json:"interval,omitempty"`
	Timeout     time.Duration `json:"timeout,omitempty"`
	StartPeriod time.Duration `json:"start_period,omitempty"` // failures in it do not count
	// StartInterval is the time between probes during the start period;
	// 0 is the engine's default, DefaultHealthStartInterval.
	StartInterval time.Duration `json:"start_interval,omitempty"`
	Retries       int           `json:"retries,omitempty"` // consecutive failures that make it unhealthy
}

// Docker's defaults for a health check's unset fields (the engine's
// defaultProbeInterval, defaultProbeTimeout, defaultProbeRetries and
// defaultStartInterval).
const (
	DefaultHealthInterval      = 30 * time.Second
	DefaultHealthTimeout       = 30 * time.Second
	DefaultHealthRetries       = 3
	DefaultHealthStartInterval = 5 * time.Second // between probes during the start period
)

// FileObject is a secret or a config as the swarm stores it. Its data is
// not kept, only a digest of it, which is enough to tell that a stack's
// file changed.
type FileObject struct {
	Name    string            `json:"name"`
	Labels  map[string]string `json:"labels,omitempty"`
	Digest  uint64            `json:"digest"`
	Created int64             `json:"created_at"` // ms of simulated time
}

// UpdateConfig is `--update-*`: how a rolling update replaces tasks.
type UpdateConfig struct {
	Parallelism   int           `json:"parallelism"`    // tasks per batch; 0 means all at once
	Delay         time.Duration `json:"delay"`          // between batches
	FailureAction string        `json:"failure_action"` // pause, continue or rollback
	Order         string        `json:"order"`          // stop-first or start-first
	Monitor       time.Duration `json:"monitor"`        // how long a new task must run to count as updated
	// MaxFailureRatio is the share of tasks that may fail before the
	// failure action applies, in millionths: Docker's 0.25 is 250000.
	// Integers keep floating point out of every decision.
	MaxFailureRatio int `json:"max_failure_ratio,omitempty"`
}

// RestartPolicy is `--restart-*`: what happens when a task's container exits.
type RestartPolicy struct {
	Condition   string        `json:"condition"` // none, on-failure or any
	Delay       time.Duration `json:"delay"`
	MaxAttempts int           `json:"max_attempts"` // 0: no limit
	Window      time.Duration `json:"window"`       // a task that ran longer than this resets the count
}

// Docker's defaults for services.
var (
	DefaultUpdate  = UpdateConfig{Parallelism: 1, FailureAction: "pause", Order: "stop-first", Monitor: 5 * time.Second}
	DefaultRestart = RestartPolicy{Condition: "any", Delay: 5 * time.Second}
	// DefaultRollback is swarmkit's rollback config when a service gives none.
	DefaultRollback = UpdateConfig{Parallelism: 1, FailureAction: "pause", Order: "stop-first", Monitor: 5 * time.Second}
)

// Clone returns a deep copy.
func (s *ServiceSpec) Clone() *ServiceSpec {
	c := *s
	c.Constraints = slices.Clone(s.Constraints)
	c.Preferences = slices.Clone(s.Preferences)
	c.HostPorts = slices.Clone(s.HostPorts)
	c.Labels = maps.Clone(s.Labels)
	c.Ports = slices.Clone(s.Ports)
	c.Secrets = slices.Clone(s.Secrets)
	c.Configs = slices.Clone(s.Configs)
	return &c
}

// TaskHash fingerprints what a task runs, leaving out placement: swarmkit's
// updater (orchestrator.IsTaskDirty) replaces a task when its spec differs
// from the service's, except that a change to placement alone leaves a task
// whose node still satisfies the new constraints where it is.
func (s *ServiceSpec) TaskHash() uint64 {
	var e encoder
	e.str(s.Image)
	e.int(s.NanoCPUs)
	e.int(s.MemoryBytes)
	e.uint(uint64(len(s.HostPorts)))
	for _, p := range s.HostPorts {
		e.uint(uint64(p))
	}
	e.uint(s.ForceUpdate)
	e.str(s.Restart.Condition)
	e.dur(s.Restart.Delay)
	e.int(int64(s.Restart.MaxAttempts))
	e.dur(s.Restart.Window)
	s.hashExtras(&e)
	h := fnv.New64a()
	h.Write(e.b)
	return h.Sum64()
}

// SamePlacement reports whether two specs place tasks alike.
func SamePlacement(a, b *ServiceSpec) bool {
	return slices.Equal(a.Constraints, b.Constraints) && slices.Equal(a.Preferences, b.Preferences) && a.MaxReplicas == b.MaxReplicas
}

// Update states, as `docker service inspect` shows UpdateStatus.State.
const (
	UpdateUpdating          = "updating"
	UpdatePaused            = "paused"
	UpdateCompleted         = "completed"
	UpdateRollbackStarted   = "rollback_started"
	UpdateRollbackPaused    = "rollback_paused"
	UpdateRollbackCompleted = "rollback_completed"
)

// UpdateStatus is a service's rolling update in progress, or its outcome.
type UpdateStatus struct {
	State     string `json:"state"`
	Message   string `json:"message,omitempty"`
	StartedAt int64  `json:"started_at"` // ms of simulated time
}

// Active reports whether a rolling update or rollback is in progress.
func (u *UpdateStatus) Active() bool {
	return u != nil && (u.State == UpdateUpdating || u.State == UpdateRollbackStarted)
}

// Task states, in the order a task goes through them.
const (
	TaskPending  = "pending"  // no node yet
	TaskAssigned = "assigned" // committed to a node, not yet started there
	TaskStarting = "starting" // its container runs, its health check has not passed yet
	TaskRunning  = "running"
	TaskComplete = "complete" // its container exited with status 0; also the desired state of a job's task
	TaskFailed   = "failed"   // its container exited otherwise, or its node lost it
	TaskRejected = "rejected" // its node stopped satisfying its constraints
	TaskShutdown = "shutdown" // stopped on purpose
	TaskOrphaned = "orphaned" // its node has been down for 24 hours
)

// Task is one slot of a service, or a global service's copy on one node.
type Task struct {
	ID      string `json:"id"`
	Service string `json:"service"`
	Slot    int    `json:"slot,omitempty"` // replicated services only
	Node    string `json:"node,omitempty"`
	Desired string `json:"desired"` // "running" or "shutdown"; "complete" for a job's task
	State   string `json:"state"`   // what the node last reported, or the orchestrator decided
	Reason  string `json:"reason,omitempty"`
	Version uint64 `json:"version"`   // the service's template version it was created for
	Hash    uint64 `json:"spec_hash"` // ServiceSpec.taskHash of the spec it runs
	Image   string `json:"image,omitempty"`
	Attempt int    `json:"attempt,omitempty"`    // restarts of its slot before it
	Created int64  `json:"created_at,omitempty"` // ms of simulated time
	Delay   int64  `json:"delay,omitempty"`      // ms after Created before it may start: the restart delay
	Started int64  `json:"started_at,omitempty"` // ms: when it started, or began to run; 0 if it failed before it ran
	Ended   int64  `json:"ended_at,omitempty"`   // ms of simulated time
	ExitOK  bool   `json:"exit_ok,omitempty"`    // its container exited with status 0
	Final   bool   `json:"final,omitempty"`      // stopped, and its restart policy will not replace it
}

// Name is how Docker shows a task: web.3, or agent.w2 for a global service.
func (t *Task) Name() string { return TaskName(t.Service, t.Slot, t.Node) }

// TaskName is the name of service's task in slot, or on node for a global
// service's (slot 0).
func TaskName(service string, slot int, node string) string {
	if slot > 0 {
		return service + "." + strconv.Itoa(slot)
	}
	return service + "." + node
}

// Active reports whether the task is meant to run: a service's task until
// it is shut down, a job's until it is shut down or has completed.
func (t *Task) Active() bool {
	return t.Desired == TaskRunning || t.Desired == TaskComplete && !t.Completed()
}

// Completed reports whether the task's container exited 0.
func (t *Task) Completed() bool { return t.State == TaskComplete }

// Terminal reports whether the task's container is over, whatever was meant.
func (t *Task) Terminal() bool {
	switch t.State {
	case TaskComplete, TaskFailed, TaskRejected, TaskShutdown, TaskOrphaned:
		return true
	}
	return false
}

// StartsAt is when the task may start: its restart delay after it was made.
func (t *Task) StartsAt() time.Duration {
	return time.Duration(t.Created+t.Delay) * time.Millisecond
}

// NewStore returns an empty store.
func NewStore() *Store {
	s := &Store{
		Nodes:     map[string]*NodeRecord{},
		Services:  map[string]*ServiceSpec{},
		Versions:  map[string]uint64{},
		Revisions: map[string]uint64{},
		Previous:  map[string]*ServiceSpec{},
		Updates:   map[string]*UpdateStatus{},
		Secrets:   map[string]*FileObject{},
		Configs:   map[string]*FileObject{},
		slots:     map[string]*slotIndex{},
		byNode:    map[string]*nodeTasks{},
	}
	s.TaskHistoryLimit = DefaultTaskHistoryLimit
	return s
}

// Clone returns a deep copy, without a watcher.
func (s *Store) Clone() *Store {
	out := NewStore()
	out.Index, out.NextTask = s.Index, s.NextTask
	out.Autolock, out.UnlockKey = s.Autolock, s.UnlockKey
	out.TaskHistoryLimit = s.TaskHistoryLimit
	maps.Copy(out.Nodes, s.Nodes) // records are never changed in place
	for name, spec := range s.Services {
		out.Services[name] = spec.Clone()
	}
	maps.Copy(out.Versions, s.Versions)
	maps.Copy(out.Revisions, s.Revisions)
	for name, spec := range s.Previous {
		out.Previous[name] = spec.Clone()
	}
	for name, u := range s.Updates {
		st := *u
		out.Updates[name] = &st
	}
	out.Tasks = s.Tasks.clone()
	for name, o := range s.Secrets {
		out.Secrets[name] = o.Clone()
	}
	for name, o := range s.Configs {
		out.Configs[name] = o.Clone()
	}
	// The indexes are copied, not rebuilt: Reindex sorts every task, a
	// tenth of a second for a new leader of Swarm3k's 150,000.
	for name, x := range s.slots {
		out.slots[name] = x.clone()
	}
	for node, on := range s.byNode {
		out.byNode[node] = &nodeTasks{nums: slices.Clone(on.nums), other: slices.Clone(on.other)}
	}
	out.taskOrder, out.orderAt = slices.Clone(s.taskOrder), slices.Clone(s.orderAt)
	return out
}

// clone copies the index. Histories are copied too: a store appends to
// and deletes from its own in place.
func (x *slotIndex) clone() *slotIndex {
	out := &slotIndex{only: slices.Clone(x.only), nodes: x.nodes} // nodes is replaced, never changed
	if x.more != nil {
		out.more = make(map[int][]*Task, len(x.more))
		for slot, h := range x.more {
			out.more[slot] = slices.Clone(h)
		}
	}
	if x.byNode != nil {
		out.byNode = make(map[string][]*Task, len(x.byNode))
		for node, h := range x.byNode {
			out.byNode[node] = slices.Clone(h)
		}
	}
	return out
}

// Reindex rebuilds the indexes from Tasks, for a store whose task records
// were changed by hand (a test that breaks an invariant on purpose).
func (s *Store) Reindex() {
	s.slots = map[string]*slotIndex{}
	s.byNode = map[string]*nodeTasks{}
	s.taskOrder = nil
	for _, t := range s.TaskList() {
		s.index(t)
	}
}

// ForceTask puts t in the store as it is, in place of any task with its
// ID, and rebuilds the indexes: for a test that breaks an invariant on
// purpose. Everything else changes a store by applying actions.
func (s *Store) ForceTask(t *Task) {
	s.Tasks.put(t)
	s.Reindex()
}

func (s *Store) index(t *Task) {
	x := s.slots[t.Service]
	if x == nil {
		x = &slotIndex{}
		if spec := s.Services[t.Service]; spec != nil && spec.Mode == ModeReplicated {
			x.only = make([]*Task, 0, spec.Replicas+1) // its slots, numbered from 1
		}
		s.slots[t.Service] = x
	}
	x.add(t)
	if t.Node != "" {
		s.onNode(t.Node).add(t.ID)
	}
}

// onNode is a node's entry in byNode, made if it has none.
func (s *Store) onNode(node string) *nodeTasks {
	on := s.byNode[node]
	if on == nil {
		on = &nodeTasks{}
		s.byNode[node] = on
	}
	return on
}

// unassign takes a task off its node in byNode.
func (s *Store) unassign(t *Task) {
	if on := s.byNode[t.Node]; on != nil && on.remove(t.ID) {
		delete(s.byNode, t.Node)
	}
}

// nodeTasks is one node's tasks: the numbers of the store's own (no
// pointers for the collector to follow, half a pointer's size), the IDs
// of any other. Order does not matter: TasksOn sorts.
type nodeTasks struct {
	nums  []uint32
	other []string
}

func (on *nodeTasks) add(id string) {
	if n, ok := TaskNumber(id); ok {
		on.nums = append(on.nums, uint32(n))
	} else {
		on.other = append(on.other, id)
	}
}

func (on *nodeTasks) has(id string) bool {
	if n, ok := TaskNumber(id); ok {
		return slices.Contains(on.nums, uint32(n))
	}
	return slices.Contains(on.other, id)
}

// remove takes id out, and reports whether the node has no task left.
func (on *nodeTasks) remove(id string) bool {
	if n, ok := TaskNumber(id); ok {
		if i := slices.Index(on.nums, uint32(n)); i >= 0 {
			on.nums = slices.Delete(on.nums, i, i+1)
		}
	} else if i := slices.Index(on.other, id); i >= 0 {
		on.other = slices.Delete(on.other, i, i+1)
	}
	return len(on.nums) == 0 && len(on.other) == 0
}

func (s *Store) addTask(t *Task) {
	s.Tasks.put(t)
	s.index(t)
	s.taskOrder = nil
}

// assign replaces a pending task t with nt, the same task put on a node. A
// replicated task's slot does not depend on its node; a global task is
// created with its node already set.
func (s *Store) assign(t, nt *Task) {
	if on := s.byNode[t.Node]; t.Node == nt.Node && on != nil && on.has(t.ID) {
		s.replace(t, nt) // a global task waited on its own node
		return
	}
	if t.Node != "" {
		s.unassign(t)
	}
	s.onNode(nt.Node).add(nt.ID)
	s.replace(t, nt)
}

// A task record in a store is never changed: an action that changes a
// task puts a new record in its place (replace). That is what lets every
// manager's store hold the same records: the first store to apply an
// action keeps what it made on the action (shared), and a store that
// applies the same action to the same record takes that instead of making
// its own. Nine managers then hold one copy of each task, not nine, and
// each store stays its own: a store whose record differs (restored from a
// backup, a snapshot, a history of its own) makes its own.

// shared is what the first store to apply an action made: the record in
// it replaced, the one it made and, for a new task, its number.
type shared struct {
	in, out *Task
	seq     uint64
}

// of returns the record made from t, or nil when the first store's was
// another.
func (sh *shared) of(t *Task) *Task {
	if sh.out != nil && sh.in == t {
		return sh.out
	}
	return nil
}

// keep records what the first store made; later stores do not replace it.
func (sh *shared) keep(in, out *Task, seq uint64) {
	if sh.out == nil {
		sh.in, sh.out, sh.seq = in, out, seq
	}
}

// copy returns a new record equal to t, for an action to change.
func (t *Task) copy() *Task {
	c := *t
	return &c
}

// replace puts nt where t is in every index. nt has t's ID, service and
// slot, and its node unless assign moved it.
func (s *Store) replace(t, nt *Task) {
	s.Tasks.put(nt)
	if x := s.slots[t.Service]; x != nil {
		if h := x.get(t.SlotKey()); len(h) > 0 {
			if i := slices.Index(h, t); i >= 0 {
				h[i] = nt
			}
		}
	}
	if s.taskOrder != nil {
		// The order's keys (service, slot, a global task's node, ID) are
		// the same for both: nt takes t's place.
		if i, ok := s.orderOf(t); ok {
			s.taskOrder[i] = nt
		} else {
			s.taskOrder = nil
		}
	}
}

func (s *Store) dropTask(t *Task) {
	s.Tasks.delete(t.ID)
	same := func(o *Task) bool { return o == t }
	if x := s.slots[t.Service]; x != nil {
		key := t.SlotKey()
		x.set(key, slices.DeleteFunc(x.get(key), same))
	}
	if t.Node != "" {
		s.unassign(t)
	}
	s.taskOrder = nil
}

// History returns a slot's tasks, oldest first. The slice is shared.
func (s *Store) History(service string, key SlotKey) []*Task {
	if x := s.slots[service]; x != nil {
		return x.get(key)
	}
	return nil
}

// SpecOf is the spec a task was made from, as far as the store knows it:
// swarmkit keeps a whole spec on every task (api.Task.Spec); here a task
// carries its spec's hash, and the store keeps its service's current spec
// and the one before the last update. A task older than both is taken to
// run the current one.
func (s *Store) SpecOf(t *Task, hash func(*ServiceSpec) uint64) *ServiceSpec {
	spec := s.Services[t.Service]
	if prev := s.Previous[t.Service]; prev != nil && spec != nil && t.Hash != hash(spec) && t.Hash == hash(prev) {
		return prev
	}
	return spec
}

// Current returns the newest task of a slot meant to run, or nil.
func (s *Store) Current(service string, key SlotKey) *Task {
	h := s.History(service, key)
	for i := len(h) - 1; i >= 0; i-- {
		if h[i].Active() {
			return h[i]
		}
	}
	return nil
}

// SlotKeys lists a service's slots that hold tasks, in order.
func (s *Store) SlotKeys(service string) []SlotKey {
	if x := s.slots[service]; x != nil {
		return x.keys()
	}
	return nil
}

// ServiceTasks returns a service's tasks in TaskList order.
func (s *Store) ServiceTasks(service string) []*Task {
	return slices.Collect(s.TasksOf(service))
}

// TasksOf yields a service's tasks in TaskList order, from the slot index:
// no sort of the whole store and no copy, which matters for views taken
// each tick of a swarm with a hundred thousand tasks.
func (s *Store) TasksOf(service string) iter.Seq[*Task] {
	return func(yield func(*Task) bool) {
		if x := s.slots[service]; x != nil {
			x.each(yield)
		}
	}
}

// AllTasks yields every task in TaskList order, from the slot index.
func (s *Store) AllTasks() iter.Seq[*Task] {
	return func(yield func(*Task) bool) {
		for _, service := range slices.Sorted(maps.Keys(s.slots)) {
			if !s.slots[service].each(yield) {
				return
			}
		}
	}
}

// each yields the tasks in TaskList order: global ones (slot 0) by node,
// then replicated slots, each slot oldest (lowest ID) first. It reports
// whether yield asked for more.
func (x *slotIndex) each(yield func(*Task) bool) bool {
	for _, n := range x.sortedNodes() {
		for _, t := range x.byNode[n] {
			if !yield(t) {
				return false
			}
		}
	}
	for slot := 1; slot < x.slots(); slot++ {
		for _, t := range x.get(SlotKey{Slot: slot}) {
			if !yield(t) {
				return false
			}
		}
	}
	return true
}

// TasksOn returns the tasks assigned to a node, in TaskList order.
func (s *Store) TasksOn(node string) []*Task {
	on := s.byNode[node]
	if on == nil {
		return nil
	}
	out := make([]*Task, 0, len(on.nums)+len(on.other))
	for _, n := range on.nums {
		out = append(out, s.Tasks.byNumber(int(n)))
	}
	for _, id := range on.other {
		out = append(out, s.Tasks.Get(id))
	}
	sortTasks(out)
	return out
}

// NodeNames returns node names sorted, managers first, each by number. The
// slice is shared: do not modify it.
func (s *Store) NodeNames() []string {
	if s.nodeOrder == nil {
		names := make([]string, 0, len(s.Nodes))
		for n := range s.Nodes {
			names = append(names, n)
		}
		sort.Slice(names, func(i, j int) bool { return NodeLess(names[i], names[j]) })
		s.nodeOrder = names
	}
	return s.nodeOrder
}

// ServiceNames returns service names sorted. The slice is shared: do not
// modify it.
func (s *Store) ServiceNames() []string {
	if len(s.serviceOrder) != len(s.Services) {
		s.serviceOrder = slices.Sorted(maps.Keys(s.Services))
	}
	return s.serviceOrder
}

// TaskList returns all tasks ordered by service, slot or node, then ID. The
// slice is shared: do not modify it.
func (s *Store) TaskList() []*Task {
	if s.taskOrder == nil {
		list := make([]*Task, 0, s.Tasks.Len())
		for t := range s.Tasks.All() {
			list = append(list, t)
		}
		sortTasks(list)
		s.taskOrder = list
		s.orderAt = s.orderAt[:0]
		for i, t := range list {
			if n, ok := TaskNumber(t.ID); ok && uint64(n) <= s.NextTask { // a hand-made store may hold any number: those are searched for
				if n >= len(s.orderAt) {
					s.orderAt = append(s.orderAt, make([]int32, n+1-len(s.orderAt))...)
				}
				s.orderAt[n] = int32(i)
			}
		}
	}
	return s.taskOrder
}

func sortTasks(list []*Task) { slices.SortFunc(list, compareTasks) }

// orderOf is where t is in taskOrder, if it is there.
func (s *Store) orderOf(t *Task) (int, bool) {
	if n, ok := TaskNumber(t.ID); ok && n < len(s.orderAt) {
		if i := int(s.orderAt[n]); i < len(s.taskOrder) && s.taskOrder[i] == t {
			return i, true
		}
	}
	i, ok := slices.BinarySearchFunc(s.taskOrder, t, compareTasks)
	return i, ok && s.taskOrder[i] == t
}

// compareTasks is TaskList's order: by service, slot or node, then ID.
func compareTasks(a, b *Task) int {
	if a.Service != b.Service {
		return strings.Compare(a.Service, b.Service)
	}
	if a.Slot != b.Slot {
		return cmp.Compare(a.Slot, b.Slot)
	}
	// Within a replicated slot, oldest first; global tasks by node.
	if a.Slot == 0 && a.Node != b.Node {
		return CompareNames(a.Node, b.Node)
	}
	return CompareNames(a.ID, b.ID)
}

// CompareNames orders names by their letters, then their number: m2
// before m10, managers (m…) before workers (w…), task t9 before t10.
func CompareNames(a, b string) int {
	pa, na := SplitName(a)
	pb, nb := SplitName(b)
	return cmp.Or(strings.Compare(pa, pb), cmp.Compare(na, nb), strings.Compare(a, b))
}

// NodeLess orders node names as CompareNames does.
func NodeLess(a, b string) bool { return CompareNames(a, b) < 0 }

// SplitName splits a name into its letters and its number: m10 is m, 10.
func SplitName(s string) (string, int) {
	i := len(s)
	for i > 0 && s[i-1] >= '0' && s[i-1] <= '9' {
		i--
	}
	n, _ := strconv.Atoi(s[i:])
	return s[:i], n
}

// Node roles, statuses and availabilities, spelled as Docker spells them.
const (
	RoleManager = "manager"
	RoleWorker  = "worker"

	Active = "active"
	Pause  = "pause"
	Drain  = "drain"

	ModeReplicated = "replicated"
	ModeGlobal     = "global"
)

// The modes of jobs, whose tasks run to completion (package
// orchestrator/jobs).
const (
	ModeReplicatedJob = "replicated-job" // Replicas completions, MaxConcurrent at a time
	ModeGlobalJob     = "global-job"     // one completion on every eligible node
)

// Job reports whether the service is a job: its tasks run to completion
// and are not restarted once they exit 0.
func (s *ServiceSpec) Job() bool { return s.Mode == ModeReplicatedJob || s.Mode == ModeGlobalJob }

// PerNode reports whether the service's tasks are keyed by node, one on
// each, rather than by slot: a global service or a global job.
func (s *ServiceSpec) PerNode() bool { return s.Mode == ModeGlobal || s.Mode == ModeGlobalJob }

// ErrOutOfSequence answers an update of a service that was written
// after the spec it changes was read.
var ErrOutOfSequence = errors.New("Error response from daemon: rpc error: code = Unknown desc = update out of sequence")

// Watch has w hear every change this store applies from now on: the
// leading manager's components react to what changed.
func (s *Store) Watch(w Watcher) { s.watch = w }

// Unwatch stops w hearing changes, if it still does.
func (s *Store) Unwatch(w Watcher) {
	if s.watch == w {
		s.watch = nil
	}
}
