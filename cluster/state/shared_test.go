package state

import (
	"bytes"
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
