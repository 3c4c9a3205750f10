package drillrun

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/swarmsim/swarmsim/az"
	"github.com/swarmsim/swarmsim/cluster"
	"github.com/swarmsim/swarmsim/drill"
	"github.com/swarmsim/swarmsim/internal/scenario"
)

// check is an expectation's outcome.
type check struct {
	ok   bool
	seen string // what was seen; when !ok, what was expected too
}

func held(format string, a ...any) *check   { return &check{ok: true, seen: fmt.Sprintf(format, a...)} }
func failed(format string, a ...any) *check { return &check{seen: fmt.Sprintf(format, a...)} }

// exec performs a command; an expectation gives its check, a command nil.
func (r *Runner) exec(cmd drill.Command) (*check, error) {
	c := r.c
	switch x := cmd.(type) {
	case drill.Cluster:
		return nil, r.build(x)
	case drill.Kill:
		return nil, c.Apply(cluster.Kill(x.Nodes...))
	case drill.KillZone:
		return nil, c.Apply(cluster.KillZone(x.Zone))
	case drill.KillLeader:
		return nil, c.Apply(cluster.KillLeader())
	case drill.KillManagers:
		return nil, c.Apply(cluster.KillManagers(x.N))
	case drill.Restart:
		return nil, c.Apply(cluster.Restart(x.Nodes...))
	case drill.RestartZone:
		return nil, c.Apply(cluster.RestartZone(x.Zone))
	case drill.Partition:
		p, err := az.ParsePartition(strings.Join(x.A, ",")+"|"+strings.Join(x.B, ","), c.Zones())
		if err != nil {
			return nil, err
		}
		return nil, c.Apply(cluster.Partition(p))
	case drill.Heal:
		return nil, c.Apply(cluster.Heal())
	case drill.Wait:
		return nil, r.run(x.Duration)
	case drill.WaitUntil:
		return nil, r.waitUntil(x)
	case drill.ServiceCreate:
		sv := scenario.FromDrill(x)
		if err := r.withinBudget(func(nodes int) map[string]int {
			return map[string]int{sv.Name: scenario.Tasks([]scenario.Service{sv}, nodes)}
		}); err != nil {
			return nil, err
		}
		return nil, c.Apply(cluster.CreateService(sv.Spec()))
	case drill.ServiceScale:
		if err := r.withinBudget(func(int) map[string]int {
			set := map[string]int{}
			for _, t := range x.Targets {
				set[t.Service] = t.Replicas
			}
			return set
		}); err != nil {
			return nil, err
		}
		for _, t := range x.Targets {
			if err := c.Apply(cluster.ScaleService(t.Service, t.Replicas)); err != nil {
				return nil, err
			}
		}
		return nil, nil
	case drill.ServiceUpdate:
		if x.Replicas != nil {
			if err := r.withinBudget(func(int) map[string]int { return map[string]int{x.Name: *x.Replicas} }); err != nil {
				return nil, err
			}
		}
		return nil, c.Apply(cluster.UpdateService(x.Name, func(s *cluster.ServiceSpec) { applyUpdate(s, x) }))
	case drill.ServiceRollback:
		return nil, c.Apply(cluster.RollbackService(x.Name))
	case drill.ServiceRemove:
		for _, n := range x.Names {
			if err := c.Apply(cluster.RemoveService(n)); err != nil {
				return nil, err
			}
		}
		return nil, nil
	case drill.NodeUpdate:
		ch := cluster.NodeChange{Availability: string(x.Availability), LabelRm: x.LabelRm}
		if len(x.LabelAdd) > 0 {
			ch.LabelAdd = map[string]string{}
			for _, l := range x.LabelAdd {
				ch.LabelAdd[l.Key] = l.Value
			}
		}
		return nil, c.Apply(cluster.UpdateNode(x.Node, ch))
	case drill.NodePromote:
		return nil, c.Apply(cluster.Promote(x.Nodes...))
	case drill.NodeDemote:
		return nil, c.Apply(cluster.Demote(x.Nodes...))
	case drill.NodeRemove:
		for _, n := range x.Nodes {
			if err := c.Apply(cluster.RemoveNode(n, x.Force)); err != nil {
				return nil, err
			}
		}
		return nil, nil
	case drill.ForceNewCluster:
		node := x.Node
		if node == "" {
			for _, n := range c.Snapshot().Nodes {
				if n.Role == cluster.RoleManager && n.Alive {
					node = n.Name
					break
				}
			}
		}
		return nil, c.Apply(cluster.ForceNewCluster(node))
	case drill.SwarmUpdate, drill.SwarmUnlockKey, drill.SwarmUnlock, drill.Backup, drill.Restore:
		return nil, r.rehearse(x)
	case drill.SwarmJoin:
		zone := x.Zone
		if zone == "" {
			zone = smallestZone(c.Snapshot())
		}
		return nil, c.Apply(cluster.Join(string(x.Role), zone, x.Name))
	case drill.ExpectError:
		r.expectations++
		_, err := r.exec(x.Cmd)
		var v *cluster.Violation
		switch {
		case errors.As(err, &v):
			return nil, err
		case err == nil:
			return failed("expected the command to fail with %q, but it succeeded", x.Text), nil
		case !strings.Contains(err.Error(), x.Text):
			return failed("expected an error containing %q, saw: %v", x.Text, err), nil
		}
		return held("failed as expected: %v", err), nil
	}
	if ok, err := r.execObjects(cmd); ok {
		return nil, err
	}
	if ok, err := r.execReads(cmd); ok {
		return nil, err
	}
	r.expectations++
	return r.expect(cmd), nil
}

