package raft

import (
	"errors"
	"fmt"
	"slices"

	etcd "go.etcd.io/raft/v3"
	pb "go.etcd.io/raft/v3/raftpb"
	"go.etcd.io/raft/v3/tracker"
	"google.golang.org/protobuf/proto"
)

// Swarm's Raft settings (swarmkit's manager defaults): one tick per second,
// an election after 10 to 20 silent ticks, a heartbeat every tick.
const (
	DefaultElectionTicks  = 10
	DefaultHeartbeatTicks = 1
	DefaultSnapshotEvery  = 1000
	DefaultKeepEntries    = 200
)

// bootstrapIndex is where the log of a new cluster starts: the bootstrap
// snapshot sits at this index, term 1. MemoryStorage keeps a dummy entry at
// index 0, so the snapshot goes above it.
const bootstrapIndex = 2

// ErrCrashed is returned by calls on a member that is not running.
var ErrCrashed = errors.New("the manager is not running")

// ErrNotLeader is returned by Propose on a member that is not the leader.
var ErrNotLeader = errors.New("this manager is not the leader")

// Config describes one member.
type Config struct {
	// ID is the member's Raft ID; never 0.
	ID uint64
	// Peers are the voters of a new cluster, including ID. Empty for a member
	// that joins an existing cluster and learns everything from the leader.
	Peers []uint64
	// Bootstrap is the state-machine content of a new cluster, stored in the
	// first snapshot so every member starts from the same state.
	Bootstrap []byte
	// Seed selects the member's election jitter stream; see jitter.go.
	Seed uint64

	ElectionTicks  int    // default DefaultElectionTicks
	HeartbeatTicks int    // default DefaultHeartbeatTicks
	SnapshotEvery  uint64 // applied entries between snapshots; default DefaultSnapshotEvery
	KeepEntries    uint64 // entries kept behind a snapshot for slow followers; default DefaultKeepEntries
}

func (c *Config) setDefaults() {
	if c.ElectionTicks == 0 {
		c.ElectionTicks = DefaultElectionTicks
	}
	if c.HeartbeatTicks == 0 {
		c.HeartbeatTicks = DefaultHeartbeatTicks
	}
	if c.SnapshotEvery == 0 {
		c.SnapshotEvery = DefaultSnapshotEvery
	}
	if c.KeepEntries == 0 {
		c.KeepEntries = DefaultKeepEntries
	}
}

// State is a member's role in its current term.
type State uint8

const (
	Follower State = iota
	PreCandidate
	Candidate
	Leader
)

func (s State) String() string {
	switch s {
	case Follower:
		return "follower"
	case PreCandidate:
		return "pre-candidate"
	case Candidate:
		return "candidate"
	case Leader:
		return "leader"
	}
	return fmt.Sprintf("State(%d)", s)
}

// Status is what a member knows about itself. It is the zero Status with
// Running false while the member is crashed.
type Status struct {
	ID      uint64
	Running bool
	State   State
	Term    uint64
	Lead    uint64 // 0 when the member knows no leader
	Commit  uint64
	Applied uint64
}

// ChangeOp is a membership change.
type ChangeOp uint8

const (
	AddVoter ChangeOp = iota
	RemoveVoter
)

func (op ChangeOp) String() string {
	if op == AddVoter {
		return "add-voter"
	}
	return "remove-voter"
}

// Change is a committed membership change.
type Change struct {
	Op      ChangeOp
	Node    uint64
	Context []byte
}

// Entry is one committed log entry handed to the App. Exactly one of Data and
// Change is set; empty entries a new leader appends are not handed out.
type Entry struct {
	Index, Term uint64
	Data        []byte
	Change      *Change
}

// App is the replicated state machine a member applies committed entries to.
type App interface {
	// Apply applies one committed entry, in log order, exactly once per
	// lifetime of the in-memory state.
	Apply(Entry)
	// Snapshot returns the state after the last applied entry, for compaction.
	Snapshot() []byte
	// Restore replaces the whole state with a snapshot taken at index.
	Restore(index uint64, data []byte)
}

