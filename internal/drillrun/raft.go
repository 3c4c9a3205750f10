package drillrun

import "github.com/swarmsim/swarmsim/cluster"

// Raft is every manager's Raft as etcd reports it now; false before the
// cluster line.
func (r *Runner) Raft() ([]cluster.RaftView, bool) {
	if r.c == nil {
		return nil, false
	}
	return r.c.Raft(), true
}
