package main

import (
	"slices"
	"time"

	"github.com/swarmsim/swarmsim/cluster"
)

// settleLimit bounds how long the swarm may take to form and place its
// services before the failure is injected.
const settleLimit = 2 * time.Minute

// Verdicts, as the JSON output spells them.
const (
	verdictHolds      = "holds"
	verdictQuorumLost = "quorum-lost"
	verdictDegraded   = "degraded"
)

// outcome is everything a headline run found out; the text and JSON
// renderers both draw from it.
type outcome struct {
	opts       *options
	before     cluster.Snapshot
	after      cluster.Snapshot
	injectedAt time.Duration
	events     []cluster.Event // from the failure on
	killed     []string
	electedIn  *time.Duration // time from the failure to a new leader; nil if none was needed or none came
	verdict    string
}

// workload is the services to run: imported ones, then --service and
// --global, or, when none is given, a default workload so placement is
// visible: a replicated web service with two tasks per zone, spread over
// zones, and a global agent.
func workload(o *options) []cluster.ServiceSpec {
	var specs []cluster.ServiceSpec
	if o.imported != nil {
		specs = append(specs, o.imported.services...)
	}
	flags := o.services
	if len(flags) == 0 && len(specs) == 0 {
		flags = []serviceFlag{{name: "web", replicas: 2 * len(o.layout.Zones)}, {name: "agent", global: true}}
	}
	for _, s := range flags {
		spec := cluster.NewServiceSpec(s.name)
		spec.Replicas, spec.Preferences = s.replicas, []string{"node.labels.zone"}
		if s.global {
			spec.Mode, spec.Replicas, spec.Preferences, spec.Image = cluster.ModeGlobal, 0, nil, s.name
		}
		specs = append(specs, spec)
	}
	return specs
}

func simulate(o *options) (*outcome, error) {
	cfg := cluster.Config{Seed: o.seed, Layout: o.layout, Check: o.check}
	if o.imported != nil {
		cfg.Nodes = o.imported.nodes
	}
	c, err := cluster.New(cfg)
	if err != nil {
		return nil, err
	}
	// The first manager's `docker swarm init` election takes a few
	// milliseconds; the services need it.
	if err := c.RunFor(time.Second); err != nil {
		return nil, err
	}
	if err := c.Apply(cluster.CreateServices(workload(o)...)); err != nil {
		return nil, err
	}
	if _, err := c.Settle(settleLimit); err != nil {
		return nil, err
	}

	out := &outcome{opts: o, before: c.Snapshot(), injectedAt: c.Now()}
	for _, a := range failures(o) {
		if err := c.Apply(a); err != nil {
			return nil, err
		}
	}
	if err := c.RunFor(o.duration); err != nil {
		return nil, err
	}
	out.after = c.Snapshot()
	out.events = c.EventsSince(out.injectedAt)

	alive := map[string]bool{}
	for _, n := range out.after.Nodes {
		alive[n.Name] = n.Alive
	}
	for _, n := range out.before.Nodes {
		if n.Alive && !alive[n.Name] {
			out.killed = append(out.killed, n.Name)
		}
	}
	for _, e := range out.events {
		if e.Kind == cluster.EventLeaderElected {
			d := e.At - out.injectedAt
			out.electedIn = &d
			break
		}
	}
	out.verdict = verdictOf(out.after)
	return out, nil
}

// failures turns the flags into actions, in a fixed order: the network
// first, then a zone, then managers.
func failures(o *options) []cluster.Action {
	var acts []cluster.Action
	if o.partition != nil {
		acts = append(acts, cluster.Partition(*o.partition))
	}
	if o.killAZ != "" {
		acts = append(acts, cluster.KillZone(o.killAZ))
	}
	if len(o.killNames) > 0 {
		acts = append(acts, cluster.Kill(o.killNames...))
	}
	if o.killCount > 0 {
		acts = append(acts, cluster.KillManagers(o.killCount))
	}
	return acts
}

func verdictOf(s cluster.Snapshot) string {
	if !s.Quorum.Holds {
		return verdictQuorumLost
	}
	for _, sv := range s.Services {
		if sv.Running < sv.Desired || sv.Pending > 0 {
			return verdictDegraded
		}
	}
	return verdictHolds
}

// survivors are the live managers, the ones that could run
// `docker swarm init --force-new-cluster`.
func survivors(s cluster.Snapshot) []string {
	var out []string
	for _, n := range s.Nodes {
		if n.Role == cluster.RoleManager && n.Alive {
			out = append(out, n.Name)
		}
	}
	return slices.Clip(out)
}
