package cluster

import (
	"cmp"
	"container/heap"
	"slices"
	"time"
)

// The dispatcher is the leader's side of every node's session, as
// swarmkit's manager/dispatcher is:
//
//   - Heartbeats. A node reports every HeartbeatPeriod. One the store does
//     not count as ready is marked ready once heard; one silent for
//     HeartbeatGrace is marked down. On winning an election the dispatcher
//     first marks every node that is not down as unknown ("Node moved to
//     \"unknown\" state due to leadership change in cluster"): a new leader
//     does not know who is alive until they report in, and the scheduler
//     places only on ready nodes.
//   - Sessions. When a node's session with this leader starts (its first
//     heartbeat, or one after a restart or a lost report) the dispatcher
//     compares what the node runs with what the store assigns it: tasks to
//     start, tasks to stop, tasks the node lost.
//   - Assignments. A task committed to a node is started there once the
//     node can be reached and its restart delay is over; a task whose
//     desired state became shutdown is stopped there. Either way the node's
//     report (running, shutdown) is committed.
//   - Orphans. Tasks of a node that has been down for 24 hours are marked
//     orphaned (swarmkit's defaultNodeDownPeriod); until then they keep
//     the state Docker last knew.
type dispatcher struct {
	l          *leader
	seen       []time.Duration // by node index: the last heartbeat this leader heard
	session    []bool          // by node index: the node's session with this leader is current
	expiry     []deadline      // heartbeat deadlines, in the order they fall due
	heard      map[int]bool    // nodes heard from that the store does not count as ready
	resync     map[int]bool    // nodes whose session started: compare what they run
	deliveries idSet           // tasks whose node must start or stop them
	delayed    delayQueue      // tasks waiting out their restart delay
	orphans    []deadline      // down nodes, by when their tasks become orphaned
	reports    []report        // containers that exited, as their nodes reported
	passed     idSet           // tasks whose health check passed, as their nodes reported
}

// NodeDownPeriod is how long a node stays down before its tasks are
// orphaned: swarmkit's defaultNodeDownPeriod.
const NodeDownPeriod = 24 * time.Hour

// Docker's words for the dispatcher's verdicts.
const (
	msgUnknown       = "Node moved to \"unknown\" state due to leadership change in cluster"
	msgHeartbeat     = "heartbeat failure"
	msgUnknownFailed = "heartbeat failure for node in \"unknown\" state"
	msgOrphaned      = "task belongs to a node that has been down for 24h"
	reasonLost       = "the node restarted and no longer runs it"
	reasonGone       = "its node left the swarm"
)

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

func (d *dispatcher) init(l *leader) {
	d.l = l
	d.heard = map[int]bool{}
	d.resync = map[int]bool{}
	d.grow()
	self := l.c.byName[l.m.node.name]
	d.session[self] = true
	now := l.c.now
	for i := range d.seen {
		d.seen[i] = now
		d.expiry = append(d.expiry, deadline{now + HeartbeatGrace, i})
	}
	for _, name := range l.s.NodeNames() {
		if rec := l.s.Nodes[name]; rec.Status == NodeDown {
			d.watchOrphans(rec)
		}
	}
}

// grow sizes the per-node slices for nodes that joined.
func (d *dispatcher) grow() {
	for len(d.seen) < len(d.l.c.nodes) {
		d.seen = append(d.seen, d.l.c.now)
		d.session = append(d.session, false)
	}
}

// heartbeat is node i reporting in.
func (d *dispatcher) heartbeat(i int) {
	d.grow()
	c, l := d.l.c, d.l
	n := c.nodes[i]
	d.seen[i] = c.now
	d.expiry = append(d.expiry, deadline{c.now + HeartbeatGrace, i})
	if rec := l.s.Nodes[n.name]; rec != nil && rec.Status != NodeReady {
		d.heard[i] = true
		l.wake()
	}
	if !d.session[i] || n.dirty {
		d.session[i], n.dirty = true, false
		d.resync[i] = true
		l.wake()
	}
}

// exited hears from node i that a container exited.
func (d *dispatcher) exited(i int, task, reason string, exitOK bool) {
	d.reports = append(d.reports, report{i, task, reason, exitOK})
	d.l.wake()
}

