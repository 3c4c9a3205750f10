package playground

import (
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/swarmsim/swarmsim/cluster"
	"github.com/swarmsim/swarmsim/drill"
	"github.com/swarmsim/swarmsim/internal/drillrun"
	"github.com/swarmsim/swarmsim/internal/limits"
)

// MaxAdvance bounds one Advance, so that a page asking for too much gets a
// sentence instead of a frozen tab.
const MaxAdvance = time.Hour

// Session is one playground: the swarm, the drill so far and what the page
// draws. It is not safe for concurrent use; the page calls it from one
// thread.
type Session struct {
	r      *drillrun.Runner
	lines  []string      // the drill so far, without the time run since the last line
	waited time.Duration // time run since the last line: the wait line still to write
	steps  []Step        // what each line did, the start drill's included
	events []cluster.Event
	lanes  lanes
	broken error // an invariant broke: the session cannot go on
}

// Step is what one drill line did, as the page lists it.
type Step struct {
	AtMS   int64  `json:"at_ms"`
	Line   string `json:"line"`   // as the drill holds it
	Kind   string `json:"kind"`   // ran, held, failed (an expectation), or refused (a command the swarm refused)
	Detail string `json:"detail"` // what was seen, or why it failed
}

// New runs the drill the playground starts from. dir is where the files
// its cluster line names are found ("" for the working directory, or for
// the page, which serves them from Source.Files). A syntax error is a
// *drill.Error; a cluster line the simulation refuses is an error too,
// since there would be nothing to show.
func New(src Source, dir string) (*Session, error) {
	script, err := drill.Parse(src.Name, []byte(src.Text))
	if err != nil {
		return nil, err
	}
	s := &Session{}
	s.r = &drillrun.Runner{File: src.Name, Dir: dir, Watch: s.watch}
	for _, st := range script.Steps {
		if _, ok := st.Cmd.(drill.StackDeploy); ok {
			return nil, fmt.Errorf("%s:%d: the playground cannot deploy stacks: Docker's compose loader does not run in a browser; start it from a drill with docker service create instead", src.Name, st.Pos.Line)
		}
		res, err := s.step(st)
		if err != nil {
			return nil, fmt.Errorf("%s:%d: %w", src.Name, st.Pos.Line, err)
		}
		if res.Kind == drillrun.Failed {
			// The page would start from a swarm the drill did not mean.
			return nil, fmt.Errorf("%s:%d: %s; the playground starts only from a drill whose every step holds", src.Name, st.Pos.Line, strings.TrimPrefix(res.Detail, failedPrefix))
		}
		if _, ok := s.r.Snapshot(); !ok {
			return nil, fmt.Errorf("%s:%d: %s", src.Name, st.Pos.Line, strings.TrimPrefix(res.Detail, failedPrefix))
		}
	}
	s.lines = strings.Split(strings.TrimRight(src.Text, "\n"), "\n")
	return s, nil
}

// NewCarried runs the drill the playground starts from natively, reading
// the files its cluster line names from what src carries, as the page
// does: a mistake shows in the terminal, before a page is written.
func NewCarried(src Source) (*Session, error) {
	dir, err := os.MkdirTemp("", "swarmsim-playground-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	for _, name := range slices.Sorted(maps.Keys(src.Files)) {
		text := src.Files[name]
		if !filepath.IsLocal(name) {
			return nil, fmt.Errorf("%s: the file %s lies outside the drill's directory; name it from there", src.Name, name)
		}
		path := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return nil, err
		}
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			return nil, err
		}
	}
	return New(src, dir)
}

// failedPrefix is how drillrun words a command the swarm refused.
const failedPrefix = "the command failed: "

// Do runs one drill line, as typed or as a page action wrote it, and adds
// it to the drill. A wait line runs time as Advance does. A command the
// swarm refuses is added as `expect error "…": command`, since it fails
// the same way when replayed. A line that does not parse is a *drill.Error
// and changes nothing.
func (s *Session) Do(line string) (Step, error) {
	if s.broken != nil {
		return Step{}, s.broken
	}
	line = strings.TrimSpace(line)
	cmd, err := drill.ParseCommand(line)
	if err != nil {
		return Step{}, err
	}
	switch x := cmd.(type) {
	case nil:
		if line == "" {
			return Step{}, nil
		}
		s.flush()
		s.lines = append(s.lines, line) // a comment: the class's note in the drill
		return Step{AtMS: s.r.Now().Milliseconds(), Line: line, Kind: "ran"}, nil
	case drill.Cluster:
		return Step{}, errors.New("the playground keeps the swarm it started with; press Start over to begin again, or change the swarm with kill, restart and docker swarm join")
	case drill.Wait:
		return Step{AtMS: s.r.Now().Milliseconds(), Line: x.String(), Kind: "ran"}, s.Advance(x.Duration)
	}
	s.flush()
	res, err := s.step(drill.Step{Pos: drill.Pos{Line: len(s.lines) + 1, Col: 1}, Source: cmd.String(), Cmd: cmd})
	if err != nil {
		return Step{}, err
	}
	st := s.steps[len(s.steps)-1]
	st.Line = cmd.String()
	if res.Kind == drillrun.Failed && !isExpectation(cmd) {
		msg := strings.TrimPrefix(res.Detail, failedPrefix)
		st.Line = drill.ExpectError{Text: expectedText(msg), Cmd: cmd}.String()
		st.Kind, st.Detail = "refused", msg
	}
	s.steps[len(s.steps)-1] = st
	s.lines = append(s.lines, st.Line)
	return st, nil
}

