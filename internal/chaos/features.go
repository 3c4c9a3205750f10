package chaos

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/swarmsim/swarmsim/cluster"
	"github.com/swarmsim/swarmsim/internal/scenario"
)

// The second wave's features in a schedule: stacks whose services use
// secrets, configs, ingress and host ports, health checks, constraints,
// placement preferences, max-replicas per node and reservations; secrets
// made and removed; updates with every failure action, rollbacks and
// restart policies; autolock turned on and off, managers unlocked, keys
// rotated; backups and restores; node labels and service constraints
// changed. Each draws its details from the schedule's stream, so a run
// replays from its seed.

// stackNames are the stacks a schedule deploys: few, so that a deploy is
// often an update of a stack already there.
var stackNames = []string{"shop", "blog"}

// hostPorts and ingressPorts are few, so that services compete for them.
var (
	hostPorts    = []uint32{9000, 9001}
	ingressPorts = []uint32{8080, 8081, 8082}
)

// nodeLabels are the labels constraints read: a node's tier.
var tiers = []string{"front", "back"}

// feature draws one of the second wave's actions.
func (s *schedule) feature(n int) injection {
	switch n {
	case 0, 1:
		return s.stackDeploy()
	case 2:
		return s.stackRm()
	case 3:
		return s.secret()
	case 4:
		return s.rollback()
	case 5:
		return s.constraint()
	case 6:
		on := s.r.IntN(3) > 0
		return s.act(KindAutolock, cluster.SetAutolock(on))
	case 7:
		return s.unlock()
	case 8:
		return s.act(KindRotateKey, cluster.RotateUnlockKey())
	case 9, 10:
		return s.backup()
	case 11, 12:
		return s.restore()
	default:
		return s.update()
	}
}

// stack builds a stack file's worth of services, each with features drawn
// at random: deployed again, the stack's services change, as a new
// version of the file would change them.
func (s *schedule) stack(name string) *scenario.Stack {
	r := s.r
	ns := map[string]string{cluster.LabelNamespace: name}
	st := &scenario.Stack{Name: name,
		Secrets: []scenario.StackObject{{Name: name + "_token", Labels: ns, Digest: 1}},
		Configs: []scenario.StackObject{{Name: name + "_conf", Labels: ns, Digest: 1}},
	}
	for _, svc := range []string{"api", "db", "edge"}[:1+r.IntN(3)] {
		sv := scenario.Replicated(name+"_"+svc, 1+r.IntN(3))
		sv.Image = fmt.Sprintf("%s:%d", svc, 1+r.IntN(3))
		if r.IntN(6) == 0 {
			sv.Image = fmt.Sprintf("%s/%s:%d", cluster.FailingImagePrefix, svc, r.IntN(3))
		}
		sv.Labels = ns
		if r.IntN(2) == 0 {
			sv.Secrets = []string{name + "_token"}
		}
		if r.IntN(2) == 0 {
			sv.Configs = []string{name + "_conf"}
		}
		switch r.IntN(4) {
		case 0:
			sv.Ports = []cluster.PortConfig{{Published: hostPorts[r.IntN(len(hostPorts))], Target: 80, Protocol: "tcp", Mode: cluster.PublishHost}}
		case 1:
			sv.Ports = []cluster.PortConfig{{Published: ingressPorts[r.IntN(len(ingressPorts))], Target: 80, Protocol: "tcp", Mode: cluster.PublishIngress}}
		}
		if r.IntN(3) == 0 {
			sv.Health = cluster.HealthCheck{Cmd: "curl -f http://localhost/", Interval: time.Duration(1+r.IntN(5)) * time.Second, Retries: 1 + r.IntN(3)}
		}
		if r.IntN(3) == 0 {
			sv.Constraints = []string{s.constraintText()}
		}
		if r.IntN(3) == 0 {
			sv.Spread = []string{"node.labels.tier"}
		}
		if r.IntN(3) == 0 {
			sv.MaxPerNode = 1 + r.IntN(2)
		}
		if r.IntN(3) == 0 {
			sv.NanoCPUs = int64(1+r.IntN(4)) * 250_000_000
			sv.MemoryBytes = int64(1+r.IntN(4)) << 28
		}
		sv.Update, sv.Restart = s.updateConfig(), s.restartPolicy()
		st.Services = append(st.Services, sv)
	}
	return st
}