// deliver notes that a task's node must act on it.
func (d *dispatcher) deliver(t *Task) {
	d.deliveries.add(t.ID)
}

func (d *dispatcher) watchOrphans(rec *NodeRecord) {
	i, ok := d.l.c.byName[rec.Name]
	if !ok {
		return
	}
	at := time.Duration(rec.DownSince)*time.Millisecond + NodeDownPeriod
	pos, _ := slices.BinarySearchFunc(d.orphans, at, func(e deadline, t time.Duration) int {
		return cmp.Compare(e.at, t)
	})
	d.orphans = slices.Insert(d.orphans, pos, deadline{at, i})
}

// markUnknown is a new leader's first batch.
func (l *leader) markUnknown(b *batch) {
	for _, name := range l.s.NodeNames() {
		rec := l.s.Nodes[name]
		if name == l.m.node.name || rec.Status == NodeDown || rec.Status == NodeUnknown {
			continue
		}
		b.add(&nodeStatus{Node: name, Status: NodeUnknown, Message: msgUnknown, At: b.ms()})
	}
}

// dispatch turns what nodes said, and what they did not say in time, into
// store actions.
func (l *leader) dispatch(b *batch) {
	d := &l.dispatcher
	c, s := l.c, l.s
	d.grow()
	self := c.byName[l.m.node.name]
	d.seen[self] = c.now

	for _, i := range sortedInts(d.heard) {
		name := c.nodes[i].name
		if rec := s.Nodes[name]; rec != nil && rec.Status != NodeReady && c.now-d.seen[i] <= HeartbeatGrace {
			b.add(&nodeStatus{Node: name, Status: NodeReady, At: b.ms()})
		}
	}

	for len(d.expiry) > 0 && d.expiry[0].at < c.now {
		e := d.expiry[0]
		d.expiry = d.expiry[1:]
		n := c.nodes[e.node]
		rec := s.Nodes[n.name]
		if e.node == self || rec == nil || rec.Status == NodeDown || d.seen[e.node]+HeartbeatGrace >= c.now {
			continue
		}
		msg := msgHeartbeat
		if rec.Status == NodeUnknown {
			msg = msgUnknownFailed
		}
		b.add(&nodeStatus{Node: n.name, Status: NodeDown, Message: msg, At: b.ms()})
		d.session[e.node] = false
	}
	if len(d.expiry) == 0 {
		d.expiry = nil // let the backing array go
	}

	for len(d.orphans) > 0 && d.orphans[0].at <= c.now {
		n := c.nodes[d.orphans[0].node]
		d.orphans = d.orphans[1:]
		rec := s.Nodes[n.name]
		if rec == nil || rec.Status != NodeDown || time.Duration(rec.DownSince)*time.Millisecond+NodeDownPeriod > c.now {
			continue
		}
		for _, t := range s.tasksOn(n.name) {
			if !t.terminal() {
				b.add(&taskStatus{Task: t.ID, State: TaskOrphaned, Reason: msgOrphaned, At: b.ms()})
			}
		}
	}

	for _, r := range d.reports {
		if t := s.Tasks[r.task]; t != nil && (t.State == TaskRunning || t.State == TaskStarting || t.State == TaskAssigned) && !b.reported[t.ID] {
			b.reported[t.ID] = true
			b.add(&taskStatus{Task: t.ID, State: TaskFailed, Reason: r.reason, At: b.ms(), ExitOK: r.exitOK})
		}
	}
	d.reports = d.reports[:0]
	for _, id := range d.passed.take() {
		t := s.Tasks[id]
		switch {
		case t == nil || !t.Active() || b.reported[id]:
		case t.State == TaskStarting:
			b.reported[id] = true
			b.add(&taskStatus{Task: id, State: TaskRunning, At: b.ms()})
		case t.State == TaskAssigned:
			// The batch that started it has not committed (Raft dropped
			// it, and it is proposed again): keep the report until it has.
			d.passed.add(id)
		}
	}

	for _, i := range sortedInts(d.resync) {
		l.resyncNode(b, i)
	}

	for d.delayed.Len() > 0 && d.delayed.items[0].at <= c.now {
		d.deliveries.add(heap.Pop(&d.delayed).(delayed).task)
	}
	for _, id := range d.deliveries.take() {
		if t := s.Tasks[id]; t != nil {
			l.act(b, t)
		}
	}
}

