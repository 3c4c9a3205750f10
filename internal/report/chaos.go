package report

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/swarmsim/swarmsim/cluster"
	"github.com/swarmsim/swarmsim/internal/prose"
	"github.com/swarmsim/swarmsim/internal/scenario"

	"github.com/swarmsim/swarmsim/internal/sink"
)

// ChaosSummary is what a chaos campaign, or a shard of one, found. Its
// fields are the JSON output's, with stable names; the text output shows
// the same. A summary is built run by run in run order (Add), so a
// campaign of any size needs memory only for what it lists, and the
// summaries of a campaign's shards merge into exactly the summary of the
// whole campaign (MergeChaos), wall_ms apart.
type ChaosSummary struct {
	Runs     int    `json:"runs"` // runs summarized: the campaign's, or the shard's
	Seed     uint64 `json:"seed,string"`
	Managers int    `json:"managers"`
	Layout   string `json:"layout"`
	Workers  int    `json:"workers"`
	ForMS    int64  `json:"for_ms"`
	Clients  int    `json:"clients"`
	// Shard is set on the summary of one shard of a campaign.
	Shard *ChaosShard `json:"shard,omitempty"`
	// Injected counts the actions schedules injected, by kind (attempts:
	// Docker may refuse one, which is part of the chaos).
	Injected     map[string]int `json:"injected"`
	LostQuorum   ChaosOutcome   `json:"lost_quorum"`    // runs with a moment without a leader
	PendingAtEnd ChaosOutcome   `json:"pending_at_end"` // runs ending with tasks pending
	Held         ChaosOutcome   `json:"held"`           // runs that kept a leader throughout and ended with nothing pending
	LeaderlessMS int64          `json:"leaderless_ms"`  // time without a leader, summed over runs
	// HistoriesChecked counts the runs whose client history porcupine
	// checked for linearizability; Operations, the calls in them.
	HistoriesChecked int              `json:"histories_checked"`
	Operations       int              `json:"operations_checked"`
	LostWrites       ChaosLostWrites  `json:"lost_writes"`
	Violations       []ChaosViolation `json:"violations"`
	Errors           []ChaosRunError  `json:"errors"`
	WallMS           int64            `json:"wall_ms"` // wall-clock time: the one field that differs from run to run
	replay           string           // the replay command's flags after the run seed
}

// ChaosShard places a shard in its campaign.
type ChaosShard struct {
	Index        int `json:"index"` // from 1
	Of           int `json:"of"`
	CampaignRuns int `json:"campaign_runs"`
}

// ChaosOutcome counts the runs that ended one way, with the commands that
// replay the first of them.
type ChaosOutcome struct {
	Count  int      `json:"count"`
	Replay []string `json:"replay"`
}

// replayListed is how many replay commands an outcome lists.
const replayListed = 5

func (o *ChaosOutcome) add(cmd string) {
	o.Count++
	if len(o.Replay) < replayListed {
		o.Replay = append(o.Replay, cmd)
	}
}

// ChaosLostWrites lists every acknowledged write a force-new-cluster lost.
type ChaosLostWrites struct {
	Count int            `json:"count"`
	Runs  []ChaosLostRun `json:"runs"`
}

// ChaosLostRun is one run's lost writes.
type ChaosLostRun struct {
	RunSeed uint64   `json:"run_seed,string"`
	Writes  []string `json:"writes"`
	Replay  string   `json:"replay"`
}

// ChaosViolation is a broken invariant, with what replays it.
type ChaosViolation struct {
	RunSeed   uint64 `json:"run_seed,string"`
	Invariant string `json:"invariant"`
	Detail    string `json:"detail"`
	Replay    string `json:"replay"`
	// Visualization names the file with porcupine's picture of a history
	// it could not linearize.
	Visualization string `json:"visualization,omitempty"`
}

// ChaosRunError is a run the simulation could not finish: not a verdict.
type ChaosRunError struct {
	RunSeed uint64 `json:"run_seed,string"`
	Error   string `json:"error"`
	Replay  string `json:"replay"`
}

// NewChaosSummary starts the summary of spec's campaign (or shard); replay
// is the flags that follow the run seed in a replay command, like
// " --az 2-2-1 --workers 3".
func NewChaosSummary(spec scenario.ChaosSpec, replay string) *ChaosSummary {
	lo, hi := spec.Shard.Range(spec.Runs)
	s := &ChaosSummary{
		Runs: hi - lo, Seed: spec.Seed, Managers: spec.Layout.Managers(), Layout: spec.Layout.String(), Workers: spec.Layout.Workers(),
		ForMS: ms(spec.For), Clients: spec.Clients, Injected: map[string]int{}, replay: replay,
	}
	if !spec.Shard.Whole() {
		s.Shard = &ChaosShard{Index: spec.Shard.Index, Of: spec.Shard.Of, CampaignRuns: spec.Runs}
	}
	for k := range scenario.NumKinds {
		s.Injected[k.String()] = 0
	}
	s.normalize()
	return s
}

