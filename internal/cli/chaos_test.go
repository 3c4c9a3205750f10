package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/swarmsim/swarmsim/az"
	"github.com/swarmsim/swarmsim/internal/chaos"
	"github.com/swarmsim/swarmsim/internal/fault"
	"github.com/swarmsim/swarmsim/internal/limits"
	"github.com/swarmsim/swarmsim/internal/scenario"
)

// TestMain lets a chaos campaign run in this test binary's worker
// processes: the campaign starts os.Executable() with the worker command,
// and here that is the test binary. With asSwarmsim set in its
// environment, the test binary is swarmsim itself, as the live test runs
// it under a pseudo-terminal.
func TestMain(m *testing.M) {
	if len(os.Args) > 1 && (os.Args[1] == workerCommand || os.Getenv(asSwarmsim) != "") {
		os.Exit(Run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
	}
	os.Exit(m.Run())
}

// withoutWall drops the wall time, the one thing that differs from run to
// run.
var wallLine = regexp.MustCompile(`(?m)^  wall time: .*\n|"wall_ms": \d+`)

func withoutWall(s string) string { return wallLine.ReplaceAllString(s, "") }

func TestChaosCommand(t *testing.T) {
	out, stderr, code := runArgs(t, "chaos", "--runs", "20", "--seed", "4", "--managers", "3", "--az", "1-1-1", "--jobs", "1")
	if code == exitBadInput || stderr != "" {
		t.Fatalf("exit %d, stderr %q", code, stderr)
	}
	for _, want := range []string{"chaos · 20 runs · 3 managers over 3 zones (1-1-1) · 0 workers · 1m0s each · 3 clients · seed 4",
		"injected: ", " force_new_cluster", "runs that lost quorum", "time without a leader", "client histories checked for linearizability: ",
		"acknowledged writes lost by force-new-cluster: ", "invariant violations: ", "replay: swarmsim chaos --replay ", "wall time: "} {
		if !strings.Contains(out, want) {
			t.Errorf("summary lacks %q:\n%s", want, out)
		}
	}
	again, _, _ := runArgs(t, "chaos", "--runs", "20", "--seed", "4", "--managers", "3", "--az", "1-1-1", "--jobs", "1")
	if withoutWall(again) != withoutWall(out) {
		t.Error("the same chaos seed printed a different summary")
	}
	replay, _, code := runArgs(t, "chaos", "--replay", "12345", "--managers", "3")
	if code != exitOK || !strings.Contains(replay, "leader-elected") || !strings.Contains(replay, "Client calls\n") {
		t.Errorf("replay: exit %d, output %q", code, replay)
	}
	assertBadInput(t, []string{"chaos", "--runs", "0"}, "--runs 0: it must be at least 1")
}

// The JSON summary has the fields the README documents, every kind of
// injected action, and a replay command for each violation.
func TestChaosJSON(t *testing.T) {
	out, _, code := runArgs(t, "chaos", "--runs", "30", "--seed", "2", "--az", "2-2-1", "--workers", "3", "--output", "json", "--jobs", "1")
	if code == exitBadInput {
		t.Fatalf("exit %d", code)
	}
	var got map[string]json.RawMessage
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatal(err)
	}
	var keys []string
	for k := range got {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	want := []string{"clients", "errors", "for_ms", "held", "histories_checked", "injected", "layout", "leaderless_ms", "lost_quorum",
		"lost_writes", "managers", "operations_checked", "pending_at_end", "runs", "seed", "violations", "wall_ms", "workers"}
	if !slices.Equal(keys, want) {
		t.Errorf("fields %v, want %v", keys, want)
	}
	var injected map[string]int
	json.Unmarshal(got["injected"], &injected)
	kinds := []string{"kill", "restart", "zone", "partition", "heal", "scale", "update", "drain", "promote", "demote", "join", "rm", "force_new_cluster",
		"stack_deploy", "stack_rm", "secret", "rollback", "constraint", "autolock", "unlock", "rotate_key", "backup", "restore"}
	for _, k := range kinds {
		if _, ok := injected[k]; !ok {
			t.Errorf("injected lacks %q: %v", k, injected)
		}
	}
	for _, k := range kinds[13:] {
		if injected[k] == 0 {
			t.Errorf("30 runs never injected %s: %v", k, injected)
		}
	}
	if len(injected) != len(kinds) {
		t.Errorf("injected has %d kinds, want %d: %v", len(injected), len(kinds), injected)
	}
	var lost struct {
		Count  int      `json:"count"`
		Replay []string `json:"replay"`
	}
	json.Unmarshal(got["lost_quorum"], &lost)
	if len(lost.Replay) > 5 || (lost.Count > 0 && (len(lost.Replay) == 0 || !strings.HasPrefix(lost.Replay[0], "swarmsim chaos --replay "))) {
		t.Errorf("lost_quorum %+v: up to 5 replay commands", lost)
	}
}

// The shards of a campaign, run separately with their flags in any order,
// merge into exactly the summary of the campaign run in one go, as text
// and as JSON; and one core or two print the same.
func TestShardsMergeIntoTheCampaign(t *testing.T) {
	t.Chdir(t.TempDir())
	campaign := []string{"chaos", "--runs", "24", "--seed", "11", "--az", "2-2-1", "--workers", "3", "--for", "30s"}
	whole, _, code := runArgs(t, append(campaign, "--jobs", "1")...)
	if code == exitBadInput {
		t.Fatalf("exit %d", code)
	}
	wholeJSON, _, _ := runArgs(t, append(campaign, "--jobs", "1", "--output", "json")...)
	two, _, _ := runArgs(t, append(campaign, "--jobs", "2")...)
	if withoutWall(two) != withoutWall(whole) {
		t.Errorf("2 worker processes printed:\n%s\n1 core printed:\n%s", two, whole)
	}
	var files []string
	for i, flags := range [][]string{
		{"--shard", "1/3", "--runs", "24", "--seed", "11", "--az", "2-2-1", "--workers", "3", "--for", "30s"},
		{"--for=30s", "--workers=3", "--az=2-2-1", "--seed=11", "--runs=24", "--shard=2/3", "--jobs=2"},
		{"--managers", "5", "--workers", "3", "--az", "2-2-1", "--for", "30s", "--seed", "11", "--runs", "24", "--shard", "3/3"},
	} {
		out, stderr, _ := runArgs(t, append(append([]string{"chaos"}, flags...), "--output", "json")...)
		if stderr != "" {
			t.Fatalf("shard %d: %s", i+1, stderr)
		}
		name := filepath.Join(t.TempDir(), "shard.json")
		if err := os.WriteFile(name, []byte(out), 0o644); err != nil {
			t.Fatal(err)
		}
		files = append(files, name)
	}
	// Merged in any order of files.
	merged, stderr, _ := runArgs(t, append([]string{"chaos", "merge"}, files[2], files[0], files[1])...)
	if stderr != "" || withoutWall(merged) != withoutWall(whole) {
		t.Errorf("merged shards printed (%s):\n%s\nthe campaign printed:\n%s", stderr, merged, whole)
	}
	mergedJSON, _, _ := runArgs(t, append([]string{"chaos", "merge", "--output", "json"}, files...)...)
	if withoutWall(mergedJSON) != withoutWall(wholeJSON) {
		t.Errorf("merged JSON:\n%s\ncampaign JSON:\n%s", mergedJSON, wholeJSON)
	}
	for _, tc := range []struct {
		files []string
		want  string
	}{
		{files[:2], "shard 3/3 missing"},
		{[]string{files[0], files[0], files[1], files[2]}, "both shard 1/3"},
		{nil, "name the shard summaries to merge"},
		{[]string{"nope.json"}, "reading a shard summary"},
	} {
		_, stderr, code := runArgs(t, append([]string{"chaos", "merge"}, tc.files...)...)
		if code != exitBadInput || !strings.Contains(stderr, tc.want) || strings.Count(stderr, "\n") != 1 {
			t.Errorf("merge %v: exit %d, %q; want a line with %q", tc.files, code, stderr, tc.want)
		}
	}
	other, _, _ := runArgs(t, "chaos", "--runs", "24", "--seed", "12", "--az", "2-2-1", "--workers", "3", "--for", "30s", "--shard", "2/3", "--output", "json", "--jobs", "1")
	os.WriteFile("other.json", []byte(other), 0o644)
	os.WriteFile("whole.json", []byte(wholeJSON), 0o644)
	os.WriteFile("text.json", []byte(whole), 0o644)
	for _, tc := range []struct {
		files []string
		want  string
	}{
		{[]string{files[0], "other.json", files[2]}, "other.json is shard 2/3 of another campaign"},
		{[]string{"whole.json"}, "whole.json is the summary of a whole campaign"},
		{[]string{"text.json"}, "text.json is not a chaos summary"},
	} {
		_, stderr, code := runArgs(t, append([]string{"chaos", "merge"}, tc.files...)...)
		if code != exitBadInput || !strings.Contains(stderr, tc.want) || strings.Count(stderr, "\n") != 1 {
			t.Errorf("merge %v: exit %d, %q; want a line with %q", tc.files, code, stderr, tc.want)
		}
	}
}

func TestParseShard(t *testing.T) {
	for _, tc := range []struct {
		in   string
		runs int
		want chaos.Shard
		err  string
	}{
		{"1/4", 100, chaos.Shard{Index: 1, Of: 4}, ""},
		{"4/4", 4, chaos.Shard{Index: 4, Of: 4}, ""},
		{"0/4", 100, chaos.Shard{}, "slices count from 1 to 4"},
		{"5/4", 100, chaos.Shard{}, "slices count from 1 to 4"},
		{"1/0", 100, chaos.Shard{}, "at least 1 slice"},
		{"3", 100, chaos.Shard{}, "write the slice as I/N"},
		{"1/2/3", 100, chaos.Shard{}, "write the slice as I/N"},
		{"+1/4", 100, chaos.Shard{}, "write the slice as I/N"},
		{"1/5", 4, chaos.Shard{}, "use at most 4 slices"},
		{"-1/-4", 100, chaos.Shard{}, "at least 1 slice"},
	} {
		got, err := parseShard(tc.in, tc.runs)
		switch {
		case tc.err == "" && (err != nil || got != tc.want):
			t.Errorf("parseShard(%q): %v, %v; want %v", tc.in, got, err, tc.want)
		case tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err) || !strings.HasPrefix(err.Error(), "--shard "+tc.in)):
			t.Errorf("parseShard(%q): %v; want an error with %q", tc.in, err, tc.err)
		}
	}
}