func (s *schedule) constraintText() string {
	switch s.r.IntN(3) {
	case 0:
		return "node.role==worker"
	case 1:
		return "node.labels.tier!=" + tiers[s.r.IntN(len(tiers))]
	}
	return "node.labels.tier==" + tiers[s.r.IntN(len(tiers))]
}

// updateConfig draws an update config with any failure action and order.
func (s *schedule) updateConfig() *cluster.UpdateConfig {
	r := s.r
	u := cluster.DefaultUpdate
	u.Parallelism = r.IntN(3)
	u.FailureAction = []string{"pause", "continue", "rollback"}[r.IntN(3)]
	u.Order = []string{"stop-first", "start-first"}[r.IntN(2)]
	u.Monitor = time.Duration(1+r.IntN(5)) * time.Second
	u.Delay = time.Duration(r.IntN(3)) * time.Second
	if r.IntN(2) == 0 {
		u.MaxFailureRatio = 250_000 * r.IntN(4)
	}
	return &u
}

// restartPolicy draws a restart policy of any condition.
func (s *schedule) restartPolicy() *cluster.RestartPolicy {
	r := s.r
	p := cluster.DefaultRestart
	p.Condition = []string{"any", "on-failure", "none"}[r.IntN(3)]
	p.Delay = time.Duration(r.IntN(6)) * time.Second
	p.MaxAttempts = r.IntN(4)
	if r.IntN(2) == 0 {
		p.Window = time.Duration(5+r.IntN(20)) * time.Second
	}
	return &p
}

func (s *schedule) stackDeploy() injection {
	name := stackNames[s.r.IntN(len(stackNames))]
	st := s.stack(name)
	return injection{KindStackDeploy, "docker stack deploy " + name, func() error {
		_, err := scenario.DeployStack(s.c, st)
		return err
	}}
}

func (s *schedule) stackRm() injection {
	name := stackNames[s.r.IntN(len(stackNames))]
	return injection{KindStackRm, "docker stack rm " + name, func() error {
		_, err := scenario.RemoveStack(s.c, name)
		return err
	}}
}

// secret creates a secret, or removes one: a stack's, in use or not, or
// one made here.
func (s *schedule) secret() injection {
	r := s.r
	names := []string{"token1", "token2"}
	for _, st := range stackNames {
		names = append(names, st+"_token")
	}
	name := names[r.IntN(len(names))]
	if r.IntN(2) == 0 && !strings.Contains(name, "_") {
		return s.act(KindSecret, cluster.CreateObject(cluster.KindSecret, cluster.FileObject{Name: name, Digest: 7}))
	}
	return s.act(KindSecret, cluster.RemoveObject(cluster.KindSecret, name))
}

// services lists the services of the leader's state, or of the most
// advanced manager's without one.
func (s *schedule) services() []string {
	var out []string
	for _, sv := range s.c.Snapshot().Services {
		out = append(out, sv.Name)
	}
	return out
}

func (s *schedule) rollback() injection {
	services := s.services()
	if len(services) == 0 {
		return nothing(KindRollback, "no service to roll back")
	}
	return s.act(KindRollback, cluster.RollbackService(s.pick(services)))
}

// update changes a service's image, update config and restart policy:
// every failure action, both orders, every restart condition.
func (s *schedule) update() injection {
	services := s.services()
	if len(services) == 0 {
		return nothing(KindUpdate, "no service to update")
	}
	name := s.pick(services)
	image := fmt.Sprintf("nginx:1.%d", s.r.IntN(100))
	if s.r.IntN(3) == 0 {
		image = fmt.Sprintf("%s/%s:%d", cluster.FailingImagePrefix, name, s.r.IntN(100))
	}
	u, p := s.updateConfig(), s.restartPolicy()
	a := cluster.UpdateService(name, func(spec *cluster.ServiceSpec) {
		spec.Image, spec.Update, spec.Restart = image, *u, *p
	})
	what := fmt.Sprintf("%s --image %s --update-failure-action %s --update-order %s --restart-condition %s", a, image, u.FailureAction, u.Order, p.Condition)
	return injection{KindUpdate, what, func() error { return s.c.Apply(a) }}
}