// PeerProgress is what a leader's Raft knows of one voter, itself included.
type PeerProgress struct {
	ID uint64
	// Match is the highest log index known to be replicated on the voter;
	// Next is the next index the leader will send it.
	Match, Next uint64
	// RecentActive is what CheckQuorum counts: the leader has heard from the
	// voter within the current CheckQuorum window or the one CheckQuorum last
	// judged. The leader itself is always active.
	RecentActive bool
}

// Message is a Raft message in flight between two members. The network may
// delay it, drop it or deliver it; it must not look inside.
type Message struct{ m *pb.Message }

func (msg Message) From() uint64 { return msg.m.GetFrom() }
func (msg Message) To() uint64   { return msg.m.GetTo() }

// Kind is etcd's name for the message type, e.g. "MsgApp".
func (msg Message) Kind() string { return msg.m.GetType().String() }

// IsSnapshot reports whether the message carries a snapshot; its sender wants
// to hear whether it arrived (ReportSnapshot).
func (msg Message) IsSnapshot() bool { return msg.m.GetType() == pb.MsgSnap }

// Member is one manager's Raft. It is not safe for concurrent use; a
// simulation drives all of its members from one goroutine.
type Member struct {
	cfg     Config
	storage *etcd.MemoryStorage // stable storage: survives Crash
	node    *etcd.RawNode       // nil while crashed
	entropy *stream

	// In-memory state, rebuilt on Restart.
	conf      *pb.ConfState // the configuration as of applied
	applied   uint64        // invariant: snapIndex <= applied <= commit
	snapIndex uint64        // index of the newest snapshot in storage
	// voters is conf's voters, sorted, as of votersOf: asked for at most
	// steps (the quorum verdict and its checker read it), it changes only
	// with a configuration change, which replaces conf.
	voters   []uint64
	votersOf *pb.ConfState
	// confChanged asks for a snapshot at the end of the round: a member that
	// joins empty can only be caught up by a snapshot whose configuration
	// includes it (etcd raft refuses to restore one that does not).
	confChanged bool

	// Role, term and commit as of the last Ready round, so that Tick can
	// tell whether it ticks a leader without asking the RawNode (which
	// allocates), and Settled can answer without asking it either.
	soft   etcd.SoftState
	term   uint64
	commit uint64

	// What CheckQuorum last counted. Every election timeout a leader's
	// CheckQuorum asks whether a quorum of voters was recently active, then
	// clears RecentActive on every peer; each flag comes back with the
	// peer's next message, a round trip later. Read in that gap, etcd's raw
	// flags say no peer is active just after Raft has found a quorum active.
	// judged keeps the peers the last CheckQuorum of term judgedTerm found
	// active; until the first CheckQuorum of a term, granted (the voters
	// that elected this member in grantedTerm) stands in for it. Progress
	// reports a peer active if either etcd's flag or these say so.
	judged, before      []uint64
	judgedTerm          uint64
	granted             []uint64
	grantedTerm         uint64
	noteBefore, noteNow func(uint64, etcd.ProgressType, tracker.Progress) // bound once: ticking must not allocate
	cleared             bool
	// Reading the flags around every tick was a twentieth of a quiet
	// swarm's hour, yet CheckQuorum runs once an election timeout: etcd
	// counts a leader's ticks from when it began to lead, or last ran
	// CheckQuorum, and runs it on the ElectionTicks-th. sinceCheck counts
	// the same ticks, from the same moments as this member sees them, and
	// Tick reads the flags only from two ticks before CheckQuorum can be
	// due. etcd's count never runs more than those two ticks ahead: etcd
	// starts it when leadership begins, which Process shows before the
	// next tick, and when CheckQuorum clears the flags, which Tick sees;
	// anything else that restarts etcd's count (a leadership transfer)
	// only puts it behind, and then the flags are read at every tick
	// until the clearing is seen. TestProgressWithFewerReads compares.
	sinceCheck int
	leadTerm   uint64 // the term sinceCheck counts in
}

