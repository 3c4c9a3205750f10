package cluster

import (
	"errors"
	"fmt"
	"maps"
	"math/rand/v2"
	"strconv"
	"time"

	"github.com/swarmsim/swarmsim/az"
	"github.com/swarmsim/swarmsim/cluster/agent"
	"github.com/swarmsim/swarmsim/cluster/dispatcher"
	"github.com/swarmsim/swarmsim/cluster/orchestrator/restart"
	"github.com/swarmsim/swarmsim/cluster/state"
	"github.com/swarmsim/swarmsim/raft"
)

// Swarm's timing, from swarmkit's defaults.
const (
	// TickInterval is one Raft tick: elections take 10 to 20 of them.
	TickInterval = time.Second
	// HeartbeatPeriod is how often every node reports to the dispatcher.
	HeartbeatPeriod = dispatcher.HeartbeatPeriod
	// HeartbeatGrace is how long the dispatcher waits before it declares a
	// silent node down: three missed periods.
	HeartbeatGrace = dispatcher.HeartbeatGrace
	// NodeDownPeriod is how long a node stays down before its tasks are
	// orphaned: swarmkit's defaultNodeDownPeriod.
	NodeDownPeriod = dispatcher.NodeDownPeriod
	// OldTaskTimeout is how long a new task waits for the old task of its
	// slot to stop before it starts all the same (swarmkit's
	// defaultOldTaskTimeout).
	OldTaskTimeout = restart.OldTaskTimeout
	// UnknownGrace is the grace of a node a new leader marked unknown,
	// twice the normal (swarmkit's gracePeriodMultiplierUnknown).
	UnknownGrace = dispatcher.UnknownGrace
	// RequestTimeout is how long a command waits for its change to commit
	// before Docker answers "context deadline exceeded".
	RequestTimeout = 10 * time.Second
	// ProposalRetry is how long the leader's orchestrator waits for its own
	// proposal to be applied before it assumes Raft dropped it.
	ProposalRetry = 5 * time.Second
)

// Simulated network delays, one way, for pairs of zones Config.RTT does not
// name. Inside a zone a message takes 0.2 to 1 ms, between zones 1 to 5 ms:
// the order of magnitude of a LAN and of availability zones in one cloud
// region. Both are far below Raft's one-second tick, so elections and
// heartbeats behave as in a real swarm.
const (
	intraZoneMin, intraZoneMax = 200 * time.Microsecond, time.Millisecond
	crossZoneMin, crossZoneMax = time.Millisecond, 5 * time.Millisecond
)

// Default node capacity: what each simulated machine offers to reservations.
const (
	DefaultNanoCPUs    = 4_000_000_000
	DefaultMemoryBytes = 8 << 30
)

// Docker's errors when the desired state cannot change.
var (
	ErrNoLeader = errors.New("Error response from daemon: rpc error: code = Unknown desc = The swarm does not have a leader. " +
		"It's possible that too few managers are online. Make sure more than half of the managers are online.")
	ErrDeadline = errors.New("Error response from daemon: rpc error: code = DeadlineExceeded desc = context deadline exceeded")
)

// Config describes the swarm to build.
type Config struct {
	// Seed drives every random choice: network delays, tick phases, victims,
	// scheduler tie-breaks and Raft's election jitter.
	Seed uint64
	// Layout gives the managers and workers of each zone. Managers are named
	// m1, m2, … and workers w1, w2, … in zone order.
	Layout az.Layout
	// Nodes, when set, are the swarm's nodes (an imported swarm); their zones
	// must be the Layout's. Otherwise the Layout's counts are named m1…, w1….
	Nodes []NodeSpec
	// Capacity of every node; zero means the defaults.
	NanoCPUs, MemoryBytes int64
	// Check turns on the invariant checker (check.go): every step is
	// checked, and the first violation stops the run with a *Violation.
	Check bool
	// RTT gives round-trip times between zones (network.go); pairs it does
	// not name keep the default delays.
	RTT RTT
	// Init names the manager that runs `docker swarm init`, and so leads
	// first; "" is the first manager that is up.
	Init string
	// Trace records every change of a manager's life, Raft role, term and
	// links as a Mark (trace.go), for timelines drawn after the run.
	Trace bool
	// Autolock is `docker swarm init --autolock`: a manager that restarts
	// stays locked until it is given the unlock key (autolock.go).
	Autolock bool
}