// act has a task's node start or stop it, if the leader can reach the node.
func (l *leader) act(b *batch, t *Task) {
	c := l.c
	i, ok := c.byName[t.Node]
	if !ok {
		return
	}
	n := c.nodes[i]
	if !c.linked(l.m.node, n) {
		l.session[i] = false // the node learns what it missed when it reports in again
		return
	}
	switch {
	case t.Active() && t.State == TaskAssigned:
		if at := t.startsAt(); at > c.now {
			heap.Push(&l.delayed, delayed{at, t.ID})
			return
		}
		if until, wait := l.waitsForStop(t); wait {
			heap.Push(&l.delayed, delayed{until, t.ID}) // or sooner: releaseSuccessors
			return
		}
		state := c.start(n, t, l.healthOf(t))
		b.add(&taskStatus{Task: t.ID, State: state, At: b.ms()})
	case !t.Active():
		running := n.running[t.ID]
		if running {
			delete(n.running, t.ID)
			delete(n.starting, t.ID)
			c.gate.touch()
		}
		if (running || t.State == TaskAssigned) && !t.terminal() && t.State != TaskPending {
			b.add(&taskStatus{Task: t.ID, State: TaskShutdown, Reason: t.Reason, At: b.ms()})
		}
	}
}

// resyncNode compares what a node runs with what the store assigns it, at
// the start of its session with this leader.
func (l *leader) resyncNode(b *batch, i int) {
	c, s := l.c, l.s
	n := c.nodes[i]
	if !c.linked(l.m.node, n) {
		l.session[i] = false
		return
	}
	assigned := s.tasksOn(n.name)
	for _, t := range assigned {
		switch {
		case t.Active() && (t.State == TaskRunning || t.State == TaskStarting) && !n.running[t.ID]:
			reason, exitOK := reasonLost, false
			if e, ok := n.exited[t.ID]; ok {
				reason, exitOK = e.reason, e.ok
			}
			if !b.reported[t.ID] {
				b.reported[t.ID] = true
				b.add(&taskStatus{Task: t.ID, State: TaskFailed, Reason: reason, At: b.ms(), ExitOK: exitOK})
			}
		case t.Active() && t.State == TaskAssigned, !t.Active() && n.running[t.ID]:
			l.act(b, t)
		case !t.Active() && (t.State == TaskRunning || t.State == TaskAssigned) && !b.reported[t.ID]:
			// Stopped while the node was away, and the node no longer
			// runs it: it says so now.
			b.reported[t.ID] = true
			b.add(&taskStatus{Task: t.ID, State: TaskShutdown, Reason: t.Reason, At: b.ms()})
		case t.Active() && t.State == TaskStarting && !n.starting[t.ID] && !b.reported[t.ID]:
			b.reported[t.ID] = true // its health check passed while the leader could not hear it
			b.add(&taskStatus{Task: t.ID, State: TaskRunning, At: b.ms()})
		}
	}
	clear(n.exited)
	// Containers of tasks the store no longer has (a removed service) stop.
	for _, id := range sortedTaskIDs(n.running) {
		if t := s.Tasks[id]; t == nil || t.Node != n.name {
			delete(n.running, id)
			delete(n.starting, id)
			c.gate.touch()
		}
	}
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
	return compareNames(a.task, b.task) < 0
}
func (q *delayQueue) Swap(i, j int) { q.items[i], q.items[j] = q.items[j], q.items[i] }
func (q *delayQueue) Push(x any)    { q.items = append(q.items, x.(delayed)) }
func (q *delayQueue) Pop() any {
	last := q.items[len(q.items)-1]
	q.items = q.items[:len(q.items)-1]
	return last
}

func sortedTaskIDs(set map[string]bool) []string {
	ids := make([]string, 0, len(set))
	for id := range set {
		ids = append(ids, id)
	}
	slices.SortFunc(ids, compareNames)
	return ids
}

func sortedInts(set map[int]bool) []int {
	out := make([]int, 0, len(set))
	for i := range set {
		out = append(out, i)
	}
	slices.Sort(out)
	clear(set)
	return out
}
