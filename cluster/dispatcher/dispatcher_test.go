package dispatcher

import (
	"slices"
	"testing"
	"time"

	"github.com/swarmsim/swarmsim/cluster/state"
	"github.com/swarmsim/swarmsim/cluster/state/statetest"
)

// world is a swarm of nodes whose agents do what they are told, and
// whose links the test cuts.
type world struct {
	names  []string
	cut    map[int]bool
	agents []*fakeAgent
	woken  []int // nodes the dispatcher asked to deliver their heartbeats again
}

func (w *world) Nodes() int        { return len(w.names) }
func (w *world) Name(i int) string { return w.names[i] }
func (w *world) Index(name string) (int, bool) {
	i := slices.Index(w.names, name)
	return i, i >= 0
}
func (w *world) Reachable(i int) bool { return !w.cut[i] }
func (w *world) Wake(i int)           { w.woken = append(w.woken, i) }
func (w *world) Agent(i int) Agent    { return w.agents[i] }

type fakeAgent struct {
	running, starting map[string]bool
	exits             map[string]string
}

func (a *fakeAgent) Start(t *state.Task, h state.HealthCheck) string {
	a.running[t.ID] = true
	if h.Cmd != "" {
		a.starting[t.ID] = true
		return state.TaskStarting
	}
	return state.TaskRunning
}

func (a *fakeAgent) Stop(task string) bool {
	was := a.running[task]
	delete(a.running, task)
	delete(a.starting, task)
	return was
}

func (a *fakeAgent) Runs(task string) bool    { return a.running[task] }
func (a *fakeAgent) Probing(task string) bool { return a.starting[task] }
func (a *fakeAgent) Exit(task string) (string, bool, bool) {
	why, ok := a.exits[task]
	return why, false, ok
}
func (a *fakeAgent) ForgetExits() { clear(a.exits) }
func (a *fakeAgent) Strays(assigned []*state.Task) []string {
	var out []string
	for _, id := range state.SortedIDs(a.running) {
		if !slices.ContainsFunc(assigned, func(t *state.Task) bool { return t.ID == id }) {
			out = append(out, id)
		}
	}
	return out
}

// rig is manager m1 leading, workers w1 and w2 ready, and a dispatcher
// that has just started on m1.
type rig struct {
	*statetest.Store
	w     *world
	d     *Dispatcher
	wakes int
}

func newRig(t *testing.T) *rig {
	t.Helper()
	s := statetest.New()
	s.Node("m1", func(n *state.NodeRecord) { n.Role = state.RoleManager })
	s.Node("w1")
	s.Node("w2")
	w := &world{names: []string{"m1", "w1", "w2"}, cut: map[int]bool{}}
	for range w.names {
		w.agents = append(w.agents, &fakeAgent{running: map[string]bool{}, starting: map[string]bool{}, exits: map[string]string{}})
	}
	r := &rig{Store: s, w: w}
	r.d = New(s.Store, s.Hashes, w, 0, false, func() time.Duration { return r.Now }, func() { r.wakes++ })
	s.Watch(r.d)
	return r
}

func (r *rig) flush() []string { return r.Step(r.d.Flush) }

// beat has every reachable worker report in at the current time.
func (r *rig) beat() {
	for i := 1; i < len(r.w.names); i++ {
		if !r.w.cut[i] {
			r.d.Heartbeat(i, false)
		}
	}
}

func wantDid(t *testing.T, got []string, want ...string) {
	t.Helper()
	if !slices.Equal(got, want) {
		t.Errorf("the flush did %q, want %q", got, want)
	}
}

// Ported from swarmkit dispatcher_test.go TestHeartbeat: a node that
// reports every period stays ready, however long it runs.
func TestHeartbeat(t *testing.T) {
	r := newRig(t)
	for range 100 {
		r.Now += HeartbeatPeriod
		r.beat()
		for _, a := range r.flush() {
			if a != "" {
				t.Fatalf("at %v the flush did %q", r.Now, a)
			}
		}
	}
	for _, name := range []string{"w1", "w2"} {
		if got := r.Nodes[name].Status; got != state.NodeReady {
			t.Errorf("%s is %s", name, got)
		}
	}
}

