// Package dispatcher is the leader's side of every node's session, as
// swarmkit's manager/dispatcher is:
//
//   - Heartbeats. A node reports every HeartbeatPeriod. One the store does
//     not count as ready is marked ready once heard; one silent for
//     HeartbeatGrace is marked down. On winning an election the dispatcher
//     first marks every node that is not down as unknown ("Node moved to
//     \"unknown\" state due to leadership change in cluster"): a new leader
//     does not know who is alive until they report in, and the scheduler
//     places only on ready nodes. An unknown node has UnknownGrace, twice
//     the grace, to report before it is marked down. A steady node's
//     heartbeats, which change nothing, need not be delivered one by
//     one: see Settle.
//   - Sessions. When a node's session with this leader starts (its first
//     heartbeat, or one after a restart or a lost report) the dispatcher
//     compares what the node runs with what the store assigns it: tasks to
//     start, tasks to stop, tasks the node lost.
//   - Assignments. A task committed to a node is started there once the
//     node can be reached, its restart delay is over, and the older task of
//     its slot has stopped (restart.WaitsForStop); a task whose
//     desired state became shutdown is stopped there. Either way the node's
//     report (running, shutdown) is committed.
//   - Orphans. Tasks of a node that has been down for 24 hours are marked
//     orphaned (swarmkit's defaultNodeDownPeriod); until then they keep
//     the state Docker last knew.
//
// # Using it
//
// The dispatcher reaches the nodes through World, which the simulation
// provides: which nodes exist (by index, in the order they joined), which
// the leader can reach now, and each node's Agent, the side that runs
// containers. It never changes what a node runs itself: it asks the agent
// to start or stop a task, and commits what the agent answers.
//
//	d := dispatcher.New(store, hashes, world, self, clock, wake)
//	d.Heartbeat(i, dirty)        // node i reported in
//	d.Settle(i); d.Wake(i)       // node i's steady heartbeats, taken as heard meanwhile
//	d.Exited(i, task, why, ok)   // node i says a container exited
//	d.TaskChanged(t); d.NodeChanged(name) // what applied entries touched
//	d.MarkUnknown(batch)         // a new leader's first batch
//	d.Flush(batch)               // turn reports and deadlines into actions
//
// wake asks the leader for a flush soon; clock is the simulation's.
package dispatcher

import (
	"cmp"
	"container/heap"
	"slices"
	"time"

	"github.com/swarmsim/swarmsim/cluster/orchestrator/restart"
	"github.com/swarmsim/swarmsim/cluster/state"
	"github.com/swarmsim/swarmsim/internal/fault"
)

// Swarm's timing, from swarmkit's defaults.
const (
	// HeartbeatPeriod is how often every node reports to the dispatcher.
	HeartbeatPeriod = 5 * time.Second
	// HeartbeatGrace is how long the dispatcher waits before it declares a
	// silent node down: three missed periods.
	HeartbeatGrace = 3 * HeartbeatPeriod
	// UnknownGrace is the grace of a node a new leader marked unknown,
	// twice the normal (swarmkit's gracePeriodMultiplierUnknown).
	UnknownGrace = 2 * HeartbeatGrace
	// NodeDownPeriod is how long a node stays down before its tasks are
	// orphaned: swarmkit's defaultNodeDownPeriod.
	NodeDownPeriod = 24 * time.Hour
)

// Docker's words for the dispatcher's verdicts.
const (
	MsgUnknown       = "Node moved to \"unknown\" state due to leadership change in cluster"
	MsgHeartbeat     = "heartbeat failure"
	MsgUnknownFailed = "heartbeat failure for node in \"unknown\" state"
	MsgOrphaned      = "task belongs to a node that has been down for 24h"
	ReasonLost       = "the node restarted and no longer runs it"
	ReasonComplete   = "finished" // swarmkit's agent: the task is complete
)

// World is the simulated swarm as the dispatcher reaches it.
type World interface {
	Nodes() int // nodes that ever joined; indexes run from 0
	Name(i int) string
	Index(name string) (int, bool)
	Reachable(i int) bool // the leader and node i can talk now
	Agent(i int) Agent
	// Wake has node i deliver its heartbeats again after Settle.
	Wake(i int)
}

