package placement

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/swarmsim/swarmsim/cluster/state"
	"github.com/swarmsim/swarmsim/cluster/state/statetest"
	"github.com/swarmsim/swarmsim/scheduler"
)

// rig is a store with a placer watching it.
func rig(nodes ...string) (*statetest.Store, *Placer) {
	s := statetest.New()
	p := New(s.Store, s.Hashes, 7, func() time.Duration { return s.Now })
	s.Watch(p)
	for _, n := range nodes {
		s.Node(n)
	}
	return s, p
}

// pending has a flush create n tasks of a service, in slots from first
// on, and place them: what the orchestrator creates, the placer places
// in the same batch, or leaves pending.
func pending(s *statetest.Store, p *Placer, service string, first, n int) []string {
	spec := s.Services[service]
	return s.Step(func(b *state.Batch) {
		for slot := first; slot < first+n; slot++ {
			b.CreateIn(s.Store, spec, s.Hashes.Of(spec), slot, "", state.CreateTask{})
		}
		p.Place(b)
	})
}

// where lists the node of each of a service's tasks meant to run, "" for
// a pending one.
func where(s *statetest.Store, service string) []string {
	var out []string
	for _, t := range s.Active(service) {
		if t.State == state.TaskPending {
			out = append(out, "")
		} else {
			out = append(out, t.Node)
		}
	}
	return out
}

func count(list []string, v string) int {
	n := 0
	for _, x := range list {
		if x == v {
			n++
		}
	}
	return n
}

// Ported from swarmkit scheduler_test.go TestScheduler: new tasks go to
// the nodes that run the fewest, and a node that joins gets the next one.
func TestScheduler(t *testing.T) {
	s, p := rig("w1", "w2", "w3")
	s.Service(state.ServiceSpec{Name: "web", Replicas: 4})
	s.Start("web", 1, "w1")
	pending(s, p, "web", 2, 2)
	if got := where(s, "web"); got[1] == "w1" || got[2] == "w1" || got[1] == got[2] {
		t.Errorf("the tasks went to %q, want the two empty nodes", got)
	}
	s.Node("w4")
	pending(s, p, "web", 4, 1)
	if got := where(s, "web"); got[3] != "w4" {
		t.Errorf("the task after w4 joined went to %q", got[3])
	}
}

// Ported from swarmkit scheduler_test.go TestSchedulerNoReadyNodes: with
// no ready node a task waits, saying why, and is placed once a node is
// ready.
func TestSchedulerNoReadyNodes(t *testing.T) {
	s, p := rig("w1")
	s.UpdateNode("w1", func(n *state.NodeRecord) { n.Status = state.NodeDown })
	s.Service(state.ServiceSpec{Name: "web", Replicas: 1})
	pending(s, p, "web", 1, 1)
	if task := s.Tasks.Get("t1"); task.State != state.TaskPending || !strings.HasPrefix(task.Reason, "no suitable node") {
		t.Fatalf("t1 is %s (%q), want pending with the scheduler's reason", task.State, task.Reason)
	}
	s.UpdateNode("w1", func(n *state.NodeRecord) { n.Status = state.NodeReady })
	if got := s.Step(p.Place); !slices.Equal(got, []string{"assign t1 to w1"}) {
		t.Errorf("once w1 is ready the placer did %q", got)
	}
}

// A task no node can take costs nothing while the swarm stands still: the
// placer looks at it again only when something changes.
func TestPendingTasksWaitForAChange(t *testing.T) {
	s, p := rig("w1")
	s.Service(state.ServiceSpec{Name: "web", Replicas: 1, Constraints: []string{"node.labels.disk==ssd"}})
	pending(s, p, "web", 1, 1)
	if p.schedule {
		t.Fatal("the placer wants to look again with nothing changed")
	}
	if got := s.Step(p.Place); len(got) != 0 {
		t.Errorf("with nothing changed the placer did %q", got)
	}
	s.UpdateNode("w1", func(n *state.NodeRecord) { n.Labels = map[string]string{"disk": "ssd"} })
	if got := s.Step(p.Place); !slices.Equal(got, []string{"assign t1 to w1"}) {
		t.Errorf("after w1 got the label the placer did %q", got)
	}
}

// failOn places a new task of web on whatever node the placer picks, and
// fails it there; it returns the node.
func failOn(s *statetest.Store, p *Placer, slot int) string {
	pending(s, p, "web", slot, 1)
	task := s.Current("web", state.SlotKeyFor(slot, ""))
	node := task.Node
	s.Report(task.ID, state.TaskRunning)
	s.Fail(task.ID)
	s.Apply(&state.ShutdownTask{Task: task.ID})
	s.Now += time.Second
	return node
}