// readEveryTick is set only by the test that compares Progress with the
// flags read at every tick.
var readEveryTick = false

// NewMember creates a running member. With Peers set it bootstraps a new
// cluster from cfg.Bootstrap; otherwise it waits to be sent a snapshot.
func NewMember(cfg Config) (*Member, error) {
	if cfg.ID == 0 {
		return nil, errors.New("raft member ID must not be 0")
	}
	cfg.setDefaults()
	m := &Member{
		cfg:     cfg,
		storage: etcd.NewMemoryStorage(),
		entropy: newStream(cfg.Seed, cfg.ID),
		conf:    &pb.ConfState{},
	}
	m.noteBefore = func(id uint64, _ etcd.ProgressType, pr tracker.Progress) {
		if pr.RecentActive && id != m.cfg.ID {
			m.before = append(m.before, id)
		}
	}
	m.noteNow = func(id uint64, _ etcd.ProgressType, pr tracker.Progress) {
		if !pr.RecentActive && slices.Contains(m.before, id) {
			m.cleared = true
		}
	}
	if len(cfg.Peers) > 0 {
		if !slices.Contains(cfg.Peers, cfg.ID) {
			return nil, fmt.Errorf("raft member %d is not among the bootstrap peers %v", cfg.ID, cfg.Peers)
		}
		snap := &pb.Snapshot{
			Data: cfg.Bootstrap,
			Metadata: &pb.SnapshotMetadata{
				Index:     new(uint64(bootstrapIndex)),
				Term:      new(uint64(1)),
				ConfState: &pb.ConfState{Voters: slices.Clone(cfg.Peers)},
			},
		}
		if err := m.storage.ApplySnapshot(snap); err != nil {
			return nil, fmt.Errorf("bootstrapping raft member %d: %w", cfg.ID, err)
		}
	}
	if err := m.start(nil); err != nil {
		return nil, err
	}
	return m, nil
}

// start builds a RawNode over the member's storage. The app, when given, is
// restored from the storage's snapshot first.
func (m *Member) start(app App) error {
	snap, err := m.storage.Snapshot()
	if err != nil {
		return fmt.Errorf("reading raft member %d's snapshot: %w", m.cfg.ID, err)
	}
	md := snap.GetMetadata()
	m.applied = md.GetIndex()
	m.snapIndex = md.GetIndex()
	m.conf = pb.EnsureConfState(proto.Clone(pb.EnsureConfState(md.GetConfState())).(*pb.ConfState))
	if app != nil && !etcd.IsEmptySnap(snap) {
		app.Restore(md.GetIndex(), snap.GetData())
	}
	if _, _, err := m.storage.InitialState(); err != nil {
		return fmt.Errorf("reading raft member %d's hard state: %w", m.cfg.ID, err)
	}
	m.judged, m.judgedTerm, m.granted, m.grantedTerm = m.judged[:0], 0, m.granted[:0], 0
	var startErr error
	withEntropy(m.entropy, func() {
		m.node, startErr = etcd.NewRawNode(&etcd.Config{
			ID:              m.cfg.ID,
			ElectionTick:    m.cfg.ElectionTicks,
			HeartbeatTick:   m.cfg.HeartbeatTicks,
			Storage:         m.storage,
			Applied:         m.applied,
			MaxSizePerMsg:   1 << 16,
			MaxInflightMsgs: 256,
			CheckQuorum:     true,
			PreVote:         true,
			// A demoted manager must stop leading as soon as it is out.
			StepDownOnRemoval: true,
			Logger:            quietLogger{},
		})
	})
	if startErr != nil {
		return fmt.Errorf("starting raft member %d: %w", m.cfg.ID, startErr)
	}
	// What the RawNode starts from, as its first Ready compares against.
	bs := m.node.BasicStatus()
	m.soft, m.term, m.commit = bs.SoftState, bs.HardState.GetTerm(), bs.HardState.GetCommit()
	return nil
}

// ID is the member's Raft ID.
func (m *Member) ID() uint64 { return m.cfg.ID }

