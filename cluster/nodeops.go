package cluster

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/swarmsim/swarmsim/az"
	"github.com/swarmsim/swarmsim/cluster/state"
	"github.com/swarmsim/swarmsim/raft"
)

// Docker's refusals for node changes, word for word: swarmkit's control API
// (manager/controlapi/node.go) and the daemon (daemon/cluster/errors.go).
const (
	msgLoseQuorum  = "Error response from daemon: rpc error: code = FailedPrecondition desc = can't remove member from the raft: this would result in a loss of quorum"
	msgLastManager = "Error response from daemon: rpc error: code = FailedPrecondition desc = attempting to demote the last manager of the swarm"
	msgNotManager  = "Error response from daemon: This node is not a swarm manager. Worker nodes can't be used to view or modify cluster state. " +
		"Please run this command on a manager node or promote the current node to a manager."
)

// roleReconcileInterval is how often the leader's role manager looks for
// Raft voters whose node is no longer a manager in the store (swarmkit's
// roleReconcileInterval).
const roleReconcileInterval = 5 * time.Second

// NodeChange is `docker node update`: the zero value changes nothing.
type NodeChange struct {
	Availability string            // active, pause or drain; "" keeps it
	LabelAdd     map[string]string // --label-add k=v
	LabelRm      []string          // --label-rm k
}

// UpdateNode is `docker node update`.
func UpdateNode(name string, ch NodeChange) Action {
	return Action{"docker node update " + name, func(c *Cluster) error {
		rec, err := c.nodeRecord(name)
		if err != nil {
			return err
		}
		next := *rec
		next.Labels = maps.Clone(rec.Labels)
		switch ch.Availability {
		case "":
		case Active, Pause, Drain:
			next.Availability = ch.Availability
		default:
			return fmt.Errorf("invalid availability %q for node %s: use active, pause or drain", ch.Availability, name)
		}
		if next.Labels == nil {
			next.Labels = map[string]string{}
		}
		maps.Copy(next.Labels, ch.LabelAdd)
		for _, k := range ch.LabelRm {
			if _, ok := next.Labels[k]; !ok {
				return fmt.Errorf("Error response from daemon: rpc error: code = InvalidArgument desc = label %s does not exist on node %s", k, name)
			}
			delete(next.Labels, k)
		}
		return c.propose(&state.UpdateNode{Node: name, Availability: next.Availability, Labels: next.Labels})
	}}
}

// UpdateService is `docker service update`: change edits a copy of the
// current spec. A change to what the tasks run starts a rolling update.
func UpdateService(name string, change func(*ServiceSpec)) Action {
	return Action{"docker service update " + name, func(c *Cluster) error {
		s, old, err := c.service(name)
		if err != nil {
			return err
		}
		spec := old.Clone()
		change(spec)
		spec.Name, spec.Mode, spec.ID = old.Name, old.Mode, old.ID
		if err := validateSpec(spec); err != nil {
			return err
		}
		if err := allocatePorts(s, spec); err != nil {
			return err
		}
		if err := checkReferences(s, spec, c.cfg.Seed); err != nil {
			return err
		}
		return c.propose(&state.UpdateService{Spec: spec, At: c.now.Milliseconds()})
	}}
}

// ForceUpdate is `docker service update --force`: every task is replaced,
// which also rebalances them over the nodes available now.
func ForceUpdate(name string) Action {
	a := UpdateService(name, func(s *ServiceSpec) { s.ForceUpdate++ })
	a.name = "docker service update --force " + name
	return a
}

// RollbackService is `docker service rollback`.
func RollbackService(name string) Action {
	return Action{"docker service rollback " + name, func(c *Cluster) error {
		s, _, err := c.service(name)
		if err != nil {
			return err
		}
		if s.Previous[name] == nil {
			return fmt.Errorf("Error response from daemon: rpc error: code = FailedPrecondition desc = service %s does not have a previous spec", name)
		}
		return c.propose(&state.RollbackService{Name: name, At: c.now.Milliseconds(), Reason: "manually requested rollback"})
	}}
}

// Promote is `docker node promote`: the node joins the Raft configuration
// as a voter, and runs manager software once that change has committed.
func Promote(names ...string) Action {
	return forEachNode("docker node promote", names, (*Cluster).promote)
}

