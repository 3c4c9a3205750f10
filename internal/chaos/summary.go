package chaos

import (
	"fmt"
	"github.com/swarmsim/swarmsim/internal/fault"
	"strconv"
	"strings"
	"time"
)

// Summary is what a chaos campaign, or a shard of one, found. Its
// fields are the JSON output's, with stable names; the text output shows
// the same. A summary is built run by run in run order (Add), so a
// campaign of any size needs memory only for what it lists, and the
// summaries of a campaign's shards merge into exactly the summary of the
// whole campaign (Merge), wall_ms apart.
type Summary struct {
	Runs     int    `json:"runs"` // runs summarized: the campaign's, or the shard's
	Seed     uint64 `json:"seed,string"`
	Managers int    `json:"managers"`
	Layout   string `json:"layout"`
	Workers  int    `json:"workers"`
	ForMS    int64  `json:"for_ms"`
	Clients  int    `json:"clients"`
	// Schedule is "classic" for a campaign of the first wave's kinds only;
	// Fault names the bug injected into every run. Both are left out when
	// unset, so a plain campaign's JSON reads as before.
	Schedule string `json:"schedule,omitempty"`
	Fault    string `json:"fault,omitempty"`
	// Shard is set on the summary of one shard of a campaign.
	Shard *ShardOf `json:"shard,omitempty"`
	// Injected counts the actions schedules injected, by kind (attempts:
	// Docker may refuse one, which is part of the chaos).
	Injected     map[string]int `json:"injected"`
	LostQuorum   Outcome        `json:"lost_quorum"`    // runs with a moment without a leader
	PendingAtEnd Outcome        `json:"pending_at_end"` // runs ending with tasks pending
	Held         Outcome        `json:"held"`           // runs that kept a leader throughout and ended with nothing pending
	LeaderlessMS int64          `json:"leaderless_ms"`  // time without a leader, summed over runs
	// HistoriesChecked counts the runs whose client history porcupine
	// checked for linearizability; Operations, the calls in them.
	HistoriesChecked int           `json:"histories_checked"`
	Operations       int           `json:"operations_checked"`
	LostWrites       LostWriteRuns `json:"lost_writes"`
	Violations       []Violation   `json:"violations"`
	Errors           []RunError    `json:"errors"`
	WallMS           int64         `json:"wall_ms"` // wall-clock time: the one field that differs from run to run
	replay           string        // the replay command's flags after the run seed
}

// ShardOf places a shard in its campaign.
type ShardOf struct {
	Index        int `json:"index"` // from 1
	Of           int `json:"of"`
	CampaignRuns int `json:"campaign_runs"`
}

// Outcome counts the runs that ended one way, with the commands that
// replay the first of them.
type Outcome struct {
	Count  int      `json:"count"`
	Replay []string `json:"replay"`
}

// ReplayListed is how many replay commands an outcome lists, and how many
// runs with lost writes the text shows.
const ReplayListed = 5

func (o *Outcome) add(cmd string) {
	o.Count++
	if len(o.Replay) < ReplayListed {
		o.Replay = append(o.Replay, cmd)
	}
}

// LostWriteRuns lists every acknowledged write a force-new-cluster lost.
type LostWriteRuns struct {
	Count int       `json:"count"`
	Runs  []LostRun `json:"runs"`
}

// LostRun is one run's lost writes.
type LostRun struct {
	RunSeed uint64   `json:"run_seed,string"`
	Writes  []string `json:"writes"`
	Replay  string   `json:"replay"`
}

// Violation is a broken invariant, with what replays it.
type Violation struct {
	RunSeed   uint64 `json:"run_seed,string"`
	Invariant string `json:"invariant"`
	Detail    string `json:"detail"`
	Replay    string `json:"replay"`
	// Visualization names the file with porcupine's picture of a history
	// it could not linearize.
	Visualization string `json:"visualization,omitempty"`
}

// RunError is a run the simulation could not finish: not a verdict.
type RunError struct {
	RunSeed uint64 `json:"run_seed,string"`
	Error   string `json:"error"`
	Replay  string `json:"replay"`
}

// NewSummary starts the summary of spec's campaign (or shard); replay
// is the flags that follow the run seed in a replay command, like
// " --az 2-2-1 --workers 3".
func NewSummary(spec Spec, replay string) *Summary {
	lo, hi := spec.Shard.Range(spec.Runs)
	s := &Summary{
		Runs: hi - lo, Seed: spec.Seed, Managers: spec.Layout.Managers(), Layout: spec.Layout.String(), Workers: spec.Layout.Workers(),
		ForMS: spec.For.Milliseconds(), Clients: spec.Clients, Injected: map[string]int{}, replay: replay,
	}
	if spec.Classic {
		s.Schedule = "classic"
	}
	if spec.Fault != fault.None {
		s.Fault = spec.Fault.String()
	}
	if !spec.Shard.Whole() {
		s.Shard = &ShardOf{Index: spec.Shard.Index, Of: spec.Shard.Of, CampaignRuns: spec.Runs}
	}
	for k := range NumKinds {
		s.Injected[k.String()] = 0
	}
	s.Normalize()
	return s
}

// Normalize gives every list a value, so JSON shows [] rather than null.
func (s *Summary) Normalize() {
	for _, o := range []*Outcome{&s.LostQuorum, &s.PendingAtEnd, &s.Held} {
		if o.Replay == nil {
			o.Replay = []string{}
		}
	}
	if s.LostWrites.Runs == nil {
		s.LostWrites.Runs = []LostRun{}
	}
	if s.Violations == nil {
		s.Violations = []Violation{}
	}
	if s.Errors == nil {
		s.Errors = []RunError{}
	}
	if s.Injected == nil {
		s.Injected = map[string]int{}
	}
}

