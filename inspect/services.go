package inspect

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/moby/moby/api/types/swarm"
)

// Service is one swarm service as docker service inspect describes it,
// reduced to what a simulation of it needs. Everything comes from the
// service's current Spec, and from Endpoint the published port Docker
// assigned to an ingress port given only as a target; PreviousSpec and
// UpdateStatus are ignored.
type Service struct {
	ID   string // ID; "" when the input has none
	Name string // Spec.Name; never empty, and unique in the input
	// Labels are Spec.Labels, nil when none; a stack's services carry
	// com.docker.stack.namespace, which docker stack ls lists them by.
	Labels map[string]string

	Mode     string // "replicated" or "global", from which of Spec.Mode's fields is set
	Replicas int    // Spec.Mode.Replicated.Replicas (1 when absent, as Docker defaults it); 0 for a global service

	Image string // Spec.TaskTemplate.ContainerSpec.Image as given, digest included; "" when absent

	// From Spec.TaskTemplate.Placement. Constraints are as written
	// ("node.labels.zone==a"); each has == or !=. Preferences are the
	// SpreadDescriptor of each spread preference ("node.labels.zone"),
	// outermost first. MaxReplicas is per node, 0 for no limit.
	Constraints []string
	Preferences []string
	MaxReplicas int

	Reservation Resources // Spec.TaskTemplate.Resources.Reservations, per task; zero when absent

	// HostPorts are the PublishedPort of each port in
	// Spec.EndpointSpec.Ports published in host mode, in input order,
	// each once: two tasks of any service cannot share one on a node.
	// The protocol is dropped (so tcp 53 and udp 53 are one port 53), and
	// so are host-mode ports without a PublishedPort, since Docker then
	// picks a free port on each node. Ports published in ingress mode are
	// the routing mesh's and limit nothing.
	HostPorts []uint32
	// Ports are the ports of Spec.EndpointSpec.Ports, in input order,
	// ingress and host mode alike: the routing mesh opens an ingress port on
	// every node. An ingress port without a PublishedPort has the one
	// Endpoint.Ports shows, or 0 when it shows none; a host-mode one
	// without is left out (the engine picks it on each node).
	Ports []Port

	ForceUpdate uint64 // Spec.TaskTemplate.ForceUpdate: bumped by docker service update --force

	Update  UpdateConfig  // Spec.UpdateConfig, with Docker's defaults where it is silent
	Restart RestartPolicy // Spec.TaskTemplate.RestartPolicy, with Docker's defaults where it is silent
}

// Port is one published port.
type Port struct {
	Published, Target uint32
	Protocol          string // "tcp", "udp" or "sctp"; Docker's default tcp when absent
	Mode              string // "ingress" or "host"
}

// Resources are CPU and memory, as Docker counts them.
type Resources struct {
	NanoCPUs    int64 // 1e9 per CPU; never negative
	MemoryBytes int64 // never negative
}

// UpdateConfig is how a rolling update replaces tasks (--update-*).
type UpdateConfig struct {
	Parallelism     int           // tasks per batch; 0 means all at once; Docker's default 1
	Delay           time.Duration // between batches; default 0
	FailureAction   string        // "pause", "continue" or "rollback"; default "pause"
	Monitor         time.Duration // how long a new task must run to count as updated; default 5s
	MaxFailureRatio float64       // fraction of failed tasks tolerated, in [0, 1]; default 0
	Order           string        // "stop-first" or "start-first"; default "stop-first"
}

// RestartPolicy is what happens when a task's container exits (--restart-*).
type RestartPolicy struct {
	Condition   string        // "none", "on-failure" or "any"; default "any"
	Delay       time.Duration // before a restart; default 5s
	MaxAttempts int           // 0 means no limit, the default
	Window      time.Duration // how long a restarted task must run to reset the count; default 0
}

// Docker's defaults, which swarmkit applies where a service spec is
// silent (docker service create without --update-* or --restart-*).
var (
	DefaultUpdate  = UpdateConfig{Parallelism: 1, FailureAction: "pause", Monitor: 5 * time.Second, Order: "stop-first"}
	DefaultRestart = RestartPolicy{Condition: "any", Delay: 5 * time.Second}
)

