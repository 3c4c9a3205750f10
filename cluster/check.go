package cluster

import (
	"encoding/binary"
	"fmt"
	"slices"
	"time"

	"github.com/swarmsim/swarmsim/cluster/state"
	"github.com/swarmsim/swarmsim/raft"
)

// The invariant checker watches every step of a run (Config.Check) and
// stops it at the first violation, naming the seed and the step, so the
// same seed and inputs replay it. It holds the simulation to what Raft and
// Swarm promise:
//
//   - at most one leader per term;
//   - a committed entry is never lost or changed: every manager applies the
//     same entry at the same index (log matching, state machine safety);
//   - a manager applies only committed entries, so no desired state
//     changes without a commit;
//   - a node runs manager software, and can force a new cluster, only with
//     a Raft ID that a committed configuration made a voter;
//   - every manager applies each committed entry once, in log order:
//     within one life of its state machine (from a restart, a snapshot or
//     a restored backup on) the indexes it applies strictly increase, and
//     it never skips an index another manager applied a command at (Raft
//     hands the state machine every entry but a new leader's empty one);
//   - a task runs on at most one node;
//   - a replicated service never runs more tasks than desired, except while
//     a start-first update overlaps old and new;
//   - no task stays on a drained node once the leader has had time to act;
//   - a node runs only the tasks the leader wants running there, once the
//     leader has had time to stop the others (checkplace.go);
//   - no running task breaks its service's constraints, max-replicas per
//     node, reservations or host-port exclusivity, each task counted with
//     its own spec (checkplace.go);
//   - secrets and configs that a service uses are never removed;
//   - the quorum verdict agrees with Raft at every step, and package az's
//     prediction with what Raft did once the election bound has passed
//     since the last disturbance (checkquorum.go);
//   - a manager that starts with its state sealed by autolock stays out of
//     Raft, neither voting nor counted toward quorum, until it is unlocked;
//   - a restored manager's state is the backup's at its index, and what the
//     timeline reports lost is exactly what changed after it (checkrestore.go).

// Violation is a broken invariant.
type Violation struct {
	Invariant string
	Detail    string
	At        time.Duration
	Step      uint64
	Seed      uint64
}

func (v *Violation) Error() string {
	return fmt.Sprintf("invariant %q violated at %s (step %d, seed %d): %s", v.Invariant, FormatTime(v.At), v.Step, v.Seed, v.Detail)
}

// Invariant names.
const (
	InvOneLeaderPerTerm = "one leader per term"
	InvCommittedStable  = "committed entries never change"
	InvApplyCommitted   = "only committed entries are applied"
	InvManagerCommitted = "managers only by committed configuration changes"
	InvOneNodePerTask   = "a task runs on at most one node"
	InvNoExtraTasks     = "no more tasks than desired"
	InvDrainEmpties     = "drained nodes run no tasks"
	InvPrediction       = "az prediction agrees with Raft"
	InvAppliedOnce      = "each committed entry applied once, in order"
	InvOnlyWanted       = "nodes run only the tasks the leader wants there"
	InvPlacement        = "running tasks keep their placement rules"
	InvObjectsInUse     = "secrets and configs in use are never removed"
	InvQuorumVerdict    = "the quorum verdict agrees with Raft"
	InvLockedOut        = "a locked manager takes no part in Raft"
	InvRestore          = "a restore is the backup, and reports what it lost"
)

// drainGrace is how long a drained node may keep tasks: the drain commits,
// the leader's next pass stops them, that commits, the node hears it.
const drainGrace = 5 * TickInterval

// predictionBound is how long after a disturbance Raft may disagree with
// the prediction: a follower campaigns within two election timeouts, a
// split vote costs a third, and a stale leader steps down within one.
const predictionBound = 3 * raft.DefaultElectionTicks * TickInterval

