package scenario

import (
	"errors"
	"fmt"
	"maps"
	"math/big"
	"slices"
	"strings"
	"time"

	"github.com/docker/cli/cli/compose/types"

	"github.com/swarmsim/swarmsim/cluster"
	"github.com/swarmsim/swarmsim/scheduler"
)

// FromCompose reads one service of a stack file, as loaded by Docker's
// compose loader, the way `docker stack deploy` converts it
// (cli/compose/convert): named STACK_SERVICE, labelled with the stack's
// namespace, with Docker's defaults where the file is silent. Secrets and
// configs are resolved against the file's top-level sections: the stack's
// own are named STACK_NAME, external ones keep their name. Errors are
// Docker's words, without the service's name, which the caller adds.
func FromCompose(stack string, svc types.ServiceConfig, file *types.Config) (Service, error) {
	d := svc.Deploy
	s := Service{Name: stack + "_" + svc.Name, Image: svc.Image}
	s.Labels = maps.Clone(map[string]string(d.Labels))
	if s.Labels == nil {
		s.Labels = map[string]string{}
	}
	s.Labels[cluster.LabelNamespace] = stack

	switch d.Mode {
	case "", "replicated":
		s.Replicas = 1
		if d.Replicas != nil {
			if *d.Replicas > MaxCount {
				return Service{}, fmt.Errorf("deploy.replicas is %d, more than the %d swarmsim simulates", *d.Replicas, MaxCount)
			}
			s.Replicas = int(*d.Replicas)
		}
	case "global":
		if d.Replicas != nil {
			return Service{}, errors.New("replicas can only be used with replicated or replicated-job mode")
		}
		s.Global = true
	case "replicated-job", "global-job":
		return Service{}, fmt.Errorf("mode %s runs a job to completion, which swarmsim does not simulate; use replicated or global", d.Mode)
	default:
		return Service{}, fmt.Errorf("unknown mode: %s", d.Mode)
	}

	p := d.Placement
	for _, c := range p.Constraints {
		if _, err := scheduler.ParseConstraint(c); err != nil {
			return Service{}, fmt.Errorf("deploy.placement.constraints: %w", err)
		}
		s.Constraints = append(s.Constraints, c)
	}
	for _, pref := range p.Preferences {
		spread, err := scheduler.ParseSpread("spread=" + pref.Spread)
		if err != nil {
			return Service{}, fmt.Errorf("deploy.placement.preferences: %w", err)
		}
		s.Spread = append(s.Spread, spread)
	}
	if p.MaxReplicas > MaxCount {
		return Service{}, fmt.Errorf("deploy.placement.max_replicas_per_node is %d, more than the %d swarmsim simulates", p.MaxReplicas, MaxCount)
	}
	s.MaxPerNode = int(p.MaxReplicas)

	if r := d.Resources.Reservations; r != nil {
		cpus, err := parseCPUs(r.NanoCPUs)
		if err != nil {
			return Service{}, fmt.Errorf("deploy.resources.reservations.cpus: %w", err)
		}
		s.NanoCPUs, s.MemoryBytes = cpus, int64(r.MemoryBytes)
	}
	if l := d.Resources.Limits; l != nil {
		cpus, err := parseCPUs(l.NanoCPUs)
		if err != nil {
			return Service{}, fmt.Errorf("deploy.resources.limits.cpus: %w", err)
		}
		s.LimitNanoCPUs, s.LimitMemoryBytes = cpus, int64(l.MemoryBytes)
	}

	s.Update = updateConfig(d.UpdateConfig)
	s.Rollback = updateConfig(d.RollbackConfig)
	var err error
	if s.Restart, err = restartPolicy(svc.Restart, d.RestartPolicy); err != nil {
		return Service{}, err
	}

	s.EndpointMode = strings.ToLower(d.EndpointMode)
	for _, port := range svc.Ports {
		pc := cluster.PortConfig{Published: port.Published, Target: port.Target, Protocol: port.Protocol, Mode: port.Mode}
		if pc.Protocol == "" {
			pc.Protocol = "tcp"
		}
		if pc.Mode == "" {
			pc.Mode = cluster.PublishIngress
		}
		if pc.Published == 0 && pc.Mode == cluster.PublishHost {
			// The engine binds a port of its choosing on the node; the
			// simulated engines bind none.
			continue
		}
		// An ingress port without a number gets one from the swarm.
		s.Ports = append(s.Ports, pc)
	}

	if s.Health, err = healthCheck(svc.HealthCheck); err != nil {
		return Service{}, err
	}

	for _, ref := range svc.Secrets {
		obj, ok := file.Secrets[ref.Source]
		if !ok {
			return Service{}, fmt.Errorf("undefined secret %q", ref.Source)
		}
		s.Secrets = append(s.Secrets, objectName(stack, ref.Source, types.FileObjectConfig(obj)))
	}
	for _, ref := range svc.Configs {
		obj, ok := file.Configs[ref.Source]
		if !ok {
			return Service{}, fmt.Errorf("undefined config %q", ref.Source)
		}
		s.Configs = append(s.Configs, objectName(stack, ref.Source, types.FileObjectConfig(obj)))
	}
	// Docker sorts them by name.
	slices.Sort(s.Secrets)
	slices.Sort(s.Configs)
	return s, nil
}

