package cluster

import (
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"
)

// Secrets and configs are swarm objects like services: created, listed and
// removed through the leader, and kept in the Raft store, so that without a
// leader none can be made, and a restored backup has exactly the ones it
// held. Only a digest of the data is kept: the simulated containers never
// read it.

// FileKind is which of the two objects a FileObject is.
type FileKind string

const (
	KindSecret FileKind = "secret"
	KindConfig FileKind = "config"
)

// isObjectName is swarmkit's rule for secret and config names.
var isObjectName = regexp.MustCompile(`^[a-zA-Z0-9]+(?:[a-zA-Z0-9-_.]*[a-zA-Z0-9])?$`)

func (s *Store) objects(kind FileKind) map[string]*FileObject {
	if kind == KindSecret {
		return s.Secrets
	}
	return s.Configs
}

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
		if s.objects(kind)[obj.Name] != nil {
			return fmt.Errorf("Error response from daemon: rpc error: code = AlreadyExists desc = %s %s already exists", kind, obj.Name)
		}
		o := obj
		o.Created = c.now.Milliseconds()
		if kind == KindSecret {
			return c.propose(&createSecret{Object: &o})
		}
		return c.propose(&createConfig{Object: &o})
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
		if s.objects(kind)[name] == nil {
			return fmt.Errorf("Error response from daemon: %s %s not found", kind, name)
		}
		if users := objectUsers(s, kind, name); len(users) > 0 {
			noun := "services"
			if len(users) == 1 {
				noun = "service"
			}
			return fmt.Errorf("Error response from daemon: rpc error: code = InvalidArgument desc = %s '%s' is in use by the following %s: %s", kind, name, noun, strings.Join(users, ", "))
		}
		if kind == KindSecret {
			return c.propose(&removeSecret{Name: name})
		}
		return c.propose(&removeConfig{Name: name})
	}}
}

// InspectObjects is `docker secret ls` or `docker config ls`: the leader's
// objects by name, or Docker's error without a leader.
func (c *Cluster) InspectObjects(kind FileKind) ([]FileObject, error) {
	s, err := c.leaderStore()
	if err != nil {
		return nil, err
	}
	objs := s.objects(kind)
	out := make([]FileObject, 0, len(objs))
	for _, name := range slices.Sorted(maps.Keys(objs)) {
		out = append(out, *objs[name].clone())
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
	return *spec.clone(), nil
}

// objectUsers lists the services that mount a secret or config, by name.
func objectUsers(s *Store, kind FileKind, name string) []string {
	var out []string
	for _, svc := range s.ServiceNames() {
		spec := s.Services[svc]
		refs := spec.Secrets
		if kind == KindConfig {
			refs = spec.Configs
		}
		if slices.Contains(refs, name) {
			out = append(out, svc)
		}
	}
	return out
}

// createSecret is `docker secret create`.
type createSecret struct{ Object *FileObject }

func (a *createSecret) kind() actionKind  { return kindCreateSecret }
func (a *createSecret) encode(e *encoder) { e.object(a.Object) }
func (a *createSecret) decode(d *decoder) { a.Object = d.object() }
func (a *createSecret) apply(s *Store, ctx *applyContext) {
	addObject(s, KindSecret, a.Object, ctx)
}

// removeSecret is `docker secret rm`.
type removeSecret struct{ Name string }

func (a *removeSecret) kind() actionKind  { return kindRemoveSecret }
func (a *removeSecret) encode(e *encoder) { e.str(a.Name) }
func (a *removeSecret) decode(d *decoder) { a.Name = d.str() }
func (a *removeSecret) apply(s *Store, ctx *applyContext) {
	dropObject(s, KindSecret, a.Name, ctx)
}

// createConfig is `docker config create`.
type createConfig struct{ Object *FileObject }

func (a *createConfig) kind() actionKind  { return kindCreateConfig }
func (a *createConfig) encode(e *encoder) { e.object(a.Object) }
func (a *createConfig) decode(d *decoder) { a.Object = d.object() }
func (a *createConfig) apply(s *Store, ctx *applyContext) {
	addObject(s, KindConfig, a.Object, ctx)
}

// removeConfig is `docker config rm`.
type removeConfig struct{ Name string }

func (a *removeConfig) kind() actionKind  { return kindRemoveConfig }
func (a *removeConfig) encode(e *encoder) { e.str(a.Name) }
func (a *removeConfig) decode(d *decoder) { a.Name = d.str() }
func (a *removeConfig) apply(s *Store, ctx *applyContext) {
	dropObject(s, KindConfig, a.Name, ctx)
}

// addObject stores a new object; a name taken meanwhile (two proposals
// racing) keeps the first.
func addObject(s *Store, kind FileKind, o *FileObject, ctx *applyContext) {
	objs := s.objects(kind)
	if objs == nil {
		objs = map[string]*FileObject{}
		if kind == KindSecret {
			s.Secrets = objs
		} else {
			s.Configs = objs
		}
	}
	if objs[o.Name] != nil {
		return
	}
	objs[o.Name] = o.clone()
	ctx.emit(objectEvent(kind, "created"), "", "%s %s created", kind, o.Name)
}

// dropObject removes an object unless a service came to use it after the
// removal was proposed.
func dropObject(s *Store, kind FileKind, name string, ctx *applyContext) {
	objs := s.objects(kind)
	if objs[name] == nil || len(objectUsers(s, kind, name)) > 0 {
		return
	}
	delete(objs, name)
	ctx.emit(objectEvent(kind, "removed"), "", "%s %s removed", kind, name)
}

// objectEvent is the timeline's kind for what happened to an object:
// EventSecretCreated, EventConfigRemoved, ….
func objectEvent(kind FileKind, what string) string { return string(kind) + "-" + what }