// forEachNode is a command that acts on several nodes in turn and stops at
// the first error, as Docker's CLI does.
func forEachNode(command string, names []string, act func(*Cluster, string) error) Action {
	return Action{command + " " + strings.Join(names, " "), func(c *Cluster) error {
		for _, name := range names {
			if err := act(c, name); err != nil {
				return err
			}
		}
		return nil
	}}
}

// promote proposes the Raft configuration change that adds the node as a
// voter, and nothing else: the node gets manager software only when the
// change commits (startManager, on apply). A promotion that cannot commit
// therefore leaves no half-made manager behind, with an empty Raft member
// that could lead a cluster of its own. The Raft ID is chosen now, because
// the change names it; until the member exists, messages to it are lost as
// to any unreachable peer.
func (r roles) promote(name string) error {
	c := r.c
	rec, err := c.nodeRecord(name)
	if err != nil {
		return err
	}
	if rec.Role == RoleManager {
		return nil // Docker: "Node w1 is already a manager."
	}
	n, _ := c.node(name) // every node in the store is a machine of the simulation
	if !n.alive {
		// Docker records the desired role and the node takes it when it is
		// back; Raft's membership does not change while it is away.
		if !n.promote {
			n.promote = true
			c.emit(EventNodeUpdated, name, "%s will become a manager when it is back: it is down", name)
		}
		return nil
	}
	n.promote = false
	c.nextRaft++
	return c.changeMembership(raft.Change{Op: raft.AddVoter, Node: c.nextRaft, Context: []byte(name)})
}

// startManager gives a node manager software once the change that makes it
// a voter has committed: an empty Raft member that the leader catches up
// with a snapshot, and an empty store that snapshot fills.
func (r roles) startManager(name string, id uint64) {
	c := r.c
	n, ok := c.node(name)
	if !ok || n.left || n.mgr != nil {
		// No machine to run it (removed from the swarm meanwhile), or one
		// that already runs manager software: the voter is an orphan, and
		// the role manager takes it out of Raft again.
		return
	}
	member, err := raft.NewMember(raft.Config{ID: id, Seed: c.cfg.Seed})
	if err != nil {
		c.fail(fmt.Errorf("starting manager software on %s: %w", name, err))
		return
	}
	c.check.manager(name, id, "started manager software")
	m := newManager(c, n, id)
	m.member = member
	m.setStore(state.NewStore())
	n.mgr = m
	i := c.byName[name]
	// c.managers stays in node order.
	at := slices.IndexFunc(c.managers, func(o *manager) bool { return c.byName[o.node.name] > i })
	if at < 0 {
		at = len(c.managers)
	}
	c.managers = slices.Insert(c.managers, at, m)
	c.byRaft.set(id, i)
	if !n.alive {
		// It died while its promotion was committing: the member starts on
		// its disk when the node restarts.
		member.Crash()
		return
	}
	if !n.ticking {
		n.ticking = true
		c.q.push(timed{at: c.now + TickInterval, kind: evTick, node: i, epoch: n.epoch})
	}
}

// Demote is `docker node demote`, refused like Docker when it would leave
// the swarm without a quorum.
func Demote(names ...string) Action {
	return forEachNode("docker node demote", names, (*Cluster).demote)
}

func (r roles) demote(name string) error {
	c := r.c
	rec, err := c.nodeRecord(name)
	if err != nil {
		return err
	}
	if n, _ := c.node(name); n != nil {
		n.promote = false // a promotion recorded while it was down is taken back
	}
	if rec.Role != RoleManager {
		return nil // Docker: "Node w1 is already a worker."
	}
	lead := c.leaderManager()
	if len(lead.member.Voters()) <= 1 {
		return fmt.Errorf("%s", msgLastManager)
	}
	if !canRemove(lead, rec.RaftID) {
		return fmt.Errorf("%s", msgLoseQuorum)
	}
	if rec.RaftID == lead.raftID {
		// Removing itself would make the leader step down as the removal
		// commits and leave the swarm leaderless for an election timeout.
		// Like swarmkit's role manager, hand leadership over first; if that
		// fails, the leader removes itself all the same.
		lead.transferLeadership()
	}
	return c.changeMembership(raft.Change{Op: raft.RemoveVoter, Node: rec.RaftID, Context: []byte(name)})
}

