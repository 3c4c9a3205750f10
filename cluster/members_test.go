package cluster

import (
	"reflect"
	"testing"
	"time"
)

// RunWatched runs exactly what RunFor runs, and its watcher sees every
// role a manager passes through, however briefly: the new leader was a
// pre-candidate and a candidate first, for milliseconds.
func TestRunWatchedSeesEveryRole(t *testing.T) {
	watched, plain := newTestCluster(t, "2-2-1", 2, 7), newTestCluster(t, "2-2-1", 2, 7)
	mustApply(t, watched, KillLeader())
	mustApply(t, plain, KillLeader())
	roles := map[string][]string{}
	if err := watched.RunWatched(40*time.Second, func() {
		for _, m := range watched.Members() {
			if r := roles[m.Name]; m.Alive && (len(r) == 0 || r[len(r)-1] != m.State) {
				roles[m.Name] = append(r, m.State)
			}
		}
	}); err != nil {
		t.Fatal(err)
	}
	mustRun(t, plain, 40*time.Second)
	if !reflect.DeepEqual(watched.Events(), plain.Events()) || watched.Now() != plain.Now() {
		t.Fatalf("watching changed the run:\n%v\n%v", watched.Events(), plain.Events())
	}
	lead := watched.Snapshot().Leader
	if got, want := roles[lead], []string{"follower", "pre-candidate", "candidate", "leader"}; !reflect.DeepEqual(got, want) {
		t.Errorf("the new leader %s went through %v, want %v", lead, got, want)
	}
	for _, m := range watched.Members() {
		switch {
		case m.Name == "m1" && (m.Alive || m.State != "" || m.Term != 0):
			t.Errorf("the dead leader reads %+v", m)
		case m.Name == lead && (m.State != "leader" || m.Term != watched.Snapshot().Term):
			t.Errorf("the leader reads %+v, the picture term %d", m, watched.Snapshot().Term)
		}
	}
}
