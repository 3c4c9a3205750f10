package cluster

import (
	"time"

	"github.com/swarmsim/swarmsim/cluster/state"
)

// leader is the leading manager's orchestration, split as swarmkit splits a
// manager: the dispatcher (dispatcher.go), the replicated and global
// orchestrators (replicated.go, global.go), the restart supervisor
// (restart.go), the updater (updater.go), the task reaper (reaper.go) and
// the scheduler's glue (placement.go). It is built when a manager wins an
// election and dropped when it loses leadership, as swarmkit starts and
// stops these components with leadership.
//
// Each part reacts to what changed: the leader's store tells it about every
// node, service and task an applied entry touched (the watcher methods
// below), and the parts keep dirty sets and deadlines. A flush turns what is
// dirty and due into one batch of store actions, proposed to Raft; nothing
// happens to the desired state until that batch commits, and the next flush
// waits for it. Only winning an election (or a proposal that never
// committed) looks at the whole store, once.
type leader struct {
	c *Cluster
	m *manager
	s *Store

	dispatcher
	restarts   restartHistory
	failures   failureHistory
	specHashes map[string]uint64       // each service's taskHash as the failure history knows it
	scanning   bool                    // taking in the whole store: no event is new
	hashes     map[*ServiceSpec]uint64 // taskHash of the store's specs, which are replaced, never changed

	dirtyServices map[string]bool
	updating      map[string]bool // services with a rolling update in progress: the updater's
	dirtyNodes    map[string]bool
	failedTasks   state.IDSet     // tasks that ended while meant to run: the restart supervisor's
	pending       map[string]bool // tasks waiting for a node
	schedule      bool            // something changed that may let a pending task be placed
	prune         map[string]bool // tasks whose slot holds more than historyLimit tasks: the reaper's

	ready      bool // the dispatcher's first batch (every node unknown) has committed
	inflight   uint64
	inflightAt time.Duration
	flushAt    time.Duration // a flush is queued for then; 0 when none is

	batch state.Batch
}

// flushDelay is how long the leader lets changes gather before it acts on
// them, as swarmkit's scheduler waits 50 ms after a commit before it runs.
const flushDelay = 50 * time.Millisecond

func newLeader(c *Cluster, m *manager) *leader {
	l := &leader{
		c: c, m: m, s: m.store,
		dirtyServices: map[string]bool{},
		updating:      map[string]bool{},
		dirtyNodes:    map[string]bool{},
		pending:       map[string]bool{},
		prune:         map[string]bool{},
		restarts:      restartHistory{},
		failures:      failureHistory{},
		specHashes:    map[string]uint64{},
		hashes:        map[*ServiceSpec]uint64{},
	}
	l.dispatcher.init(l)
	// The swarm's first leader is the one `docker swarm init` made: every
	// node joined through it, so there is no predecessor whose view of
	// the nodes it must distrust.
	l.ready = !c.hadLeader
	l.scan()
	m.store.Watch(l)
	return l
}

// scan marks everything dirty: a new leader knows nothing of what its
// predecessor was doing.
func (l *leader) scan() {
	s := l.s
	l.scanning = true
	defer func() { l.scanning = false }()
	for name := range s.Services {
		l.dirtyServices[name] = true
		if s.Updates[name].Active() {
			l.updating[name] = true
		}
	}
	for name := range s.Nodes {
		l.dirtyNodes[name] = true
	}
	for _, t := range s.TaskList() { // in order: the sets below keep it
		l.TaskChanged(t)
	}
	l.schedule = true
}

// stop detaches the leader from its store when leadership is lost.
func (l *leader) stop() {
	l.s.Unwatch(l)
}

// The watcher: what applying a committed entry changed.

func (l *leader) ServiceChanged(name string) {
	clear(l.hashes)
	if h := l.hashOfName(name); h != l.specHashes[name] {
		l.failures.forget(name) // removed, or a new spec: failures count afresh
		l.specHashes[name] = h
	}
	if l.s.Updates[name].Active() {
		l.updating[name] = true
	}
	l.dirtyServices[name] = true
	l.schedule = true
	l.wake()
}