// Cluster is one simulated swarm. It is not safe for concurrent use; run
// several clusters in parallel instead.
//
// Its fields are grouped by what they are: the simulated world (the clock,
// the machines, the network, the swarm's Raft and the leader's state), its
// observers (the timeline, the checker, the trace), its meters, and its
// clients' history. Each group is a type of its own that keeps the
// methods that need nothing else.
type Cluster struct {
	cfg       Config
	clock     // simulated time and its event queue
	roster    // the machines, and who leads
	network   // zones and links (network.go)
	roles     // the role manager (nodeops.go)
	observers // the timeline, the checker, the trace
	meters    // what benchmarks and MeasureCommits count

	phaseRand  *rand.Rand // tick and heartbeat phases
	victimRand *rand.Rand // which managers `--kill N` picks
	schedSeed  uint64     // scheduler tie-breaks

	reported uint64             // highest log index whose effects reached the timeline
	awaiting uint64             // the user's command propose waits for
	awaited  bool               // it was applied
	awaitErr error              // why it did nothing when applied, if it did nothing
	changed  map[changeKey]bool // configuration changes applied somewhere
	decoded  entryCache
	applyCtx state.ApplyContext
	retiring []uint64 // raft IDs of managers demoted by an entry just applied
	nextCmd  uint64
	nextRaft uint64
	keys     keyring            // every unlock key the swarm committed (autolock.go)
	backups  map[string]*backup // copies of managers' swarm directories, by name (backup.go)
	restores int                // new clusters forced from restored backups (backup.go)
	fault    error              // a broken invariant inside Raft or the store: stops the run

	hist *history // clients' calls and what came of them; nil until the first
}

// clock is simulated time and the events queued in it.
type clock struct {
	now time.Duration
	q   queue
}

// roster is the swarm's machines, and which of them leads as the swarm
// last saw it.
type roster struct {
	nodes    []*node
	managers []*manager // every node with manager software, in name order
	byName   map[string]int
	byRaft   raftIndex

	settled      []int  // nodes whose heartbeats are taken as heard (heartbeat.go)
	leader       string // the current leader's name, "" when there is none
	leaderTerm   uint64
	leaderLostAt time.Duration
	hadLeader    bool
}

// network is the zones and the links between them.
type network struct {
	zones   []string
	zoneOf  map[string]int
	cut     [][]bool          // cut[a][b]: zones a and b cannot talk
	rtt     [][]time.Duration // rtt[a][b]: Config.RTT by zone index, 0 for the default; nil without one
	fifo    [][]time.Duration // fifo[from][to], by Raft ID: when the link's last message arrives
	netRand *rand.Rand        // message delays
}

// observers watch the run without changing it.
type observers struct {
	events timeline
	check  *checker // nil unless Config.Check
	trace  *tracer  // nil unless Config.Trace
	gate   checkGate
}

// meters count what benchmarks and MeasureCommits (commits.go) report.
type meters struct {
	steps     uint64 // events handled so far
	messages  uint64 // Raft messages delivered, for benchmarks
	appliedBy int    // managers that applied the awaited command
	counting  bool   // count the delivered messages that are not heartbeats
	counted   uint64 // what was counted
}

