package raft

import (
	"fmt"
	"testing"
)

// BenchmarkBareLoop is the cost floor of SPEC §6: members in lockstep with
// instant delivery and no simulator around them. cluster's benchmarks are
// measured against it in the same run.
func BenchmarkBareLoop(b *testing.B) {
	for _, tc := range []struct {
		managers       int
		proposePerTick bool
	}{{5, false}, {5, true}, {9, true}} {
		b.Run(fmt.Sprintf("managers=%d/propose=%v", tc.managers, tc.proposePerTick), func(b *testing.B) {
			ls := newLockstep(b, tc.managers, 1, nil)
			lead, _ := ls.tickUntilLeader(100)
			if lead == 0 {
				b.Fatal("no leader")
			}
			ls.sent = 0
			data := []byte("update web")
			b.ResetTimer()
			for range b.N {
				if tc.proposePerTick {
					ls.members[lead].Propose(data)
				}
				ls.tick()
			}
			secs := b.Elapsed().Seconds()
			b.ReportMetric(float64(ls.sent)/secs, "msgs/s")
			b.ReportMetric(float64(b.N)/secs, "sim-s/s")
		})
	}
}
