package cluster

import (
	"time"

	"fmt"
	"slices"
	"strings"

	"github.com/swarmsim/swarmsim/az"
	"github.com/swarmsim/swarmsim/cluster/state"
	"github.com/swarmsim/swarmsim/internal/fault"
	"github.com/swarmsim/swarmsim/raft"
	"github.com/swarmsim/swarmsim/scheduler"
)

// Action is one thing a user does to the swarm: a failure to inject or a
// Docker command. Apply it with Cluster.Apply.
type Action struct {
	name string
	do   func(*Cluster) error
}

func (a Action) String() string { return a.name }

// Apply performs an action now. Failures (kill, partition) take effect at
// once; desired-state changes go through the leader and Raft and return once
// committed, after the simulated time that took, or with Docker's error.
func (c *Cluster) Apply(a Action) error {
	if c.fault != nil {
		return c.fault
	}
	c.check.disturb()
	err := a.do(c)
	c.check.disturb()
	c.trace.managers()
	c.gate.touch() // it may have changed anything
	if c.fault != nil {
		return c.fault
	}
	return err
}

// Kill crashes nodes by name.
func Kill(names ...string) Action {
	return Action{"kill " + strings.Join(names, " "), func(c *Cluster) error {
		nodes, err := c.lookup(names)
		if err != nil {
			return err
		}
		for _, n := range nodes {
			n.kill()
		}
		c.updateLeader()
		return nil
	}}
}

// KillManagers crashes n live managers: the leader first, then a seeded
// choice among the others.
func KillManagers(n int) Action {
	return Action{fmt.Sprintf("kill %d managers", n), func(c *Cluster) error {
		var alive []*node
		for _, nd := range c.nodes {
			if nd.mgr != nil && nd.alive && nd.name != c.leader {
				alive = append(alive, nd)
			}
		}
		var victims []*node
		if lead := c.leaderManager(); lead != nil {
			victims = append(victims, lead.node)
		}
		if n < 0 || n > len(alive)+len(victims) {
			return fmt.Errorf("cannot kill %d managers: %d are alive", n, len(alive)+len(victims))
		}
		c.victimRand.Shuffle(len(alive), func(i, j int) { alive[i], alive[j] = alive[j], alive[i] })
		victims = append(victims, alive...)
		for _, v := range victims[:n] {
			v.kill()
		}
		c.updateLeader()
		return nil
	}}
}

// KillLeader crashes the current leader.
func KillLeader() Action {
	return Action{"kill leader", func(c *Cluster) error {
		m := c.leaderManager()
		if m == nil {
			return fmt.Errorf("there is no leader to kill")
		}
		m.node.kill()
		c.updateLeader()
		return nil
	}}
}

// KillZone crashes every node of a zone at once.
func KillZone(zone string) Action {
	return Action{"kill az " + zone, func(c *Cluster) error {
		zi, err := c.zone(zone)
		if err != nil {
			return err
		}
		var victims []*node
		var names []string
		for _, n := range c.nodes {
			if n.zone == zi && (n.alive || n.locked) {
				victims = append(victims, n)
				names = append(names, n.name)
			}
		}
		c.emit(EventZoneDown, "", "zone %s failed: %s", zone, listOrNone(names))
		for _, n := range victims {
			n.crash()
		}
		c.updateLeader()
		return nil
	}}
}

// Restart brings crashed nodes back. Managers recover from their Raft
// storage and catch up with the leader.
func Restart(names ...string) Action {
	return Action{"restart " + strings.Join(names, " "), func(c *Cluster) error {
		nodes, err := c.lookup(names)
		if err != nil {
			return err
		}
		for _, n := range nodes {
			if err := n.restart(); err != nil {
				return err
			}
		}
		return nil
	}}
}

// RestartZone brings back every crashed node of a zone.
func RestartZone(zone string) Action {
	return Action{"restart az " + zone, func(c *Cluster) error {
		zi, err := c.zone(zone)
		if err != nil {
			return err
		}
		for _, n := range c.nodes {
			if n.zone == zi && !n.alive && n.replacedBy == nil {
				if err := n.restart(); err != nil {
					return err
				}
			}
		}
		return nil
	}}
}