// node is a machine: a manager or a worker.
type node struct {
	c     *Cluster // the swarm the machine is part of
	name  string
	zone  int
	alive bool
	epoch uint32   // bumped on crash and restart: pending events of an older life are void
	mgr   *manager // nil for workers
	left  bool     // removed from the swarm: it no longer heartbeats
	// ticking: a tick event of this epoch is queued. A node has at most one
	// chain of ticks, whichever manager software it runs when they fire, so
	// a node demoted and promoted again within a second does not tick twice.
	ticking bool
	// promote: docker node promote ran while the node was down. swarmkit
	// records the desired role at once and the node becomes a manager
	// when it is back (role_manager.go); the leader's role manager
	// completes it here.
	promote bool
	// locked: the machine runs but its manager waits for lockedWith, the
	// unlock key its disk is sealed with (autolock.go). A locked node is
	// not alive: it neither votes, nor receives messages, nor heartbeats,
	// nor runs tasks.
	locked     bool
	lockedWith string
	// replacedBy: the backup restored on this machine, which took another
	// manager's identity with it; this node has no machine left to run on.
	replacedBy *backup
	// settledOn is the dispatcher that takes this node's heartbeats as
	// heard without their being delivered (heartbeat.go); nil while they
	// are delivered.
	settledOn *dispatcher.Dispatcher

	// Agent is what the machine runs, and what it tells the leader
	// about it; the node is its host (world.go).
	agent.Agent
}

// New builds a swarm in which every node has joined and m1 has just run
// `docker swarm init`: the initial membership is the bootstrap state of the
// Raft log, and m1 campaigns at time 0.
func New(cfg Config) (*Cluster, error) {
	if len(cfg.Nodes) == 0 && cfg.Layout.Managers() < 1 {
		return nil, fmt.Errorf("a swarm needs at least one manager, this layout has %d", cfg.Layout.Managers())
	}
	c, err := newCluster(cfg)
	if err != nil {
		return nil, err
	}
	nodes := cfg.Nodes
	if len(nodes) == 0 {
		nodes = LayoutNodes(cfg.Layout)
	}
	boot := state.NewStore()
	peers, down, err := joinAll(c, boot, nodes)
	if err != nil {
		return nil, err
	}
	if err := startMembers(c, boot, peers); err != nil {
		return nil, err
	}
	// Nodes that are down in the swarm being imported start crashed; the
	// manager Config.Init names, or else the first that is up, runs
	// `docker swarm init`.
	for _, name := range down {
		n, _ := c.node(name)
		n.crash()
	}
	init := cfg.Init
	if init == "" {
		for _, ns := range nodes {
			if ns.Leader && !ns.Down {
				init = ns.Name
			}
		}
	}
	if err := initSwarm(c, init); err != nil {
		return nil, err
	}
	c.trace.managers()
	return c, c.fault
}

// newCluster is a swarm with no nodes yet: its zones, network and seeded
// streams.
func newCluster(cfg Config) (*Cluster, error) {
	if cfg.NanoCPUs == 0 {
		cfg.NanoCPUs = DefaultNanoCPUs
	}
	if cfg.MemoryBytes == 0 {
		cfg.MemoryBytes = DefaultMemoryBytes
	}
	c := &Cluster{
		cfg:    cfg,
		roster: roster{byName: map[string]int{}},
		network: network{zoneOf: map[string]int{},
			netRand: rand.New(rand.NewPCG(cfg.Seed, 0x6e6574))}, // "net"
		changed:    map[changeKey]bool{},
		decoded:    newEntryCache(),
		phaseRand:  rand.New(rand.NewPCG(cfg.Seed, 0x706861)),          // "pha"
		victimRand: rand.New(rand.NewPCG(cfg.Seed, 0x766963)),          // "vic"
		schedSeed:  rand.New(rand.NewPCG(cfg.Seed, 0x736368)).Uint64(), // "sch"
	}
	c.roles = roles{c}
	c.applyCtx.Effect = func(kind, node, detail string) { record(c, kind, node, detail) }
	c.applyCtx.Placed = func(t *Task) { c.events.addPlaced(c.now, t) }
	if cfg.Check {
		c.check = newChecker(c)
	}
	if cfg.Trace {
		c.trace = &tracer{c: c, last: map[string]int{}}
	}
	for i, z := range cfg.Layout.Zones {
		c.zones = append(c.zones, z.Name)
		c.zoneOf[z.Name] = i
	}
	c.cut = make([][]bool, len(c.zones))
	for i := range c.cut {
		c.cut[i] = make([]bool, len(c.zones))
	}
	if err := c.setRTT(cfg.RTT); err != nil {
		return nil, err
	}
	return c, nil
}

