package cluster

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/swarmsim/swarmsim/az"
)

func eventsOf(c *Cluster, kind string, since time.Duration) []string {
	var out []string
	for _, e := range c.EventsSince(since) {
		if e.Kind == kind {
			out = append(out, e.Detail)
		}
	}
	return out
}

// A restore brings back exactly the committed state at the backup's index:
// the manager replays its restored log to the very store it held when the
// copy was taken, everything since is reported lost, and a new cluster
// forced from it runs that state, under the invariant checker.
func TestRestoreBringsBackTheStateAtTheBackupIndex(t *testing.T) {
	c := newCheckedCluster(t, "1-1-1", 2, 11, false)
	mustApply(t, c, CreateService(service("web", 3)))
	mustApply(t, c, CreateService(service("old", 1)))
	mustApply(t, c, CreateObject(KindSecret, FileObject{Name: "db_pass"}))
	settle(t, c)
	mustRun(t, c, 5*time.Second)

	m3, _ := c.node("m3")
	lead := c.leaderManager()
	if lead == m3.mgr {
		t.Fatal("the test wants m3 to follow")
	}
	if a, b := lead.member.Status().Commit, m3.mgr.member.Status().Commit; a != b {
		t.Fatalf("leader committed %d, m3 %d: not quiet", a, b)
	}
	want, commit := string(m3.mgr.store().Encode()), m3.mgr.member.Status().Commit
	if string(lead.store().Encode()) != want {
		t.Fatal("leader and m3 hold different states at the same commit index")
	}
	mustApply(t, c, Backup("m3", "nightly"))
	b := c.backups["nightly"]
	if b.raft.Commit() != commit || string(b.state.Encode()) != want {
		t.Fatalf("backup at %d holds another state than m3 had at %d", b.raft.Commit(), commit)
	}
	if m3.locked || !m3.alive {
		t.Fatal("m3 is not back after its backup")
	}

	mustApply(t, c, ScaleService("web", 5))
	mustApply(t, c, CreateService(service("api", 2)))
	mustApply(t, c, RemoveService("old"))
	mustApply(t, c, CreateObject(KindConfig, FileObject{Name: "nginx_conf"}))
	mustApply(t, c, RemoveObject(KindSecret, "db_pass"))
	mustApply(t, c, Join(RoleWorker, "a", "w3"))
	mustApply(t, c, UpdateNode("w1", NodeChange{Availability: Drain}))
	settle(t, c)

	mustApply(t, c, Kill("m1", "m2", "m3"))
	mustRun(t, c, time.Minute)
	at := c.Now()
	mustApply(t, c, RestoreBackup("nightly", "m3"))
	if got := string(m3.mgr.store().Encode()); got != want || !m3.alive {
		t.Fatalf("m3 after the restore (alive %v) does not hold the backup's state:\n got %s\nwant %s", m3.alive, got, want)
	}
	lost := eventsOf(c, EventStateLost, at)
	wantLost := []string{
		"service api was created after the backup: it is gone",
		"service old was removed after the backup: it is back",
		"service web changed after the backup: it is back as it was, 3 replicas of nginx",
		"secret db_pass was removed after the backup: it is back",
		"config nginx_conf was created after the backup: it is gone",
		"node w1 was set to drain after the backup: it is active again",
		"node w3 joined after the backup: the restored state does not know it",
	}
	if !slices.Equal(lost, wantLost) {
		t.Errorf("reported lost:\n%s\nwant:\n%s", strings.Join(lost, "\n"), strings.Join(wantLost, "\n"))
	}
	mustRun(t, c, electionBound)
	if c.leader != "" {
		t.Fatalf("%s leads: a restored manager is still one of three voters", c.leader)
	}

	mustApply(t, c, ForceNewCluster("m3"))
	settle(t, c)
	snap := c.Snapshot()
	var names []string
	for _, sv := range snap.Services {
		names = append(names, sv.Name)
		if sv.Name == "web" && sv.Running != 3 {
			t.Errorf("web runs %d tasks after the restore, the backup had 3", sv.Running)
		}
	}
	if !slices.Equal(names, []string{"old", "web"}) {
		t.Errorf("services after the restore: %v, want old and web", names)
	}
	if c.restores != 1 {
		t.Errorf("%d new clusters forced from a restored backup, want 1", c.restores)
	}
	s := c.leaderManager().store()
	for _, n := range c.nodes {
		for id := range n.Running.All() {
			if task := s.Tasks.Get(id); n.alive && (task == nil || task.Node != n.name || !task.Active()) {
				t.Errorf("%s still runs container %s, which the restored swarm does not give it", n.name, id)
			}
		}
	}
}

