package cluster

import (
	"testing"
	"time"

	"github.com/swarmsim/swarmsim/cluster/state"
	"github.com/swarmsim/swarmsim/internal/fault"
	"github.com/swarmsim/swarmsim/raft"
)

// Each case feeds the checker a hand-made violation of one of the
// invariants checkplace.go, checkquorum.go and checkrestore.go hold, and
// shows it is caught: the checkers can fail.
func TestNewCheckersCatchHandMadeViolations(t *testing.T) {
	steady := func(c *Cluster) {
		for name, seen := range c.check.nodeSeen {
			seen.since = -time.Hour
			c.check.nodeSeen[name] = seen
		}
	}
	for _, tc := range []struct {
		name   string
		inv    string
		inject func(t *testing.T, c *Cluster) error
	}{
		{"an entry applied twice", InvAppliedOnce, func(t *testing.T, c *Cluster) error {
			m := c.leaderManager()
			m.checkApplied(raft.Entry{Index: c.check.applied[m], Term: m.last.Term})
			return c.fault
		}},
		{"an entry skipped", InvAppliedOnce, func(t *testing.T, c *Cluster) error {
			m := c.leaderManager()
			last := c.check.applied[m]
			c.check.applied[m] = last - 2
			c.check.entries[last-1] = 1 // another manager applied a command there
			m.checkApplied(raft.Entry{Index: last, Term: m.last.Term})
			return c.fault
		}},
		{"a task the leader does not want", InvOnlyWanted, func(t *testing.T, c *Cluster) error {
			c.nodes[c.byName["w1"]].Running.Add("t999")
			c.check.strays["w1/t999"] = c.now - time.Minute
			c.check.state()
			return c.fault
		}},
		{"a task on a node its constraints exclude", InvPlacement, func(t *testing.T, c *Cluster) error {
			s := c.leaderManager().store()
			s.Services["web"].Constraints = []string{"node.labels.zone==nowhere"}
			s.Index++       // a new state, as a committed update would make
			c.check.state() // the checker sees the nodes
			steady(c)
			c.check.state()
			return c.fault
		}},
		{"more tasks on a node than max-replicas", InvPlacement, func(t *testing.T, c *Cluster) error {
			s := c.leaderManager().store()
			s.Services["web"].MaxReplicas = 1
			crowd(t, c, "web")
			c.check.state()
			return c.fault
		}},
		{"reservations beyond a node's capacity", InvPlacement, func(t *testing.T, c *Cluster) error {
			s := c.leaderManager().store()
			for _, task := range s.TaskList() {
				if task.Service == "big" && task.Node != "" {
					s.Nodes[task.Node].NanoCPUs = 1
					break
				}
			}
			c.check.state()
			return c.fault
		}},
		{"two tasks on one host port", InvPlacement, func(t *testing.T, c *Cluster) error {
			crowd(t, c, "edge")
			c.check.state()
			return c.fault
		}},
		{"a secret in use removed", InvObjectsInUse, func(t *testing.T, c *Cluster) error {
			s := c.leaderManager().store()
			delete(s.Secrets, "token")
			s.Index++
			c.check.state()
			return c.fault
		}},
		{"a dead voter counted alive", InvQuorumVerdict, func(t *testing.T, c *Cluster) error {
			fault.Set(fault.DeadVoterAlive)
			defer fault.Set(fault.None)
			lead, _ := c.Leader()
			for _, m := range c.managers {
				if m.node.name != lead {
					mustApply(t, c, Kill(m.node.name))
					return c.RunFor(2 * time.Second)
				}
			}
			t.Fatal("no follower")
			return nil
		}},
		{"a locked voter counted alive", InvQuorumVerdict, func(t *testing.T, c *Cluster) error {
			mustApply(t, c, SetAutolock(true))
			mustRun(t, c, time.Second) // every manager seals its state
			fault.Set(fault.LockedVoterCounts)
			defer fault.Set(fault.None)
			lead, _ := c.Leader()
			for _, m := range c.managers {
				if m.node.name != lead {
					mustApply(t, c, Kill(m.node.name))
					mustApply(t, c, Restart(m.node.name)) // comes back locked
					return c.RunFor(2 * time.Second)
				}
			}
			t.Fatal("no follower")
			return nil
		}},
		{"a sealed manager running", InvLockedOut, func(t *testing.T, c *Cluster) error {
			c.check.sealed["m2"] = true
			c.check.state()
			return c.fault
		}},
		{"a restore that is not the backup", InvRestore, func(t *testing.T, c *Cluster) error {
			lead, _ := c.Leader()
			mustApply(t, c, Backup(lead, "b"))
			c.check.backups["b"] = state.NewStore().Encode()
			mustRun(t, c, 10*time.Second)
			return c.Apply(RestoreBackup("b", lead))
		}},
		{"a restore that does not report a service lost", InvRestore, func(t *testing.T, c *Cluster) error {
			lead, _ := c.Leader()
			mustApply(t, c, Backup(lead, "b"))
			mustRun(t, c, 10*time.Second)
			mustApply(t, c, CreateService(service("late", 1)))
			m := c.leaderManager()
			now := c.latestStore()
			m.setStore(c.backups["b"].state.Clone())
			c.check.restoredBackup("b", m, now, nil)
			return c.fault
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := checkedCluster(t, "1-1-1", 3, 3)
			mustApply(t, c, CreateObject(KindSecret, FileObject{Name: "token"}))
			web := service("web", 4)
			web.Secrets = []string{"token"}
			mustApply(t, c, CreateService(web))
			big := service("big", 1)
			big.NanoCPUs = 1e9
			mustApply(t, c, CreateService(big))
			edge := service("edge", 2)
			edge.HostPorts = []uint32{8080}
			mustApply(t, c, CreateService(edge))
			settle(t, c)
			wantViolation(t, tc.inject(t, c), tc.inv)
		})
	}
}