// joinAll adds the nodes to the swarm and their records to the bootstrap
// store, managers first: they index first. It returns the managers' Raft
// IDs and the nodes that start down.
func joinAll(c *Cluster, boot *Store, nodes []NodeSpec) (peers []uint64, down []string, err error) {
	for _, role := range []string{RoleManager, RoleWorker} {
		for _, ns := range nodes {
			if ns.Role != role {
				continue
			}
			zi, ok := c.zoneOf[ns.Zone]
			if !ok {
				return nil, nil, fmt.Errorf("node %s is in zone %q, which the layout does not have", ns.Name, ns.Zone)
			}
			if _, dup := c.byName[ns.Name]; dup {
				return nil, nil, fmt.Errorf("two nodes are named %s; every node needs its own name", ns.Name)
			}
			var id uint64
			if role == RoleManager {
				c.nextRaft++
				id = c.nextRaft
				peers = append(peers, id)
			}
			c.addNode(ns.Name, zi, id)
			rec := bootRecord(c.cfg.record(ns.Name, ns.Zone, role, id), ns)
			boot.Nodes[ns.Name] = rec
			if ns.Down {
				down = append(down, ns.Name)
			}
		}
	}
	if len(peers) == 0 {
		return nil, nil, fmt.Errorf("a swarm needs at least one manager")
	}
	return peers, down, nil
}

// bootRecord completes a node's record with what its NodeSpec says.
func bootRecord(rec *NodeRecord, ns NodeSpec) *NodeRecord {
	if ns.Labels != nil {
		rec.Labels = maps.Clone(ns.Labels)
	}
	rec.EngineLabels = maps.Clone(ns.EngineLabels)
	if ns.Availability != "" {
		rec.Availability = ns.Availability
	}
	if ns.NanoCPUs > 0 {
		rec.NanoCPUs = ns.NanoCPUs
	}
	if ns.MemoryBytes > 0 {
		rec.MemoryBytes = ns.MemoryBytes
	}
	if ns.ID != "" {
		rec.ID = ns.ID
	}
	if ns.OS != "" {
		rec.OS = ns.OS
	}
	if ns.Arch != "" {
		rec.Arch = ns.Arch
	}
	if ns.Down {
		rec.Status = NodeDown
	}
	return rec
}

// startMembers gives every manager its Raft member, bootstrapped with the
// swarm's first state, and starts every node's clock.
func startMembers(c *Cluster, boot *Store, peers []uint64) error {
	c.check.bootstrap(peers)
	c.initAutolock(boot)
	bootstrap := boot.Encode()
	var managers []*manager
	for _, n := range c.nodes {
		if n.mgr == nil {
			continue
		}
		member, err := raft.NewMember(raft.Config{ID: n.mgr.raftID, Peers: peers, Bootstrap: bootstrap, Seed: c.cfg.Seed})
		if err != nil {
			return err
		}
		n.mgr.member = member
		managers = append(managers, n.mgr)
	}
	shareStore(boot.Clone(), managers)
	c.reported = 0
	for i, n := range c.nodes {
		n.schedule(i)
	}
	return nil
}

// initSwarm is `docker swarm init` on the manager init names (Config.Init,
// or the imported swarm's leader), or else the first that is up: it
// campaigns.
func initSwarm(c *Cluster, init string) error {
	if init != "" {
		n, ok := c.node(init)
		if !ok || n.mgr == nil || !n.alive {
			return fmt.Errorf("%s cannot run docker swarm init: it is not a manager that is up", init)
		}
	}
	for _, m := range c.managers {
		if m.node.alive && (init == "" || m.node.name == init) {
			if err := m.member.Campaign(); err != nil {
				return fmt.Errorf("%s could not start the first election: %w", m.node.name, err)
			}
			m.process()
			break
		}
	}
	return nil
}

