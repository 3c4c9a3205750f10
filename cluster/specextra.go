package cluster

import (
	"bytes"
	"fmt"
	"regexp"
	"slices"

	"github.com/swarmsim/swarmsim/cluster/state"
)

// isDNSName is swarmkit's rule for service names: a stack's services are
// STACK_SERVICE, so "_" is allowed inside a name.
var isDNSName = regexp.MustCompile(`^[a-zA-Z0-9](?:[-_]*[A-Za-z0-9]+)*$`)

// Docker's defaults for a health check's unset fields (package state has
// their manual).
const (
	DefaultHealthInterval      = state.DefaultHealthInterval
	DefaultHealthTimeout       = state.DefaultHealthTimeout
	DefaultHealthRetries       = state.DefaultHealthRetries
	DefaultHealthStartInterval = state.DefaultHealthStartInterval
)

// SameService reports whether two specs describe the same service once
// Docker's defaults are filled in: what `docker stack deploy` needs to
// leave an unchanged service alone.
func SameService(a, b ServiceSpec) bool {
	if validateSpec(&a) != nil || validateSpec(&b) != nil {
		return false
	}
	a.ID, b.ID = "", "" // an ID names a service; it is not what it runs
	// A port Docker numbered keeps its number when the file gives none.
	b.Ports = slices.Clone(b.Ports)
	keepPorts(&b, &a)
	return bytes.Equal(a.Encode(), b.Encode())
}

// validateExtras checks and completes what validateSpec does not: the
// rollback config, ports, endpoint mode and health check.
// ValidServiceName reports whether swarmkit takes name for a service: a
// DNS name component of at most 63 characters.
func ValidServiceName(name string) bool {
	return isDNSName.MatchString(name) && len(name) <= 63
}

func validateExtras(spec *ServiceSpec) error {
	if !ValidServiceName(spec.Name) {
		return fmt.Errorf("Error response from daemon: rpc error: code = InvalidArgument desc = name must be valid as a DNS name component (%q: use up to 63 letters, digits, \"-\" and \"_\", neither first nor last)", spec.Name)
	}
	if spec.Rollback == (UpdateConfig{}) {
		spec.Rollback = DefaultRollback
	}
	if spec.Rollback.FailureAction == "" {
		spec.Rollback.FailureAction = DefaultRollback.FailureAction
	}
	if spec.Rollback.Order == "" {
		spec.Rollback.Order = DefaultRollback.Order
	}
	if spec.Rollback.Monitor == 0 {
		spec.Rollback.Monitor = DefaultRollback.Monitor
	}
	// A rollback that fails cannot roll back again: Docker offers pause and
	// continue only.
	if !slices.Contains([]string{"pause", "continue"}, spec.Rollback.FailureAction) {
		return fmt.Errorf("invalid rollback failure action %q for service %s: use pause or continue", spec.Rollback.FailureAction, spec.Name)
	}
	if !slices.Contains([]string{"stop-first", "start-first"}, spec.Rollback.Order) {
		return fmt.Errorf("invalid rollback order %q for service %s: use stop-first or start-first", spec.Rollback.Order, spec.Name)
	}
	for _, u := range []struct {
		what string
		cfg  UpdateConfig
	}{{"update", spec.Update}, {"rollback", spec.Rollback}} {
		if u.cfg.MaxFailureRatio < 0 || u.cfg.MaxFailureRatio > 1_000_000 {
			return fmt.Errorf("invalid %s max failure ratio for service %s: it goes from 0 to 1, like 0.25", u.what, spec.Name)
		}
		if u.cfg.Parallelism < 0 || u.cfg.Delay < 0 || u.cfg.Monitor < 0 {
			return fmt.Errorf("invalid %s config for service %s: parallelism, delay and monitor cannot be negative", u.what, spec.Name)
		}
	}
	switch spec.EndpointMode {
	case "", "vip", "dnsrr":
	default:
		return fmt.Errorf("invalid endpoint mode %q for service %s: use vip or dnsrr", spec.EndpointMode, spec.Name)
	}
	for _, p := range spec.Ports {
		if p.Mode != PublishIngress && p.Mode != PublishHost {
			return fmt.Errorf("invalid publish mode %q for port %d of service %s: use ingress or host", p.Mode, p.Published, spec.Name)
		}
		// The routing mesh balances connections over a virtual IP; DNS round
		// robin has none to balance over.
		if spec.EndpointMode == "dnsrr" && p.Mode == PublishIngress {
			return fmt.Errorf("Error response from daemon: rpc error: code = InvalidArgument desc = EndpointSpec: port published with ingress mode can't be used with dnsrr mode")
		}
	}
	if err := checkDuplicatePorts(spec); err != nil {
		return err
	}
	if h := &spec.Health; h.Cmd != "" {
		if h.Interval < 0 || h.Timeout < 0 || h.StartPeriod < 0 || h.StartInterval < 0 || h.Retries < 0 {
			return fmt.Errorf("invalid health check for service %s: its durations and retries cannot be negative", spec.Name)
		}
		if h.Interval == 0 {
			h.Interval = DefaultHealthInterval
		}
		if h.Timeout == 0 {
			h.Timeout = DefaultHealthTimeout
		}
		if h.Retries == 0 {
			h.Retries = DefaultHealthRetries
		}
	}
	return nil
}

// checkReferences refuses, as Docker does, a service whose published
// ports another service already holds (naming it and its ID, derived from
// seed), or that names a secret or config the swarm does not have.
func checkReferences(s *Store, spec *ServiceSpec, seed uint64) error {
	for _, name := range spec.Secrets {
		if s.Secrets[name] == nil {
			return fmt.Errorf("secret not found: %s", name)
		}
	}
	for _, name := range spec.Configs {
		if s.Configs[name] == nil {
			return fmt.Errorf("config not found: %s", name)
		}
	}
	if len(spec.Ports) == 0 {
		return nil
	}
	ingress, host := map[portKey]bool{}, map[portKey]bool{}
	for _, p := range spec.Ports {
		if p.Mode == PublishIngress {
			ingress[keyOf(p)] = true
		} else {
			host[keyOf(p)] = true
		}
	}
	// Several services may publish one port in host mode, the scheduler
	// keeps them apart; an ingress port belongs to one service on every
	// node. Ports are keyed by number and protocol (swarmkit's
	// checkPortConflicts).
	for _, name := range s.ServiceNames() {
		if name == spec.Name {
			continue
		}
		for _, p := range s.Services[name].Ports {
			switch {
			case p.Mode == PublishHost && ingress[keyOf(p)]:
				return fmt.Errorf("Error response from daemon: rpc error: code = InvalidArgument desc = port '%d' is already in use by service '%s' (%s) as a host-published port", p.Published, name, serviceID(seed, s.Services[name]))
			case p.Mode == PublishIngress && (ingress[keyOf(p)] || host[keyOf(p)]):
				return fmt.Errorf("Error response from daemon: rpc error: code = InvalidArgument desc = port '%d' is already in use by service '%s' (%s) as an ingress port", p.Published, name, serviceID(seed, s.Services[name]))
			}
		}
	}
	return nil
}
