package raft

import (
	"errors"
	"fmt"
	"math"

	etcd "go.etcd.io/raft/v3"
	pb "go.etcd.io/raft/v3/raftpb"
	"google.golang.org/protobuf/proto"
)

// Backup is a copy of a member's stable storage, as copying a stopped
// manager's swarm directory copies its Raft state: the newest snapshot, the
// log after it and the hard state. It shares nothing with the member it came
// from, so what the member does later does not change it.
type Backup struct {
	id   uint64
	snap *pb.Snapshot
	ents []*pb.Entry
	hs   *pb.HardState
}

// ErrRunning is returned by RestoreBackup on a member that runs: a swarm
// directory is replaced only while Docker is stopped.
var ErrRunning = errors.New("the manager is running; stop it before replacing its Raft state")

// Backup copies the member's stable storage. It works on a crashed member
// too: the storage is what survives a crash.
func (m *Member) Backup() (Backup, error) {
	b := Backup{id: m.cfg.ID}
	snap, err := m.storage.Snapshot()
	if err != nil {
		return b, fmt.Errorf("raft member %d reading its snapshot: %w", m.cfg.ID, err)
	}
	b.snap = proto.Clone(snap).(*pb.Snapshot)
	first, _ := m.storage.FirstIndex()
	last, _ := m.storage.LastIndex()
	if last >= first {
		ents, err := m.storage.Entries(first, last+1, math.MaxUint64)
		if err != nil {
			return b, fmt.Errorf("raft member %d reading its log: %w", m.cfg.ID, err)
		}
		b.ents = make([]*pb.Entry, len(ents))
		for i, e := range ents {
			b.ents[i] = proto.Clone(e).(*pb.Entry)
		}
	}
	hs, _, err := m.storage.InitialState()
	if err != nil {
		return b, fmt.Errorf("raft member %d reading its hard state: %w", m.cfg.ID, err)
	}
	b.hs = proto.Clone(hs).(*pb.HardState)
	return b, nil
}

// ID is the Raft ID of the member the backup was taken from: a swarm
// directory holds its manager's identity.
func (b Backup) ID() uint64 { return b.id }

// Commit is the highest log index the member knew to be committed when the
// backup was taken: restoring the backup brings back the state as of it.
func (b Backup) Commit() uint64 { return b.hs.GetCommit() }

// LastIndex is the last entry of the member's log when the backup was
// taken: a member restored from it has nothing past this index.
func (b Backup) LastIndex() uint64 {
	if n := len(b.ents); n > 0 {
		return b.ents[n-1].GetIndex()
	}
	return b.snap.GetMetadata().GetIndex()
}

// Term is the member's term when the backup was taken.
func (b Backup) Term() uint64 { return b.hs.GetTerm() }

// RestoreBackup replaces a crashed member's stable storage with a copy of
// the backup, as restoring a swarm directory does. The next Restart starts
// from it. The backup must come from a member with the same ID.
func (m *Member) RestoreBackup(b Backup) error {
	if m.node != nil {
		return ErrRunning
	}
	if b.id != m.cfg.ID {
		return fmt.Errorf("a backup of raft member %d cannot be restored on member %d", b.id, m.cfg.ID)
	}
	st := etcd.NewMemoryStorage()
	if !etcd.IsEmptySnap(b.snap) {
		if err := st.ApplySnapshot(proto.Clone(b.snap).(*pb.Snapshot)); err != nil {
			return fmt.Errorf("raft member %d restoring a snapshot: %w", m.cfg.ID, err)
		}
	}
	ents := make([]*pb.Entry, len(b.ents))
	for i, e := range b.ents {
		ents[i] = proto.Clone(e).(*pb.Entry)
	}
	if err := st.Append(ents); err != nil {
		return fmt.Errorf("raft member %d restoring its log: %w", m.cfg.ID, err)
	}
	if err := st.SetHardState(proto.Clone(b.hs).(*pb.HardState)); err != nil {
		return fmt.Errorf("raft member %d restoring its hard state: %w", m.cfg.ID, err)
	}
	m.storage = st
	return nil
}
