package cluster

import (
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"math/big"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/swarmsim/swarmsim/az"
)

var dockerIDShape = regexp.MustCompile(`^[0-9a-z]{25}$`)

// Docker's object IDs are 25 lowercase base-36 characters (swarmkit's
// identity.NewID); the simulation derives them from the seed, so the same
// seed shows the same IDs.
func TestGeneratedIDsLookLikeDockersAndRepeat(t *testing.T) {
	c := newTestCluster(t, "1-1-1", 1, 5)
	mustApply(t, c, CreateService(service("web", 2)))
	settle(t, c)
	snap := c.Snapshot()
	seen := map[string]bool{}
	for _, n := range snap.Nodes {
		if !dockerIDShape.MatchString(n.ID) || seen[n.ID] {
			t.Errorf("node %s has ID %q, want 25 base-36 characters of its own", n.Name, n.ID)
		}
		seen[n.ID] = true
	}
	for _, sv := range snap.Services {
		if !dockerIDShape.MatchString(sv.ID) || seen[sv.ID] {
			t.Errorf("service %s has ID %q", sv.Name, sv.ID)
		}
		seen[sv.ID] = true
	}
	for _, tk := range snap.Tasks {
		if id := snap.TaskID(tk); !dockerIDShape.MatchString(id) || seen[id] {
			t.Errorf("task %s has ID %q", tk.Name(), id)
		}
	}
	again := newTestCluster(t, "1-1-1", 1, 5).Snapshot()
	if again.Nodes[0].ID != snap.Nodes[0].ID {
		t.Errorf("the same seed gave m1 IDs %q and %q", snap.Nodes[0].ID, again.Nodes[0].ID)
	}
	other := newTestCluster(t, "1-1-1", 1, 6).Snapshot()
	if other.Nodes[0].ID == snap.Nodes[0].ID {
		t.Error("another seed gave m1 the same ID")
	}
}

// An imported node keeps its ID and platform: node.id and
// node.platform.arch constraints place on it, as Docker's do.
func TestImportedNodeKeepsItsIDAndPlatform(t *testing.T) {
	l, err := az.Parse("1-1")
	if err != nil {
		t.Fatal(err)
	}
	const armID = "24ifsmvkjbyhk4u0plwbg84ti"
	c, err := New(Config{Seed: 19, Layout: l, Nodes: []NodeSpec{
		{Name: "m1", Zone: "a", Role: RoleManager, ID: "7x9bjhmzlbqwxjwy1tb3tmv8m"},
		{Name: "m2", Zone: "b", Role: RoleManager, ID: armID, OS: "linux", Arch: "aarch64"},
	}})
	if err != nil {
		t.Fatal(err)
	}
	mustRun(t, c, time.Second)
	if got := c.Snapshot().Nodes[1].ID; got != armID {
		t.Errorf("m2's ID is %q, want the imported %q", got, armID)
	}
	byID := service("byid", 2)
	byID.Constraints = []string{"node.id==" + armID}
	arm := service("arm", 2)
	arm.Constraints = []string{"node.platform.arch==aarch64"}
	mustApply(t, c, CreateServices(byID, arm))
	settle(t, c)
	if got := len(tasksOn(c, "m2")); got != 4 {
		t.Errorf("m2 runs %d of the 4 tasks its ID and arch constraints send to it", got)
	}
}

// DockerID computes base 36 with two words; the IDs must stay those the
// math/big formula gave (golden files and imported swarms show them).
func TestDockerIDMatchesBigInt(t *testing.T) {
	want := func(seed uint64, kind, key string) string {
		h := sha256.New()
		var b [8]byte
		binary.BigEndian.PutUint64(b[:], seed)
		h.Write(b[:])
		h.Write([]byte(kind))
		h.Write([]byte{0})
		h.Write([]byte(key))
		s := new(big.Int).SetBytes(h.Sum(nil)[:16]).Text(36)
		return strings.Repeat("0", idLength-len(s)) + s
	}
	long := strings.Repeat("a-very-long-stack_service-name.", 4)
	for seed := range uint64(300) {
		for _, kind := range []string{"node", "service", "task"} {
			key := fmt.Sprintf("w%d", seed)
			if seed%7 == 0 {
				key = long + key // past the 64 bytes DockerID hashes on its stack
			}
			if got, w := DockerID(seed*0x9e3779b97f4a7c15, kind, key), want(seed*0x9e3779b97f4a7c15, kind, key); got != w {
				t.Fatalf("DockerID(%d, %q, %q) = %q, want %q", seed, kind, key, got, w)
			}
		}
	}
}
