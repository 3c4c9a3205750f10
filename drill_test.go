package main

import (
	"bytes"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/swarmsim/swarmsim/drill"
)

// Every example must pass, forever: they are the documentation users copy.
func TestExamplesPass(t *testing.T) {
	files, err := filepath.Glob("examples/*.drill")
	if err != nil || len(files) < 10 {
		t.Fatalf("found %d examples (%v); expected the whole set", len(files), err)
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			t.Parallel()
			out, stderr, code := runArgs(t, "run", "--no-color", f)
			if code != exitOK {
				t.Errorf("exit %d\nstderr: %s\n%s", code, stderr, out)
			}
			if !strings.Contains(out, "all held") {
				t.Errorf("no 'all held' summary:\n%s", out)
			}
			src, _ := os.ReadFile(f)
			if !strings.HasPrefix(string(src), "# ") {
				t.Error("an example starts with a comment saying what it teaches")
			}
		})
	}
}

func writeDrill(t *testing.T, src string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "test.drill")
	if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestWrongExpectationExits2AndNamesTheLine(t *testing.T) {
	path := writeDrill(t, `cluster managers=3 az=1-1-1 seed=1
docker service create --name web --replicas 3 nginx
wait 10s
expect service web running 4
expect quorum lost
expect service web running 3
`)
	out, _, code := runArgs(t, "run", "--no-color", path)
	if code != exitFailed {
		t.Errorf("exit %d, want %d", code, exitFailed)
	}
	for _, want := range []string{
		path + ":4: expected web running 4, saw 3 running",
		path + ":5: expected quorum is lost, but it holds",
		"6 steps, 3 expectations: 2 failed",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}

func TestDrillSyntaxErrorPointsAtTheColumn(t *testing.T) {
	path := writeDrill(t, "cluster managers=3\nkil m1\n")
	out, stderr, code := runArgs(t, "run", path)
	if code != exitBadInput || out != "" {
		t.Errorf("exit %d, stdout %q", code, out)
	}
	lines := strings.Split(strings.TrimRight(stderr, "\n"), "\n")
	if len(lines) != 3 || !strings.HasPrefix(lines[0], path+":2:1: ") || lines[1] != "kil m1" || lines[2] != "^" {
		t.Errorf("want file:line:col, the line and a caret, got:\n%s", stderr)
	}
}

func TestDrillJSON(t *testing.T) {
	out, _, code := runArgs(t, "run", "--output", "json", "examples/two-zone-trap.drill")
	if code != exitOK {
		t.Fatalf("exit %d", code)
	}
	var r struct {
		Drills []drillReport `json:"drills"`
		Passed bool          `json:"passed"`
	}
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out)
	}
	if !r.Passed || len(r.Drills) != 1 || r.Drills[0].Expectations < 5 || len(r.Drills[0].Failures) != 0 {
		t.Errorf("report %+v", r)
	}
}

func TestDrillSameSeedSameOutput(t *testing.T) {
	a, _, _ := runArgs(t, "run", "--no-color", "examples/zone-loss-5.drill")
	b, _, _ := runArgs(t, "run", "--no-color", "examples/zone-loss-5.drill")
	if a != b {
		t.Error("the same drill printed different output twice")
	}
}

func TestShellGolden(t *testing.T) {
	input := strings.Join([]string{
		"help",
		"docker service ls",
		"cluster managers=3 az=1-1-1 workers=2 seed=3",
		"docker service create --name web --replicas 4 --placement-pref spread=node.labels.zone nginx",
		"wait 10s",
		"docker service ls",
		"kil m1",
		"kill leader",
		"wait 30s",
		"expect quorum holds",
		"docker node ls",
		"docker service ps web",
		"exit",
	}, "\n")
	var stdout, stderr bytes.Buffer
	code := runShell([]string{"--no-color"}, strings.NewReader(input), &stdout, &stderr, func(string) string { return "" })
	if code != exitOK || stderr.Len() != 0 {
		t.Fatalf("exit %d, stderr %q", code, stderr.String())
	}
	golden(t, "shell.golden", stdout.String())
	for _, want := range []string{"Leader", "REPLICAS", "leader-elected", "✓ quorum holds", "shell:1:1: unknown command"} {
		if !strings.Contains(stdout.String(), want) {
			t.Errorf("shell output lacks %q", want)
		}
	}
}

func TestPaceSleepsOncePerSimulatedSecond(t *testing.T) {
	var slept []time.Duration
	r := &drillRunner{out: io.Discard, st: newStyles(io.Discard, false), file: "t", pace: 100 * time.Millisecond,
		sleep: func(d time.Duration) { slept = append(slept, d) }}
	if _, err := r.exec(drill.Cluster{Managers: 3}); err != nil {
		t.Fatal(err)
	}
	if _, err := r.exec(drill.Wait{Duration: 5 * time.Second}); err != nil {
		t.Fatal(err)
	}
	if len(slept) != 6 || slept[0] != 100*time.Millisecond {
		t.Errorf("slept %v: want 6 pauses of 100ms (1s to form the swarm, 5s of waiting)", slept)
	}
}
