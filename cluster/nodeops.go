package cluster

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/swarmsim/swarmsim/az"
	"github.com/swarmsim/swarmsim/raft"
)

// Docker's refusals for node changes.
const (
	msgLoseQuorum  = "Error response from daemon: rpc error: code = FailedPrecondition desc = can't remove member from the raft: this would result in a loss of quorum"
	msgLastManager = "Error response from daemon: rpc error: code = FailedPrecondition desc = attempting to demote the last manager of the swarm"
)

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
		return c.propose(&updateNode{Node: name, Availability: next.Availability, Labels: next.Labels})
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
		spec := old.clone()
		change(spec)
		spec.Name, spec.Mode = old.Name, old.Mode
		if err := validateSpec(spec); err != nil {
			return err
		}
		if err := checkReferences(s, spec); err != nil {
			return err
		}
		return c.propose(&updateService{Spec: spec, At: c.now.Milliseconds()})
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
		return c.propose(&rollbackService{Name: name, At: c.now.Milliseconds(), Reason: "manually requested rollback"})
	}}
}

// Promote is `docker node promote`: the node gets manager software and
// joins the Raft configuration as a voter.
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

func (c *Cluster) promote(name string) error {
	rec, err := c.nodeRecord(name)
	if err != nil {
		return err
	}
	n, _ := c.node(name) // every node in the store is a machine of the simulation
	if rec.Role == RoleManager {
		return nil // Docker: "Node w1 is already a manager."
	}
	if !n.alive {
		return fmt.Errorf("Error response from daemon: node %s is down and cannot become a manager", name)
	}
	c.nextRaft++
	if err := c.addManager(n, c.nextRaft); err != nil {
		return err
	}
	return c.changeMembership(raft.Change{Op: raft.AddVoter, Node: n.mgr.raftID, Context: []byte(name)}, func(s *Store) bool {
		r := s.Nodes[name]
		return r != nil && r.Role == RoleManager
	})
}

// addManager gives a node manager software with an empty Raft member that
// learns everything from the leader once it is a voter.
func (c *Cluster) addManager(n *node, id uint64) error {
	member, err := raft.NewMember(raft.Config{ID: id, Seed: c.cfg.Seed})
	if err != nil {
		return err
	}
	m := newManager(c, n, id)
	m.member, m.store = member, newStore()
	n.mgr = m
	c.managers = append(c.managers, m)
	c.byRaft[id] = c.byName[n.name]
	c.q.push(timed{at: c.now + TickInterval, kind: evTick, node: c.byName[n.name], epoch: n.epoch})
	return nil
}

// Demote is `docker node demote`, refused like Docker when it would leave
// the swarm without a quorum.
func Demote(names ...string) Action {
	return forEachNode("docker node demote", names, (*Cluster).demote)
}

func (c *Cluster) demote(name string) error {
	rec, err := c.nodeRecord(name)
	if err != nil {
		return err
	}
	if rec.Role != RoleManager {
		return nil // Docker: "Node w1 is already a worker."
	}
	lead := c.leaderManager()
	voters := lead.member.Voters()
	if len(voters) <= 1 {
		return fmt.Errorf("%s", msgLastManager)
	}
	// Swarm counts the managers the leader can reach, without the one
	// leaving, against the quorum of the smaller configuration.
	reachable := 0
	for _, id := range voters {
		if id == rec.RaftID {
			continue
		}
		if i, ok := c.byRaft[id]; ok && c.linked(lead.node, c.nodes[i]) {
			reachable++
		}
	}
	if reachable < az.Quorum(len(voters)-1) {
		return fmt.Errorf("%s", msgLoseQuorum)
	}
	return c.changeMembership(raft.Change{Op: raft.RemoveVoter, Node: rec.RaftID, Context: []byte(name)}, func(s *Store) bool {
		r := s.Nodes[name]
		return r == nil || r.Role == RoleWorker
	})
}

