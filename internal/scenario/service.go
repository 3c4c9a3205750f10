package scenario

import (
	"maps"
	"math"
	"slices"

	"github.com/swarmsim/swarmsim/cluster"
	"github.com/swarmsim/swarmsim/drill"
	"github.com/swarmsim/swarmsim/inspect"
)

// zoneSpread is the placement preference that spreads tasks over zones.
const zoneSpread = "node.labels.zone"

// Service is a service to create, as one of swarmsim's inputs describes it.
// Every input is read into a Service first (Replicated, Global, FromDrill,
// FromInspect), and Spec is the one place a cluster.ServiceSpec is made from
// one, so every input fills the same fields the same way.
type Service struct {
	ID          string // an imported service's Docker ID; "" for the simulation's own
	Name        string
	Image       string
	Global      bool     // one task on every eligible node; Replicas is then ignored
	Replicas    int      // desired tasks of a replicated service
	Constraints []string // as written, node.labels.zone==a; all must hold
	Spread      []string // spread descriptors, outermost first: node.labels.zone
	MaxPerNode  int      // tasks of the service on one node; 0 for no limit
	NanoCPUs    int64    // reserved per task
	MemoryBytes int64    // reserved per task
	HostPorts   []uint32 // published in host mode
	ForceUpdate uint64   // bumped by docker service update --force

	// Update and Restart are Docker's --update-* and --restart-* settings,
	// Rollback a stack's rollback_config; nil means Docker's defaults.
	Update   *cluster.UpdateConfig
	Restart  *cluster.RestartPolicy
	Rollback *cluster.UpdateConfig

	Labels                          map[string]string    // the service's labels; a stack's carry cluster.LabelNamespace
	Ports                           []cluster.PortConfig // every published port; host-mode ones limit placement too
	EndpointMode                    string               // vip ("" too) or dnsrr
	LimitNanoCPUs, LimitMemoryBytes int64                // recorded, not enforced
	Health                          cluster.HealthCheck  // the zero value has none
	Secrets                         []string             // names of the secrets the tasks mount
	Configs                         []string             // names of the configs the tasks mount
	Env                             []string             // KEY=VALUE: recorded, as docker service inspect shows it
}

// Spec is the service as the simulation takes it.
func (s Service) Spec() cluster.ServiceSpec {
	spec := cluster.NewServiceSpec(s.Name)
	spec.ID = s.ID
	spec.Image, spec.Replicas = s.Image, s.Replicas
	if s.Global {
		spec.Mode, spec.Replicas = cluster.ModeGlobal, 0
	}
	spec.Constraints = slices.Clone(s.Constraints)
	spec.Preferences = slices.Clone(s.Spread)
	spec.MaxReplicas = s.MaxPerNode
	spec.NanoCPUs, spec.MemoryBytes = s.NanoCPUs, s.MemoryBytes
	spec.HostPorts = slices.Clone(s.HostPorts)
	spec.ForceUpdate = s.ForceUpdate
	if s.Update != nil {
		spec.Update = *s.Update
	}
	if s.Restart != nil {
		spec.Restart = *s.Restart
	}
	if s.Rollback != nil {
		spec.Rollback = *s.Rollback
	}
	spec.Labels = maps.Clone(s.Labels)
	spec.Ports = slices.Clone(s.Ports)
	for _, p := range s.Ports {
		// The scheduler keeps two tasks publishing one host port apart.
		if p.Mode == cluster.PublishHost && !slices.Contains(spec.HostPorts, p.Published) {
			spec.HostPorts = append(spec.HostPorts, p.Published)
		}
	}
	spec.EndpointMode = s.EndpointMode
	spec.LimitNanoCPUs, spec.LimitMemoryBytes = s.LimitNanoCPUs, s.LimitMemoryBytes
	spec.Env = slices.Clone(s.Env)
	spec.Health = s.Health
	spec.Secrets, spec.Configs = slices.Clone(s.Secrets), slices.Clone(s.Configs)
	return spec
}

// Specs is Spec of each service, in order.
func Specs(services []Service) []cluster.ServiceSpec {
	specs := make([]cluster.ServiceSpec, len(services))
	for i, s := range services {
		specs[i] = s.Spec()
	}
	return specs
}

// Replicated is `--service NAME=REPLICAS`: nginx, spread over zones.
func Replicated(name string, replicas int) Service {
	return Service{Name: name, Image: "nginx", Replicas: replicas, Spread: []string{zoneSpread}}
}