// Ported from swarmkit scheduler_test.go TestSchedulerFaultyNode: a node
// where a service's tasks failed MaxFailures times goes after the others
// for that service, even one that runs more of it.
func TestSchedulerFaultyNode(t *testing.T) {
	s, p := rig("w1", "w2")
	s.Service(state.ServiceSpec{Name: "web", Replicas: 2})
	s.Start("web", 1, "w1")
	for i := range scheduler.MaxFailures {
		if got := failOn(s, p, 2); got != "w2" {
			t.Fatalf("attempt %d went to %s, want w2, the node with none of web", i+1, got)
		}
	}
	pending(s, p, "web", 2, 1)
	if got := s.Current("web", state.SlotKeyFor(2, "")).Node; got != "w1" {
		t.Errorf("after %d failures on w2 the task went to %s, want w1", scheduler.MaxFailures, got)
	}
}

// Ported from swarmkit scheduler_test.go TestSchedulerFaultyNodeSpecVersion:
// failures of the service's previous spec do not count against a node.
func TestSchedulerFaultyNodeSpecVersion(t *testing.T) {
	s, p := rig("w1", "w2")
	s.Service(state.ServiceSpec{Name: "web", Replicas: 2})
	s.Start("web", 1, "w1")
	for range scheduler.MaxFailures {
		failOn(s, p, 2)
	}
	s.UpdateService("web", func(spec *state.ServiceSpec) { spec.Image = "web:2" })
	pending(s, p, "web", 2, 1)
	if got := s.Current("web", state.SlotKeyFor(2, "")).Node; got != "w2" {
		t.Errorf("the new spec's task went to %s, want w2: the old spec's failures do not count", got)
	}
}

// Ported from swarmkit scheduler_test.go TestSchedulerResourceConstraint:
// a task no node has the resources for waits, and is placed on a node
// that has them when it joins.
func TestSchedulerResourceConstraint(t *testing.T) {
	s, p := rig("w1")
	s.Service(state.ServiceSpec{Name: "big", Replicas: 1, MemoryBytes: 16 << 30})
	pending(s, p, "big", 1, 1)
	if task := s.Tasks.Get("t1"); !strings.Contains(task.Reason, "insufficient resources") {
		t.Fatalf("t1 waits with %q, want insufficient resources", task.Reason)
	}
	s.Node("w2", func(n *state.NodeRecord) { n.MemoryBytes = 32 << 30 })
	if got := s.Step(p.Place); !slices.Equal(got, []string{"assign t1 to w2"}) {
		t.Errorf("after the big node joined the placer did %q", got)
	}
}

// Ported from swarmkit scheduler_test.go TestSchedulerResourceConstraintDeadTask:
// a task that stops gives its reservation back, and a task waiting for it
// is placed.
func TestSchedulerResourceConstraintDeadTask(t *testing.T) {
	s, p := rig("w1")
	s.Service(state.ServiceSpec{Name: "big", Replicas: 2, MemoryBytes: 6 << 30})
	s.Start("big", 1, "w1")
	pending(s, p, "big", 2, 1)
	if got := where(s, "big"); got[1] != "" {
		t.Fatalf("the second task went to %q beside the first", got[1])
	}
	s.Apply(&state.ShutdownTask{Task: "t1", State: state.TaskShutdown})
	if got := s.Step(p.Place); !slices.Equal(got, []string{"assign t2 to w1"}) {
		t.Errorf("after t1 stopped the placer did %q", got)
	}
}

// Ported from swarmkit scheduler_test.go TestSchedulerPreexistingDeadTask:
// a task that already ended on a node holds none of its resources.
func TestSchedulerPreexistingDeadTask(t *testing.T) {
	s, p := rig("w1")
	s.Service(state.ServiceSpec{Name: "big", Replicas: 1, MemoryBytes: 6 << 30})
	s.Start("big", 1, "w1")
	s.Fail("t1")
	s.Apply(&state.ShutdownTask{Task: "t1"})
	if got := pending(s, p, "big", 1, 1); !slices.Equal(got, []string{"create big.1 on w1"}) {
		t.Errorf("the placer did %q, want the new task on w1 where t1 ended", got)
	}
}

