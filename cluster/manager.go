package cluster

import (
	"bytes"
	"fmt"
	"time"

	"github.com/swarmsim/swarmsim/cluster/state"
	"github.com/swarmsim/swarmsim/internal/fault"
	"github.com/swarmsim/swarmsim/raft"
)

// manager is a manager node's software: its Raft member, the store it applies
// committed entries to and, while it leads, the leader's orchestration.
type manager struct {
	c      *Cluster
	node   *node
	raftID uint64
	member *raft.Member
	// held is the store as of the entries applied to it. A follower may
	// leave the entries Raft hands it in behind and apply them when its
	// store is next read (store): see Apply. While common is set, held is
	// the store followers share (common.go), and behind holds the entries
	// past it.
	held   *Store
	behind []heldEntry
	common *commonStore
	// heldActions counts the actions in behind: see maxHeldActions.
	heldActions int
	last        raft.Status        // as of the last process
	sendFn      func(raft.Message) // bound once: sending must not allocate
	lead        *leader            // non-nil while this manager leads
	// nextRoleCheck: when the role manager next looks for orphan voters.
	nextRoleCheck time.Duration
	// kek is the unlock key the manager's state on disk is sealed with, ""
	// without autolock: the key of the last state it applied. Like the Raft
	// storage it survives a crash; a restart with it set leaves the manager
	// locked (autolock.go).
	kek string
	// restored is the backup its swarm directory was last replaced with,
	// until it forces a new cluster from it or catches up (backup.go).
	restored *backup
	// again is set while the ApplyTwice fault applies an entry again.
	again bool
}

func newManager(c *Cluster, n *node, raftID uint64) *manager {
	m := &manager{c: c, node: n, raftID: raftID}
	m.sendFn = func(msg raft.Message) { m.send(msg) }
	return m
}

// Apply, Snapshot and Restore make the manager the Raft member's state
// machine.
func (m *manager) Apply(e raft.Entry) {
	c := m.c
	m.checkApplied(e)
	if fault.Is(fault.ApplyTwice) && e.Change == nil && !m.again {
		// The fault applies the entry a second time after this once.
		m.again = true
		defer func() { m.Apply(e); m.again = false }()
	}
	if m.lead != nil {
		c.gate.touch() // the checker reads the leader's store only
	}
	report := e.Index > c.reported
	if report {
		c.reported = e.Index
	}
	if e.Change != nil {
		m.catchUp()
		m.applyChange(e, report)
		m.clientApplied(e, nil, nil)
		return
	}
	cmd, err := c.decoded.decode(e, c.liveManagers())
	if err != nil {
		c.fail(fmt.Errorf("%s applying entry %d: %w", m.node.name, e.Index, err))
		return
	}
	if m.lead == nil && !report && applyLazily && !fault.Is(fault.ApplyTwice) {
		// Another manager applied this entry first and reported what it
		// did; this follower's store is read by no one until it leads,
		// a command reads it, or the picture has no leader to read. So
		// it holds the entry and applies it then (store), as a manager
		// whose apply loop runs behind its log would. The client's wait
		// and the checker's record of applied entries still see it now.
		m.behind = append(m.behind, heldEntry{e.Index, e.Term, cmd})
		if m.heldActions += len(cmd.Actions); m.heldActions > maxHeldActions {
			if m.common != nil {
				m.common.advance(m)
			} else {
				m.catchUp()
			}
		}
		if cmd.ID != 0 && cmd.ID == c.awaiting {
			c.appliedBy++
		}
		m.clientApplied(e, cmd, nil)
		return
	}
	m.catchUp()
	ctx := &c.applyCtx
	ctx.Report, ctx.Refused = report, nil
	m.held.Apply(e.Index, cmd, ctx)
	m.seal(report)
	if cmd.ID != 0 && cmd.ID == c.awaiting {
		c.awaited, c.awaitErr = true, ctx.Refused
		c.appliedBy++
	}
	m.clientApplied(e, cmd, ctx.Refused)
	if m.lead != nil {
		m.lead.applied(cmd.ID)
	}
}

// decodedEntry is a decoded entry with the bytes it was decoded from.
type decodedEntry struct {
	data    []byte
	cmd     *state.Command
	applied int // managers that took it from the cache
}