// Global is `--global NAME`: one task on every eligible node, its image
// named after the service.
func Global(name string) Service {
	return Service{Name: name, Image: name, Global: true}
}

// DefaultWorkload is what runs when no service is given, so that placement
// is visible: web with two replicas per zone, spread over zones, and a
// global agent.
func DefaultWorkload(zones int) []Service {
	return []Service{Replicated("web", 2*zones), Global("agent")}
}

// FromDrill reads a drill's `docker service create`.
func FromDrill(x drill.ServiceCreate) Service {
	s := Service{
		Name: x.Name, Image: x.Image, Global: x.Mode == drill.ModeGlobal, Replicas: x.Replicas,
		MaxPerNode: x.MaxReplicasPerNode, NanoCPUs: x.ReserveCPU, MemoryBytes: x.ReserveMemory,
		Update: updateFromDrill(x.Update),
		Restart: &cluster.RestartPolicy{Condition: string(x.Restart.Condition), Delay: x.Restart.Delay,
			MaxAttempts: x.Restart.MaxAttempts, Window: x.Restart.Window},
	}
	if r := updateFromDrill(x.Rollback); *r != cluster.DefaultRollback {
		s.Rollback = r // nil otherwise: Docker's defaults, as a service without --rollback-* has
	}
	for _, k := range x.Constraints {
		s.Constraints = append(s.Constraints, k.String())
	}
	for _, p := range x.PlacementPrefs {
		s.Spread = append(s.Spread, p.Spread)
	}
	for _, p := range x.Publish {
		// An ingress port without a number gets one from the swarm; a
		// host-mode one, one the engine binds, which the simulated engines
		// do not.
		if p.Published != 0 || p.Mode == drill.PortIngress {
			s.Ports = append(s.Ports, cluster.PortConfig{Published: uint32(p.Published), Target: uint32(p.Target), Protocol: string(p.Protocol), Mode: string(p.Mode)})
		}
	}
	h := x.Health
	s.Health = cluster.HealthCheck{Cmd: h.Cmd, Interval: h.Interval, Timeout: h.Timeout, StartPeriod: h.StartPeriod, StartInterval: h.StartInterval, Retries: h.Retries}
	s.Secrets, s.Configs = slices.Clone(x.Secrets), slices.Clone(x.Configs)
	s.Env = slices.Clone(x.Env)
	s.LimitNanoCPUs, s.LimitMemoryBytes = x.LimitCPU, x.LimitMemory
	return s
}

// updateFromDrill is a drill's --update-* or --rollback-* settings.
func updateFromDrill(u drill.UpdateConfig) *cluster.UpdateConfig {
	return &cluster.UpdateConfig{Parallelism: u.Parallelism, Delay: u.Delay, FailureAction: string(u.FailureAction),
		Order: string(u.Order), Monitor: u.Monitor, MaxFailureRatio: u.MaxFailureRatio}
}

// FromInspect reads one service of `docker service inspect` output.
func FromInspect(x inspect.Service) Service {
	var ports []cluster.PortConfig
	for _, p := range x.Ports {
		ports = append(ports, cluster.PortConfig{Published: p.Published, Target: p.Target, Protocol: p.Protocol, Mode: p.Mode})
	}
	return Service{
		Ports: ports, ID: x.ID,
		Name: x.Name, Labels: x.Labels, Image: x.Image, Global: x.Mode == cluster.ModeGlobal, Replicas: x.Replicas,
		Constraints: x.Constraints, Spread: x.Preferences, MaxPerNode: x.MaxReplicas,
		NanoCPUs: x.Reservation.NanoCPUs, MemoryBytes: x.Reservation.MemoryBytes,
		HostPorts: x.HostPorts, ForceUpdate: x.ForceUpdate,
		Update: &cluster.UpdateConfig{Parallelism: x.Update.Parallelism, Delay: x.Update.Delay,
			FailureAction: x.Update.FailureAction, Order: x.Update.Order, Monitor: x.Update.Monitor,
			MaxFailureRatio: millionths(x.Update.MaxFailureRatio)},
		Restart: &cluster.RestartPolicy{Condition: x.Restart.Condition, Delay: x.Restart.Delay,
			MaxAttempts: x.Restart.MaxAttempts, Window: x.Restart.Window},
	}
}

// millionths turns Docker's fraction (0.25) into the simulation's whole
// millionths (250000), rounding to the nearest: the one place a float
// from the input meets the integer model.
func millionths(f float64) int {
	return int(math.Round(f * 1e6))
}