// Ported from swarmkit dispatcher_test.go TestHeartbeatTimeout: a node
// silent for longer than the grace period is marked down, with Docker's
// message, and the others are not.
func TestHeartbeatTimeout(t *testing.T) {
	r := newRig(t)
	r.w.cut[2] = true
	for r.Now <= HeartbeatGrace+HeartbeatPeriod {
		r.Now += time.Second
		if r.Now%HeartbeatPeriod == 0 {
			r.beat()
		}
		r.flush()
	}
	if rec := r.Nodes["w2"]; rec.Status != state.NodeDown || rec.StatusMessage != MsgHeartbeat {
		t.Errorf("w2 is %s (%q), want down with %q", rec.Status, rec.StatusMessage, MsgHeartbeat)
	}
	if got := r.Nodes["w1"].Status; got != state.NodeReady {
		t.Errorf("w1, which reported, is %s", got)
	}
	if got := r.Nodes["m1"].Status; got != state.NodeReady {
		t.Errorf("the leader's own node is %s", got)
	}
}

// A down node that reports in again is ready again.
func TestHeartbeatAfterDownIsReady(t *testing.T) {
	r := newRig(t)
	r.UpdateNode("w1", func(n *state.NodeRecord) { n.Status = state.NodeDown })
	r.Now += time.Second
	r.d.Heartbeat(1, false)
	wantDid(t, r.flush(), "node w1 ready")
}

// A new leader does not know who is alive: its first batch marks every
// node but its own unknown, except those already down.
func TestNewLeaderMarksNodesUnknown(t *testing.T) {
	r := newRig(t)
	r.UpdateNode("w2", func(n *state.NodeRecord) { n.Status = state.NodeDown })
	wantDid(t, r.Step(r.d.MarkUnknown), "node w1 unknown")
	if got := r.Nodes["w1"].StatusMessage; got != MsgUnknown {
		t.Errorf("w1's message is %q, want Docker's %q", got, MsgUnknown)
	}
}

// assigned creates service web with a task assigned to each worker,
// committed but not yet started.
func assigned(r *rig) {
	r.Service(state.ServiceSpec{Name: "web", Replicas: 2})
	r.Apply(&state.CreateTask{Service: "web", Slot: 1, Node: "w1", Hash: r.Hashes.Of(r.Services["web"])},
		&state.CreateTask{Service: "web", Slot: 2, Node: "w2", Hash: r.Hashes.Of(r.Services["web"])})
}

// Ported from swarmkit dispatcher_test.go TestAssignmentsInitialNodeTasks:
// the tasks committed to a node are handed to it, and what it answers is
// committed.
func TestAssignmentsInitialNodeTasks(t *testing.T) {
	r := newRig(t)
	r.w.cut[1], r.w.cut[2] = true, true
	assigned(r)
	wantDid(t, r.flush())
	clear(r.w.cut)
	r.Now += time.Second
	r.beat()
	wantDid(t, r.flush(), "status t1 running", "status t2 running")
	if !r.w.agents[1].running["t1"] || !r.w.agents[2].running["t2"] {
		t.Error("the nodes do not run their tasks")
	}
}

// Ported from swarmkit dispatcher_test.go TestTasksStatusChange: what a
// node reports about a task's container is committed as the task's
// status.
func TestTasksStatusChange(t *testing.T) {
	r := newRig(t)
	assigned(r)
	r.flush()
	r.d.Exited(1, "t1", "task: non-zero exit (1)", false)
	wantDid(t, r.flush(), "status t1 failed")
	if got := r.Tasks.Get("t1").Reason; got != "task: non-zero exit (1)" {
		t.Errorf("t1's reason is %q", got)
	}
}

