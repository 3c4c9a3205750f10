package scenario

import (
	"fmt"
	"slices"
	"time"

	"github.com/swarmsim/swarmsim/az"
	"github.com/swarmsim/swarmsim/cluster"
	"github.com/swarmsim/swarmsim/internal/limits"
)

// SettleLimit bounds how long the swarm may take to form and place its
// services before the failure is injected.
const SettleLimit = 2 * time.Minute

// Verdict sums up a headline run; the JSON output spells it this way.
type Verdict string

const (
	Holds      Verdict = "holds"       // quorum held and every service reached its desired count
	QuorumLost Verdict = "quorum-lost" // no leader hears a quorum at the end
	Degraded   Verdict = "degraded"    // quorum held, but a service ended short
)

// Spec is one headline run.
type Spec struct {
	// Progress, when set, hears how much simulated time has run since
	// the failure, of For, as the run goes.
	Progress func(done, total time.Duration) `json:"-"`
	Seed     uint64
	Layout   az.Layout          // managers and workers per zone
	Nodes    []cluster.NodeSpec // an imported swarm's nodes; nil builds the Layout's m1…, w1…
	Services []Service          // nil runs DefaultWorkload, unless a Stack is given
	Stack    *Stack             // deployed after Services, as docker stack deploy does
	Failure  Failure
	For      time.Duration // simulated time after the failure
	Check    bool          // run the invariant checker on every step
	RTT      cluster.RTT   // round trips between zones; pairs not given keep the simulator's defaults
	Record   bool          // keep a History of the run for a timeline (Outcome.History)
	Raft     bool          // read every manager's Raft at the end (Outcome.Raft)
	// Autolock is `docker swarm init --autolock`: managers that restart
	// come back locked.
	Autolock bool
	// RestartAfter, when set, restarts every node the failure killed that
	// long after it, as power coming back would; it is less than For.
	RestartAfter time.Duration
}

// Budget refuses a run that would cost more memory or time than a laptop
// gives one command (see internal/limits): the tasks of every service
// together, and the managers and nodes for the simulated time after the
// failure (settling takes seconds, next to it).
func (s Spec) Budget() error {
	nodes, tasks := s.Size()
	if err := limits.CheckTasks(tasks); err != nil {
		return err
	}
	return limits.CheckRun(s.Layout.Managers(), nodes, s.For)
}

// Size counts the swarm's nodes (the imported ones, or the Layout's) and
// the tasks its services ask for, a stack's included (Tasks).
func (s Spec) Size() (nodes, tasks int) {
	nodes = s.Layout.Managers() + s.Layout.Workers()
	if s.Nodes != nil {
		nodes = len(s.Nodes)
	}
	services := s.Services
	if s.Stack != nil {
		services = append(slices.Clip(services), s.Stack.Services...)
	}
	return nodes, Tasks(services, nodes)
}

// Tasks counts the desired tasks of services on a swarm of nodes: a
// global service's on every node, as the most it can have.
func Tasks(services []Service, nodes int) int {
	n := 0
	for _, sv := range services {
		if sv.Global {
			n += nodes
		} else {
			n += sv.Replicas
		}
	}
	return n
}

// Failure is what a headline run injects once the swarm has settled, in
// this order: the partition, the zones, the nodes by name, then the count
// of managers.
type Failure struct {
	Partition *az.Partition // cut the network between two sets of zones
	Zones     []string      // zones whose nodes all die
	Nodes     []string      // nodes killed by name
	Managers  int           // managers killed: the leader first, then a seeded choice
}

// None reports whether nothing is injected.
func (f Failure) None() bool {
	return f.Partition == nil && len(f.Zones) == 0 && len(f.Nodes) == 0 && f.Managers == 0
}

// actions turns the failure into cluster actions, in its fixed order.
func (f Failure) actions() []cluster.Action {
	var acts []cluster.Action
	if f.Partition != nil {
		acts = append(acts, cluster.Partition(*f.Partition))
	}
	for _, z := range f.Zones {
		acts = append(acts, cluster.KillZone(z))
	}
	if len(f.Nodes) > 0 {
		acts = append(acts, cluster.Kill(f.Nodes...))
	}
	if f.Managers > 0 {
		acts = append(acts, cluster.KillManagers(f.Managers))
	}
	return acts
}

// Outcome is everything a headline run found out.
type Outcome struct {
	Spec       Spec
	Before     cluster.Snapshot // once settled, just before the failure
	After      cluster.Snapshot // at the end
	InjectedAt time.Duration
	Events     []cluster.Event // from the failure on
	Killed     []string        // nodes alive before and dead after, in node order
	ElectedIn  *time.Duration  // from the failure to the first new leader; nil when none was needed or none came
	Verdict    Verdict
	// Warnings are package az's warnings about the layout (an even count,
	// more than 7 managers, one or two zones), one sentence each.
	Warnings []string
	History  *History           // with Spec.Record; nil otherwise
	Raft     []cluster.RaftView // with Spec.Raft: every manager's Raft at the end
	// UnlockKey is the swarm's unlock key at the end when autolock is on:
	// what `docker swarm unlock` on a locked manager needs.
	UnlockKey string
}