// objectName is the swarm's name of a stack's secret or config: the name
// the file gives it (an external one's own), or STACK_KEY.
func objectName(stack, key string, obj types.FileObjectConfig) string {
	if obj.Name != "" {
		return obj.Name
	}
	return stack + "_" + key
}

// updateConfig is convertUpdateConfig: nil keeps Docker's defaults; a
// given config has parallelism 1 unless it says otherwise.
func updateConfig(u *types.UpdateConfig) *cluster.UpdateConfig {
	if u == nil {
		return nil
	}
	out := &cluster.UpdateConfig{Parallelism: 1, Delay: time.Duration(u.Delay), FailureAction: u.FailureAction,
		Order: u.Order, Monitor: time.Duration(u.Monitor), MaxFailureRatio: millionths(float64(u.MaxFailureRatio))}
	if u.Parallelism != nil {
		out.Parallelism = int(min(*u.Parallelism, MaxCount))
	}
	return out
}

// restartPolicy is convertRestartPolicy: deploy.restart_policy, else the
// service's restart key as `docker run` spells it, else Docker's default.
func restartPolicy(restart string, p *types.RestartPolicy) (*cluster.RestartPolicy, error) {
	if p != nil {
		out := cluster.DefaultRestart
		out.Condition = p.Condition
		if p.Delay != nil {
			out.Delay = time.Duration(*p.Delay)
		}
		if p.MaxAttempts != nil {
			out.MaxAttempts = int(min(*p.MaxAttempts, MaxCount))
		}
		if p.Window != nil {
			out.Window = time.Duration(*p.Window)
		}
		return &out, nil
	}
	name, count, _ := strings.Cut(restart, ":")
	attempts := 0
	if count != "" {
		n, ok := new(big.Int).SetString(count, 10)
		if !ok || n.Sign() < 0 || !n.IsInt64() || n.Int64() > MaxCount {
			return nil, fmt.Errorf("invalid restart policy: maximum retry count must be a whole number up to %d", MaxCount)
		}
		attempts = int(n.Int64())
	}
	switch name {
	case "", "no":
		return nil, nil
	case "always", "unless-stopped":
		return &cluster.RestartPolicy{Condition: "any", Delay: cluster.DefaultRestart.Delay, MaxAttempts: attempts}, nil
	case "on-failure":
		return &cluster.RestartPolicy{Condition: "on-failure", Delay: cluster.DefaultRestart.Delay, MaxAttempts: attempts}, nil
	}
	return nil, fmt.Errorf("invalid restart policy: unknown policy '%s' (must be one of 'no', 'always', 'on-failure', or 'unless-stopped')", name)
}

// healthCheck is convertHealthcheck, reduced to what the simulation runs.
func healthCheck(h *types.HealthCheckConfig) (cluster.HealthCheck, error) {
	if h == nil {
		return cluster.HealthCheck{}, nil
	}
	if h.Disable {
		if len(h.Test) != 0 {
			return cluster.HealthCheck{}, errors.New("test and disable can't be set at the same time")
		}
		return cluster.HealthCheck{}, nil
	}
	var cmd string
	switch {
	case len(h.Test) == 0, h.Test[0] == "NONE":
		// No test of its own: the image's, and the simulated images have none.
		return cluster.HealthCheck{}, nil
	case h.Test[0] == "CMD" || h.Test[0] == "CMD-SHELL":
		cmd = strings.Join(h.Test[1:], " ")
	default:
		cmd = strings.Join(h.Test, " ")
	}
	if cmd == "" {
		return cluster.HealthCheck{}, errors.New("healthcheck.test names no command; write one, like test: [\"CMD\", \"curl\", \"-f\", \"http://localhost\"]")
	}
	out := cluster.HealthCheck{Cmd: cmd}
	for _, d := range []struct {
		src *types.Duration
		dst *time.Duration
	}{{h.Interval, &out.Interval}, {h.Timeout, &out.Timeout}, {h.StartPeriod, &out.StartPeriod}, {h.StartInterval, &out.StartInterval}} {
		if d.src != nil {
			*d.dst = time.Duration(*d.src)
		}
	}
	if h.Retries != nil {
		out.Retries = int(min(*h.Retries, MaxCount))
	}
	return out, nil
}

// parseCPUs is Docker's opts.ParseCPUs: a decimal count of CPUs, exactly,
// in nano-CPUs. "" is none.
func parseCPUs(value string) (int64, error) {
	if value == "" {
		return 0, nil
	}
	cpu, ok := new(big.Rat).SetString(value)
	if !ok {
		return 0, fmt.Errorf("failed to parse %v as a rational number", value)
	}
	nano := cpu.Mul(cpu, big.NewRat(1e9, 1))
	if !nano.IsInt() {
		return 0, errors.New("value is too precise")
	}
	if nano.Sign() < 0 || !nano.Num().IsInt64() {
		return 0, fmt.Errorf("%v CPUs cannot be reserved or limited; give a count from 0", value)
	}
	return nano.Num().Int64(), nil
}
