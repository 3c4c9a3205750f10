package cluster

import (
	"maps"
	"slices"
	"time"
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
	failedTasks   idSet           // tasks that ended while meant to run: the restart supervisor's
	pending       map[string]bool // tasks waiting for a node
	schedule      bool            // something changed that may let a pending task be placed
	prune         map[string]bool // tasks whose slot holds more than historyLimit tasks: the reaper's

	ready      bool // the dispatcher's first batch (every node unknown) has committed
	inflight   uint64
	inflightAt time.Duration
	flushAt    time.Duration // a flush is queued for then; 0 when none is

	batch batch
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
	m.store.watch = l
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
		if s.Updates[name].active() {
			l.updating[name] = true
		}
	}
	for name := range s.Nodes {
		l.dirtyNodes[name] = true
	}
	for _, t := range s.TaskList() { // in order: the sets below keep it
		l.taskChanged(t)
	}
	l.schedule = true
}

// stop detaches the leader from its store when leadership is lost.
func (l *leader) stop() {
	if l.s.watch == l {
		l.s.watch = nil
	}
}

// The watcher: what applying a committed entry changed.

func (l *leader) serviceChanged(name string) {
	clear(l.hashes)
	if h := l.hashOfName(name); h != l.specHashes[name] {
		l.failures.forget(name) // removed, or a new spec: failures count afresh
		l.specHashes[name] = h
	}
	if l.s.Updates[name].active() {
		l.updating[name] = true
	}
	l.dirtyServices[name] = true
	l.schedule = true
	l.wake()
}

func (l *leader) nodeChanged(name string) {
	if rec := l.s.Nodes[name]; rec != nil && rec.Status == NodeDown {
		l.watchOrphans(rec)
		for _, t := range l.s.tasksOn(name) {
			if !t.Active() && !t.terminal() {
				l.releaseSuccessors(t)
			}
		}
	}
	l.dirtyNodes[name] = true
	l.schedule = true
	l.wake()
}

func (l *leader) taskChanged(t *Task) {
	if l.s.Tasks[t.ID] != t { // removed
		delete(l.pending, t.ID)
		l.schedule = true
		return
	}
	switch {
	case t.State == TaskPending && t.Active():
		l.pending[t.ID] = true
	case t.Active() && (t.State == TaskFailed || t.State == TaskRejected):
		l.failedTasks.add(t.ID)
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
	if len(l.s.history(t.Service, t.slotKey())) > historyLimit {
		l.prune[t.ID] = true
	}
	if t.Node != "" && (t.State == TaskAssigned || !t.Active()) {
		l.deliver(t)
	}
	if !t.Active() && t.terminal() {
		l.releaseSuccessors(t)
	}
	l.wake()
}

// hashOf is spec.taskHash, computed once per spec.
func (l *leader) hashOf(spec *ServiceSpec) uint64 {
	h, ok := l.hashes[spec]
	if !ok {
		h = spec.taskHash()
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

// idSet is a set of task IDs that remembers the order they were added in:
// the order committed entries touched them, the same in every run, so it
// needs no sorting.
type idSet struct {
	order []string
	in    map[string]bool
}

func (s *idSet) add(id string) {
	if s.in == nil {
		s.in = map[string]bool{}
	}
	if !s.in[id] {
		s.in[id] = true
		s.order = append(s.order, id)
	}
}

// take returns the members in order and empties the set.
func (s *idSet) take() []string {
	out := s.order
	s.order = nil
	clear(s.in)
	return out
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
	b.reset(c.now)
	if !l.ready {
		l.markUnknown(b)
		l.ready = len(b.actions) == 0 // with nothing to mark, nothing to wait for
	}
	if l.ready {
		l.dispatch(b)
		l.orchestrate(b)
		l.superviseRestarts(b)
		l.update(b)
		l.place(b)
		l.reap(b)
	}
	if len(b.actions) == 0 {
		return
	}
	c.nextCmd++
	cmd := &command{ID: c.nextCmd, Actions: b.actions}
	if err := l.m.member.Propose(cmd.encode()); err != nil {
		l.scan() // lost leadership meanwhile, or Raft refused: try again from the store
		return
	}
	l.inflight, l.inflightAt = cmd.ID, c.now
	b.actions = nil
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

// batch is one flush's actions, with what they already decided, so that two
// parts do not both act on the same task or slot in one batch.
type batch struct {
	now      time.Duration
	actions  []action
	stopped  map[string]bool             // tasks given a desired state of shutdown
	filled   map[string]map[slotKey]bool // slots given a new task
	creates  []*createTask               // new tasks, placed by the scheduler before proposing
	reported map[string]bool             // tasks whose status this batch reports
}

func (b *batch) reset(now time.Duration) {
	b.now = now
	b.actions = b.actions[:0]
	b.creates = b.creates[:0]
	if b.stopped == nil {
		b.stopped, b.filled, b.reported = map[string]bool{}, map[string]map[slotKey]bool{}, map[string]bool{}
	}
	clear(b.stopped)
	clear(b.filled)
	clear(b.reported)
}

func (b *batch) add(a action) { b.actions = append(b.actions, a) }

func (b *batch) ms() int64 { return b.now.Milliseconds() }

// stop sets a task's desired state to shutdown, once per batch.
func (b *batch) stop(t *Task, state, reason string, final bool) {
	if b.stopped[t.ID] {
		return
	}
	b.stopped[t.ID] = true
	b.add(&shutdownTask{Task: t.ID, State: state, Reason: reason, At: b.ms(), Final: final})
}

// fill reports whether a slot may get a new task in this batch, and claims
// it.
func (b *batch) fill(service string, key slotKey) bool {
	slots := b.filled[service]
	if slots == nil {
		slots = map[slotKey]bool{}
		b.filled[service] = slots
	}
	if slots[key] {
		return false
	}
	slots[key] = true
	return true
}

// create adds a new task; the scheduler gives it a node before the batch is
// proposed.
func (b *batch) create(ct *createTask) {
	ct.At = b.ms()
	b.creates = append(b.creates, ct)
}

// sortedKeys returns a set's members in order, and empties it.
func sortedKeys(set map[string]bool) []string {
	keys := slices.Sorted(maps.Keys(set))
	clear(set)
	return keys
}