// Ported from swarmkit dispatcher_test.go TestAssignmentsAddingTasks: a
// task whose desired state becomes shutdown is stopped on its node, and
// the node's confirmation committed.
func TestAssignmentsRemovingTasks(t *testing.T) {
	r := newRig(t)
	assigned(r)
	r.flush()
	r.Apply(&state.ShutdownTask{Task: "t2", Reason: state.ReasonScaledDown})
	wantDid(t, r.flush(), "status t2 shutdown")
	if r.w.agents[2].running["t2"] {
		t.Error("w2 still runs t2")
	}
}

// A node the leader cannot reach gets its task when its session starts
// again, and a restart delay holds the start until it is over.
func TestAssignmentsWaitForTheNode(t *testing.T) {
	r := newRig(t)
	r.w.cut[1] = true
	assigned(r)
	wantDid(t, r.flush(), "status t2 running")
	r.w.cut[1] = false
	r.Now += time.Second
	r.d.Heartbeat(1, false)
	wantDid(t, r.flush(), "status t1 running")

	r.Apply(&state.ShutdownTask{Task: "t1"})
	r.flush()
	r.Apply(&state.CreateTask{Service: "web", Slot: 1, Node: "w1", Hash: r.Hashes.Of(r.Services["web"]), At: r.Now.Milliseconds(), Delay: 5000})
	wantDid(t, r.flush())
	r.Now += 5 * time.Second
	wantDid(t, r.flush(), "status t3 running")
}

// A node's new session compares what it runs with what it was given: a
// task it no longer runs failed, with the exit it remembers or as lost.
func TestSessionResyncsWhatTheNodeRuns(t *testing.T) {
	r := newRig(t)
	assigned(r)
	r.flush()
	delete(r.w.agents[1].running, "t1")
	delete(r.w.agents[2].running, "t2")
	r.w.agents[2].exits["t2"] = "task: non-zero exit (1)"
	r.Now += time.Second
	r.d.Heartbeat(1, true)
	r.d.Heartbeat(2, true)
	wantDid(t, r.flush(), "status t1 failed", "status t2 failed")
	if got := r.Tasks.Get("t1").Reason; got != ReasonLost {
		t.Errorf("t1's reason is %q, want %q", got, ReasonLost)
	}
	if got := r.Tasks.Get("t2").Reason; got != "task: non-zero exit (1)" {
		t.Errorf("t2's reason is %q, want the exit w2 remembered", got)
	}
}

// Tasks of a node down for NodeDownPeriod are orphaned, and not before.
func TestTasksOfANodeDownADayAreOrphaned(t *testing.T) {
	r := newRig(t)
	assigned(r)
	r.flush()
	r.UpdateNode("w1", func(n *state.NodeRecord) { n.Status = state.NodeDown })
	r.w.cut[1] = true
	for _, step := range []time.Duration{NodeDownPeriod - time.Second, 2 * time.Second} {
		r.Now += step
		r.d.Heartbeat(2, false)
		if got := r.flush(); step > time.Hour && len(got) != 0 {
			t.Errorf("a second before the day is over the flush did %q", got)
		} else if step < time.Hour {
			wantDid(t, got, "status t1 orphaned")
		}
	}
}

// A health check that passes on the node makes the task running.
func TestHealthCheckPassed(t *testing.T) {
	r := newRig(t)
	r.Service(state.ServiceSpec{Name: "db", Replicas: 1, Health: state.HealthCheck{Cmd: "true", Interval: time.Second}})
	r.Apply(&state.CreateTask{Service: "db", Slot: 1, Node: "w1", Hash: r.Hashes.Of(r.Services["db"])})
	wantDid(t, r.flush(), "status t1 starting")
	r.d.Passed("t1")
	wantDid(t, r.flush(), "status t1 running")
}

