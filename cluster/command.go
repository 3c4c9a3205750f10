package cluster

import (
	"encoding/json"
	"fmt"
	"maps"
	"strconv"
	"strings"
)

// command is the payload of one Raft entry: a batch of ops proposed together
// and applied together. Ops carry their own preconditions, checked at apply
// time against the store as it is then, because a proposal may commit after
// the state its proposer saw has moved on (a new leader, an older entry that
// committed late). A stale op is skipped, identically on every manager.
type command struct {
	ID  uint64 `json:"id,omitempty"` // the proposer's handle, to hear that it was applied
	Ops []op   `json:"ops"`
}

type op struct {
	Kind     string       `json:"k"`
	Node     string       `json:"node,omitempty"`
	Task     string       `json:"task,omitempty"`
	Service  string       `json:"service,omitempty"`
	Spec     *ServiceSpec `json:"spec,omitempty"`
	Record   *NodeRecord  `json:"record,omitempty"`
	Slot     int          `json:"slot,omitempty"`
	Version  uint64       `json:"version,omitempty"`
	Value    string       `json:"value,omitempty"`
	Reason   string       `json:"reason,omitempty"`
	Replaces string       `json:"replaces,omitempty"` // node of the task a new task takes over from
	Cause    string       `json:"cause,omitempty"`    // why a task is created: reschedule, restart, update
	Attempt  int          `json:"attempt,omitempty"`
	Image    string       `json:"image,omitempty"`
	At       int64        `json:"at,omitempty"` // the proposer's simulated time, ms
}

// Why a task is created.
const (
	causeReschedule = "reschedule" // its predecessor's node went down or was drained
	causeRestart    = "restart"    // its predecessor's container exited
	causeUpdate     = "update"     // a rolling update replaced its predecessor
	causeStartFirst = "start-first"
)

const (
	opServiceCreate   = "service-create"
	opServiceUpdate   = "service-update"
	opServiceRemove   = "service-remove"
	opTaskCreate      = "task-create"      // Service, Slot or Node, Version, Node may be ""
	opTaskAssign      = "task-assign"      // Task, Node
	opTaskState       = "task-state"       // Task, Value (new state), Reason
	opTaskShutdown    = "task-stop"        // Task, Value (new state), Reason: desired becomes shutdown
	opTaskReason      = "task-reason"      // Task, Reason: why it is still pending
	opNodeStatus      = "node-status"      // Node, Value ready|down
	opNodeUpdate      = "node-update"      // Record: availability, labels
	opNodeAdd         = "node-add"         // Record
	opNodeRemove      = "node-remove"      // Node
	opServiceRollback = "service-rollback" // Service, Reason (why), At
	opUpdateState     = "update-state"     // Service, Value (state), Reason (message), At (next batch)
	opNodeRole        = "node-role"        // Node, Value manager|worker, Reason raft id
	historyLimit      = 5                  // tasks kept per slot, as Docker's task-history-limit
	taskIDPrefix      = "t"
	desiredShutdown   = TaskShutdown
)

func (c *command) encode() []byte {
	b, err := json.Marshal(c)
	if err != nil {
		panic(fmt.Sprintf("encoding a command: %v", err))
	}
	return b
}

func decodeCommand(b []byte) (*command, error) {
	c := &command{}
	if err := json.Unmarshal(b, c); err != nil {
		return nil, fmt.Errorf("decoding a command: %w", err)
	}
	return c, nil
}

// effect is what applying an op changed, for the timeline. Only the first
// manager to apply an entry reports its effects.
type effect struct {
	kind, node, detail string
}

