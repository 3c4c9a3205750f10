package state

import (
	"bytes"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"
)

// TestStoresShareRecords applies the same decoded commands to three stores,
// as the managers of one swarm do: they hold one record per task, not
// three. A store whose record is its own (restored from its encoding, as a
// snapshot or a backup gives it) makes its own, and a change applied to one
// store alone leaves the others as they were.
func TestStoresShareRecords(t *testing.T) {
	a, b := NewStore(), NewStore()
	for _, s := range []*Store{a, b} {
		s.Nodes["w1"] = &NodeRecord{Name: "w1", Role: RoleWorker, Status: NodeReady, Availability: Active}
	}
	apply := func(index uint64, cmd *Command, stores ...*Store) {
		for _, s := range stores {
			s.Apply(index, cmd, &ApplyContext{})
		}
	}
	apply(1, &Command{Actions: []Action{&CreateService{Spec: &ServiceSpec{Name: "web", Mode: ModeReplicated, Replicas: 2}}}}, a, b)
	apply(2, &Command{Actions: []Action{
		&CreateTask{Service: "web", Slot: 1, Node: "w1", At: 10},
		&CreateTask{Service: "web", Slot: 2, Pending: true, Reason: "no suitable node", At: 10},
	}}, a, b)
	c, err := DecodeStore(a.Encode()) // a member restored from a snapshot
	if err != nil {
		t.Fatal(err)
	}
	if a.Tasks.Get("t1") != b.Tasks.Get("t1") || a.Tasks.Get("t2") != b.Tasks.Get("t2") {
		t.Fatal("two stores that applied the same creates hold two records of each task")
	}
	apply(3, &Command{Actions: []Action{
		&TaskStatus{Task: "t1", State: TaskRunning, At: 20},
		&AssignTask{Task: "t2", Node: "w1"},
	}}, a, b, c)
	for _, id := range []string{"t1", "t2"} {
		if a.Tasks.Get(id) != b.Tasks.Get(id) {
			t.Errorf("%s: the stores stopped sharing after a status change", id)
		}
		if c.Tasks.Get(id) == a.Tasks.Get(id) {
			t.Errorf("%s: the restored store took a record made from another", id)
		}
	}
	if a.Tasks.Get("t1").State != TaskRunning || c.Tasks.Get("t1").State != TaskRunning || a.Tasks.Get("t2").Node != "w1" {
		t.Errorf("changes not applied: t1 %s/%s, t2 on %q", a.Tasks.Get("t1").State, c.Tasks.Get("t1").State, a.Tasks.Get("t2").Node)
	}
	if got := a.TasksOn("w1"); len(got) != 2 || got[1] != a.Tasks.Get("t2") {
		t.Errorf("the node index does not hold the new records: %v", ids(got))
	}
	if h := a.History("web", SlotKey{Slot: 1}); len(h) != 1 || h[0] != a.Tasks.Get("t1") {
		t.Errorf("the slot index does not hold the new record: %v", ids(h))
	}

	before := b.Encode()
	apply(4, &Command{Actions: []Action{&ShutdownTask{Task: "t1", State: TaskShutdown, At: 30}}}, a)
	if a.Tasks.Get("t1").Active() || !b.Tasks.Get("t1").Active() {
		t.Error("a shutdown applied to one store reached another")
	}
	if !bytes.Equal(before, b.Encode()) {
		t.Error("a store changed by a command it did not apply")
	}
}

// TestClonedStoresShareNodeRecords: a manager's store starts as a clone of
// the swarm's first state and shares its node records; a node's status or
// availability changed in one store is a new record there only.
func TestClonedStoresShareNodeRecords(t *testing.T) {
	boot := NewStore()
	for _, name := range []string{"w1", "w2"} {
		boot.Nodes[name] = &NodeRecord{Name: name, Role: RoleWorker, Status: NodeReady, Availability: Active, Labels: map[string]string{"zone": "a"}}
	}
	a, b := boot.Clone(), boot.Clone()
	if a.Nodes["w1"] != b.Nodes["w1"] {
		t.Fatal("two clones hold two records of w1")
	}
	a.Apply(1, &Command{Actions: []Action{
		&NodeStatus{Node: "w1", Status: NodeDown, Message: "heartbeat failure", At: 5},
		&UpdateNode{Node: "w2", Availability: Drain, Labels: map[string]string{"zone": "b"}},
	}}, &ApplyContext{})
	if a.Nodes["w1"].Status != NodeDown || a.Nodes["w2"].Availability != Drain || a.Nodes["w2"].Labels["zone"] != "b" {
		t.Fatalf("changes not applied: %+v %+v", a.Nodes["w1"], a.Nodes["w2"])
	}
	if b.Nodes["w1"].Status != NodeReady || b.Nodes["w2"].Availability != Active || b.Nodes["w2"].Labels["zone"] != "a" || boot.Nodes["w1"].Status != NodeReady {
		t.Errorf("a change applied to one store reached another: %+v %+v", b.Nodes["w1"], b.Nodes["w2"])
	}
	// A committed promotion, applied by one manager (its backup shares
	// the records it had).
	backup := b.Clone()
	b.SetRole("w1", RoleManager, 7)
	if r := b.Nodes["w1"]; r.Role != RoleManager || r.RaftID != 7 {
		t.Errorf("SetRole: %+v", r)
	}
	if r := backup.Nodes["w1"]; r.Role != RoleWorker || r.RaftID != 0 || boot.Nodes["w1"].Role != RoleWorker {
		t.Errorf("a promotion applied to one store reached its backup: %+v", r)
	}
}

