package state

import (
	"maps"
	"slices"
	"time"
)

// Batch is what the leader's components decide in one flush: the actions
// the leader proposes together, as one Raft entry, and what they already
// decided, so that two components do not both act on the same task or
// slot in one batch. Components only add to it; none applies anything to
// the store, which changes only when the entry commits.
type Batch struct {
	Now      time.Duration
	Actions  []Action
	Stopped  TaskSet       // tasks given a desired state of shutdown
	Creates  []*CreateTask // new tasks, placed by the scheduler before proposing
	Reported TaskSet       // tasks whose status this batch reports

	filled map[string]*slotSet // slots given a new task, by service
}

// NewBatch returns an empty batch for the flush at now.
func NewBatch(now time.Duration) *Batch {
	b := &Batch{}
	b.Reset(now)
	return b
}

// Reset empties the batch for the flush at now, keeping its memory.
func (b *Batch) Reset(now time.Duration) {
	b.Now = now
	b.Actions = b.Actions[:0]
	// The creates of the last batch are committed by now: the slice keeps
	// its memory, not the actions, which can be a hundred thousand.
	clear(b.Creates)
	b.Creates = b.Creates[:0]
	if b.filled == nil {
		b.filled = map[string]*slotSet{}
	}
	b.Stopped.Clear()
	b.Reported.Clear()
	for _, slots := range b.filled {
		slots.clear()
	}
}

// Add appends an action.
func (b *Batch) Add(a Action) { b.Actions = append(b.Actions, a) }

// Millis is the batch's time as the store records times: milliseconds.
func (b *Batch) Millis() int64 { return b.Now.Milliseconds() }

// Stop sets a task's desired state to shutdown, once per batch.
func (b *Batch) Stop(t *Task, state, reason string, final bool) {
	if !b.Stopped.Add(t.ID) {
		return
	}
	b.Add(&ShutdownTask{Task: t.ID, State: state, Reason: reason, At: b.Millis(), Final: final})
}

// Report adds a task's new observed state, once per batch: the first
// report of a flush wins.
func (b *Batch) Report(a *TaskStatus) bool {
	if !b.Reported.Add(a.Task) {
		return false
	}
	a.At = b.Millis()
	b.Add(a)
	return true
}

// Fill reports whether a slot may get a new task in this batch, and claims
// it.
func (b *Batch) Fill(service string, key SlotKey) bool {
	slots := b.filled[service]
	if slots == nil {
		slots = &slotSet{}
		b.filled[service] = slots
	}
	return slots.add(key)
}

// slotSet is a set of one service's slots: a bit per replicated slot, a
// map for global ones, keyed by node.
type slotSet struct {
	slots bitset
	nodes map[string]bool
}

// add puts key in the set and reports whether it was not there yet.
func (x *slotSet) add(key SlotKey) bool {
	if key.Slot > 0 {
		return x.slots.set(key.Slot)
	}
	if x.nodes[key.Node] {
		return false
	}
	if x.nodes == nil {
		x.nodes = map[string]bool{}
	}
	x.nodes[key.Node] = true
	return true
}

func (x *slotSet) clear() {
	clear(x.slots)
	clear(x.nodes)
}

// Create adds a new task; the scheduler gives it a node before the batch
// is proposed.
func (b *Batch) Create(ct *CreateTask) {
	ct.At = b.Millis()
	b.Creates = append(b.Creates, ct)
}

// CreateIn makes a new task for a slot (or a global service's node) with
// the service's current spec, whose task hash is hash, unless the batch
// already filled the slot. base carries the cause, attempt and delay.
func (b *Batch) CreateIn(s *Store, spec *ServiceSpec, hash uint64, slot int, node string, base CreateTask) {
	if !b.Fill(spec.Name, SlotKeyFor(slot, node)) {
		return
	}
	ct := base
	ct.Service, ct.Slot, ct.Node = spec.Name, slot, node
	ct.Version, ct.Hash, ct.Image = s.Versions[spec.Name], hash, spec.Image
	b.Create(&ct)
}

// Current is a slot's task meant to run, unless this batch stops it.
func (b *Batch) Current(s *Store, service string, key SlotKey) *Task {
	cur := s.Current(service, key)
	if cur == nil || b.Stopped.Has(cur.ID) {
		return nil
	}
	return cur
}

// IDSet is a set of task IDs that remembers the order they were added in:
// the order committed entries touched them, the same in every run, so it
// needs no sorting.
type IDSet struct {
	order []string
	spare []string // what the last Take returned, reused by the next
	in    TaskSet
}

// Add adds id, unless the set has it.
func (s *IDSet) Add(id string) {
	if s.in.Add(id) {
		s.order = append(s.order, id)
	}
}

// Take returns the members in order and empties the set. The slice is the
// caller's until the next Take, which reuses its memory: members added
// while it is read go elsewhere.
func (s *IDSet) Take() []string {
	out := s.order
	clear(s.spare) // let go of the IDs the last Take returned
	s.order, s.spare = s.spare[:0], out
	for _, id := range out {
		s.in.Remove(id)
	}
	return out
}

// SortedKeys returns a set's members in order, and empties it.
func SortedKeys(set map[string]bool) []string {
	keys := slices.Sorted(maps.Keys(set))
	clear(set)
	return keys
}

// SortedIDs returns a set's task IDs (or node names) in CompareNames
// order: t9 before t10.
func SortedIDs(set map[string]bool) []string {
	ids := make([]string, 0, len(set))
	for id := range set {
		ids = append(ids, id)
	}
	slices.SortFunc(ids, CompareNames)
	return ids
}

// Hashes caches each spec's TaskHash: specs in the store are replaced,
// never changed, so a spec's pointer names its hash. Clear it when a
// service changes, so that replaced specs are let go.
type Hashes map[*ServiceSpec]uint64

// Of is spec.TaskHash, computed once per spec.
func (h Hashes) Of(spec *ServiceSpec) uint64 {
	v, ok := h[spec]
	if !ok {
		v = spec.TaskHash()
		h[spec] = v
	}
	return v
}

// OfService is the TaskHash of a service's current spec in s, 0 if it is
// gone.
func (h Hashes) OfService(s *Store, service string) uint64 {
	if spec := s.Services[service]; spec != nil {
		return h.Of(spec)
	}
	return 0
}