// Without a fault, the same swarm through the same moves breaks nothing:
// the cases above fail because of what they injected.
func TestNewCheckersHoldOnAHealthySwarm(t *testing.T) {
	c := checkedCluster(t, "1-1-1", 3, 3)
	mustApply(t, c, CreateObject(KindSecret, FileObject{Name: "token"}))
	web := service("web", 4)
	web.Secrets = []string{"token"}
	web.MaxReplicas = 2
	mustApply(t, c, CreateService(web))
	edge := service("edge", 2)
	edge.HostPorts = []uint32{8080}
	mustApply(t, c, CreateService(edge))
	settle(t, c)
	lead, _ := c.Leader()
	mustApply(t, c, Backup(lead, "b"))
	mustRun(t, c, 10*time.Second)
	mustApply(t, c, CreateService(service("late", 1)))
	mustApply(t, c, RemoveService("edge"))
	mustApply(t, c, SetAutolock(true))
	mustRun(t, c, 5*time.Second)
	mustApply(t, c, Restart("m2"))
	mustRun(t, c, 30*time.Second)
	for _, m := range []string{"m1", "m2", "m3"} {
		if m != lead {
			mustApply(t, c, Kill(m))
		}
	}
	mustApply(t, c, RestoreBackup("b", lead))
	mustApply(t, c, ForceNewCluster(lead))
	if err := c.RunFor(time.Minute); err != nil {
		t.Fatal(err)
	}
}

// crowd moves a running task of service onto the node of another of its
// tasks, container and record, behind the scheduler's back.
func crowd(t *testing.T, c *Cluster, service string) {
	t.Helper()
	s := c.leaderManager().store()
	var a, b *state.Task
	for _, task := range s.TaskList() {
		if task.Service == service && task.Active() && task.Node != "" {
			if a == nil {
				a = task
			} else if task.Node != a.Node {
				b = task
			}
		}
	}
	if a == nil || b == nil {
		t.Fatalf("%s does not run on two nodes", service)
	}
	c.nodes[c.byName[b.Node]].Running.Remove(b.ID)
	c.nodes[c.byName[a.Node]].Running.Add(b.ID)
	s.Tasks.Get(b.ID).Node = a.Node
	s.Reindex()
}