// sameBytes reports whether two entries hold the same bytes. Members share
// the leader's entries, so the same backing array answers at once; a forced
// new cluster from a restored backup may write other bytes at an index and
// term another history already used.
func sameBytes(a, b []byte) bool {
	if len(a) != len(b) {
		return false
	}
	return len(a) == 0 || &a[0] == &b[0] || bytes.Equal(a, b)
}

// entryCache holds entries decoded lately, by index and term: every
// manager applies each entry, and one decoding serves them all. An entry
// leaves once as many managers as are alive took it: a batch that creates
// a hundred thousand tasks is a large command, and holding the last 256 of
// them would hold much of the heap. A manager that comes later (dead, or
// lagging behind a snapshot) decodes again, which gives the same command.
//
// It also holds the commands the leader proposed, by command ID with the
// bytes proposed: an entry with those bytes is that command, so the
// leader's own command is what decoding them would give
// (TestCommandRoundTrip, TestProposedCommandsChangeNothing), and no member
// decodes it at all.
type entryCache struct {
	byEntry  map[[2]uint64]*decodedEntry
	proposed map[uint64]*decodedEntry
	reused   int // proposed commands taken instead of decoding: for tests
}

func newEntryCache() entryCache {
	return entryCache{byEntry: map[[2]uint64]*decodedEntry{}, proposed: map[uint64]*decodedEntry{}}
}

// propose remembers the command the leader proposed as data until an entry
// brings it back. A proposal Raft drops never comes back, so the cache
// forgets all when it holds many.
func (cache *entryCache) propose(data []byte, cmd *state.Command) {
	if !reuseProposed {
		return
	}
	if len(cache.proposed) >= 64 {
		clear(cache.proposed)
	}
	cache.proposed[cmd.ID] = &decodedEntry{data: data, cmd: cmd}
}

// reuseProposed is off only in the test that compares runs with and
// without the leader's proposed commands reused.
var reuseProposed = true

// decode decodes an entry once for all the managers that apply it, of
// which live are alive. Sharing one command is what lets the managers
// share task records: the first store to apply an action keeps the record
// it made on the action, and a store applying it to the same record takes
// that one (package state, shared).
func (cache *entryCache) decode(e raft.Entry, live int) (*state.Command, error) {
	key := [2]uint64{e.Index, e.Term}
	if d, ok := cache.byEntry[key]; ok && sameBytes(d.data, e.Data) {
		if d.applied++; d.applied >= live {
			delete(cache.byEntry, key)
		}
		return d.cmd, nil
	}
	var cmd *state.Command
	if id, ok := state.CommandID(e.Data); ok {
		// Raft copies what it is given, so the bytes are compared.
		if d := cache.proposed[id]; d != nil && sameBytes(d.data, e.Data) {
			delete(cache.proposed, id)
			cmd = d.cmd
			cache.reused++
		}
	}
	if cmd == nil {
		var err error
		if cmd, err = state.DecodeCommand(e.Data); err != nil {
			return nil, err
		}
	}
	if live <= 1 {
		return cmd, nil
	}
	if len(cache.byEntry) >= 256 {
		clear(cache.byEntry)
	}
	cache.byEntry[key] = &decodedEntry{e.Data, cmd, 1}
	return cmd, nil
}

// store is the manager's store with every entry Raft handed it applied.
func (m *manager) store() *Store {
	m.catchUp()
	return m.held
}

// setStore replaces the manager's state (a snapshot, a backup, a restart):
// entries held back for the old one go with it, and so does its part in
// a store followers share.
func (m *manager) setStore(s *Store) {
	m.common.drop(m)
	m.held, m.behind, m.heldActions, m.common = s, nil, 0, nil
}

// appliedIndex is the index of the last entry the manager was handed:
// where its store is once it catches up.
func (m *manager) appliedIndex() uint64 {
	if len(m.behind) > 0 {
		return m.behind[len(m.behind)-1].index
	}
	return m.held.Index
}

// applyLazily is off only in the test that compares runs with followers
// holding entries back and applying each at once.
var applyLazily = true

// maxHeldActions bounds what a follower holds back. The commands it holds
// keep every record they made alive, and a task's record is replaced at
// each step of its life (assigned, starting, running), so a follower that
// never caught up would keep all of them for the whole run.
var maxHeldActions = 1 << 16

