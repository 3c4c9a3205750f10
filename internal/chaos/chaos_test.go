package chaos

import (
	"bufio"
	"fmt"
	"io"
	"reflect"
	"runtime"
	"runtime/debug"
	"strings"
	"testing"
	"time"

	"github.com/swarmsim/swarmsim/az"
	"github.com/swarmsim/swarmsim/raft"
)

func headline5() az.Layout { return az.Even(5, 3).WithWorkers(3) }

// collect runs a campaign and returns its runs.
func collect(t testing.TB, spec Spec) []Run {
	t.Helper()
	var runs []Run
	if err := Campaign(spec, func(r Run) { runs = append(runs, r) }); err != nil {
		t.Fatal(err)
	}
	return runs
}

// summary is what a run reports, with errors as text so runs compare.
func summary(runs []Run) []string {
	var out []string
	for _, r := range runs {
		out = append(out, fmt.Sprintf("%d %d %v %v %q %v %s %d %d %v", r.Index, r.Seed, r.Injected, r.Violation, r.Err, r.LostQuorum, r.Leaderless, r.Pending, r.Operations, r.LostWrites))
	}
	return out
}

func TestChaosIsTheSameOnOneAndTwoCores(t *testing.T) {
	spec := Spec{Runs: 40, Seed: 9, Layout: headline5(), For: time.Minute, Clients: DefaultClients}
	spec.Cores = 1
	one := collect(t, spec)
	spec.Cores = 2
	two := collect(t, spec)
	if !reflect.DeepEqual(summary(one), summary(two)) {
		t.Errorf("1 core:\n%v\n2 cores:\n%v", summary(one), summary(two))
	}
	for i, r := range one {
		if r.Index != i {
			t.Errorf("run %d came as run %d", i, r.Index)
		}
	}
}

func TestReplayRepeatsTheRun(t *testing.T) {
	spec := Spec{Runs: 3, Seed: 4, Layout: az.Even(3, 3), For: time.Minute, Clients: DefaultClients, Cores: 1}
	runs := collect(t, spec)
	again := Replay(spec, runs[2].Seed)
	again.Index = 2
	if !reflect.DeepEqual(summary(runs[2:]), summary([]Run{again})) {
		t.Errorf("replay %v, run %v", summary([]Run{again}), summary(runs[2:]))
	}
	if len(again.Events) == 0 || len(again.Actions) == 0 || len(again.Calls) == 0 || runs[2].Events != nil || runs[2].Calls != nil {
		t.Errorf("the replay keeps the timeline, actions and calls (%d, %d, %d), the campaign does not (%d, %d)",
			len(again.Events), len(again.Actions), len(again.Calls), len(runs[2].Events), len(runs[2].Calls))
	}
}

func TestShardsMakeTheCampaign(t *testing.T) {
	spec := Spec{Runs: 10, Seed: 5, Layout: az.Even(3, 3), For: 20 * time.Second, Clients: 2, Cores: 2}
	whole := summary(collect(t, spec))
	var parts []string
	for i := 1; i <= 3; i++ {
		spec.Shard = Shard{Index: i, Of: 3}
		parts = append(parts, summary(collect(t, spec))...)
	}
	if !reflect.DeepEqual(whole, parts) {
		t.Errorf("shards 1/3, 2/3, 3/3:\n%v\nthe whole campaign:\n%v", parts, whole)
	}
}

// pipeProcess is a worker process in this process: Serve on pipes.
type pipeProcess struct {
	io.Writer
	io.Reader
	stdin io.Closer
	done  chan error
}

func (p *pipeProcess) Close() error { p.stdin.Close(); return <-p.done }

func launchPipe() (Process, error) {
	inR, inW := io.Pipe()
	outR, outW := io.Pipe()
	p := &pipeProcess{Writer: inW, Reader: bufio.NewReader(outR), stdin: inW, done: make(chan error, 1)}
	go func() {
		err := Serve(inR, outW)
		outW.CloseWithError(err)
		p.done <- err
	}()
	return p, nil
}

func TestWorkerProcessesGiveTheSameRuns(t *testing.T) {
	spec := Spec{Runs: 40, Seed: 6, Layout: headline5(), For: 30 * time.Second, Clients: DefaultClients, Cores: 1}
	local := summary(collect(t, spec))
	spec.Cores, spec.Launch = 3, launchPipe
	if remote := summary(collect(t, spec)); !reflect.DeepEqual(local, remote) {
		t.Errorf("in worker processes:\n%v\nhere:\n%v", remote, local)
	}
}

