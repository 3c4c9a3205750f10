package cluster

import (
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strings"
	"time"

	"github.com/swarmsim/swarmsim/cluster/agent"
	"github.com/swarmsim/swarmsim/cluster/state"
	"github.com/swarmsim/swarmsim/internal/fault"
	"github.com/swarmsim/swarmsim/raft"
)

// Backup and restore of a manager's swarm directory, as Docker's admin
// guide describes them. A backup stops Docker on a manager, copies its
// swarm directory (its Raft state, and with autolock on, sealed with the
// unlock key of that time) and starts Docker again. A restore stops Docker
// on a host, replaces its swarm directory with the copy and starts Docker:
// the manager comes back with the state as of the backup, locked under
// autolock, and still a member of its old Raft configuration, so it needs
// `docker swarm init --force-new-cluster` to lead a swarm of its own. The
// guide restores onto any host; one other than the backup's own manager
// becomes that manager (RestoreBackup).
// What the swarm gained, lost or changed since the backup is reported as
// lost, on the timeline.

// BackupDowntime is how long Docker stays stopped on a manager while its
// swarm directory is copied or replaced.
const BackupDowntime = 10 * time.Second

// backup is a copy of one manager's swarm directory.
type backup struct {
	name  string
	node  string
	at    time.Duration
	raft  raft.Backup
	key   string // the unlock key the copy is sealed with; "" without autolock
	state *Store // the state as of the copy's commit index
}

// Backup is `backup NODE as NAME`: Docker stops on the manager, its swarm
// directory is copied, and Docker starts again, locked under autolock.
func Backup(node, name string) Action {
	return Action{"backup " + node + " as " + name, func(c *Cluster) error {
		if b := c.backups[name]; b != nil {
			return fmt.Errorf("there is already a backup named %s (of %s at %s); give this one another name", name, b.node, FormatTime(b.at))
		}
		nodes, err := c.lookup([]string{node})
		if err != nil {
			return err
		}
		n := nodes[0]
		switch {
		case n.mgr == nil:
			return fmt.Errorf("%s is a worker: its swarm directory holds no Raft state; back up a manager, like: backup %s as %s", node, c.managers[0].node.name, name)
		case !n.alive && !n.locked:
			return fmt.Errorf("%s is not running: a backup stops and starts Docker on it; restart it first", node)
		}
		m := n.mgr
		n.stopDocker(EventBackup, "copy")
		rb, err := m.member.Backup()
		if err != nil {
			return fmt.Errorf("backing up %s: %w", node, err)
		}
		// What a crashed manager holds in memory is what it had applied,
		// which is what its storage commits: the state of the copy.
		b := &backup{name: name, node: node, at: c.now, raft: rb, key: m.sealKey(), state: m.store().Clone()}
		if c.backups == nil {
			c.backups = map[string]*backup{}
		}
		c.backups[name] = b
		c.check.backedUp(name, m)
		c.emit(EventBackup, node, "backup %s holds %s's state up to entry %d%s", name, node, rb.Commit(), sealedWith(b.key))
		if err := c.RunFor(BackupDowntime); err != nil {
			return err
		}
		return n.restart()
	}}
}

// stopDocker stops Docker on a manager, as `systemctl stop docker` does:
// its tasks and its Raft member stop, and if it led, the swarm has no
// leader until another is elected.
func (n *node) stopDocker(kind, why string) {
	c := n.c
	c.emit(kind, n.name, "Docker stopped on %s to %s its swarm directory", n.name, why)
	n.crash()
	c.updateLeader()
}

func sealedWith(key string) string {
	if key == "" {
		return ""
	}
	return ", sealed with the unlock key " + key
}