// apply applies a committed command. It reports effects when report is set.
func (s *Store) apply(index uint64, c *command, report bool) []effect {
	s.Index = index
	s.taskOrder = nil // most commands add, remove or move tasks
	var out []effect
	emit := func(kind, node, format string, args ...any) {
		if report {
			out = append(out, effect{kind, node, fmt.Sprintf(format, args...)})
		}
	}
	for i := range c.Ops {
		o := &c.Ops[i]
		switch o.Kind {
		case opServiceCreate:
			if o.Spec == nil || s.Services[o.Spec.Name] != nil {
				continue
			}
			spec := o.Spec.clone()
			s.Services[spec.Name] = spec
			s.Versions[spec.Name] = 1
			emit(EventServiceCreated, "", "%s", describeSpec(spec))
		case opServiceUpdate:
			if o.Spec == nil || s.Services[o.Spec.Name] == nil {
				continue
			}
			spec := o.Spec.clone()
			old := s.Services[spec.Name]
			s.Services[spec.Name] = spec
			if !sameTemplate(old, spec) {
				s.Previous[spec.Name] = old
				s.Versions[spec.Name]++
				s.Updates[spec.Name] = &UpdateStatus{State: UpdateUpdating, Message: "update in progress", StartedAt: o.At}
				emit(EventServiceUpdated, "", "%s updating to version %d", spec.Name, s.Versions[spec.Name])
			} else if old.Replicas != spec.Replicas && spec.Mode == ModeReplicated {
				emit(EventServiceUpdated, "", "%s scaled from %d to %d", spec.Name, old.Replicas, spec.Replicas)
			} else {
				emit(EventServiceUpdated, "", "%s updated", spec.Name)
			}
		case opServiceRollback:
			prev, cur := s.Previous[o.Service], s.Services[o.Service]
			if prev == nil || cur == nil {
				continue
			}
			s.Services[o.Service], s.Previous[o.Service] = prev, cur
			s.Versions[o.Service]++
			s.Updates[o.Service] = &UpdateStatus{State: UpdateRollbackStarted, Message: o.Reason, StartedAt: o.At}
			emit(EventServiceUpdated, "", "%s rolling back: %s", o.Service, o.Reason)
		case opUpdateState:
			u := s.Updates[o.Service]
			if u == nil {
				continue
			}
			if u.State != o.Value {
				emit(EventServiceUpdated, "", "%s update %s: %s", o.Service, strings.ReplaceAll(o.Value, "_", " "), o.Reason)
			}
			u.State, u.Message, u.NextBatch = o.Value, o.Reason, o.At
		case opServiceRemove:
			if s.Services[o.Service] == nil {
				continue
			}
			delete(s.Services, o.Service)
			delete(s.Versions, o.Service)
			delete(s.Previous, o.Service)
			delete(s.Updates, o.Service)
			for key, tasks := range s.slots {
				if key.service == o.Service {
					for _, t := range tasks {
						delete(s.Tasks, t.ID)
					}
					delete(s.slots, key)
				}
			}
			emit(EventServiceRemoved, "", "%s removed", o.Service)
		case opTaskCreate:
			spec := s.Services[o.Service]
			if spec == nil || s.slotTaken(o.Service, o.Slot, o.Node, o.Cause == causeStartFirst, s.Versions[o.Service]) {
				continue
			}
			s.NextTask++
			t := &Task{
				ID:      taskIDPrefix + strconv.FormatUint(s.NextTask, 10),
				Service: o.Service,
				Slot:    o.Slot,
				Node:    o.Node,
				Desired: TaskRunning,
				State:   TaskAssigned,
				Version: o.Version,
				Image:   o.Image,
				Attempt: o.Attempt,
			}
			placed := o.Node != "" && o.Value != TaskPending
			if !placed {
				t.State, t.Reason = TaskPending, o.Reason
			}
			s.Tasks[t.ID] = t
			key := t.slotKey()
			s.slots[key] = append(s.slots[key], t)
			s.pruneHistory(key)
			switch {
			case !placed:
				emit(EventTaskPending, o.Node, "%s pending: %s", t.Name(), o.Reason)
			case o.Cause == causeReschedule:
				emit(EventTaskRescheduled, o.Node, "%s rescheduled on %s (was on %s)", t.Name(), o.Node, o.Replaces)
			case o.Cause == causeRestart:
				emit(EventTaskPlaced, o.Node, "%s restarted on %s (attempt %d)", t.Name(), o.Node, t.Attempt+1)
			case o.Cause == causeUpdate || o.Cause == causeStartFirst:
				emit(EventTaskPlaced, o.Node, "%s updated to version %d on %s", t.Name(), t.Version, o.Node)
			default:
				emit(EventTaskPlaced, o.Node, "%s placed on %s", t.Name(), o.Node)
			}
		case opTaskAssign:
			t := s.Tasks[o.Task]
			if t == nil || t.State != TaskPending || !t.Active() || s.Nodes[o.Node] == nil {
				continue
			}
			t.Node, t.State, t.Reason = o.Node, TaskAssigned, ""
			emit(EventTaskPlaced, o.Node, "%s placed on %s", t.Name(), o.Node)
		case opTaskState:
			t := s.Tasks[o.Task]
			if t == nil || t.State == o.Value {
				continue
			}
			t.State, t.Reason = o.Value, o.Reason
			if o.Value == TaskRunning {
				t.Started = o.At
			}
			if o.Value == TaskFailed {
				emit(EventTaskFailed, t.Node, "%s failed on %s: %s", t.Name(), t.Node, o.Reason)
			}
		case opTaskShutdown:
			t := s.Tasks[o.Task]
			if t == nil || !t.Active() {
				continue
			}
			t.Desired = desiredShutdown
			if o.Value != "" {
				t.State = o.Value
			}
			t.Reason, t.Ended = o.Reason, o.At
			if o.Value == TaskFailed {
				emit(EventTaskFailed, t.Node, "%s failed on %s: %s", t.Name(), t.Node, o.Reason)
			}
		case opTaskReason:
			if t := s.Tasks[o.Task]; t != nil && t.State == TaskPending {
				t.Reason = o.Reason
			}
		case opNodeStatus:
			n := s.Nodes[o.Node]
			if n == nil || n.Status == o.Value {
				continue
			}
			n.Status = o.Value
			if o.Value == NodeDown {
				emit(EventNodeDown, n.Name, "%s is down: %s", n.Name, o.Reason)
			} else {
				emit(EventNodeReady, n.Name, "%s is ready again", n.Name)
			}
		case opNodeUpdate:
			n := s.Nodes[o.Node]
			if n == nil || o.Record == nil {
				continue
			}
			if n.Availability != o.Record.Availability {
				emit(EventNodeUpdated, n.Name, "%s availability %s", n.Name, o.Record.Availability)
			}
			n.Availability, n.Labels = o.Record.Availability, maps.Clone(o.Record.Labels)
		case opNodeAdd:
			if o.Record == nil || (s.Nodes[o.Record.Name] != nil && o.Value != "replace") {
				continue
			}
			rec := *o.Record
			rec.Labels = maps.Clone(rec.Labels)
			s.Nodes[rec.Name] = &rec
			s.nodeOrder = nil
			if o.Value != "replace" {
				emit(EventNodeJoined, rec.Name, "%s joined as a %s in zone %s", rec.Name, rec.Role, rec.Zone)
			}
		case opNodeRemove:
			if s.Nodes[o.Node] == nil {
				continue
			}
			delete(s.Nodes, o.Node)
			s.nodeOrder = nil
			emit(EventNodeRemoved, o.Node, "%s removed from the swarm", o.Node)
		}
	}
	return out
}

// slotTaken reports whether a replicated slot, or a global service's node,
// already has a task meant to run. A start-first update may add a task of
// the current version beside one of an older version.
func (s *Store) slotTaken(service string, slot int, node string, startFirst bool, version uint64) bool {
	for _, t := range s.slots[slotKeyFor(service, slot, node)] {
		if t.Active() && !(startFirst && t.Version < version) {
			return true
		}
	}
	return false
}

// pruneHistory keeps at most historyLimit tasks per slot, dropping the oldest
// finished ones, as Docker's task history retention does.
func (s *Store) pruneHistory(key slotKey) {
	same := s.slots[key]
	excess := len(same) - historyLimit
	if excess <= 0 {
		return
	}
	kept := same[:0]
	for _, t := range same { // oldest first
		if excess > 0 && !t.Active() {
			delete(s.Tasks, t.ID)
			excess--
			continue
		}
		kept = append(kept, t)
	}
	s.slots[key] = kept
}

func describeSpec(s *ServiceSpec) string {
	if s.Mode == ModeGlobal {
		return s.Name + " created (global)"
	}
	return fmt.Sprintf("%s created with %d replicas", s.Name, s.Replicas)
}
