package main

import (
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/swarmsim/swarmsim/az"
	"github.com/swarmsim/swarmsim/cluster"
	"github.com/swarmsim/swarmsim/drill"
)

// A drill runs one step at a time against a simulated swarm. Commands act;
// expectations check the swarm and, when they fail, say the line, what was
// expected and what was seen, and the drill goes on so that every failure
// is reported.

// defaultWaitUntil bounds `wait until` without `within`.
const defaultWaitUntil = time.Minute

type drillRunner struct {
	out      io.Writer
	st       styles
	file     string
	dir      string // where files named in the drill are found
	c        *cluster.Cluster
	pace     time.Duration // wall time per simulated second; 0 runs flat out
	sleep    func(time.Duration)
	printed  int // events already printed
	checks   int
	failures []string
	check    bool
}

// step runs one step and prints it with what it caused.
func (r *drillRunner) step(s drill.Step) error {
	if r.c == nil {
		if _, ok := s.Cmd.(drill.Cluster); !ok {
			return fmt.Errorf("%s:%d: start with a cluster line, like: cluster managers=3 az=1-1-1 workers=3", r.file, s.Pos.Line)
		}
	}
	at := time.Duration(0)
	if r.c != nil {
		at = r.c.Now()
	}
	fmt.Fprintf(r.out, "%s  %s\n", r.st.timeAt.Render(fmt.Sprintf("%9s", cluster.FormatTime(at))), s.Source)
	res, err := r.exec(s.Cmd)
	r.events()
	switch {
	case err != nil:
		var v *cluster.Violation
		if errors.As(err, &v) {
			return err
		}
		r.fail(s, fmt.Sprintf("the command failed: %v", err))
	case strings.HasPrefix(res, "✗ "):
		r.fail(s, strings.TrimPrefix(res, "✗ "))
	case res != "":
		if strings.HasPrefix(res, "✓") {
			fmt.Fprintf(r.out, "           %s\n", r.st.good.Render(res))
		} else {
			fmt.Fprintf(r.out, "%s\n", indent(res, "           "))
		}
	}
	return nil
}

func (r *drillRunner) fail(s drill.Step, msg string) {
	line := fmt.Sprintf("%s:%d: %s", r.file, s.Pos.Line, msg)
	r.failures = append(r.failures, line)
	fmt.Fprintf(r.out, "           %s\n", r.st.bad.Render("✗ "+line))
}

// events prints the timeline entries the last step caused.
func (r *drillRunner) events() {
	if r.c == nil {
		return
	}
	evs := r.c.Events()
	for _, e := range evs[r.printed:] {
		fmt.Fprintf(r.out, "%s    %s %s\n", r.st.timeAt.Render(fmt.Sprintf("%9s", cluster.FormatTime(e.At))), r.st.kind.Render(fmt.Sprintf("%-16s", e.Kind)), e.Detail)
	}
	r.printed = len(evs)
}

// run advances simulated time, at the teaching pace when one is set.
func (r *drillRunner) run(d time.Duration) error {
	if r.pace == 0 {
		return r.c.RunFor(d)
	}
	for left := d; left > 0; left -= time.Second {
		if err := r.c.RunFor(min(time.Second, left)); err != nil {
			return err
		}
		r.events()
		r.sleep(r.pace)
	}
	return nil
}