const serviceCommand = "docker service inspect $(docker service ls -q)"

// Services reads what docker service inspect $(docker service ls -q)
// prints: a JSON array of Docker's Service objects. Services come back in
// input order.
//
// Spec.Name and a mode (Spec.Mode.Replicated or Spec.Mode.Global) are
// required; values with a fixed set of words are checked against it,
// counts against MaxCount, and each constraint must compare with == or
// !=. Job services (ReplicatedJob, GlobalJob) are refused: swarmsim does
// not simulate them. Errors are one sentence naming the service (counted
// from 1, with its name when it has one) and the field, such as
//
//	service 1: Spec.Mode has neither Replicated nor Global; docker service inspect always prints one
//
// without the file name, which the caller adds. An empty input is no
// services and no error: with no services, docker service ls -q lists
// nothing and the inspect command prints nothing.
func Services(r io.Reader) ([]Service, error) {
	raws, err := elements(r, "service", serviceCommand)
	if err != nil {
		return nil, err
	}
	out := make([]Service, 0, len(raws))
	firstWithName := map[string]int{}
	for i, raw := range raws {
		var d swarm.Service
		num := i + 1
		what := func() string { return serviceName(num, d.Spec.Name, d.ID) }
		if err := decodeElement(raw, &d, "service", what); err != nil {
			return nil, err
		}
		// Docker prints Parallelism always, but the published type cannot
		// tell a hand-written file's missing one (Docker's default 1) from 0.
		var given struct {
			Spec struct {
				UpdateConfig *struct{ Parallelism *uint64 }
			}
		}
		_ = json.Unmarshal(raw, &given) // raw decoded above: this cannot fail
		if u := given.Spec.UpdateConfig; u != nil && u.Parallelism == nil && d.Spec.UpdateConfig != nil {
			d.Spec.UpdateConfig.Parallelism = uint64(DefaultUpdate.Parallelism)
		}
		s, err := service(d)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", what(), err)
		}
		if other, ok := firstWithName[s.Name]; ok {
			return nil, fmt.Errorf("%s: Spec.Name is the same as service %d's, but service names are unique in a swarm; inspect every service once", what(), other)
		}
		firstWithName[s.Name] = num
		out = append(out, s)
	}
	return out, nil
}

// serviceName is how errors name service num: by name, else by ID.
func serviceName(num int, name, id string) string {
	switch {
	case name != "":
		return fmt.Sprintf("service %d (name %q)", num, name)
	case id != "":
		return fmt.Sprintf("service %d (id %q)", num, id)
	}
	return fmt.Sprintf("service %d", num)
}

