package cluster

import (
	"bytes"
	"reflect"

	"github.com/swarmsim/swarmsim/cluster/state"
)

// backedUp records the state a backup copies, as its manager holds it
// when Docker stops: the checker's own copy, to hold the restore to.
func (k *checker) backedUp(name string, m *manager) {
	if k != nil {
		k.backups[name] = m.store().Encode()
	}
}

// restoredBackup checks a restore as it happens. The manager's state must
// be the backup's, byte for byte as the backup copied it, at its index.
// And the timeline's lost lines must name exactly the services that
// differ between that state and now, the most advanced state any manager
// held (what the swarm had committed after the backup): a service created,
// removed, updated to another version, or whose spec changed in any way.
func (k *checker) restoredBackup(name string, m *manager, now *Store, lost []lost) {
	if k == nil {
		return
	}
	c := k.c
	want, ok := k.backups[name]
	if !ok {
		return
	}
	then := m.store()
	if got := then.Encode(); !bytes.Equal(got, want) {
		backedUp, err := state.DecodeStore(want)
		detail := ""
		if err == nil {
			detail = ": " + firstDifference(backedUp, then)
		}
		c.violate(InvRestore, "%s's state after restoring backup %s is not the backup's state as of entry %d%s", m.node.name, name, then.Index, detail)
		return
	}
	reported := map[string]bool{}
	for _, l := range lost {
		if l.service != "" {
			reported[l.service] = true
		}
	}
	for _, svc := range sortedUnion(then.ServiceNames(), now.ServiceNames(), state.CompareNames) {
		was, is := then.Services[svc], now.Services[svc]
		changed := (was == nil) != (is == nil) || then.Versions[svc] != now.Versions[svc] || (was != nil && !reflect.DeepEqual(was, is))
		switch {
		case changed && !reported[svc]:
			c.violate(InvRestore, "restoring backup %s on %s takes service %s back to its state as of entry %d, but the timeline does not report it lost", name, m.node.name, svc, then.Index)
			return
		case !changed && reported[svc]:
			c.violate(InvRestore, "restoring backup %s on %s reports service %s lost, but it did not change after entry %d", name, m.node.name, svc, then.Index)
			return
		}
	}
}

// firstDifference names the first service that two states disagree on,
// for the violation's sentence.
func firstDifference(want, got *Store) string {
	for _, svc := range sortedUnion(want.ServiceNames(), got.ServiceNames(), state.CompareNames) {
		switch a, b := want.Services[svc], got.Services[svc]; {
		case a == nil:
			return "service " + svc + " is not in the backup"
		case b == nil:
			return "service " + svc + " is missing"
		}
	}
	return "they differ beyond their services"
}
