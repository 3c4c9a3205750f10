// Package statetest drives the leader's components in tests without Raft
// or a simulated swarm: a Store that a test changes by committing actions,
// as a committed entry would, with the components under test watching it.
//
//	s := statetest.New()
//	r := restart.New(s.Store, state.Hashes{})
//	s.Watch(r)                      // with whichever Watcher methods it has
//	s.Node("w1")
//	s.Service(state.ServiceSpec{Name: "web", Replicas: 2})
//	...
//	b := s.Batch()                  // what a flush at s.Now decides
//	r.Flush(b)
//	s.Commit(b)                     // as if Raft committed the batch
//
// Commit applies the actions of a batch, and its new tasks: placed where
// they say, or pending, as the scheduler (not under test) would leave them.
// Describe lists a batch's actions as short lines a test compares.
package statetest

import (
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/swarmsim/swarmsim/cluster/state"
)

// Store is a store under test.
type Store struct {
	*state.Store
	Now time.Duration
	// Hashes is the components' cache of spec hashes, emptied whenever a
	// service changes, as the leader empties it.
	Hashes state.Hashes
	index  uint64
	fan    fanout
}

// New returns an empty store.
func New() *Store {
	s := &Store{Store: state.NewStore(), Hashes: state.Hashes{}}
	s.fan = fanout{clearHashes(s.Hashes)}
	s.Store.Watch(&s.fan)
	return s
}

type (
	serviceWatcher interface{ ServiceChanged(name string) }
	nodeWatcher    interface{ NodeChanged(name string) }
	taskWatcher    interface{ TaskChanged(t *state.Task) }
)

// Watch has w hear every change the store applies, after those added
// before it, through whichever of ServiceChanged, NodeChanged and
// TaskChanged it has.
func (s *Store) Watch(w any) { s.fan = append(s.fan, w) }

type fanout []any

type clearHashes state.Hashes

func (h clearHashes) ServiceChanged(string) { clear(h) }

func (f *fanout) ServiceChanged(name string) {
	for _, w := range *f {
		if w, ok := w.(serviceWatcher); ok {
			w.ServiceChanged(name)
		}
	}
}

func (f *fanout) NodeChanged(name string) {
	for _, w := range *f {
		if w, ok := w.(nodeWatcher); ok {
			w.NodeChanged(name)
		}
	}
}

func (f *fanout) TaskChanged(t *state.Task) {
	for _, w := range *f {
		if w, ok := w.(taskWatcher); ok {
			w.TaskChanged(t)
		}
	}
}

// Apply commits actions as one entry.
func (s *Store) Apply(actions ...state.Action) {
	s.index++
	s.Store.Apply(s.index, &state.Command{ID: s.index, Actions: actions}, &state.ApplyContext{})
}

// Batch is an empty batch for a flush at s.Now.
func (s *Store) Batch() *state.Batch { return state.NewBatch(s.Now) }

// Commit applies a batch as the leader would once Raft committed it: its
// actions, then the new tasks no scheduler placed, a task without a node
// left pending.
func (s *Store) Commit(b *state.Batch) {
	actions := append([]state.Action(nil), b.Actions...)
	for _, ct := range unplaced(b) {
		if ct.Node == "" {
			ct.Pending = true
		}
		actions = append(actions, ct)
	}
	s.Apply(actions...)
}

// Step is one flush of the leader: each function adds to a batch at
// s.Now, in order, and the batch is committed. It returns what the batch
// did, as Describe writes it.
func (s *Store) Step(flush ...func(*state.Batch)) []string {
	b := s.Batch()
	for _, f := range flush {
		f(b)
	}
	s.Commit(b)
	return Describe(b)
}

// Node adds a ready, active worker, changed by the functions given.
func (s *Store) Node(name string, change ...func(*state.NodeRecord)) *state.NodeRecord {
	rec := &state.NodeRecord{Name: name, Zone: "a", Role: state.RoleWorker, Status: state.NodeReady,
		Availability: state.Active, NanoCPUs: 4e9, MemoryBytes: 8 << 30}
	for _, f := range change {
		f(rec)
	}
	s.Apply(&state.AddNode{Record: rec})
	return s.Nodes[name]
}

// UpdateNode commits a change to a node's record: its status, or its
// availability and labels.
func (s *Store) UpdateNode(name string, change func(*state.NodeRecord)) {
	rec := s.Nodes[name].Clone()
	change(rec)
	was := s.Nodes[name]
	if rec.Status != was.Status {
		s.Apply(&state.NodeStatus{Node: name, Status: rec.Status, At: s.Now.Milliseconds()})
	}
	if rec.Availability != was.Availability || !maps.Equal(rec.Labels, was.Labels) {
		s.Apply(&state.UpdateNode{Node: name, Availability: rec.Availability, Labels: rec.Labels})
	}
}