// Agent is a node's side of its session: what it runs, and what it says
// about it.
type Agent interface {
	// Start runs a task; it answers running, or starting while the task's
	// health check has yet to pass.
	Start(t *state.Task, h state.HealthCheck) string
	// Stop stops a task, and reports whether it ran.
	Stop(task string) bool
	Runs(task string) bool
	// Probing reports whether a running task's health check has yet to
	// pass.
	Probing(task string) bool
	// Exit is how a task's container ended while the leader could not
	// hear it; ok is false when the node knows of no such exit.
	Exit(task string) (reason string, exitOK, ok bool)
	// ForgetExits drops the exits the leader has now heard of.
	ForgetExits()
	// Strays lists, in CompareNames order, the tasks the node runs that
	// are not among assigned, the tasks the store assigns it.
	Strays(assigned []*state.Task) []string
}

// Dispatcher is one leader's side of the node sessions.
type Dispatcher struct {
	s      *state.Store
	hashes state.Hashes
	world  World
	self   int // the leader's own node
	now    func() time.Duration
	wake   func()

	seen    []time.Duration // by node index: the last heartbeat this leader heard
	isReady []bool          // by node index: the store counts the node ready (kept by NodeChanged)
	// asleep holds, by node index, the heartbeat from which a steady
	// node's heartbeats are taken as heard every HeartbeatPeriod without
	// being delivered one by one (Settle), or -1.
	asleep     []time.Duration
	session    []bool        // by node index: the node's session with this leader is current
	expiry     []deadline    // heartbeat deadlines, in the order they fall due
	unknown    []deadline    // this leader's first deadlines, one per node, all at once
	heard      map[int]bool  // nodes heard from that the store does not count as ready
	resync     map[int]bool  // nodes whose session started: compare what they run
	deliveries state.IDSet   // tasks whose node must start or stop them
	delayed    delayQueue    // tasks waiting out their restart delay
	wokeLate   bool          // Wake put deadlines out of order in expiry
	orphans    []deadline    // down nodes, by when their tasks become orphaned
	reports    []report      // containers that exited, as their nodes reported
	passed     state.IDSet   // tasks whose health check passed, as their nodes reported
	removed    []*state.Task // tasks the store dropped (their service was removed) whose node may still run them
}

type deadline struct {
	at   time.Duration
	node int
}

type report struct {
	node   int
	task   string
	reason string
	exitOK bool
}

// New returns the dispatcher of a leader whose own node is self. Every
// node is given a full grace period from now to report in: HeartbeatGrace
// under the swarm's first leader, through which every node joined, and
// UnknownGrace under a later one (unknown), which marks them unknown
// (swarmkit's nodeStore.AddUnknown).
func New(s *state.Store, hashes state.Hashes, world World, self int, unknown bool, now func() time.Duration, wake func()) *Dispatcher {
	d := &Dispatcher{s: s, hashes: hashes, world: world, self: self, now: now, wake: wake,
		heard: map[int]bool{}, resync: map[int]bool{}}
	d.grow()
	d.session[self] = true
	at := now()
	grace := HeartbeatGrace
	if unknown {
		grace = UnknownGrace
	}
	for i := range d.seen {
		d.seen[i] = at
		d.unknown = append(d.unknown, deadline{at + grace, i})
	}
	for _, name := range s.NodeNames() {
		if rec := s.Nodes[name]; rec.Status == state.NodeDown {
			d.watchOrphans(rec)
		}
	}
	return d
}

// grow sizes the per-node slices for nodes that joined.
func (d *Dispatcher) grow() {
	for len(d.seen) < d.world.Nodes() {
		d.seen = append(d.seen, d.now())
		d.session = append(d.session, false)
		rec := d.s.Nodes[d.world.Name(len(d.isReady))]
		d.isReady = append(d.isReady, rec != nil && rec.Status == state.NodeReady)
		d.asleep = append(d.asleep, -1)
	}
}