// Ported from swarmkit replicated_test.go TestInitializationDelayStart: a
// task a new leader finds waiting out its restart delay is started only
// once the delay is over, counted from when the task was made.
func TestInitializationDelayStart(t *testing.T) {
	r := newRig(t)
	r.Service(state.ServiceSpec{Name: "web", Replicas: 1})
	r.Now = time.Minute
	r.Apply(&state.CreateTask{Service: "web", Slot: 1, Node: "w1", Hash: r.Hashes.Of(r.Services["web"]),
		At: (time.Minute - 50*time.Millisecond).Milliseconds(), Delay: 100})
	d := New(r.Store.Store, r.Hashes, r.w, 0, true, func() time.Duration { return r.Now }, func() {})
	for _, task := range r.TaskList() {
		d.TaskChanged(task)
	}
	wantDid(t, r.Step(d.Flush))
	r.Now += 49 * time.Millisecond
	wantDid(t, r.Step(d.Flush))
	r.Now += time.Millisecond
	wantDid(t, r.Step(d.Flush), "status t1 running")
}

// A later leader gives the nodes it marks unknown twice the grace
// (swarmkit's dispatcher/nodes.go gracePeriodMultiplierUnknown), so a
// dead node's tasks are not replaced early after every election; the
// swarm's first leader gives the normal grace.
func TestUnknownNodesHaveTwiceTheGrace(t *testing.T) {
	for _, later := range []bool{false, true} {
		r := newRig(t)
		d := New(r.Store.Store, r.Hashes, r.w, 0, later, func() time.Duration { return r.Now }, func() {})
		r.Watch(d) // as a leader's store tells its dispatcher what changed
		if later {
			r.Step(d.MarkUnknown)
		}
		grace := HeartbeatGrace
		if later {
			grace = UnknownGrace
		}
		var downAt time.Duration
		for r.Now <= UnknownGrace+time.Second && downAt == 0 {
			r.Now += 500 * time.Millisecond
			d.Heartbeat(1, false)
			r.Step(d.Flush)
			if r.Nodes["w2"].Status == state.NodeDown {
				downAt = r.Now
			}
		}
		if downAt <= grace || downAt > grace+time.Second {
			t.Errorf("later leader %v: the silent w2 went down at %v, want just after %v", later, downAt, grace)
		}
		if got := r.Nodes["w1"].Status; got != state.NodeReady {
			t.Errorf("later leader %v: w1, which reported, is %s", later, got)
		}
	}
}

// A settled node's heartbeats count as heard every period without being
// delivered; woken, it is heard up to its last one, and its silence from
// then on marks it down a grace later, as if every heartbeat had come.
func TestSettledNodeIsHeardUntilWoken(t *testing.T) {
	r := newRig(t)
	r.Now = time.Second
	r.beat()
	r.flush() // sessions start: nothing is pending any more
	r.Now = 2 * time.Second
	if !r.d.Settle(1) {
		t.Fatal("a ready node with a current session did not settle")
	}
	if !r.d.Settle(2) {
		t.Fatal("w2 did not settle")
	}
	for r.Now < time.Minute {
		r.Now += time.Second
		wantDid(t, r.flush()) // nobody goes down: both are heard every period
	}
	// At 60 s the last heartbeat counted for w1 was at 57 s (2 + 11 × 5).
	r.Now = time.Minute
	if next := r.d.Wake(1); next != 62*time.Second {
		t.Errorf("w1's next heartbeat falls due at %v, want 1m2s", next)
	}
	r.Now = 57*time.Second + HeartbeatGrace
	wantDid(t, r.flush())
	r.Now += time.Millisecond
	wantDid(t, r.flush(), "node w1 down")
	// The store no longer counting w2 ready wakes it: its next heartbeat
	// has news.
	r.UpdateNode("w2", func(n *state.NodeRecord) { n.Status = state.NodeUnknown })
	if !slices.Equal(r.w.woken, []int{2}) {
		t.Errorf("woken %v after w2 became unknown, want [2]", r.w.woken)
	}
}
