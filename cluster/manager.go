package cluster

import (
	"fmt"
	"time"

	"github.com/swarmsim/swarmsim/raft"
)

// manager is a manager node's software: its Raft member, the store it applies
// committed entries to and, while it leads, the dispatcher's view of who is
// alive and the orchestrator's one proposal in flight.
type manager struct {
	c      *Cluster
	node   *node
	raftID uint64
	member *raft.Member
	store  *Store
	last   raft.Status        // as of the last process
	sendFn func(raft.Message) // bound once: sending must not allocate

	// Leader-only state, reset whenever leadership is won.
	lastSeen   map[string]time.Duration // dispatcher: last heartbeat per node
	inflight   uint64                   // the orchestrator's proposal awaiting apply
	inflightAt time.Duration
	// nextRoleCheck: when the role manager next looks for orphan voters.
	nextRoleCheck time.Duration
}

func newManager(c *Cluster, n *node, raftID uint64) *manager {
	m := &manager{c: c, node: n, raftID: raftID, lastSeen: map[string]time.Duration{}}
	m.sendFn = func(msg raft.Message) { c.send(m, msg) }
	return m
}

// Apply, Snapshot and Restore make the manager the Raft member's state
// machine.
func (m *manager) Apply(e raft.Entry) {
	c := m.c
	c.checkApplied(m, e)
	report := e.Index > c.reported
	if report {
		c.reported = e.Index
	}
	if e.Change != nil {
		m.applyChange(e, report)
		return
	}
	cmd, err := c.decode(e)
	if err != nil {
		c.fail(fmt.Errorf("%s applying entry %d: %w", m.node.name, e.Index, err))
		return
	}
	for _, ef := range m.store.apply(e.Index, cmd, report) {
		c.emit(ef.kind, ef.node, "%s", ef.detail)
	}
	if cmd.ID != 0 {
		c.applied[cmd.ID] = true
		if cmd.ID == m.inflight {
			m.inflight = 0
		}
	}
}

// decode decodes an entry once for all the managers that apply it. Apply
// treats commands as read-only, so sharing one is safe.
func (c *Cluster) decode(e raft.Entry) (*command, error) {
	key := [2]uint64{e.Index, e.Term}
	if cmd, ok := c.decoded[key]; ok {
		return cmd, nil
	}
	cmd, err := decodeCommand(e.Data)
	if err != nil {
		return nil, err
	}
	if len(c.decoded) >= 256 {
		clear(c.decoded)
	}
	c.decoded[key] = cmd
	return cmd, nil
}

func (m *manager) Snapshot() []byte { return m.store.encode() }

func (m *manager) Restore(index uint64, data []byte) {
	s, err := decodeStore(data)
	if err != nil {
		m.c.fail(fmt.Errorf("%s restoring a snapshot: %w", m.node.name, err))
		return
	}
	s.Index = index
	m.store = s
}

// process runs the member's Ready rounds and notices leadership changes.
func (c *Cluster) process(m *manager) {
	if err := m.member.Process(m, m.sendFn); err != nil {
		c.fail(fmt.Errorf("%s: %w", m.node.name, err))
		return
	}
	if len(c.retiring) > 0 {
		ids := c.retiring
		c.retiring = nil
		for _, id := range ids {
			c.retire(id)
		}
		if m.node.mgr != m {
			return // this manager was the one retired
		}
	}
	st := m.member.Status()
	was := m.last
	m.last = st
	c.checkLeader(m, st)
	if st.State == raft.Leader && (was.State != raft.Leader || was.Term != st.Term) {
		// A new dispatcher starts by giving every node a full grace period.
		clear(m.lastSeen)
		for _, name := range m.store.NodeNames() {
			if m.store.Nodes[name].Status == NodeReady {
				m.lastSeen[name] = c.now
			}
		}
		m.inflight = 0
	}
	if was.State == raft.Leader && st.State != raft.Leader {
		if st.Term > was.Term {
			c.emit(EventStepDown, m.node.name, "%s stepped down: a newer term %d has begun", m.node.name, st.Term)
		} else {
			c.emit(EventStepDown, m.node.name, "%s stepped down in term %d: it could not hear from a quorum", m.node.name, was.Term)
		}
	}
	if st.State != was.State || st.Term != was.Term {
		c.updateLeader()
	}
}

// updateLeader keeps the cluster-wide leader current and writes the leader
// lines of the timeline.
func (c *Cluster) updateLeader() {
	name, term := c.currentLeader()
	if name == c.leader && term == c.leaderTerm {
		return
	}
	old := c.leader
	if old != "" && name != old {
		c.leaderLostAt = c.now
		switch n, _ := c.node(old); {
		case name != "":
		case !n.alive:
			c.emit(EventLeaderLost, old, "leader %s is gone; the swarm has no leader", old)
		default:
			c.emit(EventLeaderLost, old, "%s no longer leads; the swarm has no leader", old)
		}
	}
	switch {
	case name == "":
	case old == "" && c.hadLeader:
		c.emit(EventLeaderElected, name, "%s elected leader in term %d after %s without one", name, term, FormatTime(c.now-c.leaderLostAt))
	default:
		c.emit(EventLeaderElected, name, "%s elected leader in term %d", name, term)
	}
	c.leader, c.leaderTerm = name, term
	c.hadLeader = c.hadLeader || name != ""
}

// currentLeader is the live manager that leads in the highest term. A stale
// leader cut off from a quorum may still think it leads for a few ticks,
// until CheckQuorum makes it step down; a newer term always wins.
func (c *Cluster) currentLeader() (string, uint64) {
	var name string
	var term uint64
	for _, m := range c.managers {
		if st := m.last; m.node.alive && st.State == raft.Leader && st.Term > term {
			name, term = m.node.name, st.Term
		}
	}
	return name, term
}

// leaderManager returns the current leader, or nil.
func (c *Cluster) leaderManager() *manager {
	if c.leader == "" {
		return nil
	}
	n, _ := c.node(c.leader)
	return n.mgr
}

// lead runs the leader's duties once per tick: the dispatcher's verdicts and
// the orchestrators, as one proposal at a time.
func (c *Cluster) lead(m *manager) {
	c.reconcileRoles(m)
	if m.inflight != 0 && c.now-m.inflightAt < ProposalRetry {
		return
	}
	ops := c.reconcile(m)
	if len(ops) == 0 {
		return
	}
	c.nextCmd++
	cmd := &command{ID: c.nextCmd, Ops: ops}
	if err := m.member.Propose(cmd.encode()); err != nil {
		return // lost leadership meanwhile; the next leader will reconcile
	}
	m.inflight, m.inflightAt = cmd.ID, c.now
	c.process(m)
}

// propose sends a user's change through the leader and waits, in simulated
// time, until it is applied or the request times out, as the Docker CLI does.
func (c *Cluster) propose(ops []op) error {
	m := c.leaderManager()
	if m == nil {
		return ErrNoLeader
	}
	c.nextCmd++
	cmd := &command{ID: c.nextCmd, Ops: ops}
	if err := m.member.Propose(cmd.encode()); err != nil {
		return ErrNoLeader
	}
	c.process(m)
	id := cmd.ID
	if err := c.runUntil(c.now+RequestTimeout, func() bool { return c.applied[id] }); err != nil {
		return err
	}
	if !c.applied[id] {
		return ErrDeadline
	}
	return nil
}
