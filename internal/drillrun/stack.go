package drillrun

import (
	"fmt"

	"github.com/swarmsim/swarmsim/cluster"
	"github.com/swarmsim/swarmsim/drill"
	"github.com/swarmsim/swarmsim/internal/scenario"
)

// ViewKind is which of Docker's tables a step printed.
type ViewKind int

const (
	StackTable         ViewKind = iota + 1 // docker stack ls
	StackServicesTable                     // docker stack services NAME
	StackTasksTable                        // docker stack ps NAME
	SecretTable                            // docker secret ls
	ConfigTable                            // docker config ls
	NodeTable                              // docker node ls
	ServiceTable                           // docker service ls
	ServiceTasksTable                      // docker service ps NAME
	ServiceInspectView                     // docker service inspect
	NodeInspectView                        // docker node inspect
	ServiceLogsView                        // docker service logs NAME
	InfoView                               // docker info
)

// View is a table a step printed, as data: which table, and what it reads,
// for package report to draw.
type View struct {
	Kind    ViewKind
	Stack   string               // the stack of StackServicesTable and StackTasksTable
	Snap    cluster.Snapshot     // the swarm, for the stack tables
	Objects []cluster.FileObject // the secrets or configs, for their tables

	Quiet    bool                  // -q: only the IDs
	Pretty   bool                  // --pretty: Docker's text instead of JSON
	Names    []string              // the services or nodes asked for, in order
	Services []cluster.ServiceSpec // the services docker service inspect asked for
	Service  string                // the service of ServiceTasksTable and ServiceLogsView
	Node     string                // the node the CLI talks to, for docker info: the leader
	Seed     uint64                // the swarm's, from which the objects' IDs derive
}

// execObjects runs the stack, secret and config commands. It reports
// whether cmd was one of them.
func (r *Runner) execObjects(cmd drill.Command) (bool, error) {
	c := r.c
	switch x := cmd.(type) {
	case drill.StackDeploy:
		st, err := scenario.LoadStack(x.Name, x.Files, r.Dir, r.Env)
		if st != nil {
			r.output = append(r.output, st.Warnings...) // before a refusal too, as Docker prints them
		}
		if err != nil {
			return true, err
		}
		if err := r.withinBudget(func(nodes int) map[string]int {
			set := map[string]int{}
			for _, sv := range st.Services {
				set[sv.Name] = scenario.Tasks([]scenario.Service{sv}, nodes)
			}
			return set
		}); err != nil {
			return true, err
		}
		out, err := scenario.DeployStack(c, st)
		r.output = append(r.output, out...)
		return true, err
	case drill.StackRemove:
		for _, name := range x.Names {
			out, err := scenario.RemoveStack(c, name)
			r.output = append(r.output, out...)
			if err != nil {
				return true, err
			}
		}
		return true, nil
	case drill.StackList, drill.StackServices, drill.StackPS:
		snap, err := c.Inspect()
		if err != nil {
			return true, err
		}
		v := &View{Kind: StackTable, Snap: snap}
		switch x := x.(type) {
		case drill.StackServices:
			v.Kind, v.Stack = StackServicesTable, x.Name
			if !hasStack(snap, x.Name) {
				r.output = append(r.output, "Nothing found in stack: "+x.Name)
				return true, nil
			}
		case drill.StackPS:
			v.Kind, v.Stack = StackTasksTable, x.Name
			if !hasStack(snap, x.Name) {
				return true, fmt.Errorf("nothing found in stack: %s", x.Name)
			}
		}
		r.view = v
		return true, nil
	case drill.SecretList, drill.ConfigList:
		kind, table := cluster.KindSecret, SecretTable
		if _, ok := x.(drill.ConfigList); ok {
			kind, table = cluster.KindConfig, ConfigTable
		}
		objs, err := c.InspectObjects(kind)
		if err != nil {
			return true, err
		}
		r.view = &View{Kind: table, Objects: objs, Seed: c.Seed()}
		return true, nil
	case drill.SecretCreate:
		return true, r.createObject(cluster.KindSecret, x.Name, x.File)
	case drill.ConfigCreate:
		return true, r.createObject(cluster.KindConfig, x.Name, x.File)
	case drill.SecretRemove:
		return true, r.removeObjects(cluster.KindSecret, x.Names)
	case drill.ConfigRemove:
		return true, r.removeObjects(cluster.KindConfig, x.Names)
	}
	return false, nil
}

// createObject is docker secret/config create: Docker prints the new
// object's ID.
func (r *Runner) createObject(kind cluster.FileKind, name, file string) error {
	if file != "-" {
		file = r.relative(file)
	}
	digest, err := scenario.FileDigest(file)
	if err != nil {
		return err
	}
	if err := r.c.Apply(cluster.CreateObject(kind, cluster.FileObject{Name: name, Digest: digest})); err != nil {
		return err
	}
	r.output = append(r.output, cluster.DockerID(r.c.Seed(), string(kind), name))
	return nil
}

// removeObjects is docker secret/config rm: Docker prints each name it
// removed.
func (r *Runner) removeObjects(kind cluster.FileKind, names []string) error {
	for _, name := range names {
		if err := r.c.Apply(cluster.RemoveObject(kind, name)); err != nil {
			return err
		}
		r.output = append(r.output, name)
	}
	return nil
}

func hasStack(s cluster.Snapshot, name string) bool {
	for _, sv := range s.Services {
		if sv.Stack == name {
			return true
		}
	}
	return false
}

// expectPort checks whether a node listens on a published port.
func expectPort(s cluster.Snapshot, x drill.ExpectPort) *check {
	open, why := s.PortOpen(uint32(x.Port), x.Node)
	state := map[bool]string{true: "open", false: "closed"}
	if open != x.Open {
		return failed("expected port %d %s on %s, but it is %s: %s", x.Port, state[x.Open], x.Node, state[open], why)
	}
	return held("port %d is %s on %s: %s", x.Port, state[open], x.Node, why)
}