// canRemove is swarmkit's quorum safeguard (CanRemoveMember): the voters the
// leader's Raft hears from, without the one leaving, must be a quorum of the
// configuration without it.
func canRemove(lead *manager, id uint64) bool {
	voters, heard := 0, 0
	for _, p := range lead.member.Progress() {
		if p.ID == id {
			continue
		}
		voters++
		if p.RecentActive {
			heard++
		}
	}
	return heard >= az.Quorum(voters)
}

// transferLeadership hands the leader's Raft leadership to the voter it
// hears from with the most of the log, and waits in simulated time until
// another manager leads, for at most the election timeout within which Raft
// completes or abandons a transfer. It reports whether leadership moved.
func (lead *manager) transferLeadership() bool {
	c := lead.c
	var to, match uint64
	for _, p := range lead.member.Progress() { // sorted by ID: ties go to the lowest
		if _, runs := c.byRaft.at(p.ID); p.ID == lead.raftID || !p.RecentActive || !runs {
			continue
		}
		if to == 0 || p.Match > match {
			to, match = p.ID, p.Match
		}
	}
	if to == 0 || lead.member.TransferLeader(to) != nil {
		return false
	}
	lead.process()
	old := lead.node.name
	moved := func() bool { return c.leader != "" && c.leader != old }
	if err := c.runUntil(c.now+raft.DefaultElectionTicks*TickInterval, moved); err != nil {
		return false
	}
	return moved()
}

// changeMembership proposes a Raft configuration change to the leader and
// waits, like propose, until the change has been applied somewhere, which
// means it committed. That may be after the leader that proposed it is gone:
// a leader that removes itself steps down as the removal commits.
func (r roles) changeMembership(ch raft.Change) error {
	c := r.c
	lead := c.leaderManager()
	if lead == nil {
		return ErrNoLeader
	}
	if err := lead.member.ProposeChange(ch); err != nil {
		return ErrNoLeader
	}
	lead.process()
	key := changeKey{ch.Op, ch.Node}
	finished := func() bool { return c.changed[key] }
	if err := c.runUntil(c.now+RequestTimeout, finished); err != nil {
		return err
	}
	if !finished() {
		return ErrDeadline
	}
	return nil
}

// changeKey names a configuration change: Raft IDs are never reused, so a
// voter is added at most once and removed at most once.
type changeKey struct {
	op raft.ChangeOp
	id uint64
}

// roles is the swarm's role manager: it turns `docker node promote` and
// `demote` into Raft configuration changes, and starts and stops manager
// software on the nodes as those changes commit, as swarmkit's
// manager/role_manager.go does.
type roles struct{ c *Cluster }

// applyChange records a committed membership change in the store. The
// first manager to apply it (report) also changes the machines: an added
// voter's node starts manager software, a removed voter's node stops it.
func (m *manager) applyChange(e raft.Entry, report bool) {
	c, s, ch := m.c, m.store(), e.Change
	s.Index = e.Index
	if report {
		c.changed[changeKey{ch.Op, ch.Node}] = true
	}
	name := string(ch.Context)
	rec := s.Nodes[name]
	if rec != nil {
		defer s.NotifyNode(name) // the orchestrators see the new role
	}
	if ch.Op == raft.AddVoter {
		if rec == nil {
			return // removed meanwhile: an orphan voter for the role manager
		}
		s.SetRole(name, RoleManager, ch.Node)
		if report {
			c.startManager(name, ch.Node)
			c.emit(EventNodeUpdated, name, "%s promoted: it is now a manager and a Raft voter", name)
		}
		return
	}
	if rec != nil && rec.RaftID == ch.Node {
		s.SetRole(name, RoleWorker, 0)
	}
	if report {
		if rec != nil {
			c.emit(EventNodeUpdated, name, "%s demoted: it is now a worker", name)
		} else {
			c.emit(EventNodeUpdated, "", "Raft voter %d removed: no manager in the swarm answers to it", ch.Node)
		}
		c.retiring = append(c.retiring, ch.Node)
	}
}

