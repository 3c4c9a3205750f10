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
// # Crashes and restarts
//
// Crash drops the RawNode and everything in memory; the storage stays, as a
// disk would. Restart builds a new RawNode from that storage, hands the last
// snapshot to app.Restore, and lets Raft replay the committed entries after it.
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
