package chaos

import (
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/swarmsim/swarmsim/az"
)

func testCampaign(shard Shard) Spec {
	l, _ := az.Parse("2-2-1")
	return Spec{Runs: 12, Seed: 3, Layout: l.WithWorkers(3), For: time.Minute, Clients: 3, Shard: shard}
}

// fakeRun is a made-up run: every third loses quorum, every fourth breaks
// an invariant, every fifth loses a write, every seventh cannot finish.
func fakeRun(i int) Run {
	r := Run{Index: i, Seed: uint64(100 + i), Operations: 10, Leaderless: time.Duration(i) * time.Second, Pending: i % 2}
	r.Injected[KindKill] = i
	r.Injected[KindRestart] = i % 3
	r.LostQuorum = i%3 == 0
	if i%4 == 0 {
		r.Violation = &Finding{Invariant: "one leader per term", Detail: fmt.Sprintf("m1 and w1 both led term %d", i)}
	}
	if i%5 == 0 {
		r.LostWrites = []LostWrite{{Client: 1, Write: "docker service scale web=3", Entry: uint64(9 + i), Survivor: "m3"}}
	}
	if i%7 == 0 {
		r.Err = "the simulation panicked"
	}
	return r
}

func summarize(spec Spec) Summary {
	s := NewSummary(spec, " --az 2-2-1 --workers 3")
	lo, hi := spec.Shard.Range(spec.Runs)
	for i := lo; i < hi; i++ {
		s.Add(fakeRun(i))
	}
	return *s
}

func asJSON(t *testing.T, s Summary) string {
	t.Helper()
	s.Normalize()
	b, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// permutations lists every order of 1..n.
func permutations(n int) [][]int {
	if n == 0 {
		return [][]int{{}}
	}
	var out [][]int
	for _, p := range permutations(n - 1) {
		for i := 0; i <= len(p); i++ {
			q := append(append(append([]int{}, p[:i]...), n), p[i:]...)
			out = append(out, q)
		}
	}
	return out
}

// Shards summarized apart merge into the summary of the whole campaign,
// byte for byte, whatever order the files are named in.
func TestMergeInAnyOrderIsTheWholeCampaign(t *testing.T) {
	whole := asJSON(t, summarize(testCampaign(Shard{})))
	for _, of := range []int{2, 3, 4} {
		shards := make([]Summary, of+1)
		for i := 1; i <= of; i++ {
			shards[i] = summarize(testCampaign(Shard{Index: i, Of: of}))
		}
		for _, order := range permutations(of) {
			var parts []Summary
			var names []string
			for _, i := range order {
				parts = append(parts, shards[i])
				names = append(names, fmt.Sprintf("%d.json", i))
			}
			merged, err := Merge(names, parts)
			if err != nil {
				t.Fatalf("order %v: %v", order, err)
			}
			if got := asJSON(t, merged); got != whole {
				t.Errorf("order %v merged:\n%s\nwhole:\n%s", order, got, whole)
			}
		}
	}
	s := summarize(testCampaign(Shard{}))
	if s.LostQuorum.Count != 4 || s.Violations[0].Replay != "swarmsim chaos --replay 100 --az 2-2-1 --workers 3" ||
		s.LostWrites.Count != 3 || s.Injected["kill"] != 66 || s.LeaderlessMS != 66_000 || len(s.Errors) != 2 {
		t.Errorf("whole campaign: %+v", s)
	}
}
