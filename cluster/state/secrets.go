package state

import (
	"github.com/swarmsim/swarmsim/internal/fault"
	"slices"
)

// Secrets and configs are swarm objects like services: created and removed
// through Raft, so a restored backup has exactly the ones it held. Only a
// digest of the data is kept: the simulated containers never read it.

// FileKind is which of the two objects a FileObject is.
type FileKind string

// Objects is the store's secrets or configs, by name.
func (s *Store) Objects(kind FileKind) map[string]*FileObject {
	if kind == KindSecret {
		return s.Secrets
	}
	return s.Configs
}

// ObjectUsers lists the services that mount a secret or config, by name.
func ObjectUsers(s *Store, kind FileKind, name string) []string {
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

// CreateSecret is `docker secret create`.
type CreateSecret struct{ Object *FileObject }

// RemoveSecret is `docker secret rm`.
type RemoveSecret struct{ Name string }

// CreateConfig is `docker config create`.
type CreateConfig struct{ Object *FileObject }

// RemoveConfig is `docker config rm`.
type RemoveConfig struct{ Name string }

// addObject stores a new object; a name taken meanwhile (two proposals
// racing) keeps the first.
func addObject(s *Store, kind FileKind, o *FileObject, ctx *ApplyContext) {
	objs := s.Objects(kind)
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
	objs[o.Name] = o.Clone()
	ctx.emit(objectEvent(kind, "created"), "", "%s %s created", kind, o.Name)
}

// dropObject removes an object unless a service came to use it after the
// removal was proposed.
func dropObject(s *Store, kind FileKind, name string, ctx *ApplyContext) {
	objs := s.Objects(kind)
	if objs[name] == nil || len(ObjectUsers(s, kind, name)) > 0 && !fault.Is(fault.SecretRemovedInUse) {
		return
	}
	delete(objs, name)
	ctx.emit(objectEvent(kind, "removed"), "", "%s %s removed", kind, name)
}

// objectEvent is the timeline's kind for what happened to an object:
// EventSecretCreated, EventConfigRemoved, ….
func objectEvent(kind FileKind, what string) string { return string(kind) + "-" + what }

func (a *CreateSecret) kind() actionKind  { return kindCreateSecret }
func (a *CreateSecret) encode(e *encoder) { e.object(a.Object) }
func (a *CreateSecret) decode(d *decoder) { a.Object = d.object() }
func (a *CreateSecret) apply(s *Store, ctx *ApplyContext) {
	addObject(s, KindSecret, a.Object, ctx)
}
func (a *RemoveSecret) kind() actionKind  { return kindRemoveSecret }
func (a *RemoveSecret) encode(e *encoder) { e.str(a.Name) }
func (a *RemoveSecret) decode(d *decoder) { a.Name = d.str() }
func (a *RemoveSecret) apply(s *Store, ctx *ApplyContext) {
	dropObject(s, KindSecret, a.Name, ctx)
}
func (a *CreateConfig) kind() actionKind  { return kindCreateConfig }
func (a *CreateConfig) encode(e *encoder) { e.object(a.Object) }
func (a *CreateConfig) decode(d *decoder) { a.Object = d.object() }
func (a *CreateConfig) apply(s *Store, ctx *ApplyContext) {
	addObject(s, KindConfig, a.Object, ctx)
}
func (a *RemoveConfig) kind() actionKind  { return kindRemoveConfig }
func (a *RemoveConfig) encode(e *encoder) { e.str(a.Name) }
func (a *RemoveConfig) decode(d *decoder) { a.Name = d.str() }
func (a *RemoveConfig) apply(s *Store, ctx *ApplyContext) {
	dropObject(s, KindConfig, a.Name, ctx)
}

const (
	KindSecret FileKind = "secret"
	KindConfig FileKind = "config"
)
