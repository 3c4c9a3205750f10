package report

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/swarmsim/swarmsim/az"
	"github.com/swarmsim/swarmsim/internal/chaos"
)

func testCampaign(shard chaos.Shard) chaos.Spec {
	l, _ := az.Parse("2-2-1")
	return chaos.Spec{Runs: 12, Seed: 3, Layout: l.WithWorkers(3), For: time.Minute, Clients: 3, Shard: shard}
}

// run is a made-up run: every third loses quorum, every fourth breaks an
// invariant, every fifth loses a write.
func run(i int) chaos.Run {
	r := chaos.Run{Index: i, Seed: uint64(100 + i), Operations: 10, Leaderless: time.Duration(i) * time.Second}
	r.Injected[chaos.KindKill] = i
	r.LostQuorum = i%3 == 0
	if i%4 == 0 {
		r.Violation = &chaos.Finding{Invariant: "one leader per term", Detail: "m1 and w1 both led term 1"}
	}
	if i%5 == 0 {
		r.LostWrites = []chaos.LostWrite{{Client: 1, Write: "docker service scale web=3", Entry: 9, Survivor: "m3"}}
	}
	return r
}

func summarize(spec chaos.Spec) chaos.Summary {
	s := chaos.NewSummary(spec, " --az 2-2-1 --workers 3")
	lo, hi := spec.Shard.Range(spec.Runs)
	for i := lo; i < hi; i++ {
		s.Add(run(i))
	}
	return *s
}

func TestProgressLine(t *testing.T) {
	var b bytes.Buffer
	Progress(&b, "chaos", 250, 1000, 1234*time.Millisecond, "1 violation")
	ProgressDone(&b)
	if got := b.String(); got != "\r\033[Kchaos [██████░░░░░░░░░░░░░░░░░░] 25% · 1.2s · about 4s left · 1 violation\r\033[K" {
		t.Errorf("progress: %q", got)
	}
}

func TestChaosTextNamesEveryKindAndReplay(t *testing.T) {
	s := summarize(testCampaign(chaos.Shard{Index: 2, Of: 3}))
	var b bytes.Buffer
	Chaos(&b, &s)
	for _, want := range []string{"chaos · shard 2/3: runs 5–8 of 12 · 5 managers over 3 zones (2-2-1) · 3 workers · 1m0s each · 3 clients · seed 3",
		"0 force_new_cluster", "  ✗ m1 and w1 both led term 1\n    replay: swarmsim chaos --replay 104 --az 2-2-1 --workers 3",
		"acknowledged writes lost by force-new-cluster: 1 in 1 run"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("text lacks %q:\n%s", want, b.String())
		}
	}
}