// Heartbeat is node i reporting in; dirty says something happened on it
// that no leader has heard of, so its session starts afresh.
func (d *Dispatcher) Heartbeat(i int, dirty bool) {
	d.grow()
	now := d.now()
	d.asleep[i] = -1
	d.seen[i] = now
	d.expiry = append(d.expiry, deadline{now + HeartbeatGrace, i})
	// A ready node's heartbeat, the common case, reads no node record:
	// isReady, which NodeChanged keeps, says so by index.
	if !d.isReady[i] {
		if rec := d.s.Nodes[d.world.Name(i)]; rec != nil && rec.Status != state.NodeReady {
			d.heard[i] = true
			d.wake()
		}
	}
	if !d.session[i] || dirty {
		d.session[i] = true
		d.resync[i] = true
		d.wake()
	}
}

// Settle is node i reporting in, as Heartbeat, when nothing is pending
// for it: the store counts it ready, its session is current, and it has
// nothing new to say. It then reports a heartbeat every HeartbeatPeriod
// that changes nothing but when it was last heard, so it may stop
// delivering them: Settle reports whether the dispatcher takes them as
// heard from now on, until Wake. A swarm of thousands of workers then
// costs no event per heartbeat while nothing happens to it.
//
// The simulation must call Wake before anything that could make such a
// heartbeat count: the node or the leader dies or restarts, a link
// between them is cut or healed, another manager leads. The dispatcher
// asks for it itself (World.Wake) when the store stops counting the node
// ready.
func (d *Dispatcher) Settle(i int) bool {
	d.grow()
	if !d.isReady[i] || !d.session[i] || d.resync[i] || d.heard[i] {
		return false
	}
	d.Heartbeat(i, false)
	d.asleep[i] = d.seen[i]
	return true
}

// Wake ends what Settle started: node i's heartbeats are delivered again.
// It returns when the node's next one falls due, and counts those taken
// as heard until now, with the deadline the last of them sets.
func (d *Dispatcher) Wake(i int) (next time.Duration) {
	from := d.asleep[i]
	if from < 0 {
		return d.seen[i] + HeartbeatPeriod
	}
	d.asleep[i] = -1
	last := d.heardAt(i, from)
	if last != d.seen[i] {
		d.seen[i] = last
		d.expiry = append(d.expiry, deadline{last + HeartbeatGrace, i})
		d.wokeLate = true
	}
	return last + HeartbeatPeriod
}

// heardAt is the last of the heartbeats a node settled at from has sent
// by now: one every HeartbeatPeriod.
func (d *Dispatcher) heardAt(i int, from time.Duration) time.Duration {
	return from + (d.now()-from)/HeartbeatPeriod*HeartbeatPeriod
}

// lastHeard is when node i was last heard, settled heartbeats included.
func (d *Dispatcher) lastHeard(i int) time.Duration {
	if from := d.asleep[i]; from >= 0 {
		return d.heardAt(i, from)
	}
	return d.seen[i]
}

// Exited hears from node i that a container exited.
func (d *Dispatcher) Exited(i int, task, reason string, exitOK bool) {
	d.reports = append(d.reports, report{i, task, reason, exitOK})
	d.wake()
}

// Passed hears from a node that a task's health check passed.
func (d *Dispatcher) Passed(task string) {
	d.passed.Add(task)
	d.wake()
}

// TaskChanged hears that an applied entry touched a task: its node may
// have to start or stop it, and a task that stopped lets a successor held
// for it start.
func (d *Dispatcher) TaskChanged(t *state.Task) {
	if !d.s.Tasks.Has(t) {
		if t.Node != "" {
			// Dropped from the store with its service: its node stops it,
			// as swarmkit's assignments tell an agent to remove a task.
			d.removed = append(d.removed, t)
		}
		return
	}
	deliver := t.Node != "" && (t.State == state.TaskAssigned || !t.Active())
	release := !t.Active() && t.Terminal()
	if !deliver && !release {
		return
	}
	if deliver {
		d.deliveries.Add(t.ID)
	}
	if release {
		d.releaseSuccessors(t)
	}
}