// Partition cuts the links between the two sides; it replaces any earlier
// partition.
func Partition(p az.Partition) Action {
	return Action{"partition " + p.String(), func(c *Cluster) error {
		for _, side := range p.Sides {
			for _, z := range side {
				if _, err := c.zone(z); err != nil {
					return err
				}
			}
		}
		c.wakeAll()
		for a := range c.cut {
			for b := range c.cut[a] {
				c.cut[a][b] = p.Cut(c.zones[a], c.zones[b])
			}
		}
		c.emit(EventPartition, "", "network partition: %s cannot reach %s", strings.Join(p.Sides[0], ","), strings.Join(p.Sides[1], ","))
		return nil
	}}
}

// Heal restores every link.
func Heal() Action {
	return Action{"heal", func(c *Cluster) error {
		c.wakeAll()
		for a := range c.cut {
			clear(c.cut[a])
		}
		c.emit(EventHeal, "", "network healed: every zone reaches every other")
		return nil
	}}
}

// CreateService is `docker service create`.
func CreateService(spec ServiceSpec) Action {
	return Action{"docker service create " + spec.Name, func(c *Cluster) error {
		s, err := c.leaderStore()
		if err != nil {
			return err
		}
		if err := validateSpec(&spec); err != nil {
			return err
		}
		if s.Services[spec.Name] != nil {
			return fmt.Errorf("Error response from daemon: rpc error: code = AlreadyExists desc = name conflicts with an existing object: service %s already exists", spec.Name)
		}
		if err := allocatePorts(s, &spec); err != nil {
			return err
		}
		if err := checkReferences(s, &spec, c.cfg.Seed); err != nil {
			return err
		}
		return c.propose(&state.CreateService{Spec: &spec})
	}}
}

// CreateServices creates several services in turn, stopping at the first
// error, which names the service.
func CreateServices(specs ...ServiceSpec) Action {
	return Action{"docker service create …", func(c *Cluster) error {
		for _, spec := range specs {
			if err := CreateService(spec).do(c); err != nil {
				return fmt.Errorf("creating service %s: %w", spec.Name, err)
			}
		}
		return nil
	}}
}

// ScaleService is `docker service scale NAME=N`.
func ScaleService(name string, replicas int) Action {
	return Action{fmt.Sprintf("docker service scale %s=%d", name, replicas), func(c *Cluster) error {
		_, old, err := c.service(name)
		if err != nil {
			return err
		}
		if old.Mode != ModeReplicated && old.Mode != ModeReplicatedJob {
			return fmt.Errorf("%s: scale can only be used with replicated or replicated-job mode", name)
		}
		if replicas < 0 {
			return fmt.Errorf("invalid replicas value %d for %s: it must be 0 or more", replicas, name)
		}
		spec := old.Clone()
		spec.Replicas = replicas
		return c.propose(&state.UpdateService{Spec: spec, At: c.now.Milliseconds()})
	}}
}

// RemoveService is `docker service rm`.
func RemoveService(name string) Action {
	return Action{"docker service rm " + name, func(c *Cluster) error {
		_, _, err := c.service(name)
		if err != nil {
			return err
		}
		return c.propose(&state.RemoveService{Name: name})
	}}
}

// NewServiceSpec returns a replicated service of one task with Docker's
// defaults for updates and restarts, ready to be adjusted.
func NewServiceSpec(name string) ServiceSpec {
	return ServiceSpec{Name: name, Image: "nginx", Mode: ModeReplicated, Replicas: 1, Update: DefaultUpdate, Restart: DefaultRestart}
}