// FuzzParseShard: any text gives a slice of the campaign or a one-line
// error that names the flag, never a panic.
func FuzzParseShard(f *testing.F) {
	for _, s := range []string{"1/4", "0/0", "9999999999999999999999/1", "1/", "/", "a/b", "3/2", "-1/2", "1/-2", " 1/2"} {
		f.Add(s, 10)
	}
	f.Fuzz(func(t *testing.T, v string, runs int) {
		if runs < 1 {
			runs = 1
		}
		s, err := parseShard(v, runs)
		if err != nil {
			if msg := err.Error(); strings.Contains(msg, "\n") || !strings.HasPrefix(msg, "--shard ") {
				t.Errorf("error %q is not one line naming --shard", msg)
			}
			return
		}
		if lo, hi := s.Range(runs); s.Index < 1 || s.Index > s.Of || lo < 0 || hi > runs || lo >= hi {
			t.Errorf("parseShard(%q, %d) = %+v: runs %d to %d", v, runs, s, lo, hi)
		}
	})
}

func TestReplayFlagsAreCanonical(t *testing.T) {
	l, _ := az.Parse("2-2-1")
	spec := chaos.Spec{Layout: l.WithWorkers(3), For: scenario.DefaultFor, Clients: chaos.DefaultClients}
	if got := replayFlags(spec); got != " --az 2-2-1 --workers 3" {
		t.Errorf("replayFlags: %q", got)
	}
	spec.For, spec.Clients, spec.Layout = 90*time.Second, 0, l
	if got := replayFlags(spec); got != " --az 2-2-1 --for 1m30s --clients 0" {
		t.Errorf("replayFlags: %q", got)
	}
}