type checker struct {
	c              *Cluster          // the swarm it watches
	leaders        map[uint64]string // term → leader seen
	entries        map[uint64]uint64 // index → hash of (term, data) first applied there
	voters         map[uint64]bool   // Raft IDs the bootstrap or a committed change made voters
	drainedSince   map[string]time.Duration
	extraSince     map[string]time.Duration // service → since when it runs too many tasks
	disturbed      time.Duration            // last kill, restart, partition, heal or membership change
	lastPrediction time.Duration            // when the prediction was last compared

	// applied is each manager's last applied index in this life of its
	// state machine.
	applied map[*manager]uint64
	// sealed are the managers that started with a sealed state and have
	// not been unlocked since.
	sealed map[string]bool
	// backups is each backup's state as its manager held it, encoded.
	backups map[string][]byte
	// Placement and stray tasks (checkplace.go).
	hashes     state.Hashes
	nodeSeen   map[string]nodeSeen      // node → its constraint-relevant fields, and since when
	strays     map[string]time.Duration // node/task → since when the node runs a task not wanted there
	lastScan   time.Duration            // when nodeSeen was last brought up to date
	objectsAt  uint64                   // the store index secrets and configs were last checked at
	objectsLed *manager                 // … on that leader
	// The quorum verdict (checkquorum.go).
	quorum quorumWatch

	// What the last full checkState saw, and whether it left no grace
	// period running: a tick's check with the same inputs can then be
	// skipped (idle).
	seen    stateInputs
	settled bool

	// Scratch for checkState, reused from step to step.
	where    map[string]string // task ID → the live node running it
	unwanted []string          // node/task: what a node the leader reaches runs and it does not want there
	active   []*Task           // the leader's active tasks that run on a live node
	running  map[string]int    // service → tasks meant to run that do
	place    placeScratch
}

func newChecker(c *Cluster) *checker {
	return &checker{c: c, leaders: map[uint64]string{}, entries: map[uint64]uint64{}, voters: map[uint64]bool{}, where: map[string]string{}, running: map[string]int{}, drainedSince: map[string]time.Duration{}, extraSince: map[string]time.Duration{},
		applied: map[*manager]uint64{}, sealed: map[string]bool{}, backups: map[string][]byte{}, hashes: state.Hashes{}, nodeSeen: map[string]nodeSeen{}, strays: map[string]time.Duration{},
		place: newPlaceScratch()}
}

func (c *Cluster) violate(inv, format string, args ...any) {
	if c.fault == nil {
		c.fault = &Violation{Invariant: inv, Detail: fmt.Sprintf(format, args...), At: c.now, Step: c.steps, Seed: c.cfg.Seed}
	}
}

// disturb notes a change to what is alive or connected.
func (k *checker) disturb() {
	if k != nil {
		k.disturbed = k.c.now
	}
}

// checkApplied runs as a manager applies an entry.
func (m *manager) checkApplied(e raft.Entry) {
	c := m.c
	k := c.check
	if k == nil {
		return
	}
	if st := m.member.Status(); e.Index > st.Commit {
		c.violate(InvApplyCommitted, "%s applied entry %d but has committed only up to %d", m.node.name, e.Index, st.Commit)
	}
	sum := entrySum(e)
	last, ok := k.applied[m]
	switch {
	case ok && e.Index <= last:
		c.violate(InvAppliedOnce, "%s applied entry %d after entry %d: an entry applied twice or out of order", m.node.name, e.Index, last)
	case ok:
		for i := last + 1; i < e.Index; i++ {
			if _, other := k.entries[i]; other {
				c.violate(InvAppliedOnce, "%s applied entry %d after entry %d, skipping entry %d that another manager applied", m.node.name, e.Index, last, i)
				break
			}
		}
	}
	k.applied[m] = e.Index
	if prev, ok := k.entries[e.Index]; ok && prev != sum {
		c.violate(InvCommittedStable, "%s applied a different entry at index %d than another manager did", m.node.name, e.Index)
	}
	k.entries[e.Index] = sum
	if e.Change != nil {
		k.quorum.changed = true
		if e.Change.Op == raft.AddVoter {
			k.voters[e.Change.Node] = true
		}
	}
}

// entrySum is a checksum of an entry's term, data and change, what two
// managers applying "the same entry" at an index must agree on. Every
// manager sums every entry it applies, some of them large (a stack's
// services), so it goes a word at a time and allocates nothing. Each word
// passes through a bijection of the running sum (xor the word, multiply by
// an odd constant, xorshift), so two entries that differ in a single word,
// or in length, always sum differently.
func entrySum(e raft.Entry) uint64 {
	h := sumWord(0, e.Term)
	h = sumBytes(h, e.Data)
	if ch := e.Change; ch != nil {
		h = sumWord(h, 1+uint64(ch.Op))
		h = sumWord(h, ch.Node)
		h = sumBytes(h, ch.Context)
	}
	return h
}

func sumWord(h, w uint64) uint64 {
	h = (h ^ w) * 0x9e3779b97f4a7c15
	return h ^ h>>29
}

func sumBytes(h uint64, b []byte) uint64 {
	h = sumWord(h, uint64(len(b)))
	for len(b) >= 8 {
		h = sumWord(h, binary.LittleEndian.Uint64(b))
		b = b[8:]
	}
	var tail [8]byte
	copy(tail[:], b)
	return sumWord(h, binary.LittleEndian.Uint64(tail[:]))
}