// exec performs a command. For expectations it returns "✓ …" or an error
// text starting with "✗"; for commands whose output Docker prints, the
// output.
func (r *drillRunner) exec(cmd drill.Command) (string, error) {
	c := r.c
	switch x := cmd.(type) {
	case drill.Cluster:
		return "", r.build(x)
	case drill.Kill:
		return "", c.Apply(cluster.Kill(x.Nodes...))
	case drill.KillZone:
		return "", c.Apply(cluster.KillZone(x.Zone))
	case drill.KillLeader:
		return "", c.Apply(cluster.KillLeader())
	case drill.KillManagers:
		return "", c.Apply(cluster.KillManagers(x.N))
	case drill.Restart:
		return "", c.Apply(cluster.Restart(x.Nodes...))
	case drill.RestartZone:
		return "", c.Apply(cluster.RestartZone(x.Zone))
	case drill.Partition:
		p, err := az.ParsePartition(strings.Join(x.A, ",")+"|"+strings.Join(x.B, ","), c.Zones())
		if err != nil {
			return "", err
		}
		return "", c.Apply(cluster.Partition(p))
	case drill.Heal:
		return "", c.Apply(cluster.Heal())
	case drill.Wait:
		return "", r.run(x.Duration)
	case drill.WaitUntil:
		return r.waitUntil(x)
	case drill.ServiceCreate:
		return "", c.Apply(cluster.CreateService(specOf(x)))
	case drill.ServiceScale:
		for _, t := range x.Targets {
			if err := c.Apply(cluster.ScaleService(t.Service, t.Replicas)); err != nil {
				return "", err
			}
		}
		return "", nil
	case drill.ServiceUpdate:
		return "", c.Apply(cluster.UpdateService(x.Name, func(s *cluster.ServiceSpec) { applyUpdate(s, x) }))
	case drill.ServiceRollback:
		return "", c.Apply(cluster.RollbackService(x.Name))
	case drill.ServiceRemove:
		for _, n := range x.Names {
			if err := c.Apply(cluster.RemoveService(n)); err != nil {
				return "", err
			}
		}
		return "", nil
	case drill.NodeUpdate:
		ch := cluster.NodeChange{Availability: string(x.Availability), LabelRm: x.LabelRm}
		if len(x.LabelAdd) > 0 {
			ch.LabelAdd = map[string]string{}
			for _, l := range x.LabelAdd {
				ch.LabelAdd[l.Key] = l.Value
			}
		}
		return "", c.Apply(cluster.UpdateNode(x.Node, ch))
	case drill.NodePromote:
		return "", c.Apply(cluster.Promote(x.Nodes...))
	case drill.NodeDemote:
		return "", c.Apply(cluster.Demote(x.Nodes...))
	case drill.NodeRemove:
		for _, n := range x.Nodes {
			if err := c.Apply(cluster.RemoveNode(n, x.Force)); err != nil {
				return "", err
			}
		}
		return "", nil
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
		return "", c.Apply(cluster.ForceNewCluster(node))
	case drill.SwarmJoin:
		zone := x.Zone
		if zone == "" {
			zone = smallestZone(c.Snapshot())
		}
		return "", c.Apply(cluster.Join(string(x.Role), zone, x.Name))
	case drill.ExpectError:
		r.checks++
		_, err := r.exec(x.Cmd)
		var v *cluster.Violation
		switch {
		case errors.As(err, &v):
			return "", err
		case err == nil:
			return fmt.Sprintf("✗ expected the command to fail with %q, but it succeeded", x.Text), nil
		case !strings.Contains(err.Error(), x.Text):
			return fmt.Sprintf("✗ expected an error containing %q, saw: %v", x.Text, err), nil
		}
		return "✓ failed as expected: " + err.Error(), nil
	}
	r.checks++
	return r.expect(cmd), nil
}

