package raft

// Reads. A leader answering from its own state may have been deposed
// without knowing it yet, and would then answer with a stale value. etcd
// Raft's ReadIndex settles that without a log entry: the leader notes its
// commit index, confirms with a round of heartbeats that a quorum still
// follows it, and only then hands the read back, with that index. Once the
// leader has applied up to the index, its state reflects every write
// committed before the read was asked for.

// ReadApp is an App that serves linearizable reads.
type ReadApp interface {
	App
	// ReadConfirmed hands back the read asked for with ctx: the leader was
	// still leading when it was asked, and index was its commit index then.
	// It is called after the entries of the same Ready round are applied.
	ReadConfirmed(ctx []byte, index uint64)
}

// ReadIndex asks the leader to confirm a read, identified by ctx; Process
// hands it back through ReadApp.ReadConfirmed if a quorum confirms. A
// deposed leader never hears that confirmation: the read is never handed
// back.
func (m *Member) ReadIndex(ctx []byte) error {
	if m.node == nil {
		return ErrCrashed
	}
	if m.Status().State != Leader {
		return ErrNotLeader
	}
	withEntropy(m.entropy, func() { m.node.ReadIndex(ctx) })
	return nil
}
