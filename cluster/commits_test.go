package cluster

import (
	"errors"
	"testing"
	"time"

	"github.com/swarmsim/swarmsim/az"
)

func TestMeasureCommits(t *testing.T) {
	forty := RTT{Pair("a", "b"): 40 * time.Millisecond, Pair("a", "c"): 40 * time.Millisecond, Pair("b", "c"): 40 * time.Millisecond}
	for _, tc := range []struct {
		layout   string
		lo, hi   time.Duration // every commit's latency
		managers int
	}{
		// The leader and one more in zone a, a third from b or c: one
		// cross-zone round trip.
		{"2-2-1", 36 * time.Millisecond, 44 * time.Millisecond, 5},
		// A quorum of 3 inside zone a: intra-zone round trips only.
		{"3-1-1", 400 * time.Microsecond, 2 * time.Millisecond, 5},
		{"1", 0, 0, 1},
	} {
		l, _ := az.Parse(tc.layout)
		rtt := RTT{}
		for p, d := range forty {
			if l.Index(p[0]) >= 0 && l.Index(p[1]) >= 0 {
				rtt[p] = d
			}
		}
		c, err := New(Config{Seed: 3, Layout: l, RTT: rtt})
		if err != nil {
			t.Fatal(err)
		}
		mustRun(t, c, 10*time.Second)
		before := c.leaderManager().member.Status().Commit
		got, err := c.MeasureCommits(100)
		if err != nil {
			t.Fatal(err)
		}
		if n := c.leaderManager().member.Status().Commit - before; n != 100 || len(got.Latencies) != 100 {
			t.Errorf("%s: %d entries committed, %d latencies; want 100", tc.layout, n, len(got.Latencies))
		}
		for _, d := range got.Latencies {
			if d < tc.lo || d > tc.hi {
				t.Errorf("%s: a commit took %v, want %v to %v", tc.layout, d, tc.lo, tc.hi)
				break
			}
		}
		// Each commit: an append to every follower and its answer, then the
		// commit index passed on and answered; now and then a probe more.
		per := 4 * uint64(tc.managers-1)
		if got.Messages < 100*per || got.Messages > 100*per+100 {
			t.Errorf("%s: %d messages for 100 commits, want about %d each", tc.layout, got.Messages, per)
		}
		if got.Leader != "m1" {
			t.Errorf("%s: measured at %s, want m1, which ran swarm init", tc.layout, got.Leader)
		}
	}
}

func TestMeasureCommitsWithoutALeader(t *testing.T) {
	c := newTestCluster(t, "1-1-1", 0, 5)
	mustApply(t, c, KillManagers(2))
	mustRun(t, c, electionBound)
	if _, err := c.MeasureCommits(10); !errors.Is(err, ErrNoLeader) {
		t.Errorf("without quorum: %v, want ErrNoLeader", err)
	}
}

// BenchmarkMeasureCommits times writes in 5 managers (2-2-1) and 9 (3-3-3)
// with 40 ms between zones, as plan does for each leader zone: how many
// timed writes, and Raft messages, a wall second buys.
func BenchmarkMeasureCommits(b *testing.B) {
	for _, layout := range []string{"2-2-1", "3-3-3"} {
		b.Run(layout, func(b *testing.B) {
			l, _ := az.Parse(layout)
			rtt, err := ParseRTT("a-b=40ms,a-c=40ms,b-c=40ms", l.Names())
			if err != nil {
				b.Fatal(err)
			}
			var writes, msgs uint64
			for b.Loop() {
				c, err := New(Config{Seed: 1, Layout: l, RTT: rtt})
				if err != nil {
					b.Fatal(err)
				}
				mustRun(b, c, 10*time.Second)
				got, err := c.MeasureCommits(200)
				if err != nil {
					b.Fatal(err)
				}
				writes += uint64(len(got.Latencies))
				msgs += got.Messages
			}
			b.ReportMetric(float64(writes)/b.Elapsed().Seconds(), "writes/s")
			b.ReportMetric(float64(msgs)/b.Elapsed().Seconds(), "msgs/s")
		})
	}
}