// expect checks one expectation against the swarm as it is now.
func (r *drillRunner) expect(cmd drill.Command) string {
	s := r.c.Snapshot()
	switch x := cmd.(type) {
	case drill.ExpectQuorum:
		q := s.Quorum
		seen := fmt.Sprintf("%d of %d managers alive, quorum needs %d, leader %q", q.Alive, q.Members, q.Needed, s.Leader)
		if q.Holds != x.Holds {
			return fmt.Sprintf("✗ expected quorum %s, but it %s: %s", holdsWord(x.Holds), holdsWord(q.Holds), seen)
		}
		return fmt.Sprintf("✓ quorum %s: %s", holdsWord(q.Holds), seen)
	case drill.ExpectLeader:
		zone := ""
		for _, n := range s.Nodes {
			if n.Leader {
				zone = n.Zone
			}
		}
		switch {
		case x.None && s.Leader != "":
			return fmt.Sprintf("✗ expected no leader, but %s leads in term %d", s.Leader, s.Term)
		case x.None:
			return "✓ no leader"
		case s.Leader == "":
			return "✗ expected a leader, but there is none"
		case x.Zone != "" && zone != x.Zone:
			return fmt.Sprintf("✗ expected the leader in zone %s, but %s leads from zone %s", x.Zone, s.Leader, zone)
		}
		return fmt.Sprintf("✓ %s leads in term %d (zone %s)", s.Leader, s.Term, zone)
	case drill.ExpectService:
		i := slices.IndexFunc(s.Services, func(sv cluster.ServiceView) bool { return sv.Name == x.Name })
		if i < 0 {
			return fmt.Sprintf("✗ expected service %s, but there is no such service", x.Name)
		}
		sv := s.Services[i]
		seen := fmt.Sprintf("%d running (%s)", sv.Running, zoneCounts(s, sv))
		if sv.Running != x.Running {
			return fmt.Sprintf("✗ expected %s running %d, saw %s", x.Name, x.Running, seen)
		}
		for _, z := range x.Spread {
			if sv.PerZone[z.Zone] != z.Count {
				return fmt.Sprintf("✗ expected %s with %d in zone %s, saw %s", x.Name, z.Count, z.Zone, seen)
			}
		}
		return fmt.Sprintf("✓ %s: %s", x.Name, seen)
	case drill.ExpectTaskPending:
		var reasons []string
		for _, t := range s.Tasks {
			if t.Service == x.Service && t.Active() && t.State == cluster.TaskPending {
				if strings.Contains(t.Reason, x.Reason) {
					return fmt.Sprintf("✓ %s pending: %s", t.Name(), t.Reason)
				}
				reasons = append(reasons, t.Reason)
			}
		}
		if len(reasons) == 0 {
			return fmt.Sprintf("✗ expected a pending task of %s, but none is pending", x.Service)
		}
		return fmt.Sprintf("✗ expected a pending task of %s with %q, saw: %s", x.Service, x.Reason, strings.Join(reasons, "; "))
	case drill.ExpectNode:
		i := slices.IndexFunc(s.Nodes, func(n cluster.NodeView) bool { return n.Name == x.Node })
		if i < 0 {
			return fmt.Sprintf("✗ expected node %s, but there is no such node", x.Node)
		}
		n := s.Nodes[i]
		seen := fmt.Sprintf("%s is %s and %s", n.Name, n.Status, n.Availability)
		got := n.Status
		if x.State == drill.NodeActive || x.State == drill.NodePause || x.State == drill.NodeDrain {
			got = n.Availability
		}
		if got != string(x.State) {
			return fmt.Sprintf("✗ expected %s %s, but %s", x.Node, x.State, seen)
		}
		return "✓ " + seen
	}
	return fmt.Sprintf("✗ swarmsim cannot check %q yet", cmd)
}

func holdsWord(b bool) string {
	if b {
		return "holds"
	}
	return "is lost"
}

func zoneCounts(s cluster.Snapshot, sv cluster.ServiceView) string {
	var parts []string
	for _, z := range s.Zones {
		parts = append(parts, fmt.Sprintf("%s=%d", z.Name, sv.PerZone[z.Name]))
	}
	return strings.Join(parts, " ")
}

func (r *drillRunner) waitUntil(x drill.WaitUntil) (string, error) {
	limit := x.Within
	if limit == 0 {
		limit = defaultWaitUntil
	}
	for waited := time.Duration(0); ; waited += time.Second {
		s := r.c.Snapshot()
		if (x.What == drill.UntilLeader && s.Leader != "") || (x.What == drill.UntilQuorum && s.Quorum.Holds) {
			return "", nil
		}
		if waited >= limit {
			return "", fmt.Errorf("no %s after %s", x.What, limit)
		}
		if err := r.run(time.Second); err != nil {
			return "", err
		}
	}
}

