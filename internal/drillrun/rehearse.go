package drillrun

import (
	"github.com/swarmsim/swarmsim/cluster"
	"github.com/swarmsim/swarmsim/drill"
)

// Shown is what a Docker command printed besides succeeding, for the
// transcript to write in Docker's words: `docker swarm unlock-key`, its
// --rotate, and `docker swarm update --autolock`.
type Shown struct {
	Key     string // the unlock key; "" when none is printed (autolock turned off)
	Rotated bool   // the key was rotated first
	Updated bool   // `docker swarm update`
	Quiet   bool   // --quiet: the key alone
}

// rehearse runs the commands of disaster rehearsals: autolock, backup and
// restore.
func (r *Runner) rehearse(cmd drill.Command) error {
	c := r.c
	switch x := cmd.(type) {
	case drill.SwarmUpdate:
		return r.swarmUpdate(x)
	case drill.SwarmUnlockKey:
		if x.Rotate {
			if err := c.Apply(cluster.RotateUnlockKey()); err != nil {
				return err
			}
		}
		key, err := c.UnlockKey()
		if err != nil {
			return err
		}
		r.shown = &Shown{Key: key, Rotated: x.Rotate, Quiet: x.Quiet}
	case drill.SwarmUnlock:
		return c.Apply(cluster.Unlock(x.Node, x.Key))
	case drill.Backup:
		return c.Apply(cluster.Backup(x.Node, x.Name))
	case drill.Restore:
		return c.Apply(cluster.RestoreBackup(x.Name, x.Node))
	}
	return nil
}

// swarmUpdate is `docker swarm update`. Docker prints the unlock key only
// when the update turned autolock on.
func (r *Runner) swarmUpdate(x drill.SwarmUpdate) error {
	c := r.c
	was := c.Snapshot().Autolock
	if x.TaskHistoryLimit != nil {
		if err := c.Apply(cluster.SetTaskHistoryLimit(*x.TaskHistoryLimit)); err != nil {
			return err
		}
	}
	if x.Autolock != nil {
		if err := c.Apply(cluster.SetAutolock(*x.Autolock)); err != nil {
			return err
		}
	}
	r.shown = &Shown{Updated: true}
	if x.Autolock != nil && *x.Autolock && !was {
		key, err := c.UnlockKey()
		if err != nil {
			return err
		}
		r.shown.Key = key
	}
	return nil
}