// retire stops a demoted or cut-away manager's manager software; the node
// goes on as a worker.
func (r roles) retire(id uint64) {
	c := r.c
	i, ok := c.byRaft.at(id)
	if !ok {
		return
	}
	n := c.nodes[i]
	if n.mgr == nil || n.mgr.raftID != id {
		return
	}
	c.wakeAll()
	n.mgr.member.Crash()
	c.managers = slices.DeleteFunc(c.managers, func(m *manager) bool { return m == n.mgr })
	c.byRaft.remove(id)
	n.mgr = nil
	c.updateLeader()
}

// reconcileRoles is the leader's role manager taking orphan voters out of
// Raft, as swarmkit's evictRemovedNode does: a voter whose node the store no
// longer lists as that manager (removed from the swarm while its promotion
// was still in the log) would otherwise count toward the quorum forever
// without ever voting. It looks every roleReconcileInterval, and proposes
// one removal at a time, since Raft takes one configuration change at a time.
func (m *manager) reconcileRoles() {
	c := m.c
	if c.now < m.nextRoleCheck {
		return
	}
	m.nextRoleCheck = c.now + roleReconcileInterval
	for _, n := range c.nodes {
		if !n.promote {
			continue
		}
		// A promotion recorded while the node was down: it is back.
		switch rec := m.store().Nodes[n.name]; {
		case rec == nil || n.left || rec.Role == RoleManager:
			n.promote = false
		case n.alive && rec.Status == NodeReady:
			if m.member.ProposeChange(raft.Change{Op: raft.AddVoter, Node: c.nextRaft + 1, Context: []byte(n.name)}) == nil {
				c.nextRaft++
				n.promote = false
				m.process()
			}
			return
		}
	}
	for _, id := range m.member.Voters() {
		if !c.orphan(m.store(), id) {
			continue
		}
		if m.member.ProposeChange(raft.Change{Op: raft.RemoveVoter, Node: id}) == nil {
			m.process()
		}
		return
	}
}

// orphan reports whether a voter has no node that the store s lists as the
// manager with that Raft ID.
func (c *roster) orphan(s *Store, id uint64) bool {
	i, ok := c.byRaft.at(id)
	if !ok {
		return true
	}
	rec := s.Nodes[c.nodes[i].name]
	return rec == nil || rec.Role != RoleManager || rec.RaftID != id
}

// nodeRecord is the leader's record of a node, read as Docker's API reads
// it before changing anything.
func (r roles) nodeRecord(name string) (*NodeRecord, error) {
	c := r.c
	s, err := c.leaderStore()
	if err != nil {
		return nil, err
	}
	rec := s.Nodes[name]
	if rec == nil {
		return nil, fmt.Errorf("Error response from daemon: node %s not found", name)
	}
	return rec, nil
}

// RemoveNode is `docker node rm`.
func RemoveNode(name string, force bool) Action {
	return Action{"docker node rm " + name, func(c *Cluster) error {
		rec, err := c.nodeRecord(name)
		if err != nil {
			return err
		}
		if rec.Role == RoleManager {
			return fmt.Errorf("Error response from daemon: rpc error: code = FailedPrecondition desc = node %s is a cluster manager and is a member of the raft cluster. It must be demoted to worker before removal", name)
		}
		if rec.Status == NodeReady && !force {
			return fmt.Errorf("Error response from daemon: rpc error: code = FailedPrecondition desc = node %s is not down and can't be removed", name)
		}
		if err := c.propose(&state.RemoveNode{Node: name}); err != nil {
			return err
		}
		if n, ok := c.node(name); ok {
			n.Running.Clear() // it left the swarm: its tasks stop
			n.wake(c.byName[name])
			n.left = true
		}
		return nil
	}}
}