// constraint changes a node's tier label, or a service's constraints.
func (s *schedule) constraint() injection {
	r := s.r
	if services := s.services(); r.IntN(3) == 0 && len(services) > 0 {
		name := s.pick(services)
		var cons []string
		if r.IntN(3) > 0 {
			cons = []string{s.constraintText()}
		}
		a := cluster.UpdateService(name, func(spec *cluster.ServiceSpec) { spec.Constraints = cons })
		return injection{KindConstraint, fmt.Sprintf("%s --constraint %q", a, strings.Join(cons, ",")), func() error { return s.c.Apply(a) }}
	}
	node := s.pick(s.machines(everyMachine))
	ch := cluster.NodeChange{LabelAdd: map[string]string{"tier": tiers[r.IntN(len(tiers))]}}
	if r.IntN(4) == 0 {
		ch = cluster.NodeChange{LabelRm: []string{"tier"}}
	}
	a := cluster.UpdateNode(node, ch)
	what := a.String()
	if ch.LabelAdd != nil {
		what += " --label-add tier=" + ch.LabelAdd["tier"]
	} else {
		what += " --label-rm tier"
	}
	return injection{KindConstraint, what, func() error { return s.c.Apply(a) }}
}

// unlock gives a locked manager the current key, or now and then the
// previous one (which a manager down during a rotation needs).
func (s *schedule) unlock() injection {
	locked := s.machines(func(m cluster.Machine) bool { return m.Locked })
	if len(locked) == 0 {
		return nothing(KindUnlock, "no manager is locked")
	}
	key := cluster.CurrentKey
	if s.r.IntN(4) == 0 {
		key = cluster.PreviousKey
	}
	return s.act(KindUnlock, cluster.Unlock(s.pick(locked), key))
}

func (s *schedule) backup() injection {
	managers := s.machines(func(m cluster.Machine) bool { return m.Manager && m.Alive })
	if len(managers) == 0 {
		return nothing(KindBackup, "no manager runs to back up")
	}
	s.backups++
	name := fmt.Sprintf("b%d", s.backups)
	node := s.pick(managers)
	s.backedUp = append(s.backedUp, [2]string{name, node})
	return s.act(KindBackup, cluster.Backup(node, name))
}

// restore is the admin guide's disaster recovery: the other managers are
// gone (killed, if they were not), a backup is restored on its manager,
// which is unlocked with whichever key opens it, and forced into a new
// cluster of its own.
func (s *schedule) restore() injection {
	if len(s.backedUp) == 0 {
		return nothing(KindRestore, "no backup to restore")
	}
	b := s.backedUp[s.r.IntN(len(s.backedUp))]
	name, node := b[0], b[1]
	c := s.c
	return injection{KindRestore, fmt.Sprintf("restore %s on %s, then docker swarm init --force-new-cluster on it", name, node), func() error {
		others := s.machines(func(m cluster.Machine) bool { return m.Manager && m.Name != node && (m.Alive || m.Locked) })
		if len(others) > 0 {
			if err := c.Apply(cluster.Kill(others...)); err != nil {
				return err
			}
		}
		if err := c.Apply(cluster.RestoreBackup(name, node)); err != nil {
			return err
		}
		for _, key := range slices.Backward(c.UnlockKeys()) {
			if locked := s.machines(func(m cluster.Machine) bool { return m.Name == node && m.Locked }); len(locked) == 0 {
				break
			}
			_ = c.Apply(cluster.Unlock(node, key)) // a wrong key is refused; the next may open it
		}
		return c.Apply(cluster.ForceNewCluster(node))
	}}
}
