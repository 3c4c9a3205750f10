package state

import (
	"fmt"
	"maps"
	"strings"
)

// hashExtras adds to a task's fingerprint what stacks brought to a spec:
// ports, health check, limits, secrets and configs all change what a task
// runs, as swarmkit's IsTaskDirty compares the task spec and the endpoint.
// Each is written only when set, so that specs without them keep the
// fingerprints they always had.
func (s *ServiceSpec) hashExtras(e *encoder) {
	if len(s.Ports) > 0 || s.EndpointMode != "" {
		e.b = append(e.b, 'p')
		e.ports(s.Ports)
		e.str(s.EndpointMode)
	}
	if s.Health.Cmd != "" {
		e.b = append(e.b, 'h')
		e.health(s.Health)
	}
	if s.LimitNanoCPUs != 0 || s.LimitMemoryBytes != 0 {
		e.b = append(e.b, 'l')
		e.int(s.LimitNanoCPUs)
		e.int(s.LimitMemoryBytes)
	}
	if len(s.Secrets) > 0 || len(s.Configs) > 0 {
		e.b = append(e.b, 's')
		e.strs(s.Secrets)
		e.strs(s.Configs)
	}
	if len(s.Env) > 0 {
		e.b = append(e.b, 'e')
		e.strs(s.Env)
	}
}

// String writes a port as `docker service ls` does: *:8080->80/tcp.
func (p PortConfig) String() string {
	return fmt.Sprintf("*:%d->%d/%s", p.Published, p.Target, strings.ToLower(p.Protocol))
}

// Clone returns a deep copy.
func (o *FileObject) Clone() *FileObject {
	c := *o
	c.Labels = maps.Clone(o.Labels)
	return &c
}

// Encode is the spec as an entry holds it: equal specs encode to equal
// bytes.
func (s *ServiceSpec) Encode() []byte {
	var e encoder
	e.spec(s)
	return e.b
}
