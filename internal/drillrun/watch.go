package drillrun

import (
	"time"

	"github.com/swarmsim/swarmsim/cluster"
)

// advance runs simulated time forward, past Watch when one is set.
func (r *Runner) advance(d time.Duration) error {
	if r.Watch == nil {
		return r.c.RunFor(d)
	}
	return r.c.RunWatched(d, r.Watch)
}

// Members is every manager's Raft role now; nil before the cluster line.
func (r *Runner) Members() []cluster.MemberState {
	if r.c == nil {
		return nil
	}
	return r.c.Members()
}
