package cluster

import (
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"

	"github.com/swarmsim/swarmsim/cluster/state"
	"github.com/swarmsim/swarmsim/internal/fault"
)

// Secrets and configs are swarm objects like services: created, listed and
// removed through the leader, and kept in the Raft store, so that without a
// leader none can be made, and a restored backup has exactly the ones it
// held. Only a digest of the data is kept: the simulated containers never
// read it.

// isObjectName is swarmkit's rule for secret and config names.
var isObjectName = regexp.MustCompile(`^[a-zA-Z0-9]+(?:[a-zA-Z0-9-_.]*[a-zA-Z0-9])?$`)

// CreateObject is `docker secret create` or `docker config create`.
func CreateObject(kind FileKind, obj FileObject) Action {
	return Action{fmt.Sprintf("docker %s create %s", kind, obj.Name), func(c *Cluster) error {
		s, err := c.leaderStore()
		if err != nil {
			return err
		}
		if len(obj.Name) > 64 || !isObjectName.MatchString(obj.Name) {
			return fmt.Errorf("Error response from daemon: rpc error: code = InvalidArgument desc = invalid name, only 64 [a-zA-Z0-9-_.] characters allowed, and the start and end character must be [a-zA-Z0-9]")
		}
		if s.Objects(kind)[obj.Name] != nil {
			return fmt.Errorf("Error response from daemon: rpc error: code = AlreadyExists desc = %s %s already exists", kind, obj.Name)
		}
		o := obj
		o.Created = c.now.Milliseconds()
		if kind == KindSecret {
			return c.propose(&state.CreateSecret{Object: &o})
		}
		return c.propose(&state.CreateConfig{Object: &o})
	}}
}

// RemoveObject is `docker secret rm` or `docker config rm`, refused while a
// service uses the object.
func RemoveObject(kind FileKind, name string) Action {
	return Action{fmt.Sprintf("docker %s rm %s", kind, name), func(c *Cluster) error {
		s, err := c.leaderStore()
		if err != nil {
			return err
		}
		if s.Objects(kind)[name] == nil {
			return fmt.Errorf("Error response from daemon: %s %s not found", kind, name)
		}
		if users := state.ObjectUsers(s, kind, name); len(users) > 0 && !fault.Is(fault.SecretRemovedInUse) {
			noun := "services"
			if len(users) == 1 {
				noun = "service"
			}
			return fmt.Errorf("Error response from daemon: rpc error: code = InvalidArgument desc = %s '%s' is in use by the following %s: %s", kind, name, noun, strings.Join(users, ", "))
		}
		if kind == KindSecret {
			return c.propose(&state.RemoveSecret{Name: name})
		}
		return c.propose(&state.RemoveConfig{Name: name})
	}}
}

// InspectObjects is `docker secret ls` or `docker config ls`: the leader's
// objects by name, or Docker's error without a leader.
func (c *Cluster) InspectObjects(kind FileKind) ([]FileObject, error) {
	s, err := c.leaderStore()
	if err != nil {
		return nil, err
	}
	objs := s.Objects(kind)
	out := make([]FileObject, 0, len(objs))
	for _, name := range slices.Sorted(maps.Keys(objs)) {
		out = append(out, *objs[name].Clone())
	}
	return out, nil
}

// InspectService is `docker service inspect`: the leader's spec of a
// service, or Docker's error.
func (c *Cluster) InspectService(name string) (ServiceSpec, error) {
	_, spec, err := c.service(name)
	if err != nil {
		return ServiceSpec{}, err
	}
	return *spec.Clone(), nil
}