// Ported from swarmkit scheduler_test.go TestSchedulerHostPort: two tasks
// publishing the same host port never share a node; with two nodes the
// third waits.
func TestSchedulerHostPort(t *testing.T) {
	s, p := rig("w1", "w2")
	s.Service(state.ServiceSpec{Name: "web", Replicas: 3, HostPorts: []uint32{58000}})
	pending(s, p, "web", 1, 3)
	got := where(s, "web")
	if count(got, "w1") != 1 || count(got, "w2") != 1 || count(got, "") != 1 {
		t.Errorf("the tasks went to %q, want one per node and one waiting", got)
	}
}

// Ported from swarmkit scheduler_test.go TestSchedulerMaxReplicas: with at
// most one replica per node, a third task on two nodes waits, and is
// placed when a third node joins.
func TestSchedulerMaxReplicas(t *testing.T) {
	s, p := rig("w1", "w2")
	s.Service(state.ServiceSpec{Name: "web", Replicas: 3, MaxReplicas: 1})
	pending(s, p, "web", 1, 3)
	if got := where(s, "web"); count(got, "") != 1 {
		t.Fatalf("the tasks went to %q, want one waiting", got)
	}
	s.Node("w3")
	s.Step(p.Place)
	if got := where(s, "web"); count(got, "w3") != 1 {
		t.Errorf("after w3 joined the tasks run on %q", got)
	}
}

// Ported from swarmkit scheduler_test.go TestUnscheduleableTask: a task
// whose constraints no node satisfies waits, and the others of the batch
// are placed.
func TestUnscheduleableTask(t *testing.T) {
	s, p := rig("w1")
	s.Service(state.ServiceSpec{Name: "never", Replicas: 1, Constraints: []string{"node.hostname==nowhere"}})
	s.Service(state.ServiceSpec{Name: "web", Replicas: 1})
	got := s.Step(func(b *state.Batch) {
		for _, name := range []string{"never", "web"} {
			b.CreateIn(s.Store, s.Services[name], s.Hashes.Of(s.Services[name]), 1, "", state.CreateTask{})
		}
		p.Place(b)
	})
	if !slices.Equal(got, []string{"create never.1", "create web.1 on w1"}) {
		t.Errorf("the placer did %q", got)
	}
	if task := s.Tasks.Get("t1"); !strings.Contains(task.Reason, "scheduling constraints not satisfied") {
		t.Errorf("t1 waits with %q", task.Reason)
	}
}

// Ported from swarmkit scheduler_test.go TestPreferences: with a spread
// preference over zones, tasks divide between the zones before the
// nodes, even when one zone has more nodes.
func TestPreferences(t *testing.T) {
	s, p := rig()
	for _, n := range []struct{ name, zone string }{{"w1", "a"}, {"w2", "a"}, {"w3", "a"}, {"w4", "b"}} {
		s.Node(n.name, func(r *state.NodeRecord) { r.Labels = map[string]string{"zone": n.zone} })
	}
	s.Service(state.ServiceSpec{Name: "web", Replicas: 4, Preferences: []string{"node.labels.zone"}})
	pending(s, p, "web", 1, 4)
	if got := where(s, "web"); count(got, "w4") != 2 {
		t.Errorf("the tasks went to %q, want half of them on w4, zone b's one node", got)
	}
}

// Matches reads a node's labels, role and name as the constraints name
// them.
func TestMatches(t *testing.T) {
	rec := &state.NodeRecord{Name: "w1", Role: state.RoleWorker, Labels: map[string]string{"disk": "ssd"}}
	for _, tc := range []struct {
		constraint string
		want       bool
	}{
		{"node.labels.disk==ssd", true},
		{"node.labels.disk!=ssd", false},
		{"node.role==manager", false},
		{"node.hostname==w1", true},
	} {
		spec := &state.ServiceSpec{Constraints: []string{tc.constraint}}
		if got := Matches(spec, rec); got != tc.want {
			t.Errorf("%s on w1: %v, want %v", tc.constraint, got, tc.want)
		}
	}
}