// LiveManagers are the managers alive and unlocked at the end: the ones
// that could run `docker swarm init --force-new-cluster`.
func (o *Outcome) LiveManagers() []string {
	var out []string
	for _, n := range o.After.Nodes {
		if n.Role == cluster.RoleManager && n.Alive && !n.Locked {
			out = append(out, n.Name)
		}
	}
	return out
}

// Run builds the swarm (m1 runs `docker swarm init`), creates the services,
// lets it settle, injects the failure, runs for spec.For and reports. An
// error is a *cluster.Violation when the checker found one, or the
// simulation refusing the spec.
func Run(spec Spec) (*Outcome, error) {
	if err := spec.Budget(); err != nil {
		return nil, err
	}
	c, err := cluster.New(cluster.Config{Seed: spec.Seed, Layout: spec.Layout, Nodes: spec.Nodes, Check: spec.Check, RTT: spec.RTT, Trace: spec.Record, Autolock: spec.Autolock})
	if err != nil {
		return nil, err
	}
	// The first manager's `docker swarm init` election takes a few
	// milliseconds; the services need it.
	if err := c.RunFor(time.Second); err != nil {
		return nil, err
	}
	services := spec.Services
	if services == nil && spec.Stack == nil {
		services = DefaultWorkload(len(spec.Layout.Zones))
	}
	if err := c.Apply(cluster.CreateServices(Specs(services)...)); err != nil {
		return nil, err
	}
	if spec.Stack != nil {
		if _, err := DeployStack(c, spec.Stack); err != nil {
			return nil, fmt.Errorf("deploying stack %s: %w", spec.Stack.Name, err)
		}
	}
	if _, err := c.Settle(SettleLimit); err != nil {
		return nil, err
	}

	out := &Outcome{Spec: spec, Before: c.Snapshot(), InjectedAt: c.Now(), Warnings: az.Assess(spec.Layout).Warnings}
	for _, a := range spec.Failure.actions() {
		if err := c.Apply(a); err != nil {
			return nil, err
		}
	}
	alive := map[string]bool{}
	for _, m := range c.Machines() { // not a Snapshot: that counts every task
		alive[m.Name] = m.Alive || m.Locked
	}
	for _, n := range out.Before.Nodes {
		if n.Alive && !alive[n.Name] {
			out.Killed = append(out.Killed, n.Name)
		}
	}
	run := c.RunFor
	if spec.Progress != nil {
		// Heard once per hundredth of the run, not on every event.
		var told time.Duration
		run = func(d time.Duration) error {
			return c.RunWatched(d, func() {
				if done := c.Now() - out.InjectedAt; done-told >= spec.For/100 {
					told = done
					spec.Progress(done, spec.For)
				}
			})
		}
	}
	if spec.Record {
		out.History = &History{}
		out.History.begin(c, spec.For)
		run = func(d time.Duration) error { return out.History.run(c, d) }
	}
	if err := runFailure(c, spec, out.Killed, run); err != nil {
		return nil, err
	}
	if out.History != nil {
		out.History.end(c)
	}
	out.After = c.Snapshot()
	if spec.Raft {
		out.Raft = c.Raft()
	}
	out.Events = c.EventsSince(out.InjectedAt)
	if keys := c.UnlockKeys(); out.After.Autolock && len(keys) > 0 {
		out.UnlockKey = keys[len(keys)-1]
	}
	for _, e := range out.Events {
		if e.Kind == cluster.EventLeaderElected {
			d := e.At - out.InjectedAt
			out.ElectedIn = &d
			break
		}
	}
	out.Verdict = verdictOf(out.After)
	return out, nil
}

// runFailure runs spec.For after the failure, restarting the killed nodes
// spec.RestartAfter into it when asked to.
func runFailure(c *cluster.Cluster, spec Spec, killed []string, run func(time.Duration) error) error {
	if spec.RestartAfter == 0 || len(killed) == 0 {
		return run(spec.For)
	}
	if err := run(spec.RestartAfter); err != nil {
		return err
	}
	if err := c.Apply(cluster.Restart(killed...)); err != nil {
		return err
	}
	return run(spec.For - spec.RestartAfter)
}

func verdictOf(s cluster.Snapshot) Verdict {
	if !s.Quorum.Holds {
		return QuorumLost
	}
	for _, sv := range s.Services {
		if sv.Running < sv.Desired || sv.Pending > 0 {
			return Degraded
		}
	}
	return Holds
}

// NodeSpecs are the swarm's nodes: the imported ones, or the Layout's named
// as cluster.Config names them, managers m1, m2, … then workers w1, w2, …,
// each zone by zone.
func (s Spec) NodeSpecs() []cluster.NodeSpec {
	if s.Nodes != nil {
		return s.Nodes
	}
	return cluster.LayoutNodes(s.Layout)
}