func TestWorkerRefusesGarbage(t *testing.T) {
	for _, input := range []string{"", "not json\n", `{"Runs":5}` + "\n0 9\n", `{"Runs":5}` + "\nzero five\n"} {
		if err := Serve(strings.NewReader(input), io.Discard); err == nil {
			t.Errorf("Serve(%q) accepted it", input)
		}
	}
}

func TestChaosExercisesEveryKind(t *testing.T) {
	spec := Spec{Runs: 100, Seed: 1, Layout: headline5(), For: time.Minute, Clients: DefaultClients}
	var injected [NumKinds]int
	checked := 0
	for _, r := range collect(t, spec) {
		for k, n := range r.Injected {
			injected[k] += n
		}
		if r.Operations > 0 {
			checked++
		}
		if r.Err != "" {
			t.Errorf("run %d (seed %d) could not run: %s", r.Index, r.Seed, r.Err)
		}
	}
	for k, n := range injected {
		if n == 0 {
			t.Errorf("no %s was injected in %d runs", Kind(k), spec.Runs)
		}
	}
	if checked < spec.Runs*9/10 {
		t.Errorf("only %d of %d histories were checked", checked, spec.Runs)
	}
}

// BenchmarkChaos measures chaos runs per second of a 5-manager swarm with 60
// simulated seconds each, on one core: a worker process's rate, with the
// process set up as a worker process sets itself up (the garbage
// collector, one thread, no entropy lock).
func BenchmarkChaos(b *testing.B) {
	defer debug.SetGCPercent(debug.SetGCPercent(1000))
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
	defer raft.SetExclusive(raft.SetExclusive(true))
	spec := Spec{Runs: 200, Seed: 1, Layout: headline5(), For: time.Minute, Clients: DefaultClients, Cores: 1}
	for b.Loop() {
		if err := Campaign(spec, func(Run) {}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(spec.Runs*b.N)/b.Elapsed().Seconds(), "runs/s")
}

// deadProcess is a worker process that died at once.
type deadProcess struct{}

func (deadProcess) Write(p []byte) (int, error) { return len(p), nil }
func (deadProcess) Read([]byte) (int, error)    { return 0, io.EOF }
func (deadProcess) Close() error                { return fmt.Errorf("exit status 2 (out of memory)") }

// A worker process that dies is an error of the campaign, which says what
// the process said, not a run's result.
func TestDeadWorkerIsAnError(t *testing.T) {
	spec := Spec{Runs: 4, Seed: 1, Layout: az.Even(3, 3), For: 10 * time.Second, Cores: 2,
		Launch: func() (Process, error) { return deadProcess{}, nil }}
	err := Campaign(spec, func(Run) { t.Error("a dead worker delivered a run") })
	if err == nil || !strings.Contains(err.Error(), "out of memory") || !strings.Contains(err.Error(), "reading run") || strings.Contains(err.Error(), "\n") {
		t.Errorf("Chaos with dead workers: %v", err)
	}
}

// BenchmarkDefaultCampaign measures the default campaign (swarmsim chaos
// with no flags: 3 managers over 3 zones, the full schedule, 60 simulated
// seconds, 3 clients) on one core, the process set up as a worker process
// sets itself up (the garbage collector, one thread, no entropy lock), and
// reports what 20,000 runs take on two cores at that rate (the issue's
// check: at most 12 s).
func BenchmarkDefaultCampaign(b *testing.B) {
	defer debug.SetGCPercent(debug.SetGCPercent(1000))
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
	defer raft.SetExclusive(raft.SetExclusive(true))
	spec := Spec{Runs: 500, Seed: 1, Layout: az.Even(3, 3), For: time.Minute, Clients: DefaultClients, Cores: 1}
	for b.Loop() {
		if err := Campaign(spec, func(Run) {}); err != nil {
			b.Fatal(err)
		}
	}
	perSecond := float64(spec.Runs*b.N) / b.Elapsed().Seconds()
	b.ReportMetric(perSecond, "runs/s")
	b.ReportMetric(20000/(2*perSecond), "s/20k-runs-2-cores")
}