// A backup under autolock is sealed with the key of its time: after a
// rotation, restoring it needs the previous key.
func TestRestoreUnderAutolockNeedsTheKeyOfThatTime(t *testing.T) {
	c := newAutolockCluster(t, "1-1-1", 1, 12)
	then := mustKey(t, c)
	mustApply(t, c, Backup("m2", "b1"))
	if m2, _ := c.node("m2"); !m2.locked {
		t.Fatal("m2 came back from its backup unlocked under autolock")
	}
	mustApply(t, c, Unlock("m2", CurrentKey))
	mustApply(t, c, RotateUnlockKey())
	mustApply(t, c, Kill("m1", "m2", "m3"))
	mustApply(t, c, RestoreBackup("b1", "m2"))
	wantErr(t, c, Unlock("m2", CurrentKey), errInvalidKey.Error())
	wantErr(t, c, ForceNewCluster("m2"), ErrSwarmLocked.Error())
	mustApply(t, c, Unlock("m2", then))
	mustApply(t, c, ForceNewCluster("m2"))
	mustRun(t, c, 5*time.Second)
	if c.leader != "m2" || mustKey(t, c) != then {
		t.Errorf("after restoring b1: leader %q, key %s, want m2 and %s", c.leader, mustKey(t, c), then)
	}
}

// Bad input to backup and restore: one line each, saying what to write.
func TestBackupRefusals(t *testing.T) {
	c := newTestCluster(t, "1-1-1", 1, 13)
	wantErr(t, c, RestoreBackup("nightly", "m1"), "there is no backup named nightly: no backup has been taken; take one first, like: backup m1 as nightly")
	mustApply(t, c, Backup("m3", "nightly"))
	mustApply(t, c, Kill("m2"))
	for _, tc := range []struct {
		a    Action
		want string
	}{
		{RestoreBackup("weekly", "m3"), "there is no backup named weekly; the backups are nightly"},
		{RestoreBackup("nightly", "m1"), "m3 still runs with the identity backup nightly holds (node ID, certificates, Raft ID): restored on m1 too, two hosts would claim one Raft member; stop m3 first (kill m3), or restore on m3 itself"},
		{RestoreBackup("nightly", "m7"), `there is no node named "m7"; the nodes are m1…m3, w1`},
		{Backup("w1", "w"), "w1 is a worker: its swarm directory holds no Raft state; back up a manager, like: backup m1 as w"},
		{Backup("m1", "nightly"), "there is already a backup named nightly (of m3 at 1.000s); give this one another name"},
		{Backup("m2", "b2"), "m2 is not running: a backup stops and starts Docker on it; restart it first"},
	} {
		wantErr(t, c, tc.a, tc.want)
	}
	mustApply(t, c, Restart("m2"))
	mustApply(t, c, Demote("m3"))
	wantErr(t, c, RestoreBackup("nightly", "m3"), "m3 is no longer the manager backup nightly was taken from (it was demoted or removed since); the simulation restores a backup only while its identity is still a manager's")
}

// Containers started by the history a restore took back are not the
// restored swarm's, even where the simulation's task numbers coincide: a
// task pending at the backup and started later on one worker is placed
// afresh by the restored swarm, on whichever worker reports in first, and
// the old container must not count as a second copy of it.
func TestRestoredSwarmDoesNotMistakeTheOldHistorysContainers(t *testing.T) {
	for seed := uint64(1); seed <= 8; seed++ {
		c := newCheckedCluster(t, "1-1-1", 2, seed, false)
		mustApply(t, c, Kill("w1", "w2"))
		mustRun(t, c, 20*time.Second)
		spec := service("web", 1)
		spec.Constraints = []string{"node.role==worker"}
		mustApply(t, c, CreateService(spec))
		mustRun(t, c, 5*time.Second)
		mustApply(t, c, Backup("m3", "pending"))
		mustApply(t, c, Restart("w1", "w2"))
		mustRun(t, c, 30*time.Second)
		mustApply(t, c, Kill("m1", "m2", "m3"))
		mustApply(t, c, RestoreBackup("pending", "m3"))
		mustApply(t, c, ForceNewCluster("m3"))
		if err := c.RunFor(time.Minute); err != nil {
			t.Fatalf("seed %d: %v", seed, err)
		}
		if sv := c.Snapshot().Services[0]; sv.Running != 1 {
			t.Errorf("seed %d: web runs %d tasks after the restore, want 1", seed, sv.Running)
		}
	}
}