// ReplayCommand is the command that replays the run with this seed.
func (s *Summary) ReplayCommand(seed uint64) string {
	return "swarmsim chaos --replay " + strconv.FormatUint(seed, 10) + s.replay
}

// HistoryFile is where the visualisation of a run's history goes: the
// command writes it, the summary names it.
func HistoryFile(seed uint64) string { return fmt.Sprintf("swarmsim-history-%d.html", seed) }

// Add counts one run; runs must come in run order.
func (s *Summary) Add(r Run) {
	replay := s.ReplayCommand(r.Seed)
	for k, n := range r.Injected {
		s.Injected[Kind(k).String()] += n
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
	s.LeaderlessMS += r.Leaderless.Milliseconds()
	if r.Operations > 0 {
		s.HistoriesChecked++
		s.Operations += r.Operations
	}
	if len(r.LostWrites) > 0 {
		run := LostRun{RunSeed: r.Seed, Replay: replay}
		for _, w := range r.LostWrites {
			run.Writes = append(run.Writes, w.String())
		}
		s.LostWrites.Count += len(r.LostWrites)
		s.LostWrites.Runs = append(s.LostWrites.Runs, run)
	}
	if v := r.Violation; v != nil {
		cv := Violation{RunSeed: r.Seed, Invariant: v.Invariant, Detail: v.Detail, Replay: replay}
		if len(r.Visualization) > 0 {
			cv.Visualization = HistoryFile(r.Seed)
		}
		s.Violations = append(s.Violations, cv)
	}
	if r.Err != "" {
		s.Errors = append(s.Errors, RunError{RunSeed: r.Seed, Error: r.Err, Replay: replay})
	}
}

// Merge merges the summaries of every shard of one campaign, named
// by names (the files they came from), into the summary of the whole
// campaign. The wall time is the longest shard's.
func Merge(names []string, parts []Summary) (Summary, error) {
	if len(parts) == 0 {
		return Summary{}, fmt.Errorf("name the shard summaries to merge, like swarmsim chaos merge 1.json 2.json")
	}
	first := parts[0]
	if first.Shard == nil {
		return Summary{}, fmt.Errorf("%s is the summary of a whole campaign, not of a shard: there is nothing to merge it with", names[0])
	}
	of := first.Shard.Of
	byIndex := make([]*Summary, of+1)
	for i := range parts {
		p, name := &parts[i], names[i]
		switch {
		case p.Shard == nil:
			return Summary{}, fmt.Errorf("%s is the summary of a whole campaign, not of a shard: merge only the summaries of chaos --shard I/N", name)
		case p.Shard.Of != of || p.Shard.CampaignRuns != first.Shard.CampaignRuns || p.Seed != first.Seed || p.Layout != first.Layout ||
			p.Workers != first.Workers || p.ForMS != first.ForMS || p.Clients != first.Clients || p.Schedule != first.Schedule || p.Fault != first.Fault:
			return Summary{}, fmt.Errorf("%s is shard %d/%d of another campaign than %s (%s against %s): merge shards of one campaign, run with the same flags",
				name, p.Shard.Index, p.Shard.Of, names[0], campaign(p), campaign(&first))
		case p.Shard.Index < 1 || p.Shard.Index > of:
			return Summary{}, fmt.Errorf("%s says it is shard %d of %d, which does not exist", name, p.Shard.Index, of)
		case byIndex[p.Shard.Index] != nil:
			return Summary{}, fmt.Errorf("%s and another file are both shard %d/%d: merge each shard once", name, p.Shard.Index, of)
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
		return Summary{}, fmt.Errorf("shard %s missing: merge every shard of the campaign, 1/%d to %d/%d", strings.Join(missing, ", "), of, of, of)
	}
	out := first
	out.Shard, out.Runs, out.Injected, out.replay = nil, 0, map[string]int{}, ""
	out.LostQuorum, out.PendingAtEnd, out.Held = Outcome{}, Outcome{}, Outcome{}
	out.LeaderlessMS, out.HistoriesChecked, out.Operations, out.WallMS = 0, 0, 0, 0
	out.LostWrites, out.Violations, out.Errors = LostWriteRuns{}, nil, nil
	for _, p := range byIndex[1:] {
		out.Runs += p.Runs
		for k, n := range p.Injected {
			out.Injected[k] += n
		}
		for _, pair := range [][2]*Outcome{{&out.LostQuorum, &p.LostQuorum}, {&out.PendingAtEnd, &p.PendingAtEnd}, {&out.Held, &p.Held}} {
			pair[0].Count += pair[1].Count
			for _, cmd := range pair[1].Replay {
				if len(pair[0].Replay) < ReplayListed {
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
		return Summary{}, fmt.Errorf("the shards hold %d runs, but their campaign has %d: a file was changed or cut short", out.Runs, first.Shard.CampaignRuns)
	}
	out.Normalize()
	return out, nil
}

func campaign(s *Summary) string {
	runs := s.Runs
	if s.Shard != nil {
		runs = s.Shard.CampaignRuns
	}
	out := fmt.Sprintf("%d runs, seed %d, --az %s, %d workers, %s each, %d clients", runs, s.Seed, s.Layout, s.Workers, time.Duration(s.ForMS)*time.Millisecond, s.Clients)
	if s.Schedule != "" {
		out += ", --schedule " + s.Schedule
	}
	if s.Fault != "" {
		out += ", --fault " + s.Fault
	}
	return out
}