// NodeSpec describes one node of a swarm built from an existing one
// (Config.Nodes), as `docker node inspect` shows it.
type NodeSpec struct {
	Name, Zone, Role string
	Labels           map[string]string // node.labels; zone=Zone is not implied
	EngineLabels     map[string]string // engine.labels, from the Docker daemon's configuration
	Availability     string            // "" means active
	NanoCPUs         int64             // 0 means the default capacity
	MemoryBytes      int64
	Down             bool   // the node is down: it starts crashed
	ID               string // Docker's node ID; "" derives one from the seed and the name
	OS, Arch         string // the node's platform; "" means linux and x86_64
	// Leader marks the node an imported swarm shows as its leader: it runs
	// docker swarm init, unless Config.Init names another.
	Leader bool
}

// LayoutNodes names a layout's nodes as New does when Config.Nodes is
// empty: managers m1, m2, … and workers w1, w2, …, zone by zone, each
// labelled with its zone.
func LayoutNodes(l az.Layout) []NodeSpec {
	out := make([]NodeSpec, 0, l.Managers()+l.Workers())
	for _, role := range []string{RoleManager, RoleWorker} {
		prefix, i := "m", 0
		if role == RoleWorker {
			prefix = "w"
		}
		for _, z := range l.Zones {
			n := z.Managers
			if role == RoleWorker {
				n = z.Workers
			}
			for range n {
				i++
				out = append(out, NodeSpec{Name: prefix + strconv.Itoa(i), Zone: z.Name, Role: role})
			}
		}
	}
	return out
}

func (cfg Config) record(name, zone, role string, raftID uint64) *NodeRecord {
	return &NodeRecord{
		Name:         name,
		Zone:         zone,
		Role:         role,
		RaftID:       raftID,
		Status:       NodeReady,
		Availability: Active,
		Labels:       map[string]string{"zone": zone},
		NanoCPUs:     cfg.NanoCPUs,
		MemoryBytes:  cfg.MemoryBytes,
		ID:           DockerID(cfg.Seed, "node", name),
		OS:           "linux",
		Arch:         "x86_64",
	}
}

func (c *Cluster) addNode(name string, zone int, raftID uint64) *node {
	n := &node{c: c, name: name, zone: zone, alive: true}
	n.Agent = agent.New(n)
	c.byName[name] = len(c.nodes)
	if raftID != 0 {
		n.mgr = newManager(c, n, raftID)
		c.managers = append(c.managers, n.mgr)
		c.byRaft.set(raftID, len(c.nodes))
	}
	c.nodes = append(c.nodes, n)
	return n
}

// schedule starts a node's periodic work at a seeded phase, so managers do
// not tick in lockstep and heartbeats do not arrive in bursts.
func (n *node) schedule(i int) {
	c := n.c
	n.ticking = false // a new epoch: older tick events are void
	if n.mgr != nil {
		phase := time.Duration(c.phaseRand.Int64N(int64(TickInterval)))
		c.q.push(timed{at: c.now + phase, kind: evTick, node: i, epoch: n.epoch})
		n.ticking = true
	}
	phase := time.Duration(c.phaseRand.Int64N(int64(HeartbeatPeriod)))
	c.q.push(timed{at: c.now + phase, kind: evHeartbeat, node: i, epoch: n.epoch})
}

// Now is the simulated time since the swarm was created.
func (c *Cluster) Now() time.Duration { return c.now }

// Seed is the seed the cluster was built with.
func (c *Cluster) Seed() uint64 { return c.cfg.Seed }

// Zones returns the zone names in layout order.
func (c *Cluster) Zones() []string { return append([]string(nil), c.zones...) }

// Events returns the timeline so far.
func (c *Cluster) Events() []Event { return c.events.since(0) }

// EventsSince returns the events at or after t.
func (c *Cluster) EventsSince(t time.Duration) []Event { return c.events.since(t) }

