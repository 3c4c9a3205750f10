package cluster

import (
	"slices"
	"time"

	"github.com/swarmsim/swarmsim/az"
	"github.com/swarmsim/swarmsim/cluster/placement"
	"github.com/swarmsim/swarmsim/cluster/state"
	"github.com/swarmsim/swarmsim/internal/fault"
)

// Snapshot is a picture of the swarm at one moment: what Raft says, what the
// desired state says, and what actually runs where.
type Snapshot struct {
	Seed     uint64 // the swarm's seed, from which its IDs derive
	At       time.Duration
	Leader   string // "" when no manager leads
	Term     uint64
	Quorum   Quorum
	Zones    []Zone
	Nodes    []NodeView
	Services []ServiceView
	Tasks    []*Task // the desired state's tasks, history included: the store's own records, never changed once made (state.Store), so shared, not copied
	Cut      [][2]string
	// LocalCopy names the manager whose store the picture shows when no
	// manager leads: Docker answers every command with ErrNoLeader then,
	// and this is only that manager's local copy. "" while a leader exists.
	LocalCopy string
	// Autolock is whether that store has autolock on: managers that
	// restart come back locked.
	Autolock bool
}

// Quorum is the quorum as the current leader's Raft sees it, beside what is
// alive. Every figure about reaching voters comes from the leader's Raft
// progress (what CheckQuorum counts), not from which machines run or which
// links are cut: a voter that runs but cannot reach the leader is as lost to
// the quorum as a dead one, and a leader keeps counting a voter it heard
// from until CheckQuorum's window has passed without a word from it.
type Quorum struct {
	Members int // voters in the Raft configuration, dead ones included
	Needed  int // floor(Members/2)+1
	Alive   int // voters whose manager runs: neither dead nor locked
	Locked  int // voters whose machine runs but whose manager is locked: they take no part
	// Reachable counts the voters the leader's Raft has recently heard
	// from, the leader included; 0 without a leader.
	Reachable int
	Tolerance int  // floor((Members-1)/2): failures a full configuration survives
	Holds     bool // a leader whose Raft hears a quorum: changes can commit
	// MoreFailuresTolerated is how many more voters the swarm can lose and
	// keep its quorum: Reachable - Needed while it holds, else 0. Voters
	// that are alive but cut off from the leader are already lost.
	MoreFailuresTolerated int
	Predicted             bool // what package az predicts from the live managers and cut links
}

// Zone lists a zone's nodes.
type Zone struct {
	Name  string
	Nodes []string
}

// NodeView is one node as the picture shows it.
type NodeView struct {
	ID               string // Docker's 25-character node ID
	Name, Zone, Role string
	Alive            bool   // the machine runs
	Locked           bool   // a manager waiting for the unlock key: it takes no part in Raft
	Raft             string // the manager's Raft state; "" for workers and dead managers
	Leader           bool
	Status           string // the desired state's verdict: ready, unknown or down; "" once removed from the swarm
	Availability     string
	ManagerStatus    string    // Leader, Reachable or Unreachable, as `docker node ls`; "" for workers
	Tasks            TaskNames // the tasks actually running here
	Ports            []uint32  // published ports this node listens on, ascending (see ports.go)
}

// TaskNames are the tasks a node runs, named when read: a picture of a
// large swarm shows a dozen nodes' tasks per zone, and naming all of a
// hundred thousand tasks for it, at every picture, was a tenth of the
// picture's cost.
type TaskNames struct {
	tasks []*Task
	names []string // given already named (NamedTasks)
}

// NamedTasks are tasks given by name.
func NamedTasks(names []string) TaskNames { return TaskNames{names: names} }

// Len counts the tasks.
func (n TaskNames) Len() int { return len(n.tasks) + len(n.names) }

// Names names the tasks as Docker shows them (web.3), in the order they
// were given: by service name, then as the service lists its tasks.
func (n TaskNames) Names() []string {
	if n.tasks == nil {
		return n.names
	}
	out := make([]string, len(n.tasks))
	for i, t := range n.tasks {
		out[i] = t.Name()
	}
	return out
}

// ServiceView is one service as `docker service ls` and the verdict see it.
type ServiceView struct {
	ID         string // Docker's 25-character service ID
	Name, Mode string
	Image      string
	Update     string         // the rolling update's state, "" when none ran
	Desired    int            // replicas, or eligible nodes for a global service
	Running    int            // tasks meant to run that actually run on a live node
	Pending    int            // tasks no node could take
	PerZone    map[string]int // running tasks per zone
	Reasons    []string       // distinct pending reasons
	Stack      string         // the stack it belongs to (its LabelNamespace label); "" for none
	Ports      []PortConfig   // its published ports
	// A job's progress, of its current iteration. Desired is then the
	// tasks it still wants running: a replicated job's MaxConcurrent,
	// fewer once fewer completions remain; a global job's unfinished
	// tasks.
	MaxConcurrent int // a replicated job's --max-concurrent
	Completed     int // its tasks that completed
	Completions   int // the completions it wants in all
}