// A clone's indexes are copied, not rebuilt: they must be what rebuilding
// gives (Reindex), and the clone's own changes must not reach the store
// it was cloned from, whose slot histories it copied.
func TestCloneCopiesIndexes(t *testing.T) {
	s := NewStore()
	for _, name := range []string{"w1", "w2", "w3"} {
		s.Nodes[name] = &NodeRecord{Name: name, Role: RoleWorker, Status: NodeReady, Availability: Active}
	}
	index := uint64(0)
	apply := func(s *Store, actions ...Action) {
		index++
		s.Apply(index, &Command{Actions: actions}, &ApplyContext{})
	}
	apply(s, &CreateService{Spec: &ServiceSpec{Name: "web", Mode: ModeReplicated, Replicas: 3}},
		&CreateService{Spec: &ServiceSpec{Name: "agent", Mode: ModeGlobal}})
	apply(s, &CreateTask{Service: "web", Slot: 1, Node: "w1"}, &CreateTask{Service: "web", Slot: 2, Node: "w2"},
		&CreateTask{Service: "web", Slot: 3, Pending: true, Reason: "no suitable node"},
		&CreateTask{Service: "agent", Node: "w1"}, &CreateTask{Service: "agent", Node: "w3"})
	// A slot with a history of two, and a global task replaced on its node.
	apply(s, &ShutdownTask{Task: "t1", State: TaskShutdown}, &ShutdownTask{Task: "t5", State: TaskShutdown})
	apply(s, &CreateTask{Service: "web", Slot: 1, Node: "w3"}, &CreateTask{Service: "agent", Node: "w3"},
		&AssignTask{Task: "t3", Node: "w2"})

	indexes := func(s *Store) string {
		var b strings.Builder
		for _, name := range slices.Sorted(maps.Keys(s.slots)) {
			x := s.slots[name]
			fmt.Fprintf(&b, "%s only %v more", name, ids(x.only))
			for _, slot := range slices.Sorted(maps.Keys(x.more)) {
				fmt.Fprintf(&b, " %d:%v", slot, ids(x.more[slot]))
			}
			b.WriteString(" by node")
			for _, node := range x.sortedNodes() {
				fmt.Fprintf(&b, " %s:%v", node, ids(x.byNode[node]))
			}
			b.WriteString("\n")
		}
		for _, node := range slices.Sorted(maps.Keys(s.byNode)) {
			on := s.byNode[node]
			fmt.Fprintf(&b, "on %s %v %v\n", node, slices.Sorted(slices.Values(on.nums)), on.other) // in no order: TasksOn sorts
		}
		return b.String()
	}
	clone := s.Clone()
	rebuilt := s.Clone()
	rebuilt.Reindex()
	if got, want := indexes(clone), indexes(rebuilt); got != want {
		t.Errorf("a clone's indexes are not what Reindex builds:\n%s\nwant:\n%s", got, want)
	}
	before := indexes(s)
	apply(clone, &ShutdownTask{Task: "t6", State: TaskShutdown}, &RemoveTask{Task: "t2"}, &RemoveTask{Task: "t1"})
	apply(clone, &CreateTask{Service: "web", Slot: 1, Node: "w2"}, &CreateTask{Service: "agent", Node: "w3"})
	if got := indexes(s); got != before {
		t.Errorf("changes to a clone reached the store it was cloned from:\n%s\nwant:\n%s", got, before)
	}
	if h := clone.History("web", SlotKey{Slot: 1}); len(h) != 2 || h[0].ID != "t6" {
		t.Errorf("the clone's slot 1 holds %v, want t6 and a new task", ids(h))
	}
}