// Restoring the leader's backup into a swarm that still runs, and forcing a
// new cluster from it at once, writes entries at indexes and terms the old
// cluster already used after the backup: what each manager applies must be
// the entry it was given, never one decoded from the other history.
func TestForcingANewClusterFromABackupWhileTheOldOneRuns(t *testing.T) {
	for seed := uint64(1); seed <= 6; seed++ {
		c := newCheckedCluster(t, "1-1-1", 1, seed, false)
		mustApply(t, c, CreateService(service("web", 3)))
		settle(t, c)
		lead := c.leader
		mustApply(t, c, Backup(lead, "b")) // the leader stops: the others elect one in a newer term
		mustRun(t, c, 30*time.Second)
		mustApply(t, c, ScaleService("web", 5))
		mustRun(t, c, 10*time.Second)
		mustApply(t, c, RestoreBackup("b", lead))
		mustApply(t, c, ForceNewCluster(lead))
		if err := c.RunFor(time.Minute); err != nil {
			t.Fatalf("seed %d: %v", seed, err)
		}
		s := c.leaderManager().store()
		if c.leader != lead || s.Services["web"].Replicas != 3 {
			t.Errorf("seed %d: leader %s, web with %d replicas; want %s and the backup's 3", seed, c.leader, s.Services["web"].Replicas, lead)
		}
		for _, n := range s.NodeNames() {
			if n != lead && s.Nodes[n].Role == RoleManager {
				t.Errorf("seed %d: %s is still a manager in the new cluster", seed, n)
			}
		}
	}
}

// Backing up the leader stops it: the swarm has no leader from that moment
// until the others elect one, and the timeline says so when it happens.
func TestBackingUpTheLeaderLosesIt(t *testing.T) {
	c := newTestCluster(t, "1-1-1", 0, 14)
	lead, at := c.leader, c.Now()
	mustApply(t, c, Backup(lead, "b"))
	lost := eventsOf(c, EventLeaderLost, at)
	if len(lost) == 0 || c.EventsSince(at)[1].Kind != EventLeaderLost {
		t.Errorf("no leader-lost right as %s stopped for its backup: %v", lead, c.EventsSince(at))
	}
	if c.leader == lead {
		t.Errorf("%s still counts as the leader after its backup downtime", lead)
	}
}

// What a restore takes back is measured against the newest state any
// manager holds, not the state of the manager that happens to run: here
// the only survivor was cut off while a service was created.
func TestRestoreReportsLossesAgainstTheNewestState(t *testing.T) {
	c := newCheckedCluster(t, "1-1-1", 0, 16, false)
	mustApply(t, c, Backup("m3", "b"))
	mustRun(t, c, 30*time.Second)
	mustApply(t, c, Partition(az.Partition{Sides: [2][]string{{"a", "b"}, {"c"}}}))
	mustRun(t, c, 30*time.Second)
	mustApply(t, c, CreateService(service("api", 1)))
	mustApply(t, c, Kill("m1", "m2"))
	mustApply(t, c, Heal())
	at := c.Now()
	mustApply(t, c, RestoreBackup("b", "m3"))
	if lost := eventsOf(c, EventStateLost, at); !slices.Equal(lost, []string{"service api was created after the backup: it is gone"}) {
		t.Errorf("reported lost: %q", lost)
	}
}

// Docker's admin guide restores a swarm directory onto any host: the host
// takes the backed-up manager's identity (node ID, certificates, Raft ID)
// and forces a new cluster. Here the machine named takes over the identity
// of the manager the backup came from, in its own zone; its own identity
// is gone with the swarm directory it had, which the timeline reports.
func TestRestoreOntoAnotherHostTakesTheBackupsIdentity(t *testing.T) {
	c := newCheckedCluster(t, "1-1-1", 2, 14, false)
	mustApply(t, c, CreateService(service("web", 3)))
	settle(t, c)
	mustApply(t, c, Backup("m3", "nightly"))
	mustApply(t, c, Kill("m1", "m2", "m3"))
	mustRun(t, c, time.Minute)
	m3, _ := c.node("m3")
	w2, _ := c.node("w2")
	zone := w2.zone
	if m3.zone == zone {
		t.Fatal("the test wants w2 in another zone than m3")
	}
	at := c.Now()
	mustApply(t, c, RestoreBackup("nightly", "w2"))
	restored := eventsOf(c, EventRestore, at)
	if len(restored) == 0 || !strings.Contains(restored[len(restored)-1], "w2 now runs m3's swarm directory, backup nightly") {
		t.Errorf("restore events %q do not say the copy went onto w2", restored)
	}
	if lost := eventsOf(c, EventStateLost, at); !slices.Contains(lost, "w2's own identity went with the swarm directory the restore replaced: node w2 stays down until docker node rm w2") {
		t.Errorf("state lost %q does not report w2's identity", lost)
	}
	if !m3.alive || m3.zone != zone || w2.alive {
		t.Fatalf("after the restore m3 alive %v in zone %s, w2 alive %v; want m3 running on w2's machine in zone %s", m3.alive, c.zones[m3.zone], w2.alive, c.zones[zone])
	}
	wantErr(t, c, Restart("w2"), "w2's machine runs m3 since backup nightly was restored on it; w2's identity is gone: join a new node in its place, like: docker swarm join --token worker --zone "+c.zones[zone])
	mustApply(t, c, ForceNewCluster("m3"))
	settle(t, c)
	if c.leader != "m3" {
		t.Fatalf("leader %q after forcing a new cluster on the restored host, want m3", c.leader)
	}
	if sv := c.Snapshot().Services[0]; sv.Running != 3 {
		t.Errorf("web runs %d tasks on the restored swarm, want 3", sv.Running)
	}
}