func validateSpec(spec *ServiceSpec) error {
	if spec.Name == "" {
		return fmt.Errorf("a service needs a name: --name web")
	}
	if spec.Update.FailureAction == "" {
		spec.Update.FailureAction = DefaultUpdate.FailureAction
	}
	if spec.Update.Order == "" {
		spec.Update.Order = DefaultUpdate.Order
	}
	if spec.Update.Monitor == 0 {
		spec.Update.Monitor = DefaultUpdate.Monitor
	}
	if spec.Restart.Condition == "" {
		spec.Restart.Condition = DefaultRestart.Condition
	}
	if !slices.Contains([]string{"pause", "continue", "rollback"}, spec.Update.FailureAction) {
		return fmt.Errorf("invalid update failure action %q for service %s: use pause, continue or rollback", spec.Update.FailureAction, spec.Name)
	}
	if !slices.Contains([]string{"stop-first", "start-first"}, spec.Update.Order) {
		return fmt.Errorf("invalid update order %q for service %s: use stop-first or start-first", spec.Update.Order, spec.Name)
	}
	if !slices.Contains([]string{"none", "on-failure", "any"}, spec.Restart.Condition) {
		return fmt.Errorf("invalid restart condition %q for service %s: use none, on-failure or any", spec.Restart.Condition, spec.Name)
	}
	for _, p := range spec.Preferences {
		if !strings.HasPrefix(p, "node.labels.") && !strings.HasPrefix(p, "engine.labels.") {
			return fmt.Errorf("invalid placement preference %q for service %s: spread over a label, like spread=node.labels.zone", p, spec.Name)
		}
	}
	if err := validateMode(spec); err != nil {
		return err
	}
	for _, k := range spec.Constraints {
		if _, err := scheduler.ParseConstraint(k); err != nil {
			return fmt.Errorf("service %s: %w", spec.Name, err)
		}
	}
	return validateExtras(spec)
}

// validateMode checks a service's mode and counts, and fills in what
// Docker leaves out: a replicated job runs all its completions at once
// unless --max-concurrent says otherwise.
func validateMode(spec *ServiceSpec) error {
	switch spec.Mode {
	case "":
		spec.Mode = ModeReplicated
	case ModeReplicated, ModeGlobal, ModeReplicatedJob, ModeGlobalJob:
	default:
		return fmt.Errorf("invalid mode %q for service %s: use replicated, global, replicated-job or global-job", spec.Mode, spec.Name)
	}
	if spec.Replicas < 0 {
		return fmt.Errorf("invalid replicas value %d for service %s: it must be 0 or more", spec.Replicas, spec.Name)
	}
	if spec.MaxConcurrent < 0 {
		return fmt.Errorf("invalid max-concurrent value %d for service %s: it must be 0 or more", spec.MaxConcurrent, spec.Name)
	}
	if spec.Mode != ModeReplicatedJob && spec.MaxConcurrent != 0 {
		return fmt.Errorf("service %s: max-concurrent can only be used with replicated-job mode", spec.Name)
	}
	switch spec.Mode {
	case ModeGlobal, ModeGlobalJob:
		spec.Replicas = 0
	case ModeReplicatedJob:
		if spec.MaxConcurrent == 0 {
			spec.MaxConcurrent = spec.Replicas
		}
	}
	return nil
}

// service is the leader's spec of a service, with the store it is in.
func (c *roster) service(name string) (*Store, *ServiceSpec, error) {
	s, err := c.leaderStore()
	if err != nil {
		return nil, nil, err
	}
	spec := s.Services[name]
	if spec == nil {
		return nil, nil, fmt.Errorf("Error: No such service: %s", name)
	}
	return s, spec, nil
}

// leaderStore is the leader's store, which Docker's API reads before it
// proposes: without a leader nothing can be read or changed.
func (c *roster) leaderStore() (*Store, error) {
	m := c.leaderManager()
	if m == nil {
		return nil, c.noLeader()
	}
	return m.store(), nil
}

func (n *node) kill() {
	c := n.c
	if n.alive || n.locked {
		c.emit(EventKill, n.name, "%s killed (%s in zone %s)", n.name, n.role(), c.zones[n.zone])
		n.crash()
	}
}