// NodeChanged hears that an applied entry touched a node: one that went
// down has its tasks orphaned NodeDownPeriod later, and the successors of
// its tasks told to stop need wait for them no longer.
func (d *Dispatcher) NodeChanged(name string) {
	rec := d.s.Nodes[name]
	if i, ok := d.world.Index(name); ok {
		d.grow()
		d.isReady[i] = rec != nil && rec.Status == state.NodeReady
		if !d.isReady[i] && d.asleep[i] >= 0 {
			d.world.Wake(i) // its next heartbeat has news for the store
		}
	}
	if rec != nil && rec.Status == state.NodeDown {
		d.watchOrphans(rec)
		for _, t := range d.s.TasksOn(name) {
			if !t.Active() && !t.Terminal() {
				d.releaseSuccessors(t)
			}
		}
	}
}

// releaseSuccessors hears that a task told to stop has stopped, or that
// its node is down: a successor held for it (restart.WaitsForStop) may
// start.
func (d *Dispatcher) releaseSuccessors(old *state.Task) {
	after := false
	for _, t := range d.s.History(old.Service, old.SlotKey()) {
		if after && t.Active() && t.State == state.TaskAssigned && t.Node != "" {
			d.deliveries.Add(t.ID)
		}
		after = after || t == old
	}
}

func (d *Dispatcher) watchOrphans(rec *state.NodeRecord) {
	i, ok := d.world.Index(rec.Name)
	if !ok {
		return
	}
	at := time.Duration(rec.DownSince)*time.Millisecond + NodeDownPeriod
	pos, _ := slices.BinarySearchFunc(d.orphans, at, func(e deadline, t time.Duration) int {
		return cmp.Compare(e.at, t)
	})
	d.orphans = slices.Insert(d.orphans, pos, deadline{at, i})
}

// MarkUnknown is a new leader's first batch: every node but its own that
// is neither down nor unknown becomes unknown.
func (d *Dispatcher) MarkUnknown(b *state.Batch) {
	self := d.world.Name(d.self)
	for _, name := range d.s.NodeNames() {
		rec := d.s.Nodes[name]
		if name == self || rec.Status == state.NodeDown || rec.Status == state.NodeUnknown {
			continue
		}
		b.Add(&state.NodeStatus{Node: name, Status: state.NodeUnknown, Message: MsgUnknown, At: b.Millis()})
	}
}

// Flush turns what nodes said, and what they did not say in time, into
// store actions.
func (d *Dispatcher) Flush(b *state.Batch) {
	d.grow()
	d.seen[d.self] = b.Now
	d.ready(b)
	d.expire(b)
	d.orphan(b)
	d.report(b)
	for _, i := range sortedInts(d.resync) {
		d.resyncNode(b, i)
	}
	for d.delayed.Len() > 0 && d.delayed.items[0].at <= b.Now {
		d.deliveries.Add(heap.Pop(&d.delayed).(delayed).task)
	}
	for _, id := range d.deliveries.Take() {
		if t := d.s.Tasks.Get(id); t != nil {
			d.act(b, t)
		}
	}
	d.remove()
}

// remove has the nodes of tasks the store dropped stop them. A node the
// leader cannot reach learns it when its session starts again (resyncNode).
func (d *Dispatcher) remove() {
	for _, t := range d.removed {
		i, ok := d.world.Index(t.Node)
		switch {
		case !ok || d.s.Tasks.Get(t.ID) != nil || fault.Is(fault.OrphanLeftRunning):
		case !d.world.Reachable(i):
			d.session[i] = false
		default:
			d.world.Agent(i).Stop(t.ID)
		}
	}
	clear(d.removed)
	d.removed = d.removed[:0]
}

// ready marks ready the nodes heard from in time.
func (d *Dispatcher) ready(b *state.Batch) {
	for _, i := range sortedInts(d.heard) {
		name := d.world.Name(i)
		if rec := d.s.Nodes[name]; rec != nil && rec.Status != state.NodeReady && b.Now-d.lastHeard(i) <= HeartbeatGrace {
			b.Add(&state.NodeStatus{Node: name, Status: state.NodeReady, At: b.Millis()})
		}
	}
}