// checkBootstrap records the voters of the swarm's first configuration.
func (k *checker) bootstrap(peers []uint64) {
	if k == nil {
		return
	}
	for _, id := range peers {
		k.voters[id] = true
	}
}

// checkManager runs as a node gets manager software with Raft ID id, or as
// that software forces a new cluster: a Raft member that no committed
// configuration includes has no state to serve and no right to lead.
func (k *checker) manager(name string, id uint64, what string) {
	if k != nil && !k.voters[id] {
		k.c.violate(InvManagerCommitted, "%s %s as Raft member %d, which no committed configuration change made a voter", name, what, id)
	}
}

// checkForceNewCluster runs as m forces a new cluster. Its Raft history
// starts again from its own state: entries the old cluster committed beyond
// that state are discarded, as Docker discards them, and its terms belong to
// a cluster whose other managers are gone. The checker forgets both, and
// holds the new cluster to the same rules from here on.
func (m *manager) checkForceNewCluster() {
	c := m.c
	k := c.check
	if k == nil {
		return
	}
	clear(k.leaders)
	applied := m.member.Status().Applied
	for idx := range k.entries {
		if idx > applied {
			delete(k.entries, idx)
		}
	}
}

// checkLeader runs whenever a manager's Raft state changes.
func (m *manager) checkLeader(st raft.Status) {
	c := m.c
	k := c.check
	if k == nil || st.State != raft.Leader {
		return
	}
	if prev, ok := k.leaders[st.Term]; ok {
		// A leader processes every message it takes: write only once.
		if prev != m.node.name {
			c.violate(InvOneLeaderPerTerm, "%s and %s both led term %d", prev, m.node.name, st.Term)
		}
		return
	}
	k.leaders[st.Term] = m.node.name
}

// checkState runs after every step that touched what it reads, and once a
// tick: the invariants about tasks and quorum.
func (k *checker) state() {
	if k == nil || k.c.fault != nil {
		return
	}
	in := k.inputs()
	if k.c.gate.ticked && k.settled && !k.graceRuns() && in == k.seen {
		k.idle(in.lead)
		return
	}
	k.place.waiting = false
	k.fullState()
	k.seen = in
	k.settled = k.c.fault == nil && !k.graceRuns()
}

// graceRuns reports whether a grace period is running: a task too many, a
// stray task, a task on a drained node or one off its constraints, each
// let be for now.
func (k *checker) graceRuns() bool {
	return len(k.extraSince)+len(k.drainedSince)+len(k.strays) > 0 || k.place.waiting
}

// stateInputs is a fingerprint of what checkState reads: the leader, its
// store and how far it has applied, and every node's life (whether it
// runs, is locked, which boot, how many tasks it runs).
type stateInputs struct {
	lead   *manager
	store  *Store
	index  uint64
	term   uint64
	sealed int
	nodes  uint64
}

func (k *checker) inputs() stateInputs {
	c := k.c
	in := stateInputs{lead: c.leaderManager(), term: c.leaderTerm, sealed: len(k.sealed)}
	if in.lead != nil {
		in.store = in.lead.store()
		in.index = in.store.Index
	}
	for _, n := range c.nodes {
		life := uint64(n.epoch)<<2 | uint64(n.Running.Len())<<34
		if n.alive {
			life |= 1
		}
		if n.locked {
			life |= 2
		}
		in.nodes = in.nodes*1099511628211 ^ life
	}
	return in
}

// idle is checkState at a tick after which nothing it reads changed: the
// gate calls it once a tick whether or not anything did, for the
// invariants that break by time passing alone (a grace period running
// out). When the last check left no grace period running (no extra, stray
// or drained-node task, no task off its constraints) and saw the same
// inputs, it would find what that check found, nothing, and change
// nothing but scanNodes' record of when node rules last changed; so that
// is all idle does, exactly as the full check would have.
func (k *checker) idle(lead *manager) {
	if p := &k.place; lead != nil && p.ruled && p.constrained {
		k.scanNodes(lead.store())
	}
}