// Two hosts with one node identity would both claim the same Raft member:
// a backup goes onto another host only while its own manager is down.
func TestRestoreOntoAnotherHostWhileTheOriginalRuns(t *testing.T) {
	c := newTestCluster(t, "1-1-1", 1, 15)
	mustApply(t, c, Backup("m3", "nightly"))
	wantErr(t, c, RestoreBackup("nightly", "w1"), "m3 still runs with the identity backup nightly holds (node ID, certificates, Raft ID): restored on w1 too, two hosts would claim one Raft member; stop m3 first (kill m3), or restore on m3 itself")
}

// A node whose machine another restore took gets a machine again when its
// own backup is restored on a third host.
func TestRestoreGivesAReplacedNodeAMachineAgain(t *testing.T) {
	c := newTestCluster(t, "1-1-1", 1, 16)
	mustApply(t, c, Backup("m2", "b2"))
	mustApply(t, c, Backup("m3", "b3"))
	mustApply(t, c, Kill("m1", "m2", "m3"))
	mustApply(t, c, RestoreBackup("b3", "m2"))
	wantErr(t, c, RestoreBackup("b2", "m2"), "m2's machine runs m3 since backup b3 was restored on it; m2's identity is gone: join a new node in its place, like: docker swarm join --token worker --zone b")
	mustApply(t, c, RestoreBackup("b2", "w1"))
	m2, _ := c.node("m2")
	w1, _ := c.node("w1")
	if !m2.alive || m2.zone != w1.zone || m2.replacedBy != nil {
		t.Errorf("m2 alive %v in zone %s (replaced by %v): want it running on w1's machine", m2.alive, c.zones[m2.zone], m2.replacedBy)
	}
	mustApply(t, c, Kill("m2"))
	mustApply(t, c, Restart("m2"))
}

// A backup restored into a swarm that runs on without it: the leader
// remembers more of the manager's log than the backup holds, and the
// commit index its next heartbeat carries is past the restored log's end,
// which etcd Raft answers with a panic (tocommit out of range). A real
// manager crashes; so does the simulated one, with the reason, and the
// admin guide's way (a swarm that is down, then a new cluster) works.
func TestRestoreBehindWhatTheLeaderKnowsCrashes(t *testing.T) {
	c := newTestCluster(t, "1-1-1", 1, 17)
	mustApply(t, c, CreateService(service("web", 3)))
	settle(t, c)
	mustApply(t, c, Backup("m3", "nightly"))
	mustApply(t, c, CreateService(service("api", 2)))
	settle(t, c)
	mustApply(t, c, Kill("m3"))
	mustRun(t, c, time.Second)
	at := c.Now()
	mustApply(t, c, RestoreBackup("nightly", "m3"))
	mustRun(t, c, 10*time.Second)
	m3, _ := c.node("m3")
	crashed := eventsOf(c, EventKill, at)
	if m3.alive || len(crashed) != 1 || !strings.Contains(crashed[0], "m3 crashed on a heartbeat from m1: its Raft log ends at entry") {
		t.Fatalf("m3 alive %v after a restore behind its leader, events %q; want it crashed with the reason", m3.alive, crashed)
	}
	mustApply(t, c, Kill("m1", "m2"))
	mustApply(t, c, RestoreBackup("nightly", "m3"))
	mustApply(t, c, ForceNewCluster("m3"))
	settle(t, c)
	if c.leader != "m3" {
		t.Errorf("leader %q after forcing a new cluster on the restored manager, want m3", c.leader)
	}
}