// TestChaosCorpus replays the runs of testdata/chaos-corpus.txt and
// compares each transcript with its golden file. The corpus must hold the
// audit's case: a node promoted while no configuration change could
// commit, then forced into a new cluster.
func TestChaosCorpus(t *testing.T) {
	t.Chdir(t.TempDir())
	corpus, err := os.ReadFile(filepath.Join(testdata, "chaos-corpus.txt"))
	if err != nil {
		t.Fatal(err)
	}
	audit := false
	for _, line := range strings.Split(string(corpus), "\n") {
		command, _, _ := strings.Cut(line, "#")
		args := strings.Fields(command)
		if len(args) == 0 {
			continue
		}
		if len(args) < 4 || args[0] != "swarmsim" || args[1] != "chaos" || args[2] != "--replay" {
			t.Fatalf("corpus line %q is not a replay command", line)
		}
		t.Run(args[3], func(t *testing.T) {
			out, stderr, code := runArgs(t, args[1:]...)
			if code == exitBadInput || stderr != "" {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			golden(t, filepath.Join("corpus", args[3]+".txt"), out)
			if promotedWithoutCommitThenForced(out) {
				audit = true
			}
		})
	}
	if !audit {
		t.Error("no corpus run promotes a node while no change can commit and then forces a new cluster on it")
	}
}

// promotedWithoutCommitThenForced reports whether a replay's actions
// promote (or join as a manager) a node whose promotion the timeline never
// records as committed, and later force a new cluster on that node.
func promotedWithoutCommitThenForced(replay string) bool {
	promoted := map[string]bool{}
	for _, line := range strings.Split(replay, "\n") {
		f := strings.Fields(line)
		switch {
		case len(f) == 5 && f[1] == "docker" && f[2] == "node" && f[3] == "promote":
			promoted[f[4]] = true
		case len(f) >= 3 && f[1] == "node-updated" && strings.Contains(line, " promoted: it is now a manager"):
			delete(promoted, f[2])
		case len(f) == 7 && strings.Join(f[1:6], " ") == "docker swarm init --force-new-cluster on" && promoted[f[6]]:
			return true
		}
	}
	return false
}

// TestChaosCampaign runs a campaign of a few thousand schedules, in worker
// processes as swarmsim does, and holds every run to every invariant:
// membership chaos included (promote, demote, join, rm, force-new-cluster),
// any violation, and any run the simulation cannot finish, fails the test.
func TestChaosCampaign(t *testing.T) {
	runs := 3000
	if raceDetector || testing.Short() {
		runs = 1000
	}
	t.Chdir(t.TempDir())
	out, stderr, code := runArgs(t, "chaos", "--runs", strconv.Itoa(runs), "--seed", "21", "--az", "2-2-1", "--workers", "3", "--output", "json", "--jobs", "2")
	if code == exitBadInput {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var sum chaos.Summary
	if err := json.Unmarshal([]byte(out), &sum); err != nil {
		t.Fatal(err)
	}
	if sum.Runs != runs || sum.HistoriesChecked < runs*9/10 || sum.LostQuorum.Count == 0 || sum.Held.Count == 0 {
		t.Errorf("%d runs, %d histories checked, %d lost quorum, %d held", sum.Runs, sum.HistoriesChecked, sum.LostQuorum.Count, sum.Held.Count)
	}
	for kind, n := range sum.Injected {
		if n == 0 {
			t.Errorf("no %s injected in %d runs", kind, runs)
		}
	}
	for _, e := range sum.Errors {
		t.Errorf("a run could not finish: %s\n  %s", e.Error, e.Replay)
	}
	for _, v := range sum.Violations {
		t.Errorf("%s\n  %s", v.Detail, v.Replay)
	}
}

// A history porcupine could not linearize is written where the summary
// says it is.
// Porcupine's visualisations go into the directory named, or a new
// temporary one, never the working directory; at most limits.HistoryFiles
// a campaign, and the summary names only those written.
func TestHistoryVisualisationIsWritten(t *testing.T) {
	work := t.TempDir()
	t.Chdir(work)
	for _, named := range []bool{true, false} {
		h := histories{}
		if named {
			h.dir = filepath.Join(t.TempDir(), "pictures")
		}
		sum := chaos.NewSummary(chaos.Spec{}, "")
		for seed := uint64(1); seed <= 5; seed++ {
			run := chaos.Run{Seed: seed, Violation: &chaos.Finding{Invariant: "linearizable"}, Visualization: []byte("<html>history</html>")}
			if err := h.write(&run); err != nil {
				t.Fatal(err)
			}
			sum.Add(run)
		}
		if err := h.write(&chaos.Run{Seed: 9}); err != nil {
			t.Fatal(err)
		}
		files, _ := os.ReadDir(h.dir)
		if len(files) != limits.HistoryFiles || h.written != limits.HistoryFiles || h.skipped != 5-limits.HistoryFiles {
			t.Errorf("named %v: %d files in %s, want %d", named, len(files), h.dir, limits.HistoryFiles)
		}
		if got, err := os.ReadFile(filepath.Join(h.dir, chaos.HistoryFile(1))); err != nil || string(got) != "<html>history</html>" {
			t.Errorf("%s: %q, %v", chaos.HistoryFile(1), got, err)
		}
		for i, v := range sum.Violations {
			if (v.Visualization != "") != (i < limits.HistoryFiles) {
				t.Errorf("the summary names %q for run %d", v.Visualization, v.RunSeed)
			}
		}
		var stderr strings.Builder
		h.tell(&stderr)
		if !strings.Contains(stderr.String(), h.dir) || !strings.Contains(stderr.String(), "2 more not written") {
			t.Errorf("stderr must say where the files are and how many were left out: %q", stderr.String())
		}
	}
	if files, _ := os.ReadDir(work); len(files) != 0 {
		t.Errorf("the working directory got %d files", len(files))
	}
}

// --list-faults prints the catalogue, one name a line; --fault and
// --schedule refuse what they do not know in one line; and a fault
// campaign's replay commands carry the fault.
func TestChaosFaultFlags(t *testing.T) {
	out, _, code := runArgs(t, "chaos", "--list-faults")
	var want []string
	for _, f := range fault.Catalogue() {
		want = append(want, f.String())
	}
	if code != exitOK || out != strings.Join(want, "\n")+"\n" || len(want) < 12 {
		t.Errorf("--list-faults: exit %d, %q", code, out)
	}
	for _, args := range [][]string{{"--fault", "nope"}, {"--schedule", "all"}} {
		_, stderr, code := runArgs(t, append([]string{"chaos"}, args...)...)
		if code != exitBadInput || strings.Count(stderr, "\n") != 1 || !strings.Contains(stderr, args[0]) {
			t.Errorf("%v: exit %d, %q", args, code, stderr)
		}
	}
	t.Chdir(t.TempDir())
	out, _, code = runArgs(t, "chaos", "--runs", "2", "--fault", "apply-twice", "--jobs", "1")
	if code != exitFailed || !strings.Contains(out, "replay: swarmsim chaos --replay ") || !strings.Contains(out, " --fault apply-twice") ||
		!strings.Contains(strings.SplitN(out, "\n", 2)[0], " · fault apply-twice injected") {
		t.Errorf("a fault campaign: exit %d\n%s", code, out)
	}
}
