package report

import "github.com/swarmsim/swarmsim/cluster"

// ServiceLine is a service as the headline's Services section writes it:
// running of desired, and running tasks per zone; width pads the names.
// swarmsim live draws its services with it.
func ServiceLine(sv cluster.ServiceView, s cluster.Snapshot, st Styles, width int) string {
	return serviceLine(sv, s, st, width)
}
