package cluster

import (
	"time"

	"github.com/swarmsim/swarmsim/cluster/dispatcher"
	"github.com/swarmsim/swarmsim/cluster/orchestrator"
	"github.com/swarmsim/swarmsim/cluster/orchestrator/restart"
	"github.com/swarmsim/swarmsim/cluster/orchestrator/taskreaper"
	"github.com/swarmsim/swarmsim/cluster/orchestrator/update"
	"github.com/swarmsim/swarmsim/cluster/placement"
	"github.com/swarmsim/swarmsim/cluster/state"
)

// leader is the leading manager's orchestration, split as swarmkit splits a
// manager, each part a package of its own: the dispatcher (package dispatcher:
// node sessions and heartbeats), the orchestrators (package orchestrator
// and its replicated, global and constraintenforcer parts), the restart
// supervisor (orchestrator/restart), the updater (orchestrator/update), the
// task reaper (orchestrator/taskreaper) and the scheduler's glue (package
// placement). It is built when a manager wins an election and dropped when
// it loses leadership, as swarmkit's manager.go starts and stops these
// components with leadership.
//
// Each part reacts to what changed: the leader's store tells it about every
// node, service and task an applied entry touched (the watcher methods
// below, which hand each event to the parts in a fixed order), and the
// parts keep dirty sets and deadlines. A flush turns what is dirty and due
// into one batch of store actions, proposed to Raft; nothing happens to
// the desired state until that batch commits, and the next flush waits for
// it. Only winning an election (or a proposal that never committed) looks
// at the whole store, once.
type leader struct {
	c *Cluster
	m *manager
	s *Store

	d            *dispatcher.Dispatcher
	hashes       state.Hashes // TaskHash of the store's specs, shared by the parts
	orchestrator *orchestrator.Orchestrator
	restarts     *restart.Supervisor
	updater      *update.Updater
	placer       *placement.Placer
	reaper       *taskreaper.Reaper

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
	s := m.store()
	hashes := state.Hashes{}
	restarts := restart.New(s, hashes)
	l := &leader{
		c: c, m: m, s: s,
		hashes:       hashes,
		restarts:     restarts,
		orchestrator: orchestrator.New(s, hashes, restarts),
		updater:      update.New(s, hashes),
		placer:       placement.New(s, hashes, c.schedSeed, c.Now),
		reaper:       taskreaper.New(s),
	}
	l.d = dispatcher.New(s, hashes, world{c, m.node}, c.byName[m.node.name], c.hadLeader, c.Now, l.wake)
	// The swarm's first leader is the one `docker swarm init` made: every
	// node joined through it, so there is no predecessor whose view of
	// the nodes it must distrust.
	l.ready = !c.hadLeader
	l.scan()
	m.store().Watch(l)
	return l
}

// scan marks everything dirty: a new leader knows nothing of what its
// predecessor was doing.
func (l *leader) scan() {
	s := l.s
	l.placer.Scanning = true
	defer func() { l.placer.Scanning = false }()
	for name := range s.Services {
		l.orchestrator.ServiceChanged(name)
		l.updater.ServiceChanged(name)
	}
	for name := range s.Nodes {
		l.orchestrator.NodeChanged(name)
	}
	for _, t := range s.TaskList() { // in order: the sets below keep it
		l.TaskChanged(t)
	}
	l.placer.Changed()
}

// stop detaches the leader from its store when leadership is lost.
func (l *leader) stop() {
	l.s.Unwatch(l)
}

// The watcher: what applying a committed entry changed, handed to each
// part.

func (l *leader) ServiceChanged(name string) {
	clear(l.hashes)
	l.placer.ServiceChanged(name)
	l.updater.ServiceChanged(name)
	l.orchestrator.ServiceChanged(name)
	l.wake()
}

func (l *leader) NodeChanged(name string) {
	l.d.NodeChanged(name)
	l.orchestrator.NodeChanged(name)
	l.placer.NodeChanged(name)
	l.wake()
}

func (l *leader) TaskChanged(t *Task) {
	l.placer.TaskChanged(t)
	if !l.s.Tasks.Has(t) { // removed
		l.d.TaskChanged(t)
		l.wake()
		return
	}
	l.orchestrator.TaskChanged(t)
	l.restarts.TaskChanged(t)
	l.reaper.TaskChanged(t)
	l.d.TaskChanged(t)
	l.wake()
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
	l.m.reconcileRoles()
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
		l.d.MarkUnknown(b)
		l.ready = len(b.Actions) == 0 // with nothing to mark, nothing to wait for
	}
	if l.ready {
		l.d.Flush(b)
		l.orchestrator.Flush(b)
		l.restarts.Flush(b)
		l.updater.Flush(b)
		l.placer.Place(b)
		l.reaper.Flush(b)
	}
	if len(b.Actions) == 0 {
		return
	}
	c.nextCmd++
	cmd := &state.Command{ID: c.nextCmd, Actions: b.Actions}
	data := cmd.Encode()
	if err := l.m.member.Propose(data); err != nil {
		l.scan() // lost leadership meanwhile, or Raft refused: try again from the store
		return
	}
	// The parts made these actions for this batch alone and keep none of
	// them, so the members may apply them as they are.
	c.decoded.propose(data, cmd)
	l.inflight, l.inflightAt = cmd.ID, c.now
	b.Actions = nil
	l.m.process()
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

// waitsForStop is when t may start, given the older tasks of its slot told
// to stop (restart.WaitsForStop).
func (l *leader) waitsForStop(t *Task) (time.Duration, bool) {
	return restart.WaitsForStop(l.s, t, l.c.now)
}