// RestoreBackup is `restore NAME on NODE`: Docker stops on NODE, its swarm
// directory is replaced by the backup, and Docker starts again. The guide
// restores onto any host: a host other than the backup's manager takes
// that manager's identity (node ID, certificates, Raft ID), so the
// simulation moves the identity onto NODE's machine, in NODE's zone, and
// NODE's own identity is gone with the directory it had. The machine the
// manager ran on is lost for good, as the guide assumes; while it still
// runs the restore is refused, since two hosts would claim one Raft member.
func RestoreBackup(name, node string) Action {
	return Action{"restore " + name + " on " + node, func(c *Cluster) error {
		b, err := findBackup(c.backups, name, c.managers[0].node.name)
		if err != nil {
			return err
		}
		nodes, err := c.lookup([]string{node})
		if err != nil {
			return err
		}
		host := nodes[0]
		n, ok := c.node(b.node)
		if err := b.restorable(host, n, ok); err != nil {
			return err
		}
		m := n.mgr
		now := c.latestStore()
		if host.alive || host.locked {
			host.stopDocker(EventRestore, "replace")
		}
		if err := m.member.RestoreBackup(b.raft); err != nil {
			return fmt.Errorf("restoring %s on %s: %w", name, node, err)
		}
		m.kek, m.restored = b.key, b
		restored := b.state.Clone()
		m.setStore(restored)
		if names := restored.ServiceNames(); fault.Is(fault.RestoreDropsService) && len(names) > 0 {
			restored.Apply(restored.Index, &state.Command{Actions: []state.Action{&state.RemoveService{Name: names[0]}}}, &state.ApplyContext{})
		}
		if host == n {
			c.emit(EventRestore, node, "%s's swarm directory is backup %s, taken at %s: the state as of entry %d%s",
				node, name, FormatTime(b.at), b.raft.Commit(), sealedWith(b.key))
		} else {
			// n may itself have lost its machine to another restore: this
			// one gives it a machine again.
			host.replacedBy, n.replacedBy, n.zone = b, nil, host.zone
			c.emit(EventRestore, n.name, "%s now runs %s's swarm directory, backup %s taken at %s: it is %s (node ID, certificates, Raft ID %d) in zone %s, with the state as of entry %d%s",
				node, n.name, name, FormatTime(b.at), n.name, b.raft.ID(), c.zones[n.zone], b.raft.Commit(), sealedWith(b.key))
		}
		lost := lostSince(b.state, now)
		for _, l := range lost {
			record(c, EventStateLost, l.node, l.detail)
		}
		if host != n {
			record(c, EventStateLost, node, identityLost(node, b.state))
		}
		c.check.restoredBackup(name, m, now, lost)
		if err := c.RunFor(BackupDowntime); err != nil {
			return err
		}
		return n.restart()
	}}
}

// findBackup looks a backup up by name; first is a manager to name in
// the advice when there is none.
func findBackup(backups map[string]*backup, name, first string) (*backup, error) {
	b := backups[name]
	switch {
	case b != nil:
		return b, nil
	case len(backups) == 0:
		return nil, fmt.Errorf("there is no backup named %s: no backup has been taken; take one first, like: backup %s as %s", name, first, name)
	}
	return nil, fmt.Errorf("there is no backup named %s; the backups are %s", name, strings.Join(slices.Sorted(maps.Keys(backups)), ", "))
}

// restorable says why the backup cannot go onto host, n being the node
// whose identity the backup holds.
func (b *backup) restorable(host, n *node, ok bool) error {
	switch {
	case host.replacedBy != nil:
		return host.gone()
	case !ok || n.mgr == nil || n.mgr.raftID != b.raft.ID():
		return fmt.Errorf("%s is no longer the manager backup %s was taken from (it was demoted or removed since); the simulation restores a backup only while its identity is still a manager's", b.node, b.name)
	case host != n && (n.alive || n.locked):
		return fmt.Errorf("%s still runs with the identity backup %s holds (node ID, certificates, Raft ID): restored on %s too, two hosts would claim one Raft member; stop %s first (kill %s), or restore on %s itself",
			n.name, b.name, host.name, n.name, n.name, n.name)
	}
	return nil
}

// identityLost is what a host loses when another manager's swarm directory
// replaces its own.
func identityLost(name string, then *Store) string {
	if then.Nodes[name] == nil {
		return fmt.Sprintf("%s's own identity went with the swarm directory the restore replaced", name)
	}
	return fmt.Sprintf("%s's own identity went with the swarm directory the restore replaced: node %s stays down until docker node rm %s", name, name, name)
}

// gone refuses to start a node whose machine another identity took over.
func (n *node) gone() error {
	return fmt.Errorf("%s's machine runs %s since backup %s was restored on it; %s's identity is gone: join a new node in its place, like: docker swarm join --token worker --zone %s",
		n.name, n.replacedBy.node, n.replacedBy.name, n.name, n.c.zones[n.zone])
}

// latestStore is the most advanced state any manager holds, dead, locked
// or running: what a restore is compared with. Managers are compared by
// the index their stores reach once caught up, and only the one chosen is
// read: reading a follower's store gives it a copy of the store followers
// share.
func (c *roster) latestStore() *Store {
	var best *manager
	for _, m := range c.managers {
		if best == nil || m.appliedIndex() > best.appliedIndex() {
			best = m
		}
	}
	if best == nil {
		return nil
	}
	return best.store()
}

// lost is one thing a restore takes back: about a node, a service (the
// checker reads which), or the swarm.
type lost struct{ node, service, detail string }

