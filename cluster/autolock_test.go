package cluster

import (
	"strings"
	"testing"
	"time"

	"github.com/swarmsim/swarmsim/az"
)

// newAutolockCluster is `docker swarm init --autolock` with the invariant
// checker on, so that every test here also holds Raft and az to account.
func newAutolockCluster(t testing.TB, layout string, workers int, seed uint64) *Cluster {
	t.Helper()
	return newCheckedCluster(t, layout, workers, seed, true)
}

// newCheckedCluster is a swarm with the invariant checker on, m1 elected.
func newCheckedCluster(t testing.TB, layout string, workers int, seed uint64, autolock bool) *Cluster {
	t.Helper()
	l, err := az.Parse(layout)
	if err != nil {
		t.Fatal(err)
	}
	c, err := New(Config{Seed: seed, Layout: l.WithWorkers(workers), Autolock: autolock, Check: true})
	if err != nil {
		t.Fatal(err)
	}
	mustRun(t, c, time.Second)
	if c.leader == "" {
		t.Fatal("no leader 1s after swarm init")
	}
	return c
}

func mustKey(t testing.TB, c *Cluster) string {
	t.Helper()
	k, err := c.UnlockKey()
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func wantErr(t testing.TB, c *Cluster, a Action, want string) {
	t.Helper()
	err := c.Apply(a)
	if err == nil || err.Error() != want {
		t.Errorf("%s: error %v, want %q", a, err, want)
	}
}

// A manager restarted under autolock is locked: its Raft member does not
// run, so it neither votes nor counts toward quorum. Three managers that all
// lose power have no leader until two of them are unlocked.
func TestLockedManagersDoNotCountTowardQuorum(t *testing.T) {
	c := newAutolockCluster(t, "1-1-1", 1, 3)
	mustApply(t, c, CreateService(service("web", 2)))
	settle(t, c)
	mustApply(t, c, Kill("m1", "m2", "m3"))
	mustApply(t, c, Restart("m1", "m2", "m3"))
	for _, name := range []string{"m1", "m2", "m3"} {
		n, _ := c.node(name)
		if !n.locked || n.alive || n.mgr.member.Running() {
			t.Errorf("%s after a restart under autolock: locked %v, alive %v, Raft running %v", name, n.locked, n.alive, n.mgr.member.Running())
		}
	}
	mustRun(t, c, 3*electionBound)
	q := c.Snapshot().Quorum
	if c.leader != "" || q.Holds || q.Alive != 0 || q.Locked != 3 {
		t.Fatalf("three locked managers: leader %q, quorum %+v", c.leader, q)
	}
	wantErr(t, c, ScaleService("web", 3), ErrSwarmLocked.Error())

	mustApply(t, c, Unlock("m1", CurrentKey))
	mustRun(t, c, 3*electionBound)
	if q := c.Snapshot().Quorum; c.leader != "" || q.Alive != 1 || q.Locked != 2 {
		t.Fatalf("one of three unlocked: leader %q, quorum %+v", c.leader, q)
	}
	wantErr(t, c, ScaleService("web", 3), ErrNoLeader.Error())
	for _, name := range []string{"m2", "m3"} {
		n, _ := c.node(name)
		if st := n.mgr.member.Status(); st.Running || st.Term != 0 {
			t.Errorf("locked %s took part in Raft: %+v", name, st)
		}
	}

	mustApply(t, c, Unlock("m2", CurrentKey))
	mustRun(t, c, electionBound)
	q = c.Snapshot().Quorum
	if c.leader != "m1" && c.leader != "m2" || !q.Holds || q.Alive != 2 || q.Locked != 1 {
		t.Fatalf("two of three unlocked: leader %q, quorum %+v", c.leader, q)
	}
	mustApply(t, c, ScaleService("web", 3))
	for _, v := range c.Snapshot().Nodes {
		if v.Name == "m3" && (!v.Locked || !v.Alive || v.ManagerStatus != "Unreachable" || v.Raft != "") {
			t.Errorf("the view of locked m3: %+v", v)
		}
	}
}

// A manager down while the key rotates still has its disk sealed with the
// key from before: that key unlocks it and the new one does not. Once it
// has caught up, it is sealed with the new key.
func TestRotationWhileAManagerIsDownNeedsTheOldKey(t *testing.T) {
	c := newAutolockCluster(t, "1-1-1", 0, 5)
	old := mustKey(t, c)
	mustApply(t, c, Kill("m3"))
	mustApply(t, c, RotateUnlockKey())
	current := mustKey(t, c)
	if current == old || !validKey(current) {
		t.Fatalf("rotated from %s to %s", old, current)
	}
	mustApply(t, c, Restart("m3"))
	wantErr(t, c, Unlock("m3", current), errInvalidKey.Error())
	wantErr(t, c, Unlock("m3", CurrentKey), errInvalidKey.Error())
	mustApply(t, c, Unlock("m3", PreviousKey))
	mustRun(t, c, 10*time.Second)
	if m3, _ := c.node("m3"); !m3.alive || m3.mgr.sealKey() != current {
		t.Fatalf("m3 after unlocking: alive %v, sealed with %q, want %q", m3.alive, m3.mgr.sealKey(), current)
	}
	mustApply(t, c, Kill("m3"))
	mustApply(t, c, Restart("m3"))
	wantErr(t, c, Unlock("m3", PreviousKey), errInvalidKey.Error())
	wantErr(t, c, Unlock("m3", old), errInvalidKey.Error())
	mustApply(t, c, Unlock("m3", current))
}

// Turning autolock off while a manager is down leaves that manager's disk
// sealed: it needs the key once, and then restarts freely.
func TestAutolockOffWhileAManagerIsDown(t *testing.T) {
	c := newAutolockCluster(t, "1-1-1", 0, 6)
	mustApply(t, c, Kill("m2"))
	mustApply(t, c, SetAutolock(false))
	if _, err := c.UnlockKey(); err == nil || err.Error() != errNoKey.Error() {
		t.Errorf("unlock-key with autolock off: %v", err)
	}
	mustApply(t, c, Restart("m2"))
	if m2, _ := c.node("m2"); !m2.locked {
		t.Fatal("m2 restarted without its key while down during autolock off")
	}
	mustApply(t, c, Unlock("m2", CurrentKey))
	mustRun(t, c, 10*time.Second)
	mustApply(t, c, Kill("m1", "m2", "m3"))
	mustApply(t, c, Restart("m1", "m2", "m3"))
	mustRun(t, c, electionBound)
	if c.leader == "" {
		t.Error("no leader after a power loss with autolock off")
	}
	mustApply(t, c, SetAutolock(true))
	if k := mustKey(t, c); k == c.keys.keys[0] || c.keys.keys[len(c.keys.keys)-1] != k {
		t.Errorf("turning autolock on again gave key %s; the keyring is %v", k, c.keys.keys)
	}
}

// Keys come from the seed: the same seed gives the same keys, in swarmkit's
// form, and another seed others.
func TestUnlockKeysAreSeeded(t *testing.T) {
	key := func(seed uint64) string {
		c := newAutolockCluster(t, "1", 0, seed)
		mustApply(t, c, RotateUnlockKey())
		return c.keys.keys[0] + " " + mustKey(t, c)
	}
	a, b := key(1), key(1)
	if a != b {
		t.Errorf("seed 1 gave %s, then %s", a, b)
	}
	if key(2) == a {
		t.Error("seeds 1 and 2 gave the same keys")
	}
	for _, k := range strings.Fields(a) {
		if !validKey(k) || len(k) != len("SWMKEY-1-")+43 {
			t.Errorf("key %q is not in swarmkit's form", k)
		}
	}
}

// Every refusal is Docker's own line where Docker has one, and one clear
// line otherwise.
func TestAutolockRefusals(t *testing.T) {
	plain := newTestCluster(t, "1-1-1", 1, 7)
	wantErr(t, plain, RotateUnlockKey(), "cannot rotate because autolock is not turned on")
	if _, err := plain.UnlockKey(); err == nil || err.Error() != "no unlock key is set" {
		t.Errorf("unlock-key without autolock: %v", err)
	}
	wantErr(t, plain, Unlock("m2", CurrentKey), "error: swarm is not locked")

	c := newAutolockCluster(t, "1-1-1", 1, 7)
	mustApply(t, c, Kill("m2", "m3"))
	mustApply(t, c, Restart("m2"))
	for _, tc := range []struct {
		a    Action
		want string
	}{
		{Unlock("m1", CurrentKey), "error: swarm is not locked"},
		{Unlock("w1", CurrentKey), "error: swarm is not locked"},
		{Unlock("m3", CurrentKey), "Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?"},
		{Unlock("m9", CurrentKey), `there is no node named "m9"; the nodes are m1…m3, w1`},
		{Unlock("m2", "SWMKEY-1-!!"), "Error response from daemon: invalid key string"},
		{Unlock("m2", "SWMKEY-1-"+strings.Repeat("A", 43)), "Error response from daemon: swarm could not be unlocked: invalid key provided"},
		{Unlock("m2", PreviousKey), "there is no previous unlock key: the key was never rotated; give the current one"},
		{ForceNewCluster("m2"), `Error response from daemon: Swarm is encrypted and needs to be unlocked before it can be used. Please use "docker swarm unlock" to unlock it.`},
	} {
		wantErr(t, c, tc.a, tc.want)
	}
	mustApply(t, c, Kill("m1"))
	wantErr(t, c, CreateService(service("web", 1)), ErrSwarmLocked.Error())
	if _, err := c.Inspect(); err != ErrSwarmLocked {
		t.Errorf("docker node ls on a locked swarm: %v", err)
	}
}

// A manager locked while another forces a new cluster is no longer a
// manager once unlocked: it was taken out of the configuration meanwhile,
// and its machine goes on as a worker.
func TestUnlockingAManagerRetiredWhileLocked(t *testing.T) {
	c := newAutolockCluster(t, "1-1-1", 0, 15)
	mustApply(t, c, Kill("m2", "m3"))
	mustApply(t, c, Restart("m2"))
	mustApply(t, c, ForceNewCluster("m1"))
	mustApply(t, c, Unlock("m2", CurrentKey))
	mustRun(t, c, 20*time.Second)
	for _, v := range c.Snapshot().Nodes {
		if v.Name == "m2" && (v.Role != RoleWorker || v.Locked || !v.Alive || v.Status != NodeReady) {
			t.Errorf("m2 after unlocking: %+v", v)
		}
	}
	if q := c.Snapshot().Quorum; c.leader != "m1" || q.Members != 1 || !q.Holds {
		t.Errorf("leader %q, quorum %+v", c.leader, q)
	}
}