// Service creates a service with Docker's defaults where spec leaves
// them out: replicated, restart on any failure with no delay.
func (s *Store) Service(spec state.ServiceSpec) *state.ServiceSpec {
	if spec.Mode == "" {
		spec.Mode = state.ModeReplicated
	}
	if spec.Restart.Condition == "" {
		spec.Restart.Condition = "any"
	}
	if spec.Update.Order == "" {
		spec.Update = state.DefaultUpdate
	}
	if spec.Rollback.Order == "" {
		spec.Rollback = state.DefaultRollback
	}
	s.Apply(&state.CreateService{Spec: &spec})
	return s.Services[spec.Name]
}

// UpdateService commits a new spec for a service, as `docker service
// update` does.
func (s *Store) UpdateService(name string, change func(*state.ServiceSpec)) *state.ServiceSpec {
	spec := s.Services[name].Clone()
	change(spec)
	s.Apply(&state.UpdateService{Spec: spec, At: s.Now.Milliseconds(), Revision: s.Revisions[name]})
	return s.Services[name]
}

// Start creates a running task of a service's current spec in a slot (a
// global service's: slot 0) on a node, as if the orchestrator and the
// scheduler had made it and the node had started it.
func (s *Store) Start(service string, slot int, node string) *state.Task {
	spec := s.Services[service]
	s.Apply(&state.CreateTask{Service: service, Slot: slot, Node: node, Version: s.Versions[service],
		Hash: s.Hashes.Of(spec), Image: spec.Image, At: s.Now.Milliseconds()})
	t := s.Current(service, state.SlotKeyFor(slot, node))
	s.Report(t.ID, state.TaskRunning)
	return t
}

// Fail reports that a task's container exited with an error.
func (s *Store) Fail(id string) {
	s.Apply(&state.TaskStatus{Task: id, State: state.TaskFailed, Reason: "task: non-zero exit (1)", At: s.Now.Milliseconds()})
}

// Report commits a task's new observed state, as its node reports it.
func (s *Store) Report(id, observed string) {
	s.Apply(&state.TaskStatus{Task: id, State: observed, At: s.Now.Milliseconds()})
}

// Run reports every task that is assigned and meant to run as running.
func (s *Store) Run() {
	for _, t := range s.TaskList() {
		if t.Active() && t.State == state.TaskAssigned {
			s.Report(t.ID, state.TaskRunning)
		}
	}
}

// Assign puts every pending task on a node, by the function given.
func (s *Store) Assign(where func(t *state.Task) string) {
	for _, t := range s.TaskList() {
		if t.Active() && t.State == state.TaskPending {
			s.Apply(&state.AssignTask{Task: t.ID, Node: where(t)})
		}
	}
}

// Active lists a service's tasks meant to run, in TaskList order.
func (s *Store) Active(service string) []*state.Task {
	var out []*state.Task
	for _, t := range s.ServiceTasks(service) {
		if t.Active() {
			out = append(out, t)
		}
	}
	return out
}

// Describe lists a batch's actions, then its new tasks, one short line
// each: "shutdown t3", "create web.2 on w1", "status t4 running".
func Describe(b *state.Batch) []string {
	var out []string
	for _, a := range b.Actions {
		out = append(out, describe(a))
	}
	for _, ct := range unplaced(b) {
		out = append(out, describe(ct))
	}
	return out
}

// unplaced is the batch's new tasks the scheduler has not placed: those
// it placed (or left pending) are among the actions already.
func unplaced(b *state.Batch) []*state.CreateTask {
	var out []*state.CreateTask
	for _, ct := range b.Creates {
		if !slices.Contains(b.Actions, state.Action(ct)) {
			out = append(out, ct)
		}
	}
	return out
}

func describe(a state.Action) string {
	switch a := a.(type) {
	case *state.ShutdownTask:
		return "shutdown " + a.Task
	case *state.CreateTask:
		name := fmt.Sprintf("%s.%d", a.Service, a.Slot)
		if a.Slot == 0 {
			name = a.Service + "." + a.Node
		}
		if a.Node != "" {
			return "create " + name + " on " + a.Node
		}
		return "create " + name
	case *state.TaskStatus:
		return "status " + a.Task + " " + a.State
	case *state.NodeStatus:
		return "node " + a.Node + " " + a.Status
	case *state.AssignTask:
		return "assign " + a.Task + " to " + a.Node
	case *state.PendingReason:
		return "pending " + a.Task
	case *state.UpdateState:
		return "update " + a.Service + " " + a.State
	case *state.RollbackService:
		return "rollback " + a.Name
	case *state.RemoveTask:
		return "remove " + a.Task
	}
	return fmt.Sprintf("%T", a)
}
