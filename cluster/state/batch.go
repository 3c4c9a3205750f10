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
	Stopped  map[string]bool // tasks given a desired state of shutdown
	Creates  []*CreateTask   // new tasks, placed by the scheduler before proposing
	Reported map[string]bool // tasks whose status this batch reports

	filled map[string]map[SlotKey]bool // slots given a new task
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
	if b.Stopped == nil {
		b.Stopped, b.filled, b.Reported = map[string]bool{}, map[string]map[SlotKey]bool{}, map[string]bool{}
	}
	clear(b.Stopped)
	clear(b.filled)
	clear(b.Reported)
}

// Add appends an action.
func (b *Batch) Add(a Action) { b.Actions = append(b.Actions, a) }

// Millis is the batch's time as the store records times: milliseconds.
func (b *Batch) Millis() int64 { return b.Now.Milliseconds() }

// Stop sets a task's desired state to shutdown, once per batch.
func (b *Batch) Stop(t *Task, state, reason string, final bool) {
	if b.Stopped[t.ID] {
		return
	}
	b.Stopped[t.ID] = true
	b.Add(&ShutdownTask{Task: t.ID, State: state, Reason: reason, At: b.Millis(), Final: final})
}

// Report adds a task's new observed state, once per batch: the first
// report of a flush wins.
func (b *Batch) Report(a *TaskStatus) bool {
	if b.Reported[a.Task] {
		return false
	}
	b.Reported[a.Task] = true
	a.At = b.Millis()
	b.Add(a)
	return true
}

// Fill reports whether a slot may get a new task in this batch, and claims
// it.
func (b *Batch) Fill(service string, key SlotKey) bool {
	slots := b.filled[service]
	if slots == nil {
		slots = map[SlotKey]bool{}
		b.filled[service] = slots
	}
	if slots[key] {
		return false
	}
	slots[key] = true
	return true
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
	if cur == nil || b.Stopped[cur.ID] {
		return nil
	}
	return cur
}

// IDSet is a set of task IDs that remembers the order they were added in:
// the order committed entries touched them, the same in every run, so it
// needs no sorting. Membership is a bit per task number (TaskNumber), so
// adding the store's IDs hashes nothing; other IDs go in a map.
type IDSet struct {
	order []string
	bits  []uint64        // bit N: "tN" is in the set
	other map[string]bool // members that are not "tN"
}

// Add adds id, unless the set has it.
func (s *IDSet) Add(id string) {
	n, ok := TaskNumber(id)
	if !ok {
		if s.other[id] {
			return
		}
		if s.other == nil {
			s.other = map[string]bool{}
		}
		s.other[id] = true
		s.order = append(s.order, id)
		return
	}
	w, bit := n/64, uint64(1)<<(n%64)
	if w >= len(s.bits) {
		s.bits = append(s.bits, make([]uint64, w+1-len(s.bits))...)
	}
	if s.bits[w]&bit == 0 {
		s.bits[w] |= bit
		s.order = append(s.order, id)
	}
}

// Take returns the members in order and empties the set.
func (s *IDSet) Take() []string {
	out := s.order
	s.order = nil
	for _, id := range out {
		if n, ok := TaskNumber(id); ok {
			s.bits[n/64] &^= 1 << (n % 64)
		}
	}
	clear(s.other)
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
