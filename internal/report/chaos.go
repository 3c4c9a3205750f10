package report

import (
	"fmt"
	"io"
	"time"

	"github.com/swarmsim/swarmsim/cluster"
	"github.com/swarmsim/swarmsim/internal/scenario"
)

// Chaos writes the summary of a chaos batch: runs that lost quorum, time
// without a leader, runs ending with tasks pending, and each violation with
// the command that replays it (replay is that command's flags after the run
// seed, like " --managers 5").
func Chaos(w io.Writer, spec scenario.ChaosSpec, runs []scenario.ChaosRun, replay string) {
	var lost, pending, violations int
	var leaderless time.Duration
	for _, r := range runs {
		if r.LostQuorum {
			lost++
		}
		if r.Pending > 0 {
			pending++
		}
		leaderless += r.Leaderless
		if r.Violation != nil {
			violations++
		}
	}
	l := spec.Layout
	fmt.Fprintf(w, "chaos · %s · %s (%s) · %s · %s each · seed %d\n",
		counted(spec.Runs, "run"), managersOver(l.Managers(), len(l.Zones)), l, counted(l.Workers(), "worker"), spec.For, spec.Seed)
	fmt.Fprintf(w, "  runs that lost quorum at some point: %d\n", lost)
	fmt.Fprintf(w, "  time without a leader: %s in all, %s per run on average\n",
		cluster.FormatTime(leaderless), cluster.FormatTime(leaderless/time.Duration(max(len(runs), 1))))
	fmt.Fprintf(w, "  runs ending with tasks pending: %d\n", pending)
	fmt.Fprintf(w, "  invariant violations: %d\n", violations)
	for _, r := range runs {
		if r.Violation != nil {
			fmt.Fprintf(w, "  ✗ %v\n    replay: swarmsim chaos --replay %d%s\n", r.Violation, r.Seed, replay)
		}
	}
}

// ChaosReplay writes one replayed run's timeline, and its violation if any.
func ChaosReplay(w io.Writer, run scenario.ChaosRun) {
	for _, e := range run.Events {
		fmt.Fprintln(w, e)
	}
	if run.Violation != nil {
		fmt.Fprintf(w, "VIOLATION: %v\n", run.Violation)
	}
}