// service checks d, decoded into the type Docker publishes for it (moby's
// api/types/swarm), and converts it. Errors name the field, not the
// service.
func service(d swarm.Service) (Service, error) {
	spec, tmpl := d.Spec, d.Spec.TaskTemplate
	s := Service{ID: d.ID, Name: spec.Name, ForceUpdate: tmpl.ForceUpdate, Update: DefaultUpdate, Restart: DefaultRestart}
	if s.Name == "" {
		return Service{}, errors.New("Spec.Name is missing; every service has one, so check that the file is what " + serviceCommand + " prints")
	}

	if len(spec.Labels) > 0 {
		s.Labels = spec.Labels
	}

	m := spec.Mode
	switch {
	case m.ReplicatedJob != nil || m.GlobalJob != nil:
		job := "ReplicatedJob"
		if m.GlobalJob != nil {
			job = "GlobalJob"
		}
		return Service{}, fmt.Errorf("Spec.Mode is %s, a job that runs to completion, which swarmsim does not simulate; leave job services out of the input", job)
	case m.Replicated != nil && m.Global != nil:
		return Service{}, errors.New("Spec.Mode has both Replicated and Global, but a service has one mode")
	case m.Replicated != nil:
		s.Mode, s.Replicas = "replicated", 1
		if r := m.Replicated.Replicas; r != nil {
			n, err := count("Spec.Mode.Replicated.Replicas", *r)
			if err != nil {
				return Service{}, err
			}
			s.Replicas = n
		}
	case m.Global != nil:
		s.Mode = "global"
	default:
		return Service{}, errors.New("Spec.Mode has neither Replicated nor Global; docker service inspect always prints one")
	}

	if c := tmpl.ContainerSpec; c != nil {
		s.Image = c.Image
	}

	if p := tmpl.Placement; p != nil {
		for i, c := range p.Constraints {
			if !strings.Contains(c, "==") && !strings.Contains(c, "!=") {
				return Service{}, fmt.Errorf("Spec.TaskTemplate.Placement.Constraints[%d] is %q, which has no == or !=; write it like node.labels.zone==a", i, c)
			}
		}
		s.Constraints = slices.Clone(p.Constraints)
		for i, pref := range p.Preferences {
			field := fmt.Sprintf("Spec.TaskTemplate.Placement.Preferences[%d]", i)
			if pref.Spread == nil {
				return Service{}, fmt.Errorf("%s has no Spread, the only placement preference Docker has", field)
			}
			if pref.Spread.SpreadDescriptor == "" {
				return Service{}, fmt.Errorf("%s.Spread.SpreadDescriptor is missing; it names what to spread over, like node.labels.zone", field)
			}
			s.Preferences = append(s.Preferences, pref.Spread.SpreadDescriptor)
		}
		n, err := count("Spec.TaskTemplate.Placement.MaxReplicas", p.MaxReplicas)
		if err != nil {
			return Service{}, err
		}
		s.MaxReplicas = n
	}

	if res := tmpl.Resources; res != nil && res.Reservations != nil {
		s.Reservation = Resources{NanoCPUs: res.Reservations.NanoCPUs, MemoryBytes: res.Reservations.MemoryBytes}
		if s.Reservation.NanoCPUs < 0 {
			return Service{}, fmt.Errorf("Spec.TaskTemplate.Resources.Reservations.NanoCPUs is %d, but a task cannot reserve fewer than 0 CPUs", s.Reservation.NanoCPUs)
		}
		if s.Reservation.MemoryBytes < 0 {
			return Service{}, fmt.Errorf("Spec.TaskTemplate.Resources.Reservations.MemoryBytes is %d, but a task cannot reserve fewer than 0 bytes", s.Reservation.MemoryBytes)
		}
	}

	if e := spec.EndpointSpec; e != nil {
		for i, p := range e.Ports {
			field := fmt.Sprintf("Spec.EndpointSpec.Ports[%d]", i)
			mode := string(p.PublishMode)
			switch mode {
			case "", "ingress": // the routing mesh: no port is taken on the node
				mode = "ingress"
			case "host":
			default:
				return Service{}, fmt.Errorf("%s.PublishMode is %q; it must be %s", field, p.PublishMode, oneOf("ingress", "host"))
			}
			if p.PublishedPort > 65535 {
				return Service{}, fmt.Errorf("%s.PublishedPort is %d, but ports go from 1 to 65535", field, p.PublishedPort)
			}
			if p.TargetPort > 65535 {
				return Service{}, fmt.Errorf("%s.TargetPort is %d, but ports go from 1 to 65535", field, p.TargetPort)
			}
			proto := string(p.Protocol)
			switch proto {
			case "":
				proto = "tcp"
			case "tcp", "udp", "sctp":
			default:
				return Service{}, fmt.Errorf("%s.Protocol is %q; it must be %s", field, p.Protocol, oneOf("tcp", "udp", "sctp"))
			}
			port := p.PublishedPort
			if port == 0 && mode == "ingress" {
				// The swarm numbered it: Endpoint.Ports holds what its
				// allocator gave. Without that, 0 is left for the
				// simulation's allocator.
				port = assigned(d.Endpoint.Ports, p)
			} else if port == 0 {
				continue // the engine binds a port of its choosing on each node
			}
			s.Ports = append(s.Ports, Port{Published: port, Target: p.TargetPort, Protocol: proto, Mode: mode})
			if mode == "host" && !slices.Contains(s.HostPorts, port) {
				s.HostPorts = append(s.HostPorts, port)
			}
		}
	}

	if u := spec.UpdateConfig; u != nil {
		// MaxFailureRatio is a float32 in Docker's type: read back as the
		// decimal the input wrote (0.2, not 0.2000000029…).
		ratio, _ := strconv.ParseFloat(strconv.FormatFloat(float64(u.MaxFailureRatio), 'g', -1, 32), 64)
		if err := update(&s.Update, u.Parallelism, u.Delay, string(u.FailureAction), u.Monitor, ratio, string(u.Order)); err != nil {
			return Service{}, err
		}
	}
	if r := tmpl.RestartPolicy; r != nil {
		if err := restart(&s.Restart, string(r.Condition), r.Delay, r.MaxAttempts, r.Window); err != nil {
			return Service{}, err
		}
	}
	return s, nil
}