// view is the store the picture reads: the leader's, or without a leader
// the most advanced store among live managers (what `docker` on that
// manager would still show from its local copy).
func (c *roster) view() *manager {
	if m := c.leaderManager(); m != nil {
		return m
	}
	var best *manager
	for _, n := range c.nodes {
		if n.mgr == nil || n.mgr.held == nil {
			continue
		}
		m := n.mgr
		if best == nil || (m.node.alive && !best.node.alive) ||
			(m.node.alive == best.node.alive && m.appliedIndex() > best.appliedIndex()) {
			best = m
		}
	}
	return best
}

// quorum reads the quorum off the configuration v knows and the current
// leader's Raft progress.
func (v *manager) quorum() Quorum {
	c := v.c
	voters := v.member.Voters()
	q := Quorum{Members: len(voters), Needed: az.Quorum(len(voters)), Tolerance: az.Tolerance(len(voters))}
	live := map[string]int{}
	for _, id := range voters {
		i, ok := c.byRaft.at(id)
		if ok && c.nodes[i].locked {
			q.Locked++
		}
		if !ok || !c.nodes[i].alive && !fault.Is(fault.DeadVoterAlive) && !(c.nodes[i].locked && fault.Is(fault.LockedVoterCounts)) {
			continue
		}
		q.Alive++
		live[c.zones[c.nodes[i].zone]]++
	}
	if lead := c.leaderManager(); lead != nil {
		for _, p := range lead.member.Progress() {
			if p.RecentActive {
				q.Reachable++
			}
		}
		q.Holds = q.Reachable >= q.Needed
	}
	if q.Holds {
		q.MoreFailuresTolerated = q.Reachable - q.Needed
	}
	q.Predicted = az.Predict(q.Members, live, func(a, b string) bool { return c.cut[c.zoneOf[a]][c.zoneOf[b]] })
	return q
}

// Snapshot takes the picture.
func (c *Cluster) Snapshot() Snapshot {
	v := c.view()
	s := v.store()
	lead := c.leaderManager()
	snap := Snapshot{Seed: c.cfg.Seed, At: c.now, Leader: c.leader, Term: c.leaderTerm, Autolock: s.Autolock}
	if lead == nil {
		snap.LocalCopy = v.node.name
	}

	snap.Quorum = v.quorum()

	for a := range c.cut {
		for b := a + 1; b < len(c.cut); b++ {
			if c.cut[a][b] {
				snap.Cut = append(snap.Cut, [2]string{c.zones[a], c.zones[b]})
			}
		}
	}

	zoneNodes := make([][]string, len(c.zones))
	byNode := map[string][]*Task{}
	snap.Tasks = make([]*Task, 0, s.Tasks.Len())
	for t := range s.AllTasks() {
		snap.Tasks = append(snap.Tasks, t)
	}
	snap.Services = c.serviceViews(s, byNode)

	ports := c.openPorts(s)
	snap.Nodes = make([]NodeView, 0, len(c.nodes))
	for _, n := range c.nodes {
		nv := NodeView{Name: n.name, Zone: c.zones[n.zone], Role: n.role(), Alive: n.alive || n.locked, Locked: n.locked, Tasks: TaskNames{tasks: byNode[n.name]}, Ports: ports[n.name]}
		if rec := s.Nodes[n.name]; rec != nil {
			nv.Status, nv.Availability, nv.Role, nv.ID = rec.Status, rec.Availability, rec.Role, rec.ID
		} else {
			nv.ID = DockerID(c.cfg.Seed, "node", n.name) // a removed node's, as it was
		}
		if n.mgr != nil {
			if n.alive {
				nv.Raft = n.mgr.last.State.String()
			}
			nv.Leader = n.name == c.leader
			switch {
			case nv.Leader:
				nv.ManagerStatus = "Leader"
			case n.alive && (lead == nil || c.linked(lead.node, n)):
				nv.ManagerStatus = "Reachable"
			default:
				nv.ManagerStatus = "Unreachable"
			}
		}
		snap.Nodes = append(snap.Nodes, nv)
		zoneNodes[n.zone] = append(zoneNodes[n.zone], n.name)
	}
	for i, z := range c.zones {
		snap.Zones = append(snap.Zones, Zone{Name: z, Nodes: zoneNodes[i]})
	}
	return snap
}