func (l *leader) NodeChanged(name string) {
	if rec := l.s.Nodes[name]; rec != nil && rec.Status == NodeDown {
		l.watchOrphans(rec)
	}
	l.dirtyNodes[name] = true
	l.schedule = true
	l.wake()
}

func (l *leader) TaskChanged(t *Task) {
	if l.s.Tasks[t.ID] != t { // removed
		delete(l.pending, t.ID)
		l.schedule = true
		return
	}
	switch {
	case t.State == TaskPending && t.Active():
		l.pending[t.ID] = true
	case t.Active() && (t.State == TaskFailed || t.State == TaskRejected):
		l.failedTasks.Add(t.ID)
		if !l.scanning && t.Hash == l.hashOfName(t.Service) {
			l.failures.record(t, l.c.now)
		}
		delete(l.pending, t.ID)
	default:
		delete(l.pending, t.ID)
	}
	if !t.Active() && len(l.pending) > 0 {
		l.schedule = true // it may have freed resources, a port or a replica limit
	}
	if len(l.s.History(t.Service, t.SlotKey())) > historyLimit {
		l.prune[t.ID] = true
	}
	if t.Node != "" && (t.State == TaskAssigned || !t.Active()) {
		l.deliver(t)
	}
	l.wake()
}

// hashOf is spec.taskHash, computed once per spec.
func (l *leader) hashOf(spec *ServiceSpec) uint64 {
	h, ok := l.hashes[spec]
	if !ok {
		h = spec.TaskHash()
		l.hashes[spec] = h
	}
	return h
}

// hashOfName is the taskHash of a service's current spec, 0 if it is gone.
func (l *leader) hashOfName(service string) uint64 {
	if spec := l.s.Services[service]; spec != nil {
		return l.hashOf(spec)
	}
	return 0
}

// wake queues a flush soon.
func (l *leader) wake() {
	if l.flushAt != 0 {
		return
	}
	l.flushAt = l.c.now + flushDelay
	l.c.q.push(timed{at: l.flushAt, kind: evFlush, node: l.c.byName[l.m.node.name], epoch: l.m.node.epoch})
}

// onTick is the leader's part of a manager's tick: the role manager looks
// for orphan voters, and the dispatcher's deadlines are checked.
func (l *leader) onTick() {
	l.c.reconcileRoles(l.m)
	if l.m.lead != l {
		return // the role manager's change cost this manager its leadership
	}
	l.flush()
}

// flush proposes what the parts want done, as one batch.
func (l *leader) flush() {
	c := l.c
	l.flushAt = 0
	if l.inflight != 0 {
		if c.now-l.inflightAt < ProposalRetry {
			return
		}
		// The batch never committed: Raft dropped it. Whatever it did is
		// done again from the store as it is.
		l.inflight = 0
		l.scan()
	}
	b := &l.batch
	b.Reset(c.now)
	if !l.ready {
		l.markUnknown(b)
		l.ready = len(b.Actions) == 0 // with nothing to mark, nothing to wait for
	}
	if l.ready {
		l.dispatch(b)
		l.orchestrate(b)
		l.superviseRestarts(b)
		l.update(b)
		l.place(b)
		l.reap(b)
	}
	if len(b.Actions) == 0 {
		return
	}
	c.nextCmd++
	cmd := &state.Command{ID: c.nextCmd, Actions: b.Actions}
	if err := l.m.member.Propose(cmd.Encode()); err != nil {
		l.scan() // lost leadership meanwhile, or Raft refused: try again from the store
		return
	}
	l.inflight, l.inflightAt = cmd.ID, c.now
	b.Actions = nil
	c.process(l.m)
}

// applied hears that one of the leader's batches was applied.
func (l *leader) applied(id uint64) {
	if id != l.inflight {
		return
	}
	l.inflight = 0
	l.ready = true
	l.wake()
}