// normalize gives every list a value, so JSON shows [] rather than null.
func (s *ChaosSummary) normalize() {
	for _, o := range []*ChaosOutcome{&s.LostQuorum, &s.PendingAtEnd, &s.Held} {
		if o.Replay == nil {
			o.Replay = []string{}
		}
	}
	if s.LostWrites.Runs == nil {
		s.LostWrites.Runs = []ChaosLostRun{}
	}
	if s.Violations == nil {
		s.Violations = []ChaosViolation{}
	}
	if s.Errors == nil {
		s.Errors = []ChaosRunError{}
	}
	if s.Injected == nil {
		s.Injected = map[string]int{}
	}
}

// ReplayCommand is the command that replays the run with this seed.
func (s *ChaosSummary) ReplayCommand(seed uint64) string {
	return "swarmsim chaos --replay " + strconv.FormatUint(seed, 10) + s.replay
}

// HistoryFile is where the visualisation of a run's history goes: the
// command writes it, the summary names it.
func HistoryFile(seed uint64) string { return fmt.Sprintf("swarmsim-history-%d.html", seed) }

// Add counts one run; runs must come in run order.
func (s *ChaosSummary) Add(r scenario.ChaosRun) {
	replay := s.ReplayCommand(r.Seed)
	for k, n := range r.Injected {
		s.Injected[scenario.Kind(k).String()] += n
	}
	if r.LostQuorum {
		s.LostQuorum.add(replay)
	}
	if r.Pending > 0 {
		s.PendingAtEnd.add(replay)
	}
	if !r.LostQuorum && r.Pending == 0 && r.Violation == nil && r.Err == "" {
		s.Held.add(replay)
	}
	s.LeaderlessMS += ms(r.Leaderless)
	if r.Operations > 0 {
		s.HistoriesChecked++
		s.Operations += r.Operations
	}
	if len(r.LostWrites) > 0 {
		run := ChaosLostRun{RunSeed: r.Seed, Replay: replay}
		for _, w := range r.LostWrites {
			run.Writes = append(run.Writes, w.String())
		}
		s.LostWrites.Count += len(r.LostWrites)
		s.LostWrites.Runs = append(s.LostWrites.Runs, run)
	}
	if v := r.Violation; v != nil {
		cv := ChaosViolation{RunSeed: r.Seed, Invariant: v.Invariant, Detail: v.Detail, Replay: replay}
		if len(r.Visualization) > 0 {
			cv.Visualization = HistoryFile(r.Seed)
		}
		s.Violations = append(s.Violations, cv)
	}
	if r.Err != "" {
		s.Errors = append(s.Errors, ChaosRunError{RunSeed: r.Seed, Error: r.Err, Replay: replay})
	}
}