// expire marks down the nodes silent for longer than their grace.
func (d *Dispatcher) expire(b *state.Batch) {
	if d.wokeLate {
		// A woken node's deadline is that of its last heartbeat, which
		// may fall before deadlines already queued.
		slices.SortStableFunc(d.expiry, func(a, b deadline) int { return cmp.Compare(a.at, b.at) })
		d.wokeLate = false
	}
	for {
		e, ok := d.nextExpiry(b.Now)
		if !ok {
			break
		}
		name := d.world.Name(e.node)
		rec := d.s.Nodes[name]
		seen := d.lastHeard(e.node)
		if e.node == d.self || rec == nil || rec.Status == state.NodeDown || seen+HeartbeatGrace >= b.Now ||
			seen+UnknownGrace >= b.Now && rec.Status == state.NodeUnknown {
			continue
		}
		msg := MsgHeartbeat
		if rec.Status == state.NodeUnknown {
			msg = MsgUnknownFailed
		}
		b.Add(&state.NodeStatus{Node: name, Status: state.NodeDown, Message: msg, At: b.Millis()})
		d.session[e.node] = false
	}
	if len(d.expiry) == 0 {
		d.expiry = nil // let the backing array go
	}
	if len(d.unknown) == 0 {
		d.unknown = nil
	}
}

// nextExpiry takes the next deadline due before now: the two queues are
// each in order; merged, they fall due in turn.
func (d *Dispatcher) nextExpiry(now time.Duration) (e deadline, ok bool) {
	switch {
	case len(d.unknown) > 0 && d.unknown[0].at < now && (len(d.expiry) == 0 || d.unknown[0].at <= d.expiry[0].at):
		e, d.unknown = d.unknown[0], d.unknown[1:]
	case len(d.expiry) > 0 && d.expiry[0].at < now:
		e, d.expiry = d.expiry[0], d.expiry[1:]
	default:
		return e, false
	}
	return e, true
}

// orphan marks orphaned the tasks of nodes down for NodeDownPeriod.
func (d *Dispatcher) orphan(b *state.Batch) {
	for len(d.orphans) > 0 && d.orphans[0].at <= b.Now {
		name := d.world.Name(d.orphans[0].node)
		d.orphans = d.orphans[1:]
		rec := d.s.Nodes[name]
		if rec == nil || rec.Status != state.NodeDown || time.Duration(rec.DownSince)*time.Millisecond+NodeDownPeriod > b.Now {
			continue
		}
		for _, t := range d.s.TasksOn(name) {
			if !t.Terminal() {
				b.Add(&state.TaskStatus{Task: t.ID, State: state.TaskOrphaned, Reason: MsgOrphaned, At: b.Millis()})
			}
		}
	}
}

// report commits what nodes said about their containers: exits, and
// health checks that passed.
func (d *Dispatcher) report(b *state.Batch) {
	for _, r := range d.reports {
		if t := d.s.Tasks.Get(r.task); t != nil && (t.State == state.TaskRunning || t.State == state.TaskStarting || t.State == state.TaskAssigned) {
			b.Report(exitedStatus(t.ID, r.reason, r.exitOK))
		}
	}
	d.reports = d.reports[:0]
	for _, id := range d.passed.Take() {
		t := d.s.Tasks.Get(id)
		switch {
		case t == nil || !t.Active() || b.Reported.Has(id):
		case t.State == state.TaskStarting:
			b.Report(&state.TaskStatus{Task: id, State: state.TaskRunning})
		case t.State == state.TaskAssigned:
			// The batch that started it has not committed (Raft dropped
			// it, and it is proposed again): keep the report until it has.
			d.passed.Add(id)
		}
	}
}

// exitedStatus is what a node reports of a container that ended: complete
// ("finished") when it exited with status 0, as swarmkit's agent says
// (agent/exec/controller.go Do), and failed otherwise.
func exitedStatus(task, reason string, ok bool) *state.TaskStatus {
	if ok {
		return &state.TaskStatus{Task: task, State: state.TaskComplete, Reason: ReasonComplete, ExitOK: true}
	}
	return &state.TaskStatus{Task: task, State: state.TaskFailed, Reason: reason}
}