// build creates the swarm of a cluster line; m1 runs `docker swarm init`.
func (r *drillRunner) build(x drill.Cluster) error {
	seed := uint64(1)
	if x.Seed != nil {
		seed = *x.Seed
	}
	cfg := cluster.Config{Seed: seed, Check: r.check}
	var im *imported
	if x.From != "" || x.Services != "" {
		var err error
		if im, err = importSwarm(r.relative(x.From), r.relative(x.Services)); err != nil {
			return err
		}
	}
	if x.From != "" {
		cfg.Layout, cfg.Nodes = im.layout, im.nodes
	} else {
		layout, err := resolveLayout(x.AZ, x.Managers)
		if err != nil {
			return err
		}
		cfg.Layout = layout.WithWorkers(x.Workers)
	}
	c, err := cluster.New(cfg)
	if err != nil {
		return err
	}
	r.c, r.printed = c, 0
	if err := r.run(time.Second); err != nil {
		return err
	}
	if im != nil && len(im.services) > 0 {
		return c.Apply(cluster.CreateServices(im.services...))
	}
	return nil
}

// relative resolves a file named in a drill against the drill's directory.
func (r *drillRunner) relative(path string) string {
	if path == "" || filepath.IsAbs(path) || r.dir == "" {
		return path
	}
	return filepath.Join(r.dir, path)
}

func specOf(x drill.ServiceCreate) cluster.ServiceSpec {
	s := cluster.NewServiceSpec(x.Name)
	s.Image, s.Mode, s.Replicas = x.Image, string(x.Mode), x.Replicas
	for _, k := range x.Constraints {
		s.Constraints = append(s.Constraints, k.String())
	}
	for _, p := range x.PlacementPrefs {
		s.Preferences = append(s.Preferences, p.Spread)
	}
	s.NanoCPUs, s.MemoryBytes, s.MaxReplicas = x.ReserveCPU, x.ReserveMemory, x.MaxReplicasPerNode
	for _, p := range x.Publish {
		if p.Mode == drill.PortHost {
			s.HostPorts = append(s.HostPorts, uint32(p.Published))
		}
	}
	s.Update.Parallelism, s.Update.Delay = x.Update.Parallelism, x.Update.Delay
	s.Update.FailureAction, s.Update.Order = string(x.Update.FailureAction), string(x.Update.Order)
	s.Restart = cluster.RestartPolicy{Condition: string(x.Restart.Condition), Delay: x.Restart.Delay,
		MaxAttempts: x.Restart.MaxAttempts, Window: x.Restart.Window}
	return s
}

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
	if x.ReserveCPU != nil {
		s.NanoCPUs = *x.ReserveCPU
	}
	if x.ReserveMemory != nil {
		s.MemoryBytes = *x.ReserveMemory
	}
	if x.MaxReplicasPerNode != nil {
		s.MaxReplicas = *x.MaxReplicasPerNode
	}
	u := x.Update
	if u.Parallelism != nil {
		s.Update.Parallelism = *u.Parallelism
	}
	if u.Delay != nil {
		s.Update.Delay = *u.Delay
	}
	if u.FailureAction != "" {
		s.Update.FailureAction = string(u.FailureAction)
	}
	if u.Order != "" {
		s.Update.Order = string(u.Order)
	}
	rc := x.Restart
	if rc.Condition != "" {
		s.Restart.Condition = string(rc.Condition)
	}
	if rc.Delay != nil {
		s.Restart.Delay = *rc.Delay
	}
	if rc.MaxAttempts != nil {
		s.Restart.MaxAttempts = *rc.MaxAttempts
	}
	if rc.Window != nil {
		s.Restart.Window = *rc.Window
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

func indent(s, prefix string) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	for i, l := range lines {
		lines[i] = prefix + l
	}
	return strings.Join(lines, "\n")
}