// lostSince lists what the state now has that the backup's state then does
// not: objects created since (gone), removed since (back) or changed since
// (back as they were).
func lostSince(then, now *Store) []lost {
	var out []lost
	add := func(node, format string, a ...any) { out = append(out, lost{node, "", fmt.Sprintf(format, a...)}) }
	addService := func(name, format string, a ...any) { out = append(out, lost{"", name, fmt.Sprintf(format, a...)}) }
	for _, name := range sortedUnion(then.ServiceNames(), now.ServiceNames(), strings.Compare) {
		was, is := then.Services[name], now.Services[name]
		switch {
		case was == nil:
			if !fault.Is(fault.LostReportIncomplete) {
				addService(name, "service %s was created after the backup: it is gone", name)
			}
		case is == nil:
			addService(name, "service %s was removed after the backup: it is back", name)
		case then.Versions[name] != now.Versions[name] || !reflect.DeepEqual(was, is):
			// Any change to the spec, labels and ports included, is lost.
			addService(name, "service %s changed after the backup: it is back as it was, %s", name, specWords(was))
		}
	}
	for _, kind := range []FileKind{KindSecret, KindConfig} {
		was, is := then.Objects(kind), now.Objects(kind)
		for _, name := range sortedUnion(slices.Sorted(maps.Keys(was)), slices.Sorted(maps.Keys(is)), strings.Compare) {
			switch {
			case was[name] == nil:
				add("", "%s %s was created after the backup: it is gone", kind, name)
			case is[name] == nil:
				add("", "%s %s was removed after the backup: it is back", kind, name)
			}
		}
	}
	for _, name := range sortedUnion(then.NodeNames(), now.NodeNames(), state.CompareNames) {
		was, is := then.Nodes[name], now.Nodes[name]
		switch {
		case was == nil:
			add(name, "node %s joined after the backup: the restored state does not know it", name)
		case is == nil:
			add(name, "node %s was removed after the backup: it is back in the state", name)
		case was.Role != is.Role:
			add(name, "node %s became a %s after the backup: it is a %s again", name, is.Role, was.Role)
		case was.Availability != is.Availability:
			add(name, "node %s was set to %s after the backup: it is %s again", name, is.Availability, was.Availability)
		}
	}
	switch {
	case then.Autolock && !now.Autolock:
		add("", "autolock was turned off after the backup: it is on again, with the unlock key of the backup")
	case !then.Autolock && now.Autolock:
		add("", "autolock was turned on after the backup: it is off again")
	case then.UnlockKey != now.UnlockKey:
		add("", "the unlock key was rotated after the backup: the restored state has the key of the backup")
	}
	return out
}

func specWords(s *ServiceSpec) string {
	switch s.Mode {
	case ModeGlobal, ModeGlobalJob:
		return strings.ReplaceAll(s.Mode, "-", " ") + ", " + s.Image
	case ModeReplicatedJob:
		return fmt.Sprintf("a job of %d completions of %s", s.Replicas, s.Image)
	}
	return fmt.Sprintf("%d replicas of %s", s.Replicas, s.Image)
}

// sortedUnion merges two sorted lists without repeats.
func sortedUnion(a, b []string, cmp func(x, y string) int) []string {
	out := slices.Concat(a, b)
	slices.SortFunc(out, cmp)
	return slices.Compact(out)
}

// forkIfRestored runs when a manager forces a new cluster. If its state is
// a restored backup's that never caught up, the new cluster continues a
// history that left the old one at the backup's index: the checker forgets
// the old history past it, and the containers of tasks the restored state
// does not know on their node are set apart. Docker gives tasks random IDs,
// so a restored swarm never mistakes them for its own and stops them when
// their node reports in; the simulation numbers tasks, and the restored
// state will number new tasks as the old history already did.
func (m *manager) forkIfRestored() {
	c := m.c
	b := m.restored
	m.restored = nil
	s := m.store()
	if b == nil || s.Index > b.state.Index {
		return
	}
	c.restores++
	if k := c.check; k != nil {
		maps.DeleteFunc(k.entries, func(index, _ uint64) bool { return index > s.Index })
		maps.DeleteFunc(k.leaders, func(term uint64, _ string) bool { return term > b.raft.Term() })
	}
	for _, n := range c.nodes {
		for _, id := range slices.Collect(n.Running.All()) {
			if t := s.Tasks.Get(id); t == nil || t.Node != n.name {
				n.Running.Remove(id)
				n.Running.Add(setApart(id, c.restores))
			}
		}
		for _, id := range state.SortedIDs(exitedIDs(n.Exits)) {
			if t := s.Tasks.Get(id); t == nil || t.Node != n.name {
				n.Exits[setApart(id, c.restores)] = n.Exits[id]
				delete(n.Exits, id)
			}
		}
	}
}

// setApart renames the container of a task from another history, with a
// suffix no store task ID has.
func setApart(id string, restores int) string { return fmt.Sprintf("%s~%d", id, restores) }

func exitedIDs(m map[string]agent.Exited) map[string]bool {
	out := make(map[string]bool, len(m))
	for id := range m {
		out[id] = true
	}
	return out
}