// Advance runs d more simulated time; consecutive advances become one wait
// line of the drill.
func (s *Session) Advance(d time.Duration) error {
	switch {
	case s.broken != nil:
		return s.broken
	case d <= 0 || d > MaxAdvance:
		return fmt.Errorf("advance %s: run between 1ms and %s of simulated time at once", d, MaxAdvance)
	}
	w := drill.Wait{Duration: d}
	res, err := s.r.Step(drill.Step{Pos: drill.Pos{Line: len(s.lines) + 1, Col: 1}, Source: w.String(), Cmd: w})
	s.events = append(s.events, res.Events...)
	s.watch()
	if err != nil {
		if !errors.Is(err, limits.ErrOverBudget) {
			s.broken = err
		}
		return err
	}
	s.waited += d
	return nil
}

// step runs one step and keeps what the page shows of it. An error means
// the session cannot go on.
func (s *Session) step(st drill.Step) (drillrun.Result, error) {
	res, err := s.r.Step(st)
	s.events = append(s.events, res.Events...)
	s.watch()
	if err != nil {
		if !errors.Is(err, drillrun.ErrNoCluster) && !errors.Is(err, limits.ErrOverBudget) {
			s.broken = err // a refused step leaves the swarm as it was
		}
		return res, err
	}
	kind := map[drillrun.Kind]string{drillrun.Ran: "ran", drillrun.Held: "held", drillrun.Failed: "failed"}[res.Kind]
	s.steps = append(s.steps, Step{AtMS: res.At.Milliseconds(), Line: st.Source, Kind: kind, Detail: res.Detail})
	return res, nil
}

// flush writes the time run since the last line as its wait line.
func (s *Session) flush() {
	if s.waited > 0 {
		s.lines = append(s.lines, drill.Wait{Duration: s.waited}.String())
		s.waited = 0
	}
}

// watch records the managers' Raft roles; the runner calls it after every
// simulated event.
func (s *Session) watch() {
	s.lanes.observe(s.r.Now(), s.r.Members())
}

// Events is the timeline so far, from the swarm's creation.
func (s *Session) Events() []cluster.Event { return append([]cluster.Event(nil), s.events...) }

// Snapshot is the swarm now, as State reads it, for a front end that draws
// with package report: swarmsim live draws the headline's picture from it.
func (s *Session) Snapshot() cluster.Snapshot {
	snap, _ := s.r.Snapshot()
	return snap
}

// Drill is the drill so far, ready to download: the lines run, the time run
// since the last of them, and expectations that pin down the swarm as the
// page shows it now.
func (s *Session) Drill() string {
	var b strings.Builder
	for _, l := range s.lines {
		b.WriteString(l + "\n")
	}
	if s.waited > 0 {
		b.WriteString(drill.Wait{Duration: s.waited}.String() + "\n")
	}
	snap, _ := s.r.Snapshot()
	fmt.Fprintf(&b, "\n# What the page showed at %s; swarmsim run checks the same.\n", cluster.FormatTime(snap.At))
	for _, e := range Expectations(snap) {
		b.WriteString(e.String() + "\n")
	}
	return b.String()
}

// Expectations pin down what the page shows of a swarm: whether quorum
// holds, the leader's zone, and each service's running tasks per zone.
func Expectations(snap cluster.Snapshot) []drill.Command {
	out := []drill.Command{drill.ExpectQuorum{Holds: snap.Quorum.Holds}}
	leader := drill.ExpectLeader{None: true}
	for _, n := range snap.Nodes {
		if n.Leader {
			leader = drill.ExpectLeader{Zone: n.Zone}
		}
	}
	out = append(out, leader)
	for _, sv := range snap.Services {
		x := drill.ExpectService{Name: sv.Name, Running: sv.Running}
		for _, z := range snap.Zones {
			x.Spread = append(x.Spread, drill.ZoneCount{Zone: z.Name, Count: sv.PerZone[z.Name]})
		}
		out = append(out, x)
	}
	return out
}

func isExpectation(c drill.Command) bool {
	switch c.(type) {
	case drill.ExpectQuorum, drill.ExpectLeader, drill.ExpectService, drill.ExpectTaskPending, drill.ExpectNode, drill.ExpectError:
		return true
	}
	return false
}

// expectedText is what `expect error` should look for in a refusal: the
// distinctive words of Docker's two errors without a working leader, or
// the whole message.
func expectedText(msg string) string {
	for _, words := range []string{"does not have a leader", "context deadline exceeded"} {
		if strings.Contains(msg, words) {
			return words
		}
	}
	return msg
}