// assigned is the published port the swarm gave the ingress port p,
// which names none, by protocol and target: 0 when it gave none.
func assigned(ports []swarm.PortConfig, p swarm.PortConfig) uint32 {
	for _, a := range ports {
		if a.PublishMode == swarm.PortConfigPublishModeIngress && a.Protocol == p.Protocol && a.TargetPort == p.TargetPort && a.PublishedPort != 0 {
			return a.PublishedPort
		}
	}
	return 0
}

// update overrides Docker's defaults in u with what the input sets.
// Docker always prints Parallelism beside the rest, 0 meaning all at once.
func update(u *UpdateConfig, parallelism uint64, delay time.Duration, failureAction string, monitor time.Duration, ratio float64, order string) error {
	const f = "Spec.UpdateConfig."
	n, err := count(f+"Parallelism", parallelism)
	if err != nil {
		return err
	}
	u.Parallelism = n
	if err := duration(f+"Delay", delay); err != nil {
		return err
	}
	u.Delay = delay
	if failureAction != "" {
		if err := oneOfField(f+"FailureAction", failureAction, "pause", "continue", "rollback"); err != nil {
			return err
		}
		u.FailureAction = failureAction
	}
	if err := duration(f+"Monitor", monitor); err != nil {
		return err
	}
	if monitor != 0 { // Docker omits a zero Monitor, and swarmkit then uses its default
		u.Monitor = monitor
	}
	if !(ratio >= 0 && ratio <= 1) {
		return fmt.Errorf("%sMaxFailureRatio is %v, but it must be a fraction between 0 and 1", f, ratio)
	}
	u.MaxFailureRatio = ratio
	if order != "" {
		if err := oneOfField(f+"Order", order, "stop-first", "start-first"); err != nil {
			return err
		}
		u.Order = order
	}
	return nil
}

// restart overrides Docker's defaults in r with what the input sets.
func restart(r *RestartPolicy, condition string, delay *time.Duration, attempts *uint64, window *time.Duration) error {
	const f = "Spec.TaskTemplate.RestartPolicy."
	if condition != "" {
		if err := oneOfField(f+"Condition", condition, "none", "on-failure", "any"); err != nil {
			return err
		}
		r.Condition = condition
	}
	if delay != nil {
		if err := duration(f+"Delay", *delay); err != nil {
			return err
		}
		r.Delay = *delay
	}
	if attempts != nil {
		n, err := count(f+"MaxAttempts", *attempts)
		if err != nil {
			return err
		}
		r.MaxAttempts = n
	}
	if window != nil {
		if err := duration(f+"Window", *window); err != nil {
			return err
		}
		r.Window = *window
	}
	return nil
}

// count converts a count from the input, which must be at most MaxCount.
func count(field string, n uint64) (int, error) {
	if n > MaxCount {
		return 0, fmt.Errorf("%s is %d, more than the %d swarmsim can simulate; use a smaller count", field, n, MaxCount)
	}
	return int(n), nil
}

// duration checks a duration from the input, in nanoseconds as Docker
// writes it.
func duration(field string, d time.Duration) error {
	if d < 0 {
		return fmt.Errorf("%s is %d nanoseconds, but a duration cannot be negative", field, d)
	}
	return nil
}
