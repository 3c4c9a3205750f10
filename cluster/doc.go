// Package cluster is the simulated Docker Swarm: a deterministic
// discrete-event simulation of managers running real etcd Raft (through
// package raft), workers, a network between availability zones, the leader's
// dispatcher and orchestrators, and package scheduler placing tasks.
//
// # Using it
//
//	c, err := cluster.New(cluster.Config{Seed: 7, Layout: layout}) // m1 runs `docker swarm init`
//	c.RunFor(time.Second)                                           // m1 is elected
//	c.Apply(cluster.CreateService(cluster.ServiceSpec{Name: "web", Replicas: 6}))
//	c.Settle(time.Minute)                                           // tasks placed and running
//	c.Apply(cluster.KillZone("a"))                                  // inject a failure
//	c.RunFor(time.Minute)
//	snap := c.Snapshot()                                            // quorum, nodes, services
//	for _, e := range c.Events() { fmt.Println(e) }                 // the timeline
//
// Apply takes an Action: failures (Kill, KillManagers, KillLeader, KillZone,
// Restart, RestartZone, Partition, Heal) take effect at once, and so do an
// operator's Backup and RestoreBackup, which also let the downtime they
// cause pass; Docker
// commands (CreateService, ScaleService, RemoveService) go to the leader,
// are proposed to Raft and return once committed, after the simulated time
// that took — or with Docker's own error: ErrNoLeader without a leader,
// ErrDeadline when a leader cannot commit within RequestTimeout.
//
// # The simulation
//
// Everything happens in one event queue ordered by simulated time, then by
// the order events were scheduled; there are no goroutines and no wall clock.
// Every random choice draws from a stream seeded from Config.Seed, one per
// subsystem (network delays, tick phases, victims, scheduler tie-breaks, and
// each manager's Raft election jitter), so a seed replays a run exactly.
//
//   - Each manager ticks its Raft member once per simulated second, at its
//     own seeded phase, and runs Ready rounds after every tick and message.
//   - Raft messages cross the network with a seeded delay (0.2–1 ms inside a
//     zone, 1–5 ms between zones, or half the round trip Config.RTT gives
//     for the pair, give or take a tenth), in order per link. A message to
//     a dead node or across a cut link is lost (network.go).
//   - Every node heartbeats to the leader's dispatcher every 5 s; a steady
//     node's heartbeats are taken as heard without an event each
//     (heartbeat.go).
//
// # Measuring writes
//
// MeasureCommits proposes empty entries at the leader one at a time and
// returns, for each, the simulated time from its proposal to its commit at
// the leader, and the Raft messages they cost: what a write waits for in a
// given layout and network. Config.Init chooses the manager that runs
// `docker swarm init`, so the leader can be put in the zone to measure:
//
//	rtt, err := cluster.ParseRTT("a-b=40ms,a-c=40ms,b-c=12ms", layout.Names())
//	c, err := cluster.New(cluster.Config{Seed: 7, Layout: layout, RTT: rtt, Init: "m3"})
//	c.RunFor(10 * time.Second)      // m3 leads; every node has reported in
//	commits, err := c.MeasureCommits(200)
//
// # The leader
//
// While a manager leads, it runs what a swarmkit manager runs while it
// leads, each part a package of its own under cluster/, as swarmkit's
// manager/ is divided:
//
//	state                          the Store, its typed actions and their codec, the
//	                               Batch a flush fills; the leaf every part reads
//	dispatcher                     node sessions, heartbeats, unknown after a leadership
//	                               change, down after 15 s of silence, orphans after 24 h
//	orchestrator                   which services and nodes are reconciled, in what order
//	orchestrator/replicated        a replicated service's slots: scale up and down
//	orchestrator/global            one task per eligible node
//	orchestrator/jobs              replicated and global jobs: tasks run to completion
//	orchestrator/constraintenforcer tasks whose node no longer satisfies them
//	orchestrator/restart           the restart supervisor: condition, delay, attempts, window
//	orchestrator/update            the updater: dirty tasks, batches, failure action
//	orchestrator/taskreaper        each slot's history kept to the swarm's limit
//	placement                      package scheduler over the tasks that need a node
//	agent                          a node's side: what it runs, health checks, its reports
//
// Imports point one way: no part imports package cluster, which wires them
// when a manager wins an election (leader.go, as swarmkit's manager.go
// does) and drops them when it loses leadership. None of them walks the
// swarm on a timer, and none changes the store: the leader's store reports
// every node, service and task an applied entry touched, the leader hands
// each event to the parts in a fixed order, the parts keep dirty sets and
// deadlines, and a flush 50 ms after a change (and once per tick for
// deadlines) has each add typed actions to one batch, proposed to Raft.
// The next batch waits until that one is applied. A new leader looks at
// the whole store once. The dispatcher reaches the nodes through a World
// the simulation provides, and each node through its Agent (package
// agent), which starts and stops containers when asked and reports what
// became of them; the dispatcher never changes what a node runs itself.
//
// Each part is tested alone (its _test.go builds a store with package
// state/statetest, feeds it events, moves a fake clock and reads the
// batch), many of those tests ported from swarmkit's own and named after
// them.
//
// Cluster itself is the simulated world: its fields are grouped by what
// they are (the clock, the roster of machines and who leads, the network,
// the role manager, the observers, the meters) and the work of one machine
// or manager is a method of that machine or manager (action.go,
// manager.go, world.go).
//
// # Membership
//
// Membership goes through Raft first. Promote, and Join as a manager,
// propose the configuration change that adds a voter; the node runs manager
// software only once that change has committed, starting empty and caught up
// by the leader's snapshot, so a change that cannot commit leaves nothing
// behind. Demoting the leader hands Raft leadership to another manager first,
// which then removes it. ForceNewCluster is accepted only on a node whose own
// committed state makes it a manager. Snapshot's Quorum is read off the
// leader's Raft progress: the voters it has heard from within CheckQuorum's
// window, not the machines that happen to run.
//
// # State
//
// Every manager applies committed entries to its own Store; nothing else
// writes to a Store. An entry holds typed store actions (package state),
// one payload type per kind, encoded compactly. Each checks its
// preconditions when applied, so an entry proposed against an older state
// (by a deposed leader, say) is skipped the same way on every manager.
//
// A follower may apply late. Once another manager has applied an entry and
// reported its effects, a follower holds the decoded command back instead
// of applying it (manager.go): nobody reads a follower's store until it
// leads, serves a read, crashes or is checked, and each of those catches
// it up first, in order, so what anyone sees is the store it
// would have had. The held commands carry the records the first store made,
// so catching up shares them. A follower holds at most maxHeldActions: a
// task's record is replaced at each step of its life, and the held commands
// keep every replaced record alive until they are applied.
//
// Followers that hold entries back share one store (common.go), as of an
// index none of them is behind, each holding the entries past it: when one
// holds too much, the shared store applies what the members keeping up
// all hold, once for all of them. A follower leaves with a copy of its own
// when its store is read; the last to leave takes the store itself. The
// entries a leader proposed are applied as the very commands it built
// (entryCache.propose), not decoded again.
//
// # Autolock, backup and restore
//
// With Config.Autolock (`docker swarm init --autolock`) or SetAutolock, the
// unlock key is part of the desired state, and each manager's disk is
// sealed with the key of the state it applied (autolock.go). A manager that
// restarts sealed is locked: its machine runs, its Raft member does not,
// so it neither votes nor counts toward quorum until Unlock gives it that
// key. RotateUnlockKey changes the key through Raft; a manager down
// meanwhile needs the previous one. Backup copies a stopped manager's Raft
// storage, and RestoreBackup puts it back (backup.go): the manager returns
// with the state as of the backup's commit index, the timeline says what
// was lost since, and ForceNewCluster makes it lead that state.
// Secrets and configs (secrets.go) are store objects like services:
// CreateObject and RemoveObject go through the leader and Raft, so none can
// be made without a leader, and a snapshot of the store holds exactly the
// ones it held. A service that names a missing one is refused with
// Docker's error.
// Clients (client.go) call the swarm without waiting: Send hands a
// `docker service scale` or `docker service inspect` to a manager, which
// forwards it to its leader, and the answer comes back through a callback
// when the swarm gives it, or the client gives up. History (history.go)
// keeps every call; the leader answers a read only after Raft's ReadIndex,
// an acknowledged write must never be lost (except by force-new-cluster,
// which lists what it discarded), and CheckHistory asks porcupine whether
// the history is linearizable.
//
// What actually runs is kept apart, on the nodes: a node starts a task once
// its assignment is committed and the leader's dispatcher can reach it (and
// its restart delay is over), loses its tasks when it crashes, and keeps
// running them while cut off. A task whose service has a health check
// (package agent) is "starting" on its node until a probe passes, and counts
// as running only then; an image named unhealthy… never passes, and is
// killed as Docker kills an unhealthy container. Published ports
// (ports.go) are open on every live node in ingress mode, and only where a
// task runs in host mode. Snapshot puts the desired and the actual side by
// side; Inspect is what Docker's read commands see, which without a leader
// is an error.
//
// Two more reads serve teaching: Raft returns every manager's Raft as etcd
// reports it (term, vote, commit, applied, last index, and the leader's
// view of each follower), and with Config.Trace the cluster records a Mark
// whenever a manager's life, Raft role, term or links change, which Trace
// returns for a timeline.
package cluster
