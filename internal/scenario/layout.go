package scenario

import (
	"fmt"

	"github.com/swarmsim/swarmsim/az"
)

// NewLayout places managers and workers in zones. With zones nil the
// managers spread evenly over DefaultZones zones, or one zone per manager
// when there are fewer; otherwise zones gives the managers per zone and must
// add up to managers. Workers are assigned in blocks (see the package
// documentation).
//
// A zone may hold no node at all: in Docker a zone is only a node label,
// and workers may join it later (docker swarm join --zone d). A one-shot
// run that cannot join anyone refuses such a layout with EveryZoneHolds.
// Errors are one sentence without a flag name, for the caller to put in
// context.
func NewLayout(managers int, zones *az.Layout, workers int) (az.Layout, error) {
	switch {
	case managers < 1:
		return az.Layout{}, fmt.Errorf("a swarm needs at least 1 manager")
	case managers > MaxManagers:
		return az.Layout{}, fmt.Errorf("%d managers are more than swarmsim simulates; use at most %d (Docker advises 3, 5 or 7)", managers, MaxManagers)
	case workers < 0:
		return az.Layout{}, fmt.Errorf("the worker count must be 0 or more")
	case workers > MaxWorkers:
		return az.Layout{}, fmt.Errorf("%d workers are more than swarmsim simulates; use at most %d", workers, MaxWorkers)
	}
	l := az.Even(managers, min(managers, DefaultZones))
	if zones != nil {
		if zones.Managers() != managers {
			return az.Layout{}, fmt.Errorf("the zones add up to %d managers, not %d", zones.Managers(), managers)
		}
		l = *zones
	}
	return l.WithWorkers(workers), nil
}

// EveryZoneHolds refuses a layout with a zone that holds no node, for a
// run in which no node can join later (the headline): nothing could happen
// in that zone, and a newcomer most likely miscounted.
func EveryZoneHolds(l az.Layout) error {
	for _, z := range l.Zones {
		if z.Managers+z.Workers == 0 {
			return fmt.Errorf("zone %s would hold no node; leave it out, or add workers so that every zone gets some (workers are spread over every zone)", z.Name)
		}
	}
	return nil
}