// changeMembership proposes a Raft configuration change and waits, like
// propose, until the leader's store shows done.
func (c *Cluster) changeMembership(ch raft.Change, done func(*Store) bool) error {
	lead := c.leaderManager()
	if lead == nil {
		return ErrNoLeader
	}
	if err := lead.member.ProposeChange(ch); err != nil {
		return ErrNoLeader
	}
	c.process(lead)
	finished := func() bool {
		m := c.leaderManager()
		return m != nil && done(m.store)
	}
	if err := c.runUntil(c.now+RequestTimeout, finished); err != nil {
		return err
	}
	if !finished() {
		return ErrDeadline
	}
	return nil
}

// applyChange records a committed membership change in the store. A manager
// removed from the configuration stops its manager software, once, when the
// change first takes effect.
func (m *manager) applyChange(e raft.Entry, report bool) {
	c, s, ch := m.c, m.store, e.Change
	s.Index = e.Index
	name := string(ch.Context)
	rec := s.Nodes[name]
	if rec == nil {
		return
	}
	defer s.nodeChanged(name) // the orchestrators see the new role
	if ch.Op == raft.AddVoter {
		rec.Role, rec.RaftID = RoleManager, ch.Node
		if report {
			c.emit(EventNodeUpdated, name, "%s promoted: it is now a manager and a Raft voter", name)
		}
		return
	}
	rec.Role, rec.RaftID = RoleWorker, 0
	if report {
		c.emit(EventNodeUpdated, name, "%s demoted: it is now a worker", name)
		c.retiring = append(c.retiring, ch.Node)
	}
}

// retire stops a demoted or cut-away manager's manager software; the node
// goes on as a worker.
func (c *Cluster) retire(id uint64) {
	i, ok := c.byRaft[id]
	if !ok {
		return
	}
	n := c.nodes[i]
	if n.mgr == nil || n.mgr.raftID != id {
		return
	}
	n.mgr.member.Crash()
	c.managers = slices.DeleteFunc(c.managers, func(m *manager) bool { return m == n.mgr })
	delete(c.byRaft, id)
	n.mgr = nil
	c.updateLeader()
}

// nodeRecord is the leader's record of a node, read as Docker's API reads
// it before changing anything.
func (c *Cluster) nodeRecord(name string) (*NodeRecord, error) {
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
		if err := c.propose(&removeNode{Node: name}); err != nil {
			return err
		}
		if n, ok := c.node(name); ok {
			clear(n.running) // it left the swarm: its tasks stop
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
		zi, err := c.zone(zone)
		if err != nil {
			return err
		}
		if role != RoleManager && role != RoleWorker {
			return fmt.Errorf("invalid join token %q: use worker or manager", role)
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
		n := c.addNode(name, zi, 0)
		c.schedule(c.byName[name], n)
		rec := c.record(name, c.zones[zi], RoleWorker, 0)
		if err := c.propose(&addNode{Record: rec}); err != nil {
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
// again to restore fault tolerance.
func ForceNewCluster(name string) Action {
	return Action{"docker swarm init --force-new-cluster on " + name, func(c *Cluster) error {
		n, ok := c.node(name)
		if !ok {
			return fmt.Errorf("there is no node named %q; the nodes are %s", name, c.nodeRange())
		}
		if n.mgr == nil {
			return fmt.Errorf("%s is not a manager: run --force-new-cluster on a surviving manager", name)
		}
		if !n.alive {
			return fmt.Errorf("%s is not running: run --force-new-cluster on a surviving manager", name)
		}
		m := n.mgr
		if err := m.member.ForceNewCluster(m); err != nil {
			return fmt.Errorf("force-new-cluster on %s: %w", name, err)
		}
		c.reported = m.store.Index
		c.emit(EventForceNewCluster, name, "%s forced a new cluster: it is the only manager, with the state as of entry %d", name, m.store.Index)
		var others []uint64
		for _, o := range c.managers {
			if o != m {
				others = append(others, o.raftID)
			}
		}
		for _, id := range others {
			c.retire(id)
		}
		c.process(m)
		var actions []action
		for _, nn := range m.store.NodeNames() {
			if rec := m.store.Nodes[nn]; rec.Role == RoleManager && nn != name {
				next := rec.clone()
				next.Role, next.RaftID = RoleWorker, 0
				actions = append(actions, &addNode{Record: next, Replace: true})
			}
		}
		if len(actions) == 0 {
			return nil
		}
		return c.propose(actions...)
	}}
}
