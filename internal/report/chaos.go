package report

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/swarmsim/swarmsim/cluster"
	"github.com/swarmsim/swarmsim/internal/chaos"
	"github.com/swarmsim/swarmsim/internal/prose"

	"github.com/swarmsim/swarmsim/internal/sink"
)

// violationsListed is how many violations and errors the text lists; the
// JSON lists them all.
const violationsListed = 20

// Chaos writes the summary as text.
func Chaos(w io.Writer, s *chaos.Summary) {
	zones := strings.Count(s.Layout, "-") + 1
	what := prose.Counted(s.Runs, "run")
	if s.Shard != nil {
		lo := (s.Shard.Index - 1) * s.Shard.CampaignRuns / s.Shard.Of
		what = fmt.Sprintf("shard %d/%d: runs %d–%d of %d", s.Shard.Index, s.Shard.Of, lo+1, lo+s.Runs, s.Shard.CampaignRuns)
	}
	fmt.Fprintf(w, "chaos · %s · %s (%s) · %s · %s each · %s · seed %d",
		what, managersOver(s.Managers, zones), s.Layout, prose.Counted(s.Workers, "worker"), time.Duration(s.ForMS)*time.Millisecond, prose.Counted(s.Clients, "client"), s.Seed)
	if s.Schedule != "" {
		fmt.Fprintf(w, " · %s schedule", s.Schedule)
	}
	if s.Fault != "" {
		fmt.Fprintf(w, " · fault %s injected", s.Fault)
	}
	fmt.Fprintln(w)
	fmt.Fprintf(w, "  injected: %s\n", injectedLine(s.Injected))
	outcome := func(what string, o chaos.Outcome) {
		fmt.Fprintf(w, "  %s: %d\n", what, o.Count)
		for _, cmd := range o.Replay {
			fmt.Fprintf(w, "    replay: %s\n", cmd)
		}
	}
	outcome("runs that lost quorum at some point", s.LostQuorum)
	leaderless := time.Duration(s.LeaderlessMS) * time.Millisecond
	fmt.Fprintf(w, "  time without a leader: %s in all, %s per run on average\n",
		cluster.FormatTime(leaderless), cluster.FormatTime(leaderless/time.Duration(max(s.Runs, 1))))
	outcome("runs ending with tasks pending", s.PendingAtEnd)
	outcome("runs that kept a leader throughout and converged", s.Held)
	fmt.Fprintf(w, "  client histories checked for linearizability: %d of %d runs, %d operations\n", s.HistoriesChecked, s.Runs, s.Operations)
	fmt.Fprintf(w, "  acknowledged writes lost by force-new-cluster: %d in %s\n", s.LostWrites.Count, prose.Counted(len(s.LostWrites.Runs), "run"))
	for i, run := range s.LostWrites.Runs {
		if i == chaos.ReplayListed {
			fmt.Fprintf(w, "    … and %s more (--output json lists them all)\n", prose.Counted(len(s.LostWrites.Runs)-i, "run"))
			break
		}
		for _, lost := range run.Writes {
			fmt.Fprintf(w, "    %s\n", lost)
		}
		fmt.Fprintf(w, "      replay: %s\n", run.Replay)
	}
	fmt.Fprintf(w, "  invariant violations: %d\n", len(s.Violations))
	for i, v := range s.Violations {
		if i == violationsListed {
			fmt.Fprintf(w, "    … and %d more (--output json lists them all)\n", len(s.Violations)-i)
			break
		}
		fmt.Fprintf(w, "  ✗ %s\n    replay: %s\n", sink.Text(v.Detail), v.Replay)
		if v.Visualization != "" {
			fmt.Fprintf(w, "    porcupine's visualisation: %s\n", v.Visualization)
		}
	}
	if len(s.Errors) > 0 {
		fmt.Fprintf(w, "  runs the simulation could not finish: %d\n", len(s.Errors))
		for i, e := range s.Errors {
			if i == violationsListed {
				fmt.Fprintf(w, "    … and %d more (--output json lists them all)\n", len(s.Errors)-i)
				break
			}
			fmt.Fprintf(w, "  ! %s\n    replay: %s\n", prose.FirstLine(e.Error), e.Replay)
		}
	}
	fmt.Fprintf(w, "  wall time: %s\n", (time.Duration(s.WallMS) * time.Millisecond).String())
}

func injectedLine(m map[string]int) string {
	var parts []string
	for k := range chaos.NumKinds {
		parts = append(parts, fmt.Sprintf("%d %s", m[k.String()], k))
	}
	return strings.Join(parts, " · ")
}

// ChaosJSON writes the summary as JSON.
func ChaosJSON(w io.Writer, s *chaos.Summary) error {
	s.Normalize()
	return WriteJSON(w, s)
}

// Progress rewrites the progress line on a terminal: what runs, a bar,
// how far, the time so far and an estimate of the time left from the rate
// so far, and extra words (a campaign's violations).
func Progress(w io.Writer, what string, done, total int64, elapsed time.Duration, extra string) {
	const width = 24
	total = max(total, 1)
	done = min(max(done, 0), total)
	filled := int(done * width / total)
	line := fmt.Sprintf("%s [%s%s] %d%% · %s", what, strings.Repeat("█", filled), strings.Repeat("░", width-filled), done*100/total, elapsed.Round(100*time.Millisecond))
	if done > 0 && done < total {
		left := time.Duration(int64(elapsed) / done * (total - done))
		line += fmt.Sprintf(" · about %s left", left.Round(time.Second))
	}
	if extra != "" {
		line += " · " + extra
	}
	fmt.Fprint(w, "\r\033[K"+line)
}

// ProgressDone clears the progress line.
func ProgressDone(w io.Writer) { fmt.Fprint(w, "\r\033[K") }

// ChaosReplay writes one replayed run: its actions, its timeline, its
// client history, the writes it lost, and its violation if any.
func ChaosReplay(w io.Writer, run chaos.Run) {
	fmt.Fprintf(w, "Actions\n")
	for _, a := range run.Actions {
		fmt.Fprintf(w, "  %s\n", a)
	}
	fmt.Fprintf(w, "Timeline\n")
	for _, e := range run.Events {
		fmt.Fprintf(w, "  %s\n", e)
	}
	fmt.Fprintf(w, "Client calls\n")
	for _, c := range run.Calls {
		fmt.Fprintf(w, "  %s\n", c)
	}
	if len(run.LostWrites) > 0 {
		fmt.Fprintf(w, "Acknowledged writes lost by force-new-cluster\n")
		for _, lost := range run.LostWrites {
			fmt.Fprintf(w, "  %s\n", lost)
		}
	}
	if run.Violation != nil {
		fmt.Fprintf(w, "VIOLATION: %s\n", sink.Text(run.Violation.Detail))
		if len(run.Visualization) > 0 {
			fmt.Fprintf(w, "porcupine's visualisation: %s\n", chaos.HistoryFile(run.Seed))
		}
	}
	if run.Err != "" {
		fmt.Fprintf(w, "the simulation could not finish the run: %s\n", run.Err)
	}
}