// crash stops a node as a power cut would.
func (n *node) crash() {
	n.c.wakeAll()
	n.alive, n.locked = false, false
	n.c.check.unlocked(n) // off: it no longer waits for a key
	n.epoch++
	n.Crash()
	if n.mgr != nil {
		n.mgr.member.Crash()
		n.mgr.last = raft.Status{ID: n.mgr.raftID}
		if n.mgr.lead != nil {
			n.mgr.lead.stop()
			n.mgr.lead = nil
		}
	}
}

func (n *node) restart() error {
	c := n.c
	if n.alive || n.locked {
		return nil
	}
	if n.replacedBy != nil {
		return n.gone()
	}
	c.emit(EventRestart, n.name, "%s restarted (%s in zone %s)", n.name, n.role(), c.zones[n.zone])
	c.check.starting(n)
	if n.mgr != nil && n.mgr.sealKey() != "" && !fault.Is(fault.AutolockSkipped) {
		n.lock()
		return nil
	}
	return n.boot()
}

// boot starts a node's swarm software: its manager recovers from its Raft
// storage and catches up; its agent opens a session with the leader.
func (n *node) boot() error {
	c := n.c
	c.wakeAll()
	n.alive = true
	n.epoch++
	n.Dirty = true // its new session tells the leader it runs nothing
	if n.mgr != nil {
		n.mgr.setStore(state.NewStore())
		c.check.restored(n.mgr, 0)
		if err := n.mgr.member.Restart(n.mgr); err != nil {
			return fmt.Errorf("restarting %s: %w", n.name, err)
		}
		n.mgr.process()
	}
	i := c.byName[n.name]
	n.schedule(i)
	if !n.left {
		c.nodes[i].heartbeat(i) // an agent opens its session as soon as it starts
	}
	return nil
}

func (n *node) role() string {
	if n.mgr != nil {
		return RoleManager
	}
	return RoleWorker
}

func (c *roster) lookup(names []string) ([]*node, error) {
	if len(names) == 0 {
		return nil, fmt.Errorf("name at least one node, like m1 or w3")
	}
	var out []*node
	for _, name := range names {
		n, ok := c.node(name)
		if !ok {
			return nil, fmt.Errorf("there is no node named %q; the nodes are %s", name, c.nodeRange())
		}
		out = append(out, n)
	}
	return out, nil
}

// nodeRange names the nodes briefly: m1…m5, w1…w6.
func (c *roster) nodeRange() string {
	var mgrs, workers []string
	for _, n := range c.nodes {
		if n.mgr != nil {
			mgrs = append(mgrs, n.name)
		} else {
			workers = append(workers, n.name)
		}
	}
	span := func(names []string) string {
		switch len(names) {
		case 0:
			return ""
		case 1:
			return names[0]
		}
		return names[0] + "…" + names[len(names)-1]
	}
	return strings.Join(slices.DeleteFunc([]string{span(mgrs), span(workers)}, func(s string) bool { return s == "" }), ", ")
}

func (c *network) zone(name string) (int, error) {
	zi, ok := c.zoneOf[name]
	if !ok {
		return 0, fmt.Errorf("there is no zone %q; the zones are %s", name, strings.Join(c.zones, ", "))
	}
	return zi, nil
}

// joinZone is the zone a joining node names. In Docker a zone is only a
// node label (node.labels.zone), so a node may be the first of its zone:
// a new zone is added, reachable from every other (a partition in force
// names only the zones it knew) and with the default delays.
func (c *network) joinZone(name string) int {
	if zi, ok := c.zoneOf[name]; ok {
		return zi
	}
	zi := len(c.zones)
	c.zones = append(c.zones, name)
	c.zoneOf[name] = zi
	for i := range c.cut {
		c.cut[i] = append(c.cut[i], false)
	}
	c.cut = append(c.cut, make([]bool, len(c.zones)))
	if c.rtt != nil {
		for i := range c.rtt {
			c.rtt[i] = append(c.rtt[i], 0)
		}
		c.rtt = append(c.rtt, make([]time.Duration, len(c.zones)))
	}
	return zi
}

func listOrNone(names []string) string {
	if len(names) == 0 {
		return "no node was alive there"
	}
	return strings.Join(names, ", ") + " killed"
}
