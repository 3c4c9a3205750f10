// Package raft is swarmsim's only door to etcd Raft (go.etcd.io/raft/v3).
//
// A Member is one Swarm manager's Raft: a RawNode, the stable storage that
// survives a crash, and the bookkeeping to run one Ready round at a time in the
// order Raft requires. Nothing in here owns a clock, a goroutine or a socket:
// the caller (package cluster) decides when a member ticks, which messages
// reach it and when, exactly like etcd's own RawNode.
//
// # Driving a member
//
// The loop the simulation runs for every manager is the one etcd raft's doc.go
// describes, with simulated time and a simulated network:
//
//	m, _ := raft.NewMember(raft.Config{ID: 1, Peers: []uint64{1, 2, 3}, Seed: 7})
//	m.Tick()                  // once per simulated second (Swarm's default)
//	m.Step(msg)               // a Message the network delivered
//	m.Propose(cmd)            // on the leader only: a desired-state change
//	m.Process(app, send)      // Ready rounds until there is nothing left
//
// Process persists the hard state, entries and any snapshot to the member's
// storage first, only then hands the outgoing messages to send, then applies
// committed entries to app (conf changes go to the RawNode first), and
// finally advances the RawNode. Because every message leaves after the state
// it depends on is stable, a crash between any two calls loses nothing Raft
// promised.
//
// # Membership and leadership
//
// ProposeChange adds or removes a voter; the change takes effect on every
// member as it applies the committed entry, and App.Apply sees it as an
// Entry with Change set. A voter added to a running cluster is a member
// created without Peers: it knows nothing until the leader sends it a
// snapshot, and messages to it before it exists are simply lost.
// TransferLeader hands a leader's role to another voter within a round trip,
// which is how a leader leaves without an election timeout. Progress is the
// leader's view of every voter: how much of the log it holds and whether it
// was heard from within CheckQuorum's window, which is what decides whether
// the leader still has a quorum.
//
// # Looking inside
//
// Status is the cheap, allocation-free summary the simulation reads after
// every round. Inspect is what a Raft instructor asks: term, vote, commit,
// applied and last index read from etcd (RawNode.Status and the storage),
// and on the leader each follower's match, next, replication state and
// whether it was heard from recently. A crashed member answers Inspect
// from its disk.
//
// # Crashes and restarts
//
// Crash drops the RawNode and everything in memory; the storage stays, as a
// disk would. Restart builds a new RawNode from that storage, hands the last
// snapshot to app.Restore, and lets Raft replay the committed entries after it.
//
// Backup copies the storage, as copying a stopped manager's swarm directory
// does, and RestoreBackup puts such a copy in place of a crashed member's
// storage: its next Restart replays what was committed when the copy was
// taken.
//
// # Log compaction
//
// Every SnapshotEvery applied entries the member asks app for a snapshot of its
// state, stores it, and compacts the log up to KeepEntries behind it, so long
// runs stay flat in memory. Followers too far behind receive the snapshot.
//
// # Linearizable reads
//
// ReadIndex (read.go) confirms with a quorum that a leader still leads
// before a read is answered from its state, as etcd does; an App that also
// implements ReadApp hears the confirmed reads from Process.
//
// # Reproducible elections
//
// etcd Raft randomises election timeouts with crypto/rand. jitter.go is the one
// place that makes those draws come from a seeded stream per member, so the same
// seed elects the same leader at the same tick on every run.
package raft