// Inspect is what Docker's read commands (`docker node ls`, `docker service
// ls`, `docker service ps`) see: the leader's state, or without a leader
// Docker's error. Snapshot still shows a manager's local copy then.
func (c *Cluster) Inspect() (Snapshot, error) {
	if c.leaderManager() == nil {
		return Snapshot{}, c.noLeader()
	}
	return c.Snapshot(), nil
}

// serviceViews counts each service's tasks as `docker service ls` does.
// With byNode set it also lists, per node, the tasks that count as running
// there (the picture names them when it reads them: TaskNames).
func (c *Cluster) serviceViews(s *Store, byNode map[string][]*Task) []ServiceView {
	counted := countedTasks(c.nodes, c.byName, s)
	perZone := make([]int, len(c.zones))
	var onNodes []onNode
	if byNode != nil {
		onNodes = make([]onNode, 0, s.Tasks.Len())
	}
	names := s.ServiceNames()
	views := make([]ServiceView, len(names))
	for i, name := range names {
		spec := s.Services[name]
		sv := ServiceView{ID: serviceID(c.cfg.Seed, spec), Name: name, Mode: spec.Mode, Image: spec.Image, Desired: spec.Replicas, PerZone: map[string]int{},
			Stack: spec.Labels[LabelNamespace], Ports: spec.Ports}
		if u := s.Updates[name]; u != nil {
			sv.Update = u.State
		}
		if spec.Job() {
			jobCounts(s, spec, &sv)
		}
		if spec.Mode == ModeGlobal {
			sv.Desired = 0
			for _, nn := range s.NodeNames() {
				if rec := s.Nodes[nn]; rec.Status != NodeDown && rec.Availability != Drain && placement.Matches(spec, rec) {
					sv.Desired++
				}
			}
		}
		// Service by service, each in TaskList order: the order of the
		// whole list without sorting it.
		for t := range s.TasksOf(name) {
			if !t.Active() {
				continue
			}
			if t.State == TaskPending {
				sv.Pending++
				if len(sv.Reasons) == 0 || sv.Reasons[len(sv.Reasons)-1] != t.Reason {
					sv.Reasons = append(sv.Reasons, t.Reason)
				}
				continue
			}
			if at, ok := counted.on(t); ok {
				sv.Running++
				perZone[c.nodes[at].zone]++
				if byNode != nil {
					onNodes = append(onNodes, onNode{at, t})
				}
			}
		}
		for z, n := range perZone {
			if n > 0 {
				sv.PerZone[c.zones[z]] = n
				perZone[z] = 0
			}
		}
		views[i] = sv
	}
	groupByNode(c.nodes, onNodes, byNode)
	return views
}

// onNode is a task counted as running on c.nodes[at].
type onNode struct {
	at int
	t  *Task
}

// groupByNode puts each node's counted tasks in byNode under its name, in
// the order met, all in one backing array: appending to a slice per node
// grew thousands of small slices.
func groupByNode(nodes []*node, counted []onNode, byNode map[string][]*Task) {
	if len(counted) == 0 {
		return
	}
	start := make([]int, len(nodes)+1) // node i's are all[start[i]:start[i+1]]
	for _, p := range counted {
		start[p.at+1]++
	}
	for i := 1; i < len(start); i++ {
		start[i] += start[i-1]
	}
	all := make([]*Task, len(counted))
	fill := slices.Clone(start[:len(nodes)])
	for _, p := range counted {
		all[fill[p.at]] = p.t
		fill[p.at]++
	}
	for i, n := range nodes {
		if from, to := start[i], start[i+1]; to > from {
			byNode[n.name] = all[from:to:to]
		}
	}
}

// countedTasks finds the tasks that count as running: each runs, its
// health check passed, on the live node the task is assigned to, which
// the swarm has not declared down (a node cut off and declared down may go
// on running its tasks, but the swarm has written them off). Reading each
// node's containers once costs less than looking each task up in its
// node's sets: a hundred thousand tasks are three hundred thousand lookups
// by name in maps spread over thousands of nodes.
func countedTasks(nodes []*node, byName map[string]int, s *Store) runningTasks {
	out := runningTasks{nodes: nodes, byName: byName, up: make([]bool, len(nodes)), dense: make([]int32, s.NextTask+1)}
	for name, i := range byName { // what Cluster.node answers: a name's latest machine
		n, rec := nodes[i], s.Nodes[name]
		if !n.alive || rec == nil || rec.Status == NodeDown {
			continue
		}
		out.up[i] = true
		for _, num := range n.Running.Numbers() {
			if !n.Starting.HasNumber(num) {
				out.setNumber(int(num), i)
			}
		}
		for id := range n.Running.Others() {
			if !n.Starting.Has(id) {
				out.set(id, i)
			}
		}
	}
	return out
}

