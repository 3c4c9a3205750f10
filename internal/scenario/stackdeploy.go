package scenario

import (
	"errors"
	"fmt"
	"slices"

	"github.com/swarmsim/swarmsim/cluster"
)

// DeployStack is `docker stack deploy`, done as Docker's CLI does it, one
// request to the leader at a time, each committed through Raft: the
// stack's secrets and configs that do not exist yet are created; every
// service's references are checked before any service changes; then each
// new service is created and each existing one updated. An existing
// service whose spec did not change is left alone, so its tasks are not
// touched. It returns the lines Docker prints (Creating service shop_web,
// Updating service shop_db (id: shop_db)), and on failure the lines so
// far with Docker's error.
func DeployStack(c *cluster.Cluster, st *Stack) ([]string, error) {
	var out []string
	for _, kind := range []cluster.FileKind{cluster.KindSecret, cluster.KindConfig} {
		objs := st.Secrets
		if kind == cluster.KindConfig {
			objs = st.Configs
		}
		have, err := c.InspectObjects(kind)
		if err != nil {
			return out, err
		}
		for _, o := range objs {
			i := slices.IndexFunc(have, func(h cluster.FileObject) bool { return h.Name == o.Name })
			if i >= 0 {
				// Docker updates an existing one, and swarmkit refuses any
				// change but to its labels.
				if have[i].Digest != o.Digest {
					return out, fmt.Errorf("failed to update %s %s: Error response from daemon: rpc error: code = InvalidArgument desc = only updates to Labels are allowed", kind, o.Name)
				}
				continue
			}
			out = append(out, fmt.Sprintf("Creating %s %s", kind, o.Name))
			if err := c.Apply(cluster.CreateObject(kind, cluster.FileObject{Name: o.Name, Labels: o.Labels, Digest: o.Digest})); err != nil {
				return out, fmt.Errorf("failed to create %s %s: %w", kind, o.Name, err)
			}
		}
	}
	if err := st.checkReferences(c); err != nil {
		return out, err
	}
	snap, err := c.Inspect()
	if err != nil {
		return out, err
	}
	for _, svc := range st.Services {
		spec := svc.Spec()
		// Docker looks for the stack's services by its label: a service of
		// the same name outside the stack is a name conflict, not an update.
		exists := slices.ContainsFunc(snap.Services, func(sv cluster.ServiceView) bool { return sv.Name == spec.Name && sv.Stack == st.Name })
		if !exists {
			out = append(out, "Creating service "+spec.Name)
			if err := c.Apply(cluster.CreateService(spec)); err != nil {
				return out, fmt.Errorf("failed to create service %s: %w", spec.Name, err)
			}
			continue
		}
		out = append(out, fmt.Sprintf("Updating service %s (id: %s)", spec.Name, spec.Name))
		cur, err := c.InspectService(spec.Name)
		if err != nil {
			return out, fmt.Errorf("failed to update service %s: %w", spec.Name, err)
		}
		// A stack file has no --force: the service keeps its own count.
		spec.ForceUpdate = cur.ForceUpdate
		if cur.Mode != spec.Mode {
			return out, fmt.Errorf("failed to update service %s: Error response from daemon: rpc error: code = Unimplemented desc = service mode change is not allowed", spec.Name)
		}
		if cluster.SameService(cur, spec) {
			continue
		}
		if err := c.Apply(cluster.UpdateService(spec.Name, func(s *cluster.ServiceSpec) { *s = spec })); err != nil {
			return out, fmt.Errorf("failed to update service %s: %w", spec.Name, err)
		}
	}
	return out, nil
}

// checkReferences is stack deploy's check, before any service changes,
// that every secret and config a service names exists.
func (st *Stack) checkReferences(c *cluster.Cluster) error {
	for _, kind := range []cluster.FileKind{cluster.KindSecret, cluster.KindConfig} {
		have, err := c.InspectObjects(kind)
		if err != nil {
			return err
		}
		for _, svc := range st.Services {
			refs := svc.Secrets
			if kind == cluster.KindConfig {
				refs = svc.Configs
			}
			for _, name := range refs {
				if !slices.ContainsFunc(have, func(o cluster.FileObject) bool { return o.Name == name }) {
					return fmt.Errorf("service %s: %s not found: %s; create it first (docker %s create %s -), or give it a file: in the stack", st.refs[svc.Name], kind, name, kind, name)
				}
			}
		}
	}
	return nil
}

// RemoveStack is `docker stack rm`: the stack's services, then its secrets
// and configs, each removed through the leader. Like Docker it goes on
// past a failure, and says at the end that some resources remain. A stack
// with nothing in it is no error: Docker says so and carries on.
func RemoveStack(c *cluster.Cluster, name string) ([]string, error) {
	snap, err := c.Inspect()
	if err != nil {
		return nil, err
	}
	var services []string
	for _, sv := range snap.Services {
		if sv.Stack == name {
			services = append(services, sv.Name)
		}
	}
	objects := map[cluster.FileKind][]string{}
	for _, kind := range []cluster.FileKind{cluster.KindSecret, cluster.KindConfig} {
		have, err := c.InspectObjects(kind)
		if err != nil {
			return nil, err
		}
		for _, o := range have {
			if o.Labels[cluster.LabelNamespace] == name {
				objects[kind] = append(objects[kind], o.Name)
			}
		}
	}
	if len(services)+len(objects[cluster.KindSecret])+len(objects[cluster.KindConfig]) == 0 {
		return []string{"Nothing found in stack: " + name}, nil
	}
	var out []string
	failed := false
	remove := func(what, name string, a cluster.Action) {
		out = append(out, fmt.Sprintf("Removing %s %s", what, name))
		if err := c.Apply(a); err != nil {
			failed = true
			out = append(out, fmt.Sprintf("Failed to remove %s %s: %v", what, name, err))
		}
	}
	for _, s := range services {
		remove("service", s, cluster.RemoveService(s))
	}
	for _, kind := range []cluster.FileKind{cluster.KindSecret, cluster.KindConfig} {
		for _, o := range objects[kind] {
			remove(string(kind), o, cluster.RemoveObject(kind, o))
		}
	}
	if failed {
		return out, errors.New("failed to remove some resources from stack: " + name)
	}
	return out, nil
}