// Running reports whether the member is up (not crashed).
func (m *Member) Running() bool { return m.node != nil }

// Status reports the member's view of the cluster. It does not allocate.
func (m *Member) Status() Status {
	if m.node == nil {
		return Status{ID: m.cfg.ID}
	}
	bs := m.node.BasicStatus()
	return Status{
		ID:      m.cfg.ID,
		Running: true,
		State:   stateOf(bs.RaftState),
		Term:    bs.HardState.GetTerm(),
		Lead:    bs.Lead,
		Commit:  bs.HardState.GetCommit(),
		Applied: m.applied,
	}
}

// Settled is Status right after a Process that returned nil, read from
// what its Ready rounds handed out instead of asking the RawNode: Process
// stops only when Raft has nothing more to hand out, which is when its
// role, leader, term and commit are those of the last Ready that carried
// them. Every delivered message ends in a Process, so the simulation asks
// this after each one. At any other moment (after a Tick, a Step or a
// Propose, before Process), use Status.
func (m *Member) Settled() Status {
	if m.node == nil {
		return Status{ID: m.cfg.ID}
	}
	return Status{
		ID:      m.cfg.ID,
		Running: true,
		State:   stateOf(m.soft.RaftState),
		Term:    m.term,
		Lead:    m.soft.Lead,
		Commit:  m.commit,
		Applied: m.applied,
	}
}

func stateOf(s etcd.StateType) State {
	switch s {
	case etcd.StateLeader:
		return Leader
	case etcd.StateCandidate:
		return Candidate
	case etcd.StatePreCandidate:
		return PreCandidate
	}
	return Follower
}

// Voters returns the voters of the configuration as of the last applied
// entry, sorted. The slice is shared: callers must not modify it.
func (m *Member) Voters() []uint64 {
	if m.votersOf != m.conf {
		m.voters = slices.Sorted(slices.Values(m.conf.GetVoters()))
		m.votersOf = m.conf
	}
	return m.voters
}

// LogSize is the number of entries held in storage: it stays bounded when
// compaction works.
func (m *Member) LogSize() uint64 {
	first, _ := m.storage.FirstIndex()
	last, _ := m.storage.LastIndex()
	return last - first + 1
}

// Tick advances the member's logical clock by one tick. On a leader, a tick
// may run CheckQuorum; what it counted is kept for Progress.
func (m *Member) Tick() {
	if m.node == nil {
		return
	}
	if m.soft.RaftState != etcd.StateLeader {
		withEntropy(m.entropy, m.node.Tick)
		return
	}
	if m.term != m.leadTerm {
		m.leadTerm, m.sinceCheck = m.term, 0
	}
	if m.sinceCheck++; m.sinceCheck < m.cfg.ElectionTicks-2 && !readEveryTick {
		withEntropy(m.entropy, m.node.Tick) // CheckQuorum is not due
		return
	}
	m.before, m.cleared = m.before[:0], false
	m.node.WithProgress(m.noteBefore)
	withEntropy(m.entropy, m.node.Tick)
	m.node.WithProgress(m.noteNow)
	if m.cleared {
		// Only CheckQuorum (or losing leadership, which Progress notices by
		// the role) clears a flag: m.before is what it counted.
		m.judged, m.before = m.before, m.judged
		m.judgedTerm = m.term
		m.sinceCheck = 0
	}
}

// Progress reports, on the leader, every voter's replication progress as its
// Raft sees it, sorted by ID; it is nil on a member that does not lead. This
// is Raft's own view of who is reachable: a voter that is up but cut off
// stays active until CheckQuorum's window has passed without a word from it.
func (m *Member) Progress() []PeerProgress {
	if m.node == nil {
		return nil
	}
	bs := m.node.BasicStatus()
	if bs.RaftState != etcd.StateLeader {
		return nil
	}
	var counted []uint64
	switch term := bs.HardState.GetTerm(); term {
	case m.judgedTerm:
		counted = m.judged
	case m.grantedTerm:
		counted = m.granted
	}
	var out []PeerProgress
	m.node.WithProgress(func(id uint64, typ etcd.ProgressType, pr tracker.Progress) {
		if typ != etcd.ProgressTypePeer {
			return
		}
		out = append(out, PeerProgress{ID: id, Match: pr.Match, Next: pr.Next, RecentActive: pr.RecentActive || slices.Contains(counted, id)})
	})
	return out
}