// runningTasks maps a task that runs healthily on an up node to that
// node's index in Cluster.nodes: by number for the IDs the store makes,
// by ID for any other. A task counts only on the node it is assigned to,
// which on checks with the task in hand (reading every record here would
// visit a hundred thousand of them in the maps' order). Two nodes running
// one ID mark it ambiguous, and on asks the task's own node instead, so
// the answer never depends on the order the maps were read in.
type runningTasks struct {
	nodes  []*node
	byName map[string]int
	up     []bool
	dense  []int32 // node index + 1; 0 for none, ambiguous for two
	other  map[string]int32
}

const ambiguous = -1

func (r *runningTasks) set(id string, node int) {
	if n, ok := state.TaskNumber(id); ok {
		r.setNumber(n, node)
		return
	}
	if r.other == nil {
		r.other = map[string]int32{}
	}
	r.other[id] = mark(r.other[id], node)
}

// setNumber is set for task "t"+n.
func (r *runningTasks) setNumber(n, node int) {
	if n >= len(r.dense) {
		r.dense = slices.Grow(r.dense, n+1-len(r.dense))[:n+1]
	}
	r.dense[n] = mark(r.dense[n], node)
}

// mark is a task's entry once node runs it too.
func mark(old int32, node int) int32 {
	if old == 0 || old == int32(node)+1 {
		return int32(node) + 1
	}
	return ambiguous
}

// on returns the index of the node a counted task runs on.
func (r *runningTasks) on(t *Task) (int, bool) {
	var v int32
	if n, ok := state.TaskNumber(t.ID); ok {
		if n < len(r.dense) {
			v = r.dense[n]
		}
	} else {
		v = r.other[t.ID]
	}
	switch v {
	case 0:
		return 0, false
	case ambiguous:
		i, ok := r.byName[t.Node]
		if !ok || !r.up[i] {
			return 0, false
		}
		n := r.nodes[i]
		return i, n.Running.Has(t.ID) && !n.Starting.Has(t.ID)
	}
	i := int(v) - 1
	return i, r.nodes[i].name == t.Node
}

// jobCounts fills in a job's progress as `docker service ls` counts it
// (swarmkit's controlapi ListServiceStatuses): tasks of the job's current
// iteration only.
func jobCounts(s *Store, spec *ServiceSpec, sv *ServiceView) {
	iteration := s.Versions[spec.Name]
	active, held := 0, 0
	for _, t := range s.ServiceTasks(spec.Name) {
		switch {
		case t.Version != iteration:
		case t.Completed():
			sv.Completed++
		case t.Active():
			active++
		case t.Final:
			held++ // its restart policy gave up: no completion will come
		}
	}
	sv.MaxConcurrent = spec.MaxConcurrent
	if spec.Mode == ModeGlobalJob {
		sv.Desired, sv.Completions = active, active+sv.Completed
		return
	}
	sv.Completions = spec.Replicas
	sv.Desired = max(min(spec.MaxConcurrent, spec.Replicas-sv.Completed-held), 0)
}

// Converged reports whether the swarm has a leader with a quorum, no
// proposal of its orchestrator in flight, and every service at its desired
// running count.
func (c *Cluster) Converged() bool {
	lead := c.leaderManager()
	if lead == nil || lead.lead == nil || lead.lead.inflight != 0 {
		return false
	}
	if !lead.quorum().Holds {
		return false
	}
	// A task counts as running only in the Running set of a live node:
	// while fewer containers run than the replicated services ask for,
	// the swarm has not converged, and counting per node says so without
	// looking at each of a hundred thousand tasks every tick of Settle.
	// A job's replicas are completions, not containers that keep running.
	want, running := 0, 0
	for _, spec := range lead.store().Services {
		if spec.Mode == ModeReplicated {
			want += spec.Replicas
		}
	}
	for _, n := range c.nodes {
		if n.alive {
			running += n.Running.Len()
		}
	}
	if running < want {
		return false
	}
	for _, sv := range c.serviceViews(lead.store(), nil) {
		if sv.Running != sv.Desired {
			return false
		}
	}
	return true
}

// Settle runs the swarm a second at a time until it has converged, for at
// most max. It reports whether it converged.
func (c *Cluster) Settle(max time.Duration) (bool, error) {
	end := c.now + max
	for c.now < end {
		if err := c.RunFor(TickInterval); err != nil {
			return false, err
		}
		if c.Converged() {
			return true, nil
		}
	}
	return false, c.fault
}
