package playground

import (
	"errors"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/swarmsim/swarmsim/az"
	"github.com/swarmsim/swarmsim/cluster"
	"github.com/swarmsim/swarmsim/drill"
	"github.com/swarmsim/swarmsim/internal/drillrun"
	"github.com/swarmsim/swarmsim/internal/scenario"
)

func start(t *testing.T, layout string, workers int) *Session {
	t.Helper()
	l, err := az.Parse(layout)
	if err != nil {
		t.Fatal(err)
	}
	src, err := FromStart(Start{Layout: l.WithWorkers(workers), Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	s, err := New(src, "")
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// advance runs n seconds one second at a time, as the page's step button does.
func advance(t *testing.T, s *Session, n int) {
	t.Helper()
	for range n {
		if err := s.Advance(time.Second); err != nil {
			t.Fatal(err)
		}
	}
}

func do(t *testing.T, s *Session, line string) Step {
	t.Helper()
	st, err := s.Do(line)
	if err != nil {
		t.Fatalf("%s: %v", line, err)
	}
	return st
}

// replay runs a drill as swarmsim run does and returns its timeline and
// failures.
func replay(t *testing.T, text string) ([]cluster.Event, []drillrun.Failure, cluster.Snapshot) {
	t.Helper()
	script, err := drill.Parse("class.drill", []byte(text))
	if err != nil {
		t.Fatalf("the page's drill does not parse: %v\n%s", err, text)
	}
	r := &drillrun.Runner{File: "class.drill"}
	var events []cluster.Event
	for _, st := range script.Steps {
		res, err := r.Step(st)
		if err != nil {
			t.Fatal(err)
		}
		events = append(events, res.Events...)
	}
	snap, _ := r.Snapshot()
	return events, r.Failures(), snap
}

// A class kills the leader, scales, partitions, loses quorum and heals,
// one page action at a time; the drill the page writes replays to the same
// timeline, and every expectation in it holds.
func TestReplayMatchesPage(t *testing.T) {
	s := start(t, "2-2-1", 6)
	advance(t, s, 3)
	leader := s.State(0).Leader
	do(t, s, "kill "+leader)
	advance(t, s, 30)
	do(t, s, "docker service scale web=12")
	advance(t, s, 20)
	do(t, s, "partition a | b c")
	advance(t, s, 30)
	do(t, s, "kill az b")
	advance(t, s, 25)
	refused := do(t, s, "docker service scale web=1")
	if refused.Kind != "refused" || refused.Line != `expect error "does not have a leader": docker service scale web=1` {
		t.Errorf("a refused command is written %q (%s), want it as an expect error line", refused.Line, refused.Kind)
	}
	do(t, s, "# the class heals the network")
	do(t, s, "heal")
	do(t, s, "restart az b")
	advance(t, s, 40)

	text := s.Drill()
	events, failures, snap := replay(t, text)
	if len(failures) > 0 {
		t.Errorf("the replay failed: %v\n%s", failures, text)
	}
	if !reflect.DeepEqual(events, s.Events()) {
		t.Errorf("the replay's timeline differs from the page's:\n%s", diffEvents(s.Events(), events))
	}
	if got := s.State(0); got.Leader != snap.Leader || got.Term != snap.Term {
		t.Errorf("the page shows %s in term %d, the replay %s in term %d", got.Leader, got.Term, snap.Leader, snap.Term)
	}
	for _, want := range []string{"wait 3s\nkill " + leader + "\nwait 30s\n", "wait 25s\nexpect error", "\n# the class heals the network\nheal\n", "\nexpect quorum holds\n"} {
		if !strings.Contains(text, want) {
			t.Errorf("the drill lacks %q:\n%s", want, text)
		}
	}
}

func diffEvents(page, run []cluster.Event) string {
	var b strings.Builder
	for i := range max(len(page), len(run)) {
		var p, r string
		if i < len(page) {
			p = page[i].String()
		}
		if i < len(run) {
			r = run[i].String()
		}
		if p != r {
			b.WriteString("page: " + p + "\nrun:  " + r + "\n")
		}
	}
	return b.String()
}

// Running 30 seconds one at a time or all at once handles the same events:
// the page's steps may become one wait line.
func TestOneWaitLineReplaysManySteps(t *testing.T) {
	a, b := start(t, "2-2-1", 3), start(t, "2-2-1", 3)
	do(t, a, "kill leader")
	do(t, b, "kill leader")
	advance(t, a, 30)
	do(t, b, "wait 30s")
	if !reflect.DeepEqual(a.Events(), b.Events()) {
		t.Errorf("steps and one wait differ:\n%s", diffEvents(a.Events(), b.Events()))
	}
	if a.Drill() != b.Drill() {
		t.Errorf("the drills differ:\n%s\n---\n%s", a.Drill(), b.Drill())
	}
}

// The lanes see what Raft does between the page's steps: after the leader
// dies, the manager that takes over was a pre-candidate and a candidate
// first, for milliseconds, and leads in the term the picture names.
func TestLanesFollowTheElection(t *testing.T) {
	s := start(t, "2-2-1", 0)
	old := s.State(0).Leader
	do(t, s, "kill leader")
	advance(t, s, 30)
	st := s.State(0)
	if st.Leader == "" || st.Leader == old {
		t.Fatalf("no new leader after 30s: %q", st.Leader)
	}
	i := slices.IndexFunc(st.Lanes, func(l Lane) bool { return l.Name == st.Leader })
	segs := st.Lanes[i].Segments
	var states []string
	for _, g := range segs {
		states = append(states, g.State)
	}
	last := segs[len(segs)-1]
	if last.State != "leader" || last.Term != st.Term {
		t.Errorf("%s's lane ends %s in term %d, the picture says leader in term %d", st.Leader, last.State, last.Term, st.Term)
	}
	if n := len(states); n < 3 || states[n-3] != "pre-candidate" || states[n-2] != "candidate" {
		t.Errorf("%s's lane is %v; want pre-candidate, candidate, leader at its end", st.Leader, states)
	}
	j := slices.IndexFunc(st.Lanes, func(l Lane) bool { return l.Name == old })
	if segs := st.Lanes[j].Segments; segs[len(segs)-1].State != LaneDead {
		t.Errorf("the killed leader's lane ends %v", segs[len(segs)-1])
	}
}

func TestDoRefusesWhatItCannotRun(t *testing.T) {
	s := start(t, "1-1-1", 0)
	before := s.Drill()
	_, err := s.Do("kil m1")
	var perr *drill.Error
	if !errors.As(err, &perr) || !strings.Contains(err.Error(), `did you mean "kill"`) {
		t.Errorf("a typo gives %v, want the parser's error", err)
	}
	if _, err := s.Do("cluster managers=5"); err == nil || !strings.Contains(err.Error(), "Start over") {
		t.Errorf("a second cluster line gives %v", err)
	}
	if err := s.Advance(2 * MaxAdvance); err == nil {
		t.Error("an advance beyond MaxAdvance was run")
	}
	if s.Drill() != before {
		t.Errorf("refused lines changed the drill:\n%s", s.Drill())
	}
}

func TestNewRefusesAStartWithoutASwarm(t *testing.T) {
	for _, tc := range []struct{ text, want string }{
		{"cluster managers=3 az=1-1\n", "az=1-1 adds up to 2 managers, but managers=3"},
		{"kill m1\n", "a drill starts with its cluster line"},
	} {
		_, err := New(Source{Name: "x.drill", Text: tc.text}, "")
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: got %v, want %q", tc.text, err, tc.want)
		}
	}
}

// The drill line written for a service made from flags creates the very
// service the headline command would.
func TestServiceLinesMakeTheFlagsServices(t *testing.T) {
	for _, s := range []scenario.Service{scenario.Replicated("web", 6), scenario.Global("agent"), scenario.Replicated("api", 0)} {
		line, err := serviceLine(s)
		if err != nil {
			t.Fatal(err)
		}
		cmd, err := drill.ParseCommand(line)
		if err != nil {
			t.Fatalf("%s: %v", line, err)
		}
		if got, want := scenario.FromDrill(cmd.(drill.ServiceCreate)).Spec(), s.Spec(); !reflect.DeepEqual(got, want) {
			t.Errorf("%s makes\n%+v\nwant\n%+v", line, got, want)
		}
	}
	if _, err := serviceLine(scenario.Service{Name: "x", Image: "x", MaxPerNode: 1}); err == nil {
		t.Error("a service with settings the line would drop was written")
	}
}

// The page's verdict is the headline report's: a power loss under autolock
// counts the locked managers and says how to unlock them, with the key.
func TestVerdictIsTheReportsOwn(t *testing.T) {
	s := start(t, "1-1-1", 0)
	do(t, s, "docker swarm update --autolock=true")
	advance(t, s, 5)
	do(t, s, "kill m1 m2 m3")
	advance(t, s, 5)
	do(t, s, "restart m1 m2 m3")
	advance(t, s, 5)
	v := s.State(0).Verdict
	key := s.r.UnlockKey()
	if v.Word != string(scenario.QuorumLost) || !strings.Contains(v.Summary, "(3 locked)") {
		t.Errorf("verdict %+v: want quorum lost with 3 locked managers", v)
	}
	notes := strings.Join(v.Notes, "\n")
	if key == "" || !strings.Contains(notes, "docker swarm unlock") || !strings.Contains(notes, key) {
		t.Errorf("the notes do not say how to unlock with key %q:\n%s", key, notes)
	}
}