// Ported from swarmkit scheduler_test.go TestPreassignedTasks: a global
// task comes with its node, and is placed there, even on a node that runs
// more than the others.
func TestPreassignedTasks(t *testing.T) {
	s, p := rig("w1", "w2")
	s.Service(state.ServiceSpec{Name: "web", Replicas: 3})
	for slot := 1; slot <= 3; slot++ {
		s.Start("web", slot, "w1")
	}
	spec := s.Service(state.ServiceSpec{Name: "agent", Mode: state.ModeGlobal})
	got := s.Step(func(b *state.Batch) {
		for _, n := range []string{"w1", "w2"} {
			b.CreateIn(s.Store, spec, s.Hashes.Of(spec), 0, n, state.CreateTask{})
		}
		p.Place(b)
	})
	if want := []string{"create agent.w1 on w1", "create agent.w2 on w2"}; !slices.Equal(got, want) {
		t.Errorf("the placer did %q, want %q", got, want)
	}
}

// Ported from swarmkit scheduler_test.go TestHA: the tasks of each
// service spread evenly over the nodes, whatever the other services run.
func TestHA(t *testing.T) {
	s, p := rig("w1", "w2", "w3", "w4", "w5")
	s.Service(state.ServiceSpec{Name: "one", Replicas: 10})
	s.Service(state.ServiceSpec{Name: "two", Replicas: 5})
	pending(s, p, "one", 1, 10)
	pending(s, p, "two", 1, 5)
	for _, service := range []string{"one", "two"} {
		per := map[string]int{}
		for _, n := range where(s, service) {
			per[n]++
		}
		lo, hi := 100, 0
		for _, n := range []string{"w1", "w2", "w3", "w4", "w5"} {
			lo, hi = min(lo, per[n]), max(hi, per[n])
		}
		if hi-lo > 0 {
			t.Errorf("%s runs %v per node, want the same on each", service, per)
		}
	}
}

// Ported from swarmkit scheduler_test.go TestSchedulerResourceConstraintHA:
// node 1 runs one task and has memory for one more, node 2 runs three and
// has plenty; of two new tasks, one goes to each, though spreading alone
// would put both on node 1.
func TestSchedulerResourceConstraintHA(t *testing.T) {
	s, p := rig()
	s.Node("id1", func(n *state.NodeRecord) { n.MemoryBytes = 1e9 })
	s.Node("id2", func(n *state.NodeRecord) { n.MemoryBytes = 1e11 })
	s.Service(state.ServiceSpec{Name: "web", Replicas: 6, MemoryBytes: 5e8})
	s.Start("web", 1, "id1")
	for slot := 2; slot <= 4; slot++ {
		s.Start("web", slot, "id2")
	}
	pending(s, p, "web", 5, 2)
	got := where(s, "web")
	if count(got, "id1") != 2 || count(got, "id2") != 4 {
		t.Errorf("the tasks run on %q, want two on id1 and four on id2", got)
	}
}

// Ported from swarmkit scheduler_test.go TestMultiplePreferences: with two
// spread preferences, tasks divide over the first label's values, then
// over the second's within each.
func TestMultiplePreferences(t *testing.T) {
	s, p := rig()
	for _, n := range []struct{ name, az, rack string }{
		{"n1", "a", "r1"}, {"n2", "a", "r1"}, {"n3", "a", "r2"}, {"n4", "b", "r3"}, {"n5", "b", "r3"},
	} {
		s.Node(n.name, func(r *state.NodeRecord) { r.Labels = map[string]string{"az": n.az, "rack": n.rack} })
	}
	s.Service(state.ServiceSpec{Name: "web", Replicas: 8, Preferences: []string{"node.labels.az", "node.labels.rack"}})
	pending(s, p, "web", 1, 8)
	got := where(s, "web")
	perAZ := count(got, "n1") + count(got, "n2") + count(got, "n3")
	if perAZ != 4 || count(got, "n3") != 2 || count(got, "n4")+count(got, "n5") != 4 {
		t.Errorf("the tasks went to %q, want 4 per az, and in az a 2 on rack r2's one node", got)
	}
}

// Ported from swarmkit scheduler_test.go TestSchedulerUnassignedMap: a
// task that waits for a node and is then removed is forgotten, and costs
// nothing after.
func TestSchedulerUnassignedMap(t *testing.T) {
	s, p := rig("w1")
	s.Service(state.ServiceSpec{Name: "big", Replicas: 1, MemoryBytes: 1 << 40})
	pending(s, p, "big", 1, 1)
	if len(p.pending) != 1 {
		t.Fatalf("%d tasks wait, want 1", len(p.pending))
	}
	s.Apply(&state.RemoveService{Name: "big"})
	if len(p.pending) != 0 {
		t.Errorf("%d tasks still wait after their service was removed", len(p.pending))
	}
	if got := s.Step(p.Place); len(got) != 0 {
		t.Errorf("the placer did %q", got)
	}
}
