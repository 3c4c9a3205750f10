package cli

import (
	"fmt"
	"strconv"

	"github.com/swarmsim/swarmsim/az"
	"github.com/swarmsim/swarmsim/internal/scenario"
)

// swarmValues are the flags that shape a generated swarm, the same for the
// headline command and chaos.
type swarmValues struct{ managers, layout, workers *string }

func swarmFlags(fs *flagSet) swarmValues {
	return swarmValues{
		managers: fs.text("managers", strconv.Itoa(scenario.DefaultManagers), "manager nodes, the Raft voters: `N` (default: the --az layout's, or 3)"),
		layout:   fs.text("az", "", "managers per zone as a `LAYOUT` like 2-2-1; zones are named a, b, c, … (default: spread evenly over 3 zones, one per manager below 3)"),
		workers:  fs.text("workers", strconv.Itoa(scenario.DefaultWorkers), "worker nodes: `N`, assigned to zones in blocks, w1, w2, … filling zone a first"),
	}
}

// swarmArgs are those flags read.
type swarmArgs struct {
	managers    int
	managersSet bool       // --managers was given
	zones       *az.Layout // --az; nil spreads evenly
	workers     int
}

func (v swarmValues) parse(fs *flagSet) (swarmArgs, error) {
	a := swarmArgs{managersSet: fs.Changed("managers")}
	var err error
	if a.managers, err = count("--managers", *v.managers, 1, scenario.MaxManagers, "--managers 3"); err != nil {
		return a, err
	}
	if *v.layout != "" || fs.Changed("az") {
		l, err := az.Parse(*v.layout)
		if err != nil {
			return a, fmt.Errorf("--az %s: %w", *v.layout, err)
		}
		a.zones = &l
	}
	if a.workers, err = count("--workers", *v.workers, 0, scenario.MaxWorkers, "--workers 6"); err != nil {
		return a, err
	}
	return a, nil
}

// layout places the swarm. Without --managers, --az gives the count.
func (a swarmArgs) layout() (az.Layout, error) {
	managers := a.managers
	if a.zones != nil && !a.managersSet {
		managers = a.zones.Managers()
	}
	l, err := scenario.NewLayout(managers, a.zones, a.workers)
	switch {
	case err == nil:
		return l, nil
	case a.zones != nil && a.zones.Managers() != managers:
		return l, fmt.Errorf("--az %s adds up to %d managers, but --managers is %d; make the zones add up, like --az %s, or leave out --managers",
			a.zones, a.zones.Managers(), managers, az.Even(managers, len(a.zones.Zones)))
	case a.zones != nil:
		return l, fmt.Errorf("--az %s: %w", a.zones, err)
	}
	return l, fmt.Errorf("--managers %d: %w", managers, err)
}