func (c *Cluster) emit(kind, node, format string, args ...any) {
	record(c, kind, node, fmt.Sprintf(format, args...))
}

// record adds a line already written to the timeline: an applied entry's
// effects come here (state.ApplyContext.Effect), one per task placed.
func record(c *Cluster, kind, node, detail string) {
	if kind == EventForceNewCluster {
		// The timeline's line is where the client history learns of it:
		// at that moment the survivor's state is all the new cluster keeps.
		c.hist.forcedNewCluster(c, node)
	}
	c.events.add(Event{At: c.now, Kind: kind, Node: node, Detail: detail})
}

// fail records a broken invariant; the run stops at the next step.
func (c *Cluster) fail(err error) {
	if c.fault == nil {
		c.fault = fmt.Errorf("at %s (seed %d): %w", FormatTime(c.now), c.cfg.Seed, err)
	}
}

// RunFor advances simulated time by d, running every event due until then.
func (c *Cluster) RunFor(d time.Duration) error {
	return c.runUntil(c.now+d, nil)
}

// runUntil runs events up to end, or until done reports true (checked after
// every event).
func (c *Cluster) runUntil(end time.Duration, done func() bool) error {
	for c.fault == nil {
		at, ok := c.q.peek()
		if !ok || at > end {
			break
		}
		e := c.q.pop()
		c.now = e.at
		c.steps++
		c.handle(e)
		c.trace.managers()
		if c.gate.due(c.now) {
			c.pauseGrace()
			c.check.state()
		}
		c.check.prediction()
		if done != nil && done() {
			return c.fault
		}
	}
	if c.fault == nil && (done == nil || !done()) {
		c.now = end
	}
	return c.fault
}

func (c *Cluster) handle(e timed) {
	n := c.nodes[e.node]
	switch e.kind {
	case evTick:
		if !n.alive || e.epoch != n.epoch {
			return
		}
		if n.mgr == nil {
			n.ticking = false // retired: the chain ends here
			return
		}
		c.q.push(timed{at: c.now + TickInterval, kind: evTick, node: e.node, epoch: n.epoch})
		n.mgr.member.Tick()
		n.mgr.process()
		if n.mgr != nil && n.mgr.lead != nil {
			n.mgr.lead.onTick()
		}
	case evDeliver:
		n.deliver(e)
	case evTaskExit:
		if n.alive && e.epoch == n.epoch {
			n.Fire(agent.Event{Kind: agent.Exit, Task: e.task, ExitOK: e.exitOK})
		}
	case evFlush:
		if n.alive && e.epoch == n.epoch && n.mgr != nil && n.mgr.lead != nil && n.mgr.lead.flushAt == e.at {
			n.mgr.lead.flush()
		}
	case evHealthy, evUnhealthy:
		if !n.alive || e.epoch != n.epoch {
			return
		}
		kind := agent.Healthy
		if e.kind == evUnhealthy {
			kind = agent.Unhealthy
		}
		n.Fire(agent.Event{Kind: kind, Task: e.task})
	case evTimer:
		e.fn()
	case evHeartbeat:
		if !n.alive || e.epoch != n.epoch || n.settle(e.node) {
			return
		}
		c.q.pushPeriodic(timed{at: c.now + HeartbeatPeriod, kind: evHeartbeat, node: e.node, epoch: n.epoch})
		if !n.left {
			n.heartbeat(e.node)
		}
	}
}

// heartbeat reaches the dispatcher of every manager that leads and can hear
// node i.
func (n *node) heartbeat(i int) {
	if m := n.followed(); m != nil {
		m.lead.d.Heartbeat(i, n.Dirty)
		n.Dirty = false
	}
}

// followed is the leader a node's agent has its session with: of the
// leaders it can reach, the one of the newest term. A leader deposed
// without knowing it yet keeps its dispatcher until it hears of the new
// term, but a node that has moved on to the new leader no longer takes
// its orders, as a swarmkit agent, whose session moved, does not.
func (n *node) followed() *manager {
	c := n.c
	var best *manager
	for _, m := range c.managers {
		if m.lead != nil && c.linked(m.node, n) && (best == nil || m.last.Term > best.last.Term) {
			best = m
		}
	}
	return best
}