// TransferLeader asks the leader to hand its leadership to the voter to, as
// swarmkit's role manager does before the leader is demoted: Raft brings to
// up to date, then tells it to campaign at once, so the swarm goes without a
// leader for a round trip instead of an election timeout. Raft abandons the
// transfer if it has not finished within an election timeout, and drops
// proposals while it is under way.
func (m *Member) TransferLeader(to uint64) error {
	if m.node == nil {
		return ErrCrashed
	}
	if m.Status().State != Leader {
		return ErrNotLeader
	}
	if to == m.cfg.ID || !slices.Contains(m.conf.GetVoters(), to) {
		return fmt.Errorf("raft member %d cannot hand leadership to %d: it is not another voter", m.cfg.ID, to)
	}
	withEntropy(m.entropy, func() { m.node.TransferLeader(to) })
	return nil
}

// Campaign makes the member start an election now, as `docker swarm init`
// makes the first manager leader without waiting for a timeout.
func (m *Member) Campaign() error {
	if m.node == nil {
		return ErrCrashed
	}
	var err error
	withEntropy(m.entropy, func() { err = m.node.Campaign() })
	return err
}

// LogBehindError is Step's answer to a leader that commits past the end of
// this member's log: etcd Raft would panic, and the member's manager
// crashes instead.
type LogBehindError struct{ Last, Commit uint64 }

func (e *LogBehindError) Error() string {
	return fmt.Sprintf("its Raft log ends at entry %d, and its leader commits entry %d (etcd Raft: tocommit out of range)", e.Last, e.Commit)
}

// Step hands the member a message the network delivered.
func (m *Member) Step(msg Message) error {
	if m.node == nil {
		return ErrCrashed
	}
	if msg.m.GetType() == pb.MsgVoteResp && !msg.m.GetReject() {
		// A vote for this member: if it wins, these voters were active.
		if t := msg.m.GetTerm(); t != m.grantedTerm {
			m.granted, m.grantedTerm = m.granted[:0], t
		}
		m.granted = append(m.granted, msg.m.GetFrom())
	}
	if msg.m.GetType() == pb.MsgHeartbeat && !m.node.HasReady() {
		// etcd Raft panics on a commit index past the log's end (tocommit
		// out of range): a log that went back, as a restored backup's does
		// while its leader remembers more of it. A real manager crashes.
		if last, _ := m.storage.LastIndex(); msg.m.GetCommit() > last {
			return &LogBehindError{Last: last, Commit: msg.m.GetCommit()}
		}
	}
	var err error
	withEntropy(m.entropy, func() { err = m.node.Step(msg.m) })
	if errors.Is(err, etcd.ErrStepPeerNotFound) {
		// A response from a peer that was removed from the configuration:
		// Raft ignores it, and so do we.
		return nil
	}
	return err
}

// Propose appends data to the log if the member is the leader. It is applied
// only once committed, through App.Apply.
func (m *Member) Propose(data []byte) error {
	if m.node == nil {
		return ErrCrashed
	}
	if m.Status().State != Leader {
		return ErrNotLeader
	}
	var err error
	withEntropy(m.entropy, func() { err = m.node.Propose(data) })
	return err
}

// ProposeChange proposes a membership change. Only one change may be in
// flight at a time; Raft drops a second one until the first is applied.
func (m *Member) ProposeChange(c Change) error {
	if m.node == nil {
		return ErrCrashed
	}
	if m.Status().State != Leader {
		return ErrNotLeader
	}
	typ := pb.ConfChangeAddNode
	if c.Op == RemoveVoter {
		typ = pb.ConfChangeRemoveNode
	}
	cc := &pb.ConfChange{Type: typ.Enum(), NodeId: new(c.Node), Context: c.Context}
	var err error
	withEntropy(m.entropy, func() { err = m.node.ProposeConfChange(cc) })
	return err
}