// heldEntry is an entry a follower took and has not applied yet. It keeps
// the decoded command, not the bytes: the command carries the records the
// first store to apply it made (package state, shared), so a follower
// catching up much later still shares them instead of building its own.
type heldEntry struct {
	index, term uint64
	cmd         *state.Command
}

// catchUp applies the entries a follower held back, in order, as Apply
// would have: no report (another manager reported each), no client
// answer (Apply gave it), and the disk sealed with the last one's key. A
// follower that shares its store takes its own copy first: it is about to
// be read, or to move on alone.
func (m *manager) catchUp() {
	m.leaveCommon()
	if len(m.behind) == 0 {
		return
	}
	entries := m.behind
	m.behind, m.heldActions = nil, 0
	applyHeld(m.held, entries)
	m.seal(false)
}

// applyHeld applies entries a follower held back to s.
func applyHeld(s *Store, entries []heldEntry) {
	var ctx state.ApplyContext // not c.applyCtx: a catch-up may run inside another manager's Apply
	for _, e := range entries {
		ctx.Refused = nil
		s.Apply(e.index, e.cmd, &ctx)
	}
}

func (m *manager) Snapshot() []byte { return m.store().Encode() }

func (m *manager) Restore(index uint64, data []byte) {
	s, err := state.DecodeStore(data)
	if err != nil {
		m.c.fail(fmt.Errorf("%s restoring a snapshot: %w", m.node.name, err))
		return
	}
	s.Index = index
	m.setStore(s)
	m.c.check.restored(m, index)
	m.seal(false)
	m.c.gate.touch()
	m.clientRestored(index)
	if m.lead != nil { // cannot happen: a leader is never sent a snapshot
		m.c.wakeAll()
		m.lead.stop()
		m.lead = nil
	}
}

// process runs the member's Ready rounds and notices leadership changes.
func (m *manager) process() {
	c := m.c
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
	st := m.member.Settled() // Process returned nil just above
	was := m.last
	m.last = st
	m.checkLeader(st)
	leads := st.State == raft.Leader
	if leads && (m.lead == nil || was.Term != st.Term) {
		if m.lead != nil {
			m.lead.stop()
		}
		c.wakeAll()
		m.lead = newLeader(c, m)
		m.lead.wake()
	}
	if !leads && m.lead != nil {
		c.wakeAll()
		m.lead.stop()
		m.lead = nil
	}
	if was.State == raft.Leader && !leads {
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
	c.gate.touch()
	c.hadLeader = c.hadLeader || name != ""
}

// currentLeader is the live manager that leads in the highest term. A stale
// leader cut off from a quorum may still think it leads for a few ticks,
// until CheckQuorum makes it step down; a newer term always wins.
func (c *roster) currentLeader() (string, uint64) {
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
func (c *roster) leaderManager() *manager {
	if c.leader == "" {
		return nil
	}
	n, _ := c.node(c.leader)
	return n.mgr
}

// propose sends a user's change through the leader and waits, in simulated
// time, until it is applied or the request times out, as the Docker CLI does.
func (c *Cluster) propose(actions ...state.Action) error {
	m := c.leaderManager()
	if m == nil {
		return c.noLeader()
	}
	c.nextCmd++
	stampRevisions(m.store(), actions)
	cmd := &state.Command{ID: c.nextCmd, Actions: actions}
	if err := m.member.Propose(cmd.Encode()); err != nil {
		return ErrNoLeader
	}
	c.awaiting, c.awaited, c.awaitErr = cmd.ID, false, nil
	m.process()
	if err := c.runUntil(c.now+RequestTimeout, func() bool { return c.awaited }); err != nil {
		return err
	}
	if !c.awaited {
		return ErrDeadline
	}
	return c.awaitErr
}

// stampRevisions names, in every service update, the revision of the spec
// it was made from: the leader's, read the moment the user's command ran.
func stampRevisions(s *Store, actions []state.Action) {
	for _, a := range actions {
		if u, ok := a.(*state.UpdateService); ok && u.Revision == 0 {
			u.Revision = s.Revisions[u.Spec.Name]
		}
	}
}

// liveManagers counts the managers alive with a Raft member: the ones that
// will apply the entries committed now.
func (r *roster) liveManagers() int {
	n := 0
	for _, m := range r.managers {
		if m.node.alive && m.member != nil {
			n++
		}
	}
	return n
}
