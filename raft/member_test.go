package raft

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
)

// log is a minimal App: the list of applied payloads, snapshotted whole.
type log struct {
	entries [][]byte
	changes []Change
}

func (l *log) Apply(e Entry) {
	if e.Change != nil {
		l.changes = append(l.changes, *e.Change)
		return
	}
	l.entries = append(l.entries, e.Data)
}

func (l *log) Snapshot() []byte {
	var b bytes.Buffer
	for _, e := range l.entries {
		binary.Write(&b, binary.LittleEndian, uint32(len(e)))
		b.Write(e)
	}
	return b.Bytes()
}

func (l *log) Restore(_ uint64, data []byte) {
	l.entries = nil
	for len(data) >= 4 {
		n := binary.LittleEndian.Uint32(data)
		l.entries = append(l.entries, slices.Clone(data[4:4+n]))
		data = data[4+n:]
	}
}

// lockstep drives members with instant delivery: the bare loop, no simulator.
type lockstep struct {
	t       testing.TB
	members map[uint64]*Member
	apps    map[uint64]*log
	down    map[uint64]bool // crashed or cut off: messages to and from it are lost
	queue   []Message
	sent    int
}

func newLockstep(t testing.TB, n int, seed uint64, tune func(*Config)) *lockstep {
	t.Helper()
	ls := &lockstep{t: t, members: map[uint64]*Member{}, apps: map[uint64]*log{}, down: map[uint64]bool{}}
	var peers []uint64
	for id := uint64(1); id <= uint64(n); id++ {
		peers = append(peers, id)
	}
	for _, id := range peers {
		cfg := Config{ID: id, Peers: peers, Seed: seed}
		if tune != nil {
			tune(&cfg)
		}
		m, err := NewMember(cfg)
		if err != nil {
			t.Fatal(err)
		}
		ls.members[id] = m
		ls.apps[id] = &log{}
	}
	return ls
}