// ReportUnreachable tells the leader a message to id was lost, so it stops
// streaming entries to it and probes instead.
func (m *Member) ReportUnreachable(id uint64) {
	if m.node == nil {
		return
	}
	withEntropy(m.entropy, func() { m.node.ReportUnreachable(id) })
}

// ReportSnapshot tells the leader whether a snapshot it sent to id arrived.
func (m *Member) ReportSnapshot(id uint64, delivered bool) {
	if m.node == nil {
		return
	}
	status := etcd.SnapshotFinish
	if !delivered {
		status = etcd.SnapshotFailure
	}
	withEntropy(m.entropy, func() { m.node.ReportSnapshot(id, status) })
}

// HasReady reports whether Process has work to do.
func (m *Member) HasReady() bool { return m.node != nil && m.node.HasReady() }

// Process runs Ready rounds until Raft has nothing more to hand out. Each
// round persists first, then sends, then applies, then advances.
func (m *Member) Process(app App, send func(Message)) error {
	for m.node != nil && m.node.HasReady() {
		if err := m.round(app, send); err != nil {
			return err
		}
	}
	return nil
}

func (m *Member) round(app App, send func(Message)) error {
	// Ready only reads and hands out what Raft has queued (etcd's
	// readyWithoutAccept and acceptReady step nothing, so no timeout is
	// reset and nothing is drawn): it needs no entropy, and skipping the
	// lock saves a third of a message's trips through it.
	rd := m.node.Ready()
	if rd.SoftState != nil {
		m.soft = *rd.SoftState
	}
	if !etcd.IsEmptyHardState(rd.HardState) {
		// The RawNode keeps this one to compare the next against.
		m.term, m.commit = rd.HardState.GetTerm(), rd.HardState.GetCommit()
	}

	// 1. Persist. A snapshot from the leader replaces the state machine too.
	if !etcd.IsEmptySnap(rd.Snapshot) {
		if err := m.storage.ApplySnapshot(rd.Snapshot); err != nil {
			return fmt.Errorf("raft member %d storing a snapshot: %w", m.cfg.ID, err)
		}
		md := rd.Snapshot.GetMetadata()
		m.applied, m.snapIndex = md.GetIndex(), md.GetIndex()
		m.conf = pb.EnsureConfState(proto.Clone(pb.EnsureConfState(md.GetConfState())).(*pb.ConfState))
		app.Restore(md.GetIndex(), rd.Snapshot.GetData())
	}
	if err := m.storage.Append(rd.Entries); err != nil {
		return fmt.Errorf("raft member %d appending entries: %w", m.cfg.ID, err)
	}
	if !etcd.IsEmptyHardState(rd.HardState) {
		if err := m.storage.SetHardState(rd.HardState); err != nil {
			return fmt.Errorf("raft member %d storing its hard state: %w", m.cfg.ID, err)
		}
	}

	// 2. Send: everything they depend on is stable now.
	for _, msg := range rd.Messages {
		send(Message{m: msg})
	}

	// 3. Apply.
	for _, e := range rd.CommittedEntries {
		if err := m.apply(app, e); err != nil {
			return err
		}
	}

	// Reads confirmed in this round: their index is committed and applied.
	if ra, ok := app.(ReadApp); ok {
		for _, rs := range rd.ReadStates {
			ra.ReadConfirmed(rs.RequestCtx, rs.Index)
		}
	}

	// 4. Advance, then compact if the log has grown.
	withEntropy(m.entropy, func() { m.node.Advance(rd) })
	return m.maybeCompact(app)
}