func (k *checker) fullState() {
	c := k.c
	where := k.where
	clear(where)
	// One pass over what every node runs serves two invariants: no task on
	// two nodes (where), and, on the nodes the leader can reach, none that
	// the leader does not want there (unwanted, for onlyWanted).
	lead := c.leaderManager()
	var s *Store
	if lead != nil {
		s = lead.store()
	}
	// It also lists the leader's active tasks that run somewhere (active),
	// which is what the drained-node and task-count rules look at: fewer
	// than the store's tasks, history included.
	k.unwanted, k.active = k.unwanted[:0], k.active[:0]
	for _, n := range c.nodes {
		if !n.alive || n.Running.Len() == 0 {
			continue
		}
		reached := lead != nil && c.linked(lead.node, n)
		var twice []string
		for id := range n.Running.All() {
			if _, ok := where[id]; ok {
				twice = append(twice, id)
				continue
			}
			where[id] = n.name
			if lead == nil {
				continue
			}
			t := s.Tasks.Get(id)
			if t != nil && t.Active() {
				k.active = append(k.active, t)
			}
			if reached && (t == nil || t.Node != n.name || !t.Active()) {
				k.unwanted = append(k.unwanted, n.name+"/"+id)
			}
		}
		if len(twice) > 0 {
			// The lowest, so that the report does not follow map order.
			id := slices.MinFunc(twice, state.CompareNames)
			c.violate(InvOneNodePerTask, "task %s runs on %s and on %s", id, where[id], n.name)
			return
		}
	}
	if !k.lockedOut() || lead == nil {
		return
	}
	running := k.running
	if !k.drainEmpties(s, where) || extraTasks(c, s, running) || !k.onlyWanted(lead, s) || !k.placementHolds(lead, s, where) || !k.objectsKept(lead, s) {
		return
	}
	for node := range k.drainedSince {
		if rec := s.Nodes[node]; rec == nil || rec.Availability != Drain {
			delete(k.drainedSince, node)
		}
	}
}

// drainEmpties counts the tasks each service runs (running) and checks
// that no drained node has run a task for longer than drainGrace; it
// reports whether none has.
func (k *checker) drainEmpties(s *Store, where map[string]string) bool {
	c := k.c
	clear(k.running)
	overdue := false
	for _, t := range k.active {
		k.running[t.Service]++
		if rec := s.Nodes[t.Node]; rec != nil && rec.Availability == Drain {
			since, ok := k.drainedSince[t.Node]
			if !ok {
				k.drainedSince[t.Node] = c.now
			} else if c.now-since > drainGrace {
				overdue = true
			}
		}
	}
	if !overdue {
		return true
	}
	// Name the first such task in TaskList order, not map order. A node
	// first seen drained in this check has its grace from now.
	for _, t := range s.TaskList() {
		if !t.Active() || where[t.ID] == "" {
			continue
		}
		rec := s.Nodes[t.Node]
		if since, ok := k.drainedSince[t.Node]; ok && rec != nil && rec.Availability == Drain && c.now-since > drainGrace {
			c.violate(InvDrainEmpties, "%s still runs %s %s after it was drained", t.Node, t.Name(), FormatTime(c.now-since))
			return false
		}
	}
	return true
}

// extraTasks checks that no replicated service runs more tasks than it
// wants for longer than a pass of the leader takes, and reports whether
// one did.
func extraTasks(c *Cluster, s *Store, running map[string]int) bool {
	// Scaling down commits first and stops tasks on the leader's next pass:
	// too many tasks is a violation only once that has had time to happen.
	// Services are visited in map order, which is why a violation names the
	// first of them by name rather than the first one met.
	k := c.check
	var over string
	for name, spec := range s.Services {
		n := running[name]
		u := s.Updates[name]
		order := spec.Update.Order
		if u != nil && u.State == UpdateRollbackStarted {
			order = spec.Rollback.Order
		}
		overlapping := order == "start-first" && u != nil && (u.State == UpdateUpdating || u.State == UpdateRollbackStarted)
		if spec.Mode != ModeReplicated || n <= spec.Replicas || overlapping {
			delete(k.extraSince, name)
			continue
		}
		since, ok := k.extraSince[name]
		if !ok {
			k.extraSince[name] = c.now
		} else if c.now-since > drainGrace && (over == "" || name < over) {
			over = name
		}
	}
	if over != "" {
		since := k.extraSince[over]
		c.violate(InvNoExtraTasks, "%s has run %d tasks for %s, %d desired", over, running[over], FormatTime(c.now-since), s.Services[over].Replicas)
		return true
	}
	return false
}

// checkPrediction compares Raft's verdict with az's, once things are calm.
func (k *checker) prediction() {
	if k == nil {
		return
	}
	c := k.c
	if c.fault == nil {
		k.verdict()
	}
	if c.fault != nil || c.now-k.disturbed < predictionBound || c.now-k.lastPrediction < TickInterval {
		return
	}
	// Raft's verdict is whether it has a leader: nothing else is consulted.
	k.lastPrediction = c.now
	q := c.view().quorum()
	if raftHolds := c.leader != ""; raftHolds != q.Predicted {
		c.violate(InvPrediction, "Raft has a leader: %v; az predicts quorum holds: %v (%d of %d voters alive)", raftHolds, q.Predicted, q.Alive, q.Members)
	}
}