// act has a task's node start or stop it, if the leader can reach the node.
func (d *Dispatcher) act(b *state.Batch, t *state.Task) {
	i, ok := d.world.Index(t.Node)
	if !ok {
		return
	}
	if !d.world.Reachable(i) {
		d.session[i] = false // the node learns what it missed when it reports in again
		return
	}
	agent := d.world.Agent(i)
	switch {
	case t.Active() && t.State == state.TaskAssigned:
		if at := t.StartsAt(); at > b.Now {
			heap.Push(&d.delayed, delayed{at, t.ID})
			return
		}
		if until, wait := restart.WaitsForStop(d.s, t, b.Now); wait {
			heap.Push(&d.delayed, delayed{until, t.ID}) // or sooner: releaseSuccessors
			return
		}
		observed := agent.Start(t, d.healthOf(t))
		b.Add(&state.TaskStatus{Task: t.ID, State: observed, At: b.Millis()})
	case !t.Active():
		running := agent.Stop(t.ID)
		if (running || t.State == state.TaskAssigned) && !t.Terminal() && t.State != state.TaskPending {
			b.Add(&state.TaskStatus{Task: t.ID, State: state.TaskShutdown, Reason: t.Reason, At: b.Millis()})
		}
	}
}

// resyncNode compares what a node runs with what the store assigns it, at
// the start of its session with this leader.
func (d *Dispatcher) resyncNode(b *state.Batch, i int) {
	if !d.world.Reachable(i) {
		d.session[i] = false
		return
	}
	name, agent := d.world.Name(i), d.world.Agent(i)
	assigned := d.s.TasksOn(name)
	for _, t := range assigned {
		runs := agent.Runs(t.ID)
		switch {
		case t.Active() && (t.State == state.TaskRunning || t.State == state.TaskStarting) && !runs:
			reason, exitOK, ok := agent.Exit(t.ID)
			if !ok {
				reason, exitOK = ReasonLost, false
			}
			b.Report(exitedStatus(t.ID, reason, exitOK))
		case t.Active() && t.State == state.TaskAssigned, !t.Active() && runs:
			d.act(b, t)
		case !t.Active() && (t.State == state.TaskRunning || t.State == state.TaskAssigned):
			// Stopped while the node was away, and the node no longer
			// runs it: it says so now.
			b.Report(&state.TaskStatus{Task: t.ID, State: state.TaskShutdown, Reason: t.Reason})
		case t.Active() && t.State == state.TaskStarting && !agent.Probing(t.ID):
			// Its health check passed while the leader could not hear it.
			b.Report(&state.TaskStatus{Task: t.ID, State: state.TaskRunning})
		}
	}
	agent.ForgetExits()
	// Containers of tasks the store no longer has (a removed service) stop.
	if fault.Is(fault.OrphanLeftRunning) {
		return
	}
	for _, id := range agent.Strays(assigned) {
		agent.Stop(id)
	}
}

// healthOf is the health check a task was made with: its service's spec,
// or the previous spec when a rollback made the task's spec the previous
// one meanwhile.
func (d *Dispatcher) healthOf(t *state.Task) state.HealthCheck {
	spec := d.s.Services[t.Service]
	if spec == nil {
		return state.HealthCheck{}
	}
	if prev := d.s.Previous[t.Service]; prev != nil && d.hashes.Of(spec) != t.Hash && prev.TaskHash() == t.Hash {
		return prev.Health
	}
	return spec.Health
}

// delayQueue holds tasks by the time their restart delay ends.
type delayQueue struct{ items []delayed }

type delayed struct {
	at   time.Duration
	task string
}

func (q *delayQueue) Len() int { return len(q.items) }
func (q *delayQueue) Less(i, j int) bool {
	a, b := q.items[i], q.items[j]
	if a.at != b.at {
		return a.at < b.at
	}
	return state.CompareNames(a.task, b.task) < 0
}
func (q *delayQueue) Swap(i, j int) { q.items[i], q.items[j] = q.items[j], q.items[i] }
func (q *delayQueue) Push(x any)    { q.items = append(q.items, x.(delayed)) }
func (q *delayQueue) Pop() any {
	last := q.items[len(q.items)-1]
	q.items = q.items[:len(q.items)-1]
	return last
}

// sortedInts returns a set's members in order, and empties it.
func sortedInts(set map[int]bool) []int {
	out := make([]int, 0, len(set))
	for i := range set {
		out = append(out, i)
	}
	slices.Sort(out)
	clear(set)
	return out
}