// MergeChaos merges the summaries of every shard of one campaign, named
// by names (the files they came from), into the summary of the whole
// campaign. The wall time is the longest shard's.
func MergeChaos(names []string, parts []ChaosSummary) (ChaosSummary, error) {
	if len(parts) == 0 {
		return ChaosSummary{}, fmt.Errorf("name the shard summaries to merge, like swarmsim chaos merge 1.json 2.json")
	}
	first := parts[0]
	if first.Shard == nil {
		return ChaosSummary{}, fmt.Errorf("%s is the summary of a whole campaign, not of a shard: there is nothing to merge it with", names[0])
	}
	of := first.Shard.Of
	byIndex := make([]*ChaosSummary, of+1)
	for i := range parts {
		p, name := &parts[i], names[i]
		switch {
		case p.Shard == nil:
			return ChaosSummary{}, fmt.Errorf("%s is the summary of a whole campaign, not of a shard: merge only the summaries of chaos --shard I/N", name)
		case p.Shard.Of != of || p.Shard.CampaignRuns != first.Shard.CampaignRuns || p.Seed != first.Seed || p.Layout != first.Layout ||
			p.Workers != first.Workers || p.ForMS != first.ForMS || p.Clients != first.Clients:
			return ChaosSummary{}, fmt.Errorf("%s is shard %d/%d of another campaign than %s (%s against %s): merge shards of one campaign, run with the same flags",
				name, p.Shard.Index, p.Shard.Of, names[0], campaign(p), campaign(&first))
		case p.Shard.Index < 1 || p.Shard.Index > of:
			return ChaosSummary{}, fmt.Errorf("%s says it is shard %d of %d, which does not exist", name, p.Shard.Index, of)
		case byIndex[p.Shard.Index] != nil:
			return ChaosSummary{}, fmt.Errorf("%s and another file are both shard %d/%d: merge each shard once", name, p.Shard.Index, of)
		}
		byIndex[p.Shard.Index] = p
	}
	var missing []string
	for i := 1; i <= of; i++ {
		if byIndex[i] == nil {
			missing = append(missing, fmt.Sprintf("%d/%d", i, of))
		}
	}
	if len(missing) > 0 {
		return ChaosSummary{}, fmt.Errorf("shard %s missing: merge every shard of the campaign, 1/%d to %d/%d", strings.Join(missing, ", "), of, of, of)
	}
	out := first
	out.Shard, out.Runs, out.Injected, out.replay = nil, 0, map[string]int{}, ""
	out.LostQuorum, out.PendingAtEnd, out.Held = ChaosOutcome{}, ChaosOutcome{}, ChaosOutcome{}
	out.LeaderlessMS, out.HistoriesChecked, out.Operations, out.WallMS = 0, 0, 0, 0
	out.LostWrites, out.Violations, out.Errors = ChaosLostWrites{}, nil, nil
	for _, p := range byIndex[1:] {
		out.Runs += p.Runs
		for k, n := range p.Injected {
			out.Injected[k] += n
		}
		for _, pair := range [][2]*ChaosOutcome{{&out.LostQuorum, &p.LostQuorum}, {&out.PendingAtEnd, &p.PendingAtEnd}, {&out.Held, &p.Held}} {
			pair[0].Count += pair[1].Count
			for _, cmd := range pair[1].Replay {
				if len(pair[0].Replay) < replayListed {
					pair[0].Replay = append(pair[0].Replay, cmd)
				}
			}
		}
		out.LeaderlessMS += p.LeaderlessMS
		out.HistoriesChecked += p.HistoriesChecked
		out.Operations += p.Operations
		out.LostWrites.Count += p.LostWrites.Count
		out.LostWrites.Runs = append(out.LostWrites.Runs, p.LostWrites.Runs...)
		out.Violations = append(out.Violations, p.Violations...)
		out.Errors = append(out.Errors, p.Errors...)
		out.WallMS = max(out.WallMS, p.WallMS)
	}
	if out.Runs != first.Shard.CampaignRuns {
		return ChaosSummary{}, fmt.Errorf("the shards hold %d runs, but their campaign has %d: a file was changed or cut short", out.Runs, first.Shard.CampaignRuns)
	}
	out.normalize()
	return out, nil
}

func campaign(s *ChaosSummary) string {
	runs := s.Runs
	if s.Shard != nil {
		runs = s.Shard.CampaignRuns
	}
	return fmt.Sprintf("%d runs, seed %d, --az %s, %d workers, %s each, %d clients", runs, s.Seed, s.Layout, s.Workers, time.Duration(s.ForMS)*time.Millisecond, s.Clients)
}

// violationsListed is how many violations and errors the text lists; the
// JSON lists them all.
const violationsListed = 20

// Chaos writes the summary as text.
func Chaos(w io.Writer, s *ChaosSummary) {
	zones := strings.Count(s.Layout, "-") + 1
	what := prose.Counted(s.Runs, "run")
	if s.Shard != nil {
		lo := (s.Shard.Index - 1) * s.Shard.CampaignRuns / s.Shard.Of
		what = fmt.Sprintf("shard %d/%d: runs %d–%d of %d", s.Shard.Index, s.Shard.Of, lo+1, lo+s.Runs, s.Shard.CampaignRuns)
	}
	fmt.Fprintf(w, "chaos · %s · %s (%s) · %s · %s each · %s · seed %d\n",
		what, managersOver(s.Managers, zones), s.Layout, prose.Counted(s.Workers, "worker"), time.Duration(s.ForMS)*time.Millisecond, prose.Counted(s.Clients, "client"), s.Seed)
	fmt.Fprintf(w, "  injected: %s\n", injectedLine(s.Injected))
	outcome := func(what string, o ChaosOutcome) {
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
		if i == replayListed {
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
	for k := range scenario.NumKinds {
		parts = append(parts, fmt.Sprintf("%d %s", m[k.String()], k))
	}
	return strings.Join(parts, " · ")
}

// ChaosJSON writes the summary as JSON.
func ChaosJSON(w io.Writer, s *ChaosSummary) error {
	s.normalize()
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
func ChaosReplay(w io.Writer, run scenario.ChaosRun) {
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
			fmt.Fprintf(w, "porcupine's visualisation: %s\n", HistoryFile(run.Seed))
		}
	}
	if run.Err != "" {
		fmt.Fprintf(w, "the simulation could not finish the run: %s\n", run.Err)
	}
}
