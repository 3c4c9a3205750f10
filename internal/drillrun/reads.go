package drillrun

import (
	"crypto/sha256"
	"fmt"
	"math/big"
	"slices"
	"strconv"

	"github.com/swarmsim/swarmsim/cluster"
	"github.com/swarmsim/swarmsim/drill"
)

// execReads runs the commands that read the swarm: Docker answers them
// from the leader's store, so each needs a leader, and each returns what
// it prints as a View. It reports whether cmd was one of them.
func (r *Runner) execReads(cmd drill.Command) (bool, error) {
	var v *View
	switch x := cmd.(type) {
	case drill.NodeList:
		v = &View{Kind: NodeTable, Quiet: x.Quiet}
	case drill.ServiceList:
		v = &View{Kind: ServiceTable, Quiet: x.Quiet}
	case drill.ServicePS:
		v = &View{Kind: ServiceTasksTable, Service: x.Name}
	case drill.ServiceLogs:
		v = &View{Kind: ServiceLogsView, Service: x.Name}
	case drill.ServiceInspect:
		v = &View{Kind: ServiceInspectView, Names: x.Names, Pretty: x.Pretty}
	case drill.NodeInspect:
		v = &View{Kind: NodeInspectView, Names: x.Nodes, Pretty: x.Pretty}
	case drill.Info:
		v = &View{Kind: InfoView}
	case drill.SwarmJoinToken:
		return true, r.joinToken(x)
	default:
		return false, nil
	}
	snap, err := r.c.Inspect()
	if err != nil {
		return true, err
	}
	v.Snap, v.Node = snap, snap.Leader
	switch v.Kind {
	case ServiceTasksTable, ServiceLogsView:
		if !hasService(snap, v.Service) {
			return true, fmt.Errorf("no such service: %s", v.Service)
		}
	case ServiceInspectView:
		for _, name := range v.Names {
			spec, err := r.c.InspectService(name)
			if err != nil {
				return true, err
			}
			v.Services = append(v.Services, spec)
		}
	case NodeInspectView:
		for _, name := range v.Names {
			if !slices.ContainsFunc(snap.Nodes, func(n cluster.NodeView) bool { return n.Name == name && n.Status != "" }) {
				return true, fmt.Errorf("no such node: %s", name)
			}
		}
	}
	r.view = v
	return true, nil
}

func hasService(s cluster.Snapshot, name string) bool {
	return slices.ContainsFunc(s.Services, func(sv cluster.ServiceView) bool { return sv.Name == name })
}

// joinToken is docker swarm join-token: Docker's text around a token
// derived from the swarm's seed, so that it is the same on every run.
func (r *Runner) joinToken(x drill.SwarmJoinToken) error {
	snap, err := r.c.Inspect()
	if err != nil {
		return err
	}
	token := joinToken(r.c.Seed(), x.Role)
	if x.Quiet {
		r.output = append(r.output, token)
		return nil
	}
	r.output = append(r.output,
		fmt.Sprintf("To add a %s to this swarm, run the following command:", x.Role),
		"",
		fmt.Sprintf("    docker swarm join --token %s %s:2377", token, snap.Leader),
		"")
	return nil
}

// joinToken is a token in swarmkit's form, SWMTKN-1-, the CA digest in 50
// base-36 digits, then the role's secret in 25, both drawn from the
// swarm's seed: the simulation has no CA, and the token only has to look
// and repeat like Docker's.
func joinToken(seed uint64, role drill.Role) string {
	digits := func(what string, n int) string {
		sum := sha256.Sum256([]byte(what + " " + strconv.FormatUint(seed, 10)))
		s := new(big.Int).SetBytes(sum[:]).Text(36)
		for len(s) < n {
			s = "0" + s
		}
		return s[:n]
	}
	return "SWMTKN-1-" + digits("ca", 50) + "-" + digits(string(role), 25)
}