func (r *Runner) waitUntil(x drill.WaitUntil) error {
	limit := x.Within
	if limit == 0 {
		limit = DefaultWaitUntil
	}
	for waited := time.Duration(0); ; waited += time.Second {
		s := r.c.Snapshot()
		if (x.What == drill.UntilLeader && s.Leader != "") || (x.What == drill.UntilQuorum && s.Quorum.Holds) {
			return nil
		}
		if waited >= limit {
			return fmt.Errorf("no %s after %s", x.What, limit)
		}
		if err := r.run(time.Second); err != nil {
			return err
		}
	}
}

// smallestZone is where a node joins when the drill does not say: the zone
// with the fewest nodes, the first of them on a tie.
func smallestZone(s cluster.Snapshot) string {
	best := s.Zones[0]
	for _, z := range s.Zones[1:] {
		if len(z.Nodes) < len(best.Nodes) {
			best = z
		}
	}
	return best.Name
}

// applyUpdate changes what `docker service update` gives, and nothing else.
func applyUpdate(s *cluster.ServiceSpec, x drill.ServiceUpdate) {
	if x.Image != "" {
		s.Image = x.Image
	}
	if x.Replicas != nil {
		s.Replicas = *x.Replicas
	}
	if x.Force {
		s.ForceUpdate++
	}
	for _, k := range x.ConstraintRm {
		s.Constraints = slices.DeleteFunc(s.Constraints, func(c string) bool { return c == k.String() })
	}
	for _, k := range x.ConstraintAdd {
		s.Constraints = append(s.Constraints, k.String())
	}
	for _, p := range x.PlacementPrefRm {
		s.Preferences = slices.DeleteFunc(s.Preferences, func(q string) bool { return q == p.Spread })
	}
	for _, p := range x.PlacementPrefAdd {
		s.Preferences = append(s.Preferences, p.Spread)
	}
	setIf(&s.NanoCPUs, x.ReserveCPU)
	setIf(&s.MemoryBytes, x.ReserveMemory)
	setIf(&s.MaxReplicas, x.MaxReplicasPerNode)
	applyUpdateChange(&s.Update, x.Update)
	applyUpdateChange(&s.Rollback, x.Rollback)
	rc := x.Restart
	if rc.Condition != "" {
		s.Restart.Condition = string(rc.Condition)
	}
	setIf(&s.Restart.Delay, rc.Delay)
	setIf(&s.Restart.MaxAttempts, rc.MaxAttempts)
	setIf(&s.Restart.Window, rc.Window)
	setIf(&s.LimitNanoCPUs, x.LimitCPU)
	setIf(&s.LimitMemoryBytes, x.LimitMemory)
	// docker service update's order: removals first, then additions.
	for _, k := range x.EnvRm {
		s.Env = slices.DeleteFunc(s.Env, func(e string) bool { key, _, _ := strings.Cut(e, "="); return key == k })
	}
	for _, e := range x.EnvAdd {
		key, _, _ := strings.Cut(e, "=")
		s.Env = slices.DeleteFunc(s.Env, func(old string) bool { k, _, _ := strings.Cut(old, "="); return k == key })
		s.Env = append(s.Env, e)
	}
	if len(x.PublishRm) > 0 || len(x.PublishAdd) > 0 {
		for _, p := range x.PublishRm {
			s.Ports = slices.DeleteFunc(s.Ports, func(q cluster.PortConfig) bool {
				return q.Target == uint32(p.Target) && q.Protocol == string(p.Protocol)
			})
		}
		for _, p := range x.PublishAdd {
			if p.Published != 0 { // as a new service's: Docker would pick one
				s.Ports = append(s.Ports, cluster.PortConfig{Published: uint32(p.Published), Target: uint32(p.Target), Protocol: string(p.Protocol), Mode: string(p.Mode)})
			}
		}
		s.HostPorts = nil
		for _, p := range s.Ports {
			if p.Mode == cluster.PublishHost && !slices.Contains(s.HostPorts, p.Published) {
				s.HostPorts = append(s.HostPorts, p.Published)
			}
		}
	}
}

// applyUpdateChange applies the --update-* or --rollback-* flags given.
func applyUpdateChange(c *cluster.UpdateConfig, u drill.UpdateChange) {
	setIf(&c.Parallelism, u.Parallelism)
	setIf(&c.Delay, u.Delay)
	setIf(&c.Monitor, u.Monitor)
	setIf(&c.MaxFailureRatio, u.MaxFailureRatio)
	if u.FailureAction != "" {
		c.FailureAction = string(u.FailureAction)
	}
	if u.Order != "" {
		c.Order = string(u.Order)
	}
}

// setIf sets *dst to *v when v is given.
func setIf[T any](dst *T, v *T) {
	if v != nil {
		*dst = *v
	}
}