func (ls *lockstep) ids() []uint64 {
	var ids []uint64
	for id := range ls.members {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	return ids
}

func (ls *lockstep) send(m Message) { ls.queue = append(ls.queue, m) }

// settle processes and delivers until no message is left.
func (ls *lockstep) settle() {
	for {
		for _, id := range ls.ids() {
			m := ls.members[id]
			if err := m.Process(ls.apps[id], ls.send); err != nil {
				ls.t.Fatal(err)
			}
			if settled, st := m.Settled(), m.Status(); settled != st {
				ls.t.Fatalf("member %d after Process: Settled says %+v, Status %+v", id, settled, st)
			}
		}
		if len(ls.queue) == 0 {
			return
		}
		q := ls.queue
		ls.queue = nil
		for _, msg := range q {
			ls.sent++
			to, from := ls.members[msg.To()], ls.members[msg.From()]
			if to == nil || ls.down[msg.To()] || ls.down[msg.From()] {
				if msg.IsSnapshot() {
					from.ReportSnapshot(msg.To(), false)
				}
				continue
			}
			if err := to.Step(msg); err != nil {
				ls.t.Fatal(err)
			}
			if msg.IsSnapshot() {
				from.ReportSnapshot(msg.To(), true)
			}
		}
	}
}

func (ls *lockstep) tick() {
	for _, id := range ls.ids() {
		ls.members[id].Tick()
	}
	ls.settle()
}

func (ls *lockstep) leader() uint64 {
	var lead uint64
	var term uint64
	for _, id := range ls.ids() {
		st := ls.members[id].Status()
		if st.Running && !ls.down[id] && st.State == Leader && st.Term >= term {
			lead, term = id, st.Term
		}
	}
	return lead
}

func (ls *lockstep) tickUntilLeader(max int) (uint64, int) {
	for i := 1; i <= max; i++ {
		ls.tick()
		if l := ls.leader(); l != 0 {
			return l, i
		}
	}
	return 0, max
}

func TestElectionJitterIsSeeded(t *testing.T) {
	// A lone member of a three-member cluster hears nobody, so it campaigns
	// after its randomized election timeout: the tick count reveals the draw.
	firstCampaign := func(seed uint64) int {
		m, err := NewMember(Config{ID: 1, Peers: []uint64{1, 2, 3}, Seed: seed})
		if err != nil {
			t.Fatal(err)
		}
		for tick := 1; tick <= 100; tick++ {
			m.Tick()
			campaigned := false
			if err := m.Process(&log{}, func(Message) { campaigned = true }); err != nil {
				t.Fatal(err)
			}
			if campaigned {
				return tick
			}
		}
		t.Fatal("a lone member never campaigned")
		return 0
	}
	distinct := map[int]bool{}
	for seed := uint64(1); seed <= 30; seed++ {
		want := firstCampaign(seed)
		// A process that declares itself exclusive (a chaos worker) skips
		// the lock, and must draw exactly the same.
		was := SetExclusive(true)
		alone := firstCampaign(seed)
		SetExclusive(was)
		if alone != want {
			t.Fatalf("seed %d: campaigned after %d ticks, after %d in an exclusive process", seed, want, alone)
		}
		if want < DefaultElectionTicks || want >= 2*DefaultElectionTicks+1 {
			t.Errorf("seed %d: campaigned after %d ticks, outside Raft's [%d, %d]", seed, want, DefaultElectionTicks, 2*DefaultElectionTicks)
		}
		for range 5 {
			if got := firstCampaign(seed); got != want {
				t.Fatalf("seed %d: campaigned after %d ticks, then after %d: election jitter is not reproducible (does etcd raft still draw from crypto/rand.Reader?)", seed, want, got)
			}
		}
		distinct[want] = true
	}
	if len(distinct) < 3 {
		t.Errorf("30 seeds gave only %d distinct election timeouts; the jitter stream is not reaching Raft", len(distinct))
	}
}

func TestStreamIsDeterministicAndSeedDependent(t *testing.T) {
	read := func(seed, id uint64) []byte {
		b := make([]byte, 13)
		newStream(seed, id).Read(b)
		return b
	}
	if !bytes.Equal(read(1, 1), read(1, 1)) {
		t.Error("same seed and id gave different bytes")
	}
	if bytes.Equal(read(1, 1), read(2, 1)) || bytes.Equal(read(1, 1), read(1, 2)) {
		t.Error("different seeds or ids gave the same bytes")
	}
}

func TestElectProposeCommit(t *testing.T) {
	for _, n := range []int{1, 3, 5} {
		t.Run(fmt.Sprintf("%d members", n), func(t *testing.T) {
			ls := newLockstep(t, n, 1, nil)
			lead, ticks := ls.tickUntilLeader(3 * DefaultElectionTicks)
			if lead == 0 {
				t.Fatalf("no leader after %d ticks", ticks)
			}
			if err := ls.members[lead].Propose([]byte("svc web")); err != nil {
				t.Fatal(err)
			}
			ls.settle()
			for _, id := range ls.ids() {
				if got := ls.apps[id].entries; len(got) != 1 || string(got[0]) != "svc web" {
					t.Errorf("member %d applied %q, want [svc web]", id, got)
				}
			}
		})
	}
}

func TestProposeOnFollowerIsRefused(t *testing.T) {
	ls := newLockstep(t, 3, 1, nil)
	lead, _ := ls.tickUntilLeader(30)
	for _, id := range ls.ids() {
		if id == lead {
			continue
		}
		if err := ls.members[id].Propose([]byte("x")); err != ErrNotLeader {
			t.Errorf("follower %d: Propose returned %v, want ErrNotLeader", id, err)
		}
	}
}

func TestNoQuorumNoCommit(t *testing.T) {
	ls := newLockstep(t, 3, 2, nil)
	lead, _ := ls.tickUntilLeader(30)
	for _, id := range ls.ids() {
		if id != lead {
			ls.members[id].Crash()
			ls.down[id] = true
		}
	}
	_ = ls.members[lead].Propose([]byte("lost"))
	for range 3 * DefaultElectionTicks {
		ls.tick()
	}
	if got := ls.apps[lead].entries; len(got) != 0 {
		t.Errorf("a leader alone applied %q without a quorum", got)
	}
	if st := ls.members[lead].Status(); st.State == Leader {
		t.Errorf("member %d still leads after %d ticks without a quorum; CheckQuorum should make it step down", lead, 3*DefaultElectionTicks)
	}
}

func TestRestartCatchesUpThroughSnapshot(t *testing.T) {
	ls := newLockstep(t, 3, 3, func(c *Config) { c.SnapshotEvery, c.KeepEntries = 20, 5 })
	lead, _ := ls.tickUntilLeader(30)
	victim := lead%3 + 1
	ls.members[victim].Crash()
	ls.down[victim] = true
	for i := range 100 {
		if err := ls.members[lead].Propose(fmt.Appendf(nil, "e%d", i)); err != nil {
			t.Fatal(err)
		}
		ls.settle()
	}
	if size := ls.members[lead].LogSize(); size > 20+5+2 {
		t.Errorf("leader holds %d entries after 100 proposals; compaction should keep it under %d", size, 27)
	}
	ls.apps[victim] = &log{}
	if err := ls.members[victim].Restart(ls.apps[victim]); err != nil {
		t.Fatal(err)
	}
	delete(ls.down, victim)
	for range 5 {
		ls.tick()
	}
	want := ls.apps[lead].entries
	if got := ls.apps[victim].entries; !slices.EqualFunc(got, want, bytes.Equal) {
		t.Errorf("restarted member applied %d entries, leader %d", len(got), len(want))
	}
	if len(want) != 100 {
		t.Errorf("leader applied %d entries, want 100", len(want))
	}
}

func TestRemoveVoter(t *testing.T) {
	ls := newLockstep(t, 3, 4, nil)
	lead, _ := ls.tickUntilLeader(30)
	gone := lead%3 + 1
	if err := ls.members[lead].ProposeChange(Change{Op: RemoveVoter, Node: gone}); err != nil {
		t.Fatal(err)
	}
	ls.settle()
	if got := ls.members[lead].Voters(); slices.Contains(got, gone) || len(got) != 2 {
		t.Errorf("voters after removing %d: %v", gone, got)
	}
	if ch := ls.apps[lead].changes; len(ch) != 1 || ch[0].Op != RemoveVoter || ch[0].Node != gone {
		t.Errorf("app saw changes %v", ch)
	}
}

func TestForceNewClusterKeepsState(t *testing.T) {
	ls := newLockstep(t, 3, 5, nil)
	lead, _ := ls.tickUntilLeader(30)
	for i := range 3 {
		ls.members[lead].Propose(fmt.Appendf(nil, "e%d", i))
		ls.settle()
	}
	survivor := lead%3 + 1
	for _, id := range ls.ids() {
		if id != survivor {
			ls.members[id].Crash()
			ls.down[id] = true
		}
	}
	for range 3 * DefaultElectionTicks {
		ls.tick()
	}
	if ls.leader() != 0 {
		t.Fatal("a leader exists with one of three members alive")
	}
	if err := ls.members[survivor].ForceNewCluster(ls.apps[survivor]); err != nil {
		t.Fatal(err)
	}
	ls.settle()
	if ls.leader() != survivor {
		t.Fatalf("leader after force-new-cluster is %d, want %d", ls.leader(), survivor)
	}
	if got := ls.members[survivor].Voters(); !slices.Equal(got, []uint64{survivor}) {
		t.Errorf("voters after force-new-cluster: %v", got)
	}
	if err := ls.members[survivor].Propose([]byte("after")); err != nil {
		t.Fatal(err)
	}
	ls.settle()
	got := ls.apps[survivor].entries
	if len(got) != 4 || string(got[3]) != "after" {
		t.Errorf("survivor applied %q, want e0 e1 e2 after", got)
	}
}

func TestCrashedMemberRefusesWork(t *testing.T) {
	m, err := NewMember(Config{ID: 1, Peers: []uint64{1}})
	if err != nil {
		t.Fatal(err)
	}
	m.Crash()
	if m.Running() || m.Status().Running {
		t.Error("crashed member reports running")
	}
	if err := m.Propose(nil); err != ErrCrashed {
		t.Errorf("Propose on a crashed member: %v", err)
	}
	if err := m.Campaign(); err != ErrCrashed {
		t.Errorf("Campaign on a crashed member: %v", err)
	}
}

func TestNewMemberRejectsBadConfig(t *testing.T) {
	for name, cfg := range map[string]Config{
		"zero id":         {ID: 0},
		"not among peers": {ID: 4, Peers: []uint64{1, 2, 3}},
	} {
		t.Run(name, func(t *testing.T) {
			if _, err := NewMember(cfg); err == nil {
				t.Error("NewMember accepted it")
			}
		})
	}
}

func TestAddedVoterCatchesUpFromEmpty(t *testing.T) {
	ls := newLockstep(t, 3, 6, nil)
	lead, _ := ls.tickUntilLeader(30)
	for i := range 5 {
		ls.members[lead].Propose(fmt.Appendf(nil, "e%d", i))
		ls.settle()
	}
	joiner, err := NewMember(Config{ID: 4, Seed: 6})
	if err != nil {
		t.Fatal(err)
	}
	ls.members[4], ls.apps[4] = joiner, &log{}
	if err := ls.members[lead].ProposeChange(Change{Op: AddVoter, Node: 4}); err != nil {
		t.Fatal(err)
	}
	for range 5 {
		ls.tick()
	}
	if got, want := ls.apps[4].entries, ls.apps[lead].entries; !slices.EqualFunc(got, want, bytes.Equal) || len(want) != 5 {
		t.Errorf("the new voter applied %q, the leader %q", got, want)
	}
	if got := joiner.Voters(); !slices.Equal(got, []uint64{1, 2, 3, 4}) {
		t.Errorf("the new voter sees voters %v", got)
	}
}

func TestTransferLeader(t *testing.T) {
	ls := newLockstep(t, 3, 7, nil)
	lead, _ := ls.tickUntilLeader(30)
	to := lead%3 + 1
	if err := ls.members[to].TransferLeader(lead); err != ErrNotLeader {
		t.Errorf("TransferLeader on a follower: %v, want ErrNotLeader", err)
	}
	if err := ls.members[lead].TransferLeader(lead); err == nil {
		t.Error("a leader accepted to hand leadership to itself")
	}
	if err := ls.members[lead].TransferLeader(to); err != nil {
		t.Fatal(err)
	}
	// No tick: the transfer takes message round trips, not an election
	// timeout.
	ls.settle()
	if got := ls.leader(); got != to {
		t.Fatalf("leader after the transfer is %d, want %d", got, to)
	}
	if st := ls.members[lead].Status(); st.State != Follower {
		t.Errorf("the old leader is %v, want follower", st.State)
	}
}

// CheckQuorum clears etcd's RecentActive flags every election timeout and
// the peers' next replies set them again. Progress must not report that gap
// as peers lost, and must report a peer that stopped answering once a whole
// CheckQuorum window has passed without it.
func TestProgressShowsWhoTheLeaderHears(t *testing.T) {
	ls := newLockstep(t, 3, 8, nil)
	lead, _ := ls.tickUntilLeader(30)
	if got := ls.members[lead%3+1].Progress(); got != nil {
		t.Errorf("a follower reported progress %v", got)
	}
	active := func() []uint64 {
		var ids []uint64
		for _, p := range ls.members[lead].Progress() {
			if p.RecentActive {
				ids = append(ids, p.ID)
			}
		}
		return ids
	}
	for tick := range 3 * DefaultElectionTicks {
		// Read between the tick and the replies to its heartbeats, where
		// CheckQuorum leaves etcd's flags cleared.
		ls.members[lead].Tick()
		if got := active(); !slices.Equal(got, []uint64{1, 2, 3}) {
			t.Fatalf("tick %d: the leader reports %v active, want all three", tick, got)
		}
		for _, id := range ls.ids() {
			if id != lead {
				ls.members[id].Tick()
			}
		}
		ls.settle()
	}
	silent := lead%3 + 1
	ls.down[silent] = true
	for range 2*DefaultElectionTicks + 1 {
		ls.tick()
	}
	if got := active(); slices.Contains(got, silent) || len(got) != 2 {
		t.Errorf("%d has been silent for two CheckQuorum windows, yet the leader reports %v active", silent, got)
	}
	for _, p := range ls.members[lead].Progress() {
		if p.ID != silent && p.Match != ls.members[lead].Status().Commit {
			t.Errorf("voter %d matches %d, the leader committed %d", p.ID, p.Match, ls.members[lead].Status().Commit)
		}
	}
}

// A leader elected a moment ago has not yet heard back from its followers,
// but the voters that elected it were active: it holds a quorum.
func TestNewLeaderCountsItsVoters(t *testing.T) {
	ls := newLockstep(t, 3, 9, nil)
	if err := ls.members[1].Campaign(); err != nil {
		t.Fatal(err)
	}
	// Deliver messages one at a time and stop as soon as member 1 leads,
	// before the replies to its first appends arrive.
	for ls.members[1].Status().State != Leader {
		for _, id := range ls.ids() {
			if err := ls.members[id].Process(ls.apps[id], ls.send); err != nil {
				t.Fatal(err)
			}
		}
		if len(ls.queue) == 0 {
			t.Fatal("member 1 never won its election")
		}
		msg := ls.queue[0]
		ls.queue = ls.queue[1:]
		if err := ls.members[msg.To()].Step(msg); err != nil {
			t.Fatal(err)
		}
	}
	active := 0
	for _, p := range ls.members[1].Progress() {
		if p.RecentActive {
			active++
		}
	}
	if active < 2 {
		t.Errorf("a leader just elected by a quorum reports %d of 3 voters active", active)
	}
}

// Reading the flags only when CheckQuorum may be due must report what
// reading them around every tick reports: two groups with one seed, one
// reading at every tick, go through the same cuts, heals and leadership
// transfers, and their leaders' Progress is compared after every tick.
func TestProgressWithFewerReads(t *testing.T) {
	defer func() { readEveryTick = false }()
	for seed := uint64(1); seed <= 20; seed++ {
		few, every := newLockstep(t, 5, seed, nil), newLockstep(t, 5, seed, nil)
		rng := rand.New(rand.NewPCG(seed, 77))
		for tick := range 400 {
			id := uint64(rng.IntN(5) + 1)
			roll := rng.IntN(20)
			for _, ls := range []*lockstep{few, every} {
				readEveryTick = ls == every
				switch {
				case roll == 0:
					ls.down[id] = !ls.down[id]
				case roll == 1:
					if lead := ls.leader(); lead != 0 && lead != id {
						_ = ls.members[lead].TransferLeader(id)
					}
				}
				ls.tick()
			}
			lf, le := few.leader(), every.leader()
			if lf != le {
				t.Fatalf("seed %d tick %d: leaders %d and %d: the groups diverged", seed, tick, lf, le)
			}
			if lf == 0 {
				continue
			}
			if got, want := few.members[lf].Progress(), every.members[le].Progress(); !slices.Equal(got, want) {
				t.Fatalf("seed %d tick %d: leader %d reports %+v, read at every tick %+v", seed, tick, lf, got, want)
			}
		}
	}
}