// send puts a Raft message on the wire. Whether it arrives is decided when it
// would arrive: the destination may die or the link may be cut meanwhile.
func (m *manager) send(msg raft.Message) {
	c, from := m.c, m
	toIdx, ok := c.byRaft.at(msg.To())
	if !ok {
		return
	}
	to := c.nodes[toIdx]
	if (!to.alive || c.cut[from.node.zone][to.zone]) && !msg.IsSnapshot() {
		return // lost at once; snapshots wait to report their failure
	}
	at := c.now + c.delay(from.node.zone, to.zone)
	// Raft runs over one TCP stream per pair of managers: messages on a link
	// arrive in the order they were sent.
	last := c.linkLast(msg.From(), msg.To())
	at = max(at, *last)
	*last = at
	c.q.push(timed{at: at, kind: evDeliver, node: toIdx, epoch: to.epoch, msg: msg})
}

func (n *node) deliver(e timed) {
	c, to := n.c, n
	fromIdx, ok := c.byRaft.at(e.msg.From())
	if !ok {
		return
	}
	from := c.nodes[fromIdx]
	arrives := to.alive && to.epoch == e.epoch && to.mgr != nil && !c.cut[from.zone][to.zone]
	if arrives {
		c.messages++
		if c.counting {
			c.countMessage(e.msg)
		}
		// errors.As only on an error: its target escapes, and a message
		// arrives at most steps.
		if err := to.mgr.member.Step(e.msg); err != nil && errors.As(err, new(*raft.LogBehindError)) {
			c.emit(EventKill, to.name, "%s crashed on a heartbeat from %s: %v; a restored backup goes into a swarm that is down, then docker swarm init --force-new-cluster", to.name, from.name, err)
			to.crash()
			return
		} else if err != nil {
			c.fail(fmt.Errorf("%s could not take a %s from %s: %w", to.name, e.msg.Kind(), from.name, err))
			return
		}
		to.mgr.process()
	}
	if e.msg.IsSnapshot() && from.alive && from.mgr != nil {
		from.mgr.member.ReportSnapshot(e.msg.To(), arrives)
		from.mgr.process()
	}
}

// linked reports whether two nodes can talk now.
func (c *network) linked(a, b *node) bool { return a.alive && b.alive && !c.cut[a.zone][b.zone] }

func (c *roster) node(name string) (*node, bool) {
	i, ok := c.byName[name]
	if !ok {
		return nil, false
	}
	return c.nodes[i], true
}

// linkLast is when the last message on the link from one manager to
// another arrives, by Raft ID: IDs count up from 1, one a manager, so a
// table indexed by them answers where a map hashed, twice a message.
func (nw *network) linkLast(from, to uint64) *time.Duration {
	for uint64(len(nw.fifo)) <= from {
		nw.fifo = append(nw.fifo, nil)
	}
	row := &nw.fifo[from]
	if uint64(len(*row)) <= to {
		*row = append(*row, make([]time.Duration, to+1-uint64(len(*row)))...)
	}
	return &(*row)[to]
}

// raftIndex finds a manager's node by Raft ID: a slice indexed by ID
// (they count up from 1, one a manager) holding the node's index plus
// one, 0 for none. Every message sent and delivered asks.
type raftIndex []int32

func (r raftIndex) at(id uint64) (int, bool) {
	if id < uint64(len(r)) && r[id] > 0 {
		return int(r[id]) - 1, true
	}
	return 0, false
}

func (r *raftIndex) set(id uint64, node int) {
	for uint64(len(*r)) <= id {
		*r = append(*r, 0)
	}
	(*r)[id] = int32(node) + 1
}

func (r raftIndex) remove(id uint64) {
	if id < uint64(len(r)) {
		r[id] = 0
	}
}