// Join is `docker swarm join`: a new node in a zone, a worker or a manager.
// An empty name picks the next free w… or m… name.
func Join(role, zone, name string) Action {
	return Action{fmt.Sprintf("docker swarm join --token %s", role), func(c *Cluster) error {
		if _, err := c.leaderStore(); err != nil {
			return err
		}
		if role != RoleManager && role != RoleWorker {
			return fmt.Errorf("invalid join token %q: use worker or manager", role)
		}
		if zone == "" {
			return fmt.Errorf("a joining node needs a zone (the node.labels.zone label), like --zone b")
		}
		if name == "" {
			prefix := "w"
			if role == RoleManager {
				prefix = "m"
			}
			for i := 1; ; i++ {
				if _, taken := c.node(fmt.Sprintf("%s%d", prefix, i)); !taken {
					name = fmt.Sprintf("%s%d", prefix, i)
					break
				}
			}
		} else if _, taken := c.node(name); taken {
			return fmt.Errorf("a node named %s already exists; pick another name", name)
		}
		n := c.addNode(name, c.joinZone(zone), 0)
		n.schedule(c.byName[name])
		rec := c.cfg.record(name, zone, RoleWorker, 0)
		if err := c.propose(&state.AddNode{Record: rec}); err != nil {
			return err
		}
		if role == RoleManager {
			return c.promote(name)
		}
		return nil
	}}
}

// ForceNewCluster is `docker swarm init --force-new-cluster` on a surviving
// manager: it becomes the only manager of a swarm that keeps its copy of the
// state. The other managers are demoted to workers, and must be promoted
// again to restore fault tolerance. Docker accepts it only on a node that
// runs as a manager: here, one whose own committed state says it is one.
func ForceNewCluster(name string) Action {
	return Action{"docker swarm init --force-new-cluster on " + name, func(c *Cluster) error {
		n, ok := c.node(name)
		if !ok {
			return fmt.Errorf("there is no node named %q; the nodes are %s", name, c.nodeRange())
		}
		if n.mgr == nil {
			return fmt.Errorf("%s", msgNotManager)
		}
		if n.locked {
			return ErrSwarmLocked
		}
		if !n.alive {
			return fmt.Errorf("%s is not running: run --force-new-cluster on a surviving manager", name)
		}
		m := n.mgr
		if rec := m.store().Nodes[name]; rec == nil || rec.Role != RoleManager || rec.RaftID != m.raftID {
			// Manager software whose state has not yet caught up with its
			// own promotion: there is no swarm in it to recover.
			return fmt.Errorf("%s", msgNotManager)
		}
		c.check.manager(name, m.raftID, "forced a new cluster")
		// Docker's task IDs are random and never reused; here they count up
		// in the store, and the survivor's count may be behind the tasks the
		// old cluster went on to start, which may still run on nodes it cannot
		// reach. Moving the count past every ID the swarm has seen keeps a new
		// task from taking an old one's name. It goes into the survivor's
		// state before that state becomes the new cluster's first snapshot.
		m.store().NextTask = max(m.store().NextTask, c.highestTaskNumber())
		if err := m.member.ForceNewCluster(m); err != nil {
			return fmt.Errorf("force-new-cluster on %s: %w", name, err)
		}
		m.checkForceNewCluster()
		m.forkIfRestored()
		c.reported = m.store().Index
		c.emit(EventForceNewCluster, name, "%s forced a new cluster: it is the only manager, with the state as of entry %d", name, m.store().Index)
		var others []uint64
		for _, o := range c.managers {
			if o != m {
				others = append(others, o.raftID)
			}
		}
		for _, id := range others {
			c.retire(id)
		}
		m.process()
		var actions []state.Action
		for _, nn := range m.store().NodeNames() {
			if rec := m.store().Nodes[nn]; rec.Role == RoleManager && nn != name {
				next := rec.Clone()
				next.Role, next.RaftID = RoleWorker, 0
				actions = append(actions, &state.AddNode{Record: next, Replace: true})
			}
		}
		if len(actions) == 0 {
			return nil
		}
		return c.propose(actions...)
	}}
}

// highestTaskNumber is the highest task number any manager's store has
// handed out or any node runs.
func (c *roster) highestTaskNumber() uint64 {
	var top uint64
	for _, m := range c.managers {
		top = max(top, m.store().NextTask)
	}
	for _, n := range c.nodes {
		for _, num := range n.Running.Numbers() {
			top = max(top, uint64(num))
		}
		for id := range n.Running.Others() {
			if _, num := state.SplitName(id); uint64(num) > top {
				top = uint64(num)
			}
		}
	}
	return top
}