func (m *Member) apply(app App, e *pb.Entry) error {
	idx := e.GetIndex()
	if idx <= m.applied {
		return nil // already in the state machine through a snapshot
	}
	m.applied = idx
	switch e.GetType() {
	case pb.EntryConfChange:
		cc := &pb.ConfChange{}
		if err := proto.Unmarshal(e.GetData(), cc); err != nil {
			return fmt.Errorf("raft member %d decoding a conf change at %d: %w", m.cfg.ID, idx, err)
		}
		withEntropy(m.entropy, func() { m.conf = m.node.ApplyConfChange(cc) })
		m.confChanged = true
		op := AddVoter
		if cc.GetType() == pb.ConfChangeRemoveNode {
			op = RemoveVoter
		}
		app.Apply(Entry{Index: idx, Term: e.GetTerm(), Change: &Change{Op: op, Node: cc.GetNodeId(), Context: cc.GetContext()}})
	case pb.EntryNormal:
		if len(e.GetData()) == 0 {
			return nil // a new leader's empty entry
		}
		app.Apply(Entry{Index: idx, Term: e.GetTerm(), Data: e.GetData()})
	default:
		return fmt.Errorf("raft member %d: unsupported entry type %v at %d", m.cfg.ID, e.GetType(), idx)
	}
	return nil
}

func (m *Member) maybeCompact(app App) error {
	if m.applied-m.snapIndex < m.cfg.SnapshotEvery && !m.confChanged {
		return nil
	}
	m.confChanged = false
	if _, err := m.storage.CreateSnapshot(m.applied, m.conf, app.Snapshot()); err != nil {
		if errors.Is(err, etcd.ErrSnapOutOfDate) {
			return nil
		}
		return fmt.Errorf("raft member %d taking a snapshot at %d: %w", m.cfg.ID, m.applied, err)
	}
	m.snapIndex = m.applied
	if m.applied <= m.cfg.KeepEntries {
		return nil
	}
	if err := m.storage.Compact(m.applied - m.cfg.KeepEntries); err != nil && !errors.Is(err, etcd.ErrCompacted) {
		return fmt.Errorf("raft member %d compacting its log: %w", m.cfg.ID, err)
	}
	return nil
}

// Crash stops the member as a power cut would: everything in memory is lost,
// the storage stays.
func (m *Member) Crash() { m.node = nil }

// Restart brings a crashed member back from its storage. app must be empty;
// it is restored from the last snapshot and then fed the committed entries
// after it by Process.
func (m *Member) Restart(app App) error {
	if m.node != nil {
		return fmt.Errorf("raft member %d is already running", m.cfg.ID)
	}
	return m.start(app)
}

// ForceNewCluster turns a running member into the only voter of a new
// configuration that keeps its state, as `docker swarm init
// --force-new-cluster` does: app must hold the state as of the last applied
// entry. Entries beyond that are dropped. The member campaigns at once and,
// being alone, leads after its next Process.
func (m *Member) ForceNewCluster(app App) error {
	if m.node == nil {
		return ErrCrashed
	}
	hs, _, err := m.storage.InitialState()
	if err != nil {
		return fmt.Errorf("raft member %d reading its state: %w", m.cfg.ID, err)
	}
	term, err := m.storage.Term(m.applied)
	if err != nil {
		return fmt.Errorf("raft member %d reading the term at %d: %w", m.cfg.ID, m.applied, err)
	}
	st := etcd.NewMemoryStorage()
	snap := &pb.Snapshot{
		Data: app.Snapshot(),
		Metadata: &pb.SnapshotMetadata{
			Index:     new(m.applied),
			Term:      new(term),
			ConfState: &pb.ConfState{Voters: []uint64{m.cfg.ID}},
		},
	}
	if err := st.ApplySnapshot(snap); err != nil {
		return fmt.Errorf("raft member %d forcing a new cluster: %w", m.cfg.ID, err)
	}
	if err := st.SetHardState(&pb.HardState{Term: new(hs.GetTerm()), Commit: new(m.applied)}); err != nil {
		return fmt.Errorf("raft member %d forcing a new cluster: %w", m.cfg.ID, err)
	}
	m.storage = st
	m.node = nil
	// The app already holds this state: start without restoring it.
	if err := m.start(nil); err != nil {
		return err
	}
	return m.Campaign()
}
