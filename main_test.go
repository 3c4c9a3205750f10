package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

func runArgs(t testing.TB, args ...string) (string, string, int) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := run(args, &stdout, &stderr)
	return stdout.String(), stderr.String(), code
}

func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("output differs from %s (run go test -update after checking the change):\n--- got ---\n%s", path, got)
	}
}

func TestHeadlineGolden(t *testing.T) {
	for _, tc := range []struct {
		name string
		args []string
		code int
	}{
		{"kill-2", []string{"--managers", "5", "--az", "2-2-1", "--kill", "2"}, exitOK},
		{"kill-3", []string{"--managers", "5", "--az", "2-2-1", "--kill", "3"}, exitFailed},
		{"kill-az", []string{"--managers", "5", "--az", "2-2-1", "--workers", "6", "--kill-az", "a"}, exitOK},
		{"two-zone-trap", []string{"--managers", "3", "--az", "2-1", "--kill-az", "a"}, exitFailed},
		{"partition", []string{"--managers", "5", "--az", "2-2-1", "--workers", "3", "--partition", "a|b,c", "--seed", "4"}, exitOK},
		{"views", []string{"--managers", "3", "--workers", "2", "--kill", "w1", "--views"}, exitOK},
	} {
		t.Run(tc.name, func(t *testing.T) {
			stdout, stderr, code := runArgs(t, append(tc.args, "--no-color")...)
			if code != tc.code {
				t.Errorf("exit status %d, want %d; stderr: %s", code, tc.code, stderr)
			}
			if stderr != "" {
				t.Errorf("unexpected stderr: %s", stderr)
			}
			if strings.Contains(stdout, "\x1b[") {
				t.Error("--no-color output contains escape codes")
			}
			golden(t, tc.name+".golden", stdout)
		})
	}
}

func TestHeadlineTellsTheStory(t *testing.T) {
	out, _, _ := runArgs(t, "--managers", "5", "--az", "2-2-1", "--kill", "2", "--no-color")
	for _, want := range []string{"zone a", "zone b", "zone c", "★ leader", "✗ dead", "leader-lost", "leader-elected",
		"quorum 3 of 5, 3 alive, tolerates 2, 0 more failures tolerated"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q", want)
		}
	}
	out, _, _ = runArgs(t, "--managers", "5", "--az", "2-2-1", "--kill", "3", "--no-color")
	for _, want := range []string{"quorum lost", "does not have a leader", "--force-new-cluster"} {
		if !strings.Contains(out, want) {
			t.Errorf("quorum-lost output lacks %q", want)
		}
	}
}

func TestJSON(t *testing.T) {
	stdout, _, code := runArgs(t, "--managers", "5", "--az", "2-2-1", "--kill", "2", "--output", "json")
	if code != exitOK {
		t.Fatalf("exit %d", code)
	}
	golden(t, "kill-2.json", stdout)

	var r map[string]any
	if err := json.Unmarshal([]byte(stdout), &r); err != nil {
		t.Fatalf("not one JSON object: %v", err)
	}
	for _, key := range []string{"seed", "managers", "zones", "quorum", "tolerance", "leader", "killed", "services", "events", "verdict"} {
		if _, ok := r[key]; !ok {
			t.Errorf("JSON lacks %q", key)
		}
	}
	var typed report
	if err := json.Unmarshal([]byte(stdout), &typed); err != nil {
		t.Fatal(err)
	}
	if typed.Quorum != (quorumReport{Size: 5, Needed: 3, Alive: 3, Holds: true}) {
		t.Errorf("quorum %+v", typed.Quorum)
	}
	if typed.Tolerance != 2 || typed.Verdict != verdictHolds || len(typed.Killed) != 2 {
		t.Errorf("tolerance %d, verdict %s, killed %v", typed.Tolerance, typed.Verdict, typed.Killed)
	}
	if typed.Leader.Before == "" || typed.Leader.After == "" || typed.Leader.ElectedAfterMS == nil || typed.Leader.Before != typed.Killed[0] {
		t.Errorf("leader %+v with killed %v: the leader dies first and a new one is elected", typed.Leader, typed.Killed)
	}
	if z := typed.Zones["a"]; z.Managers != 2 {
		t.Errorf("zone a %+v", z)
	}
	for _, e := range typed.Events {
		if e.Kind == "" || e.Detail == "" || e.AtMS < 0 {
			t.Errorf("malformed event %+v", e)
		}
	}

	lost, _, code := runArgs(t, "--managers", "5", "--az", "2-2-1", "--kill", "3", "--output", "json")
	if code != exitFailed {
		t.Errorf("--kill 3 exit %d, want %d", code, exitFailed)
	}
	var l report
	json.Unmarshal([]byte(lost), &l)
	if l.Verdict != verdictQuorumLost || l.Quorum.Holds || l.Leader.After != "" || l.Leader.ElectedAfterMS != nil {
		t.Errorf("quorum-lost JSON: verdict %s, quorum %+v, leader %+v", l.Verdict, l.Quorum, l.Leader)
	}
}

func TestBadInput(t *testing.T) {
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"az does not add up", []string{"--managers", "5", "--az", "2-2"}, "--az 2-2 adds up to 4 managers, but --managers is 5"},
		{"kill more than managers", []string{"--managers", "5", "--kill", "6"}, "--kill 6 is more managers than the 5 in the swarm"},
		{"kill unknown node", []string{"--managers", "5", "--kill", "m9"}, `there is no node "m9"; the nodes are m1…m5`},
		{"kill unknown zone", []string{"--managers", "5", "--kill-az", "z"}, "--kill-az z: there is no zone z; the zones are a, b, c"},
		{"zero managers", []string{"--managers", "0"}, "--managers 0: it must be at least 1"},
		{"negative managers", []string{"--managers", "-1"}, "--managers -1: it must be at least 1"},
		{"managers not a number", []string{"--managers", "x"}, "--managers x: write a whole number, like --managers 3"},
		{"partition same zone", []string{"--partition", "a|a"}, "--partition a|a:"},
		{"partition unknown zone", []string{"--partition", "a|q"}, "--partition a|q:"},
		{"unknown flag", []string{"--frobnicate"}, "unknown flag: --frobnicate; run swarmsim --help"},
		{"missing value", []string{"--managers"}, "flag needs an argument"},
		{"bad duration", []string{"--for", "60"}, "--for 60: write a simulated duration"},
		{"bad seed", []string{"--seed", "-3"}, "--seed -3: write a whole number"},
		{"bad output", []string{"--output", "yaml"}, "--output yaml: choose text or json"},
		{"bad service", []string{"--service", "web"}, "--service web: write a name and a replica count"},
		{"negative replicas", []string{"--service", "web=-1"}, "--service web -1: it must be 0 or more"},
		{"duplicate service", []string{"--service", "web=2", "--global", "web"}, "service web is given twice"},
		{"bad az", []string{"--managers", "3", "--az", "1-x-1"}, "--az 1-x-1:"},
		{"stray argument", []string{"frob"}, `unexpected argument "frob"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			stdout, stderr, code := runArgs(t, tc.args...)
			if code != exitBadInput {
				t.Errorf("exit %d, want %d", code, exitBadInput)
			}
			if stdout != "" {
				t.Errorf("stdout not empty: %q", stdout)
			}
			if !strings.HasPrefix(stderr, "swarmsim: ") || strings.Count(stderr, "\n") != 1 || !strings.HasSuffix(stderr, "\n") {
				t.Errorf("want one line starting with swarmsim:, got %q", stderr)
			}
			if !strings.Contains(stderr, tc.want) {
				t.Errorf("stderr %q lacks %q", stderr, tc.want)
			}
		})
	}
}

func TestSameSeedSameBytes(t *testing.T) {
	for _, output := range []string{"text", "json"} {
		args := []string{"--managers", "5", "--az", "2-2-1", "--workers", "4", "--kill", "2", "--seed", "11", "--output", output}
		want, _, _ := runArgs(t, args...)
		var wg sync.WaitGroup
		got := make([]string, 4)
		for i := range got {
			wg.Add(1)
			go func() { defer wg.Done(); got[i], _, _ = runArgs(t, args...) }()
		}
		wg.Wait()
		for i, g := range got {
			if g != want {
				t.Errorf("%s run %d differs from the first with the same seed", output, i)
			}
		}
	}
	a, _, _ := runArgs(t, "--managers", "5", "--kill", "1", "--seed", "1", "--output", "json")
	b, _, _ := runArgs(t, "--managers", "5", "--kill", "1", "--seed", "2", "--output", "json")
	if a == b {
		t.Error("seeds 1 and 2 gave identical runs")
	}
}

func TestHelp(t *testing.T) {
	stdout, stderr, code := runArgs(t, "--help")
	if code != exitOK || stdout != "" || !strings.Contains(stderr, "--managers") || !strings.Contains(stderr, "--kill-az") {
		t.Errorf("--help: exit %d, stderr %q", code, stderr)
	}
}

// BenchmarkHeadline measures how much faster than real time the headline
// simulation runs: 5 managers over 2-2-1 and 100 workers, settle, kill two
// managers, 60 simulated seconds.
func BenchmarkHeadline(b *testing.B) {
	o, err := parseOptions([]string{"--managers", "5", "--az", "2-2-1", "--workers", "100", "--kill", "2"}, nil, func(string) string { return "" })
	if err != nil {
		b.Fatal(err)
	}
	var simulated time.Duration
	b.ReportAllocs()
	for b.Loop() {
		out, err := simulate(o)
		if err != nil {
			b.Fatal(err)
		}
		if out.verdict != verdictHolds {
			b.Fatalf("verdict %s", out.verdict)
		}
		simulated += out.after.At
	}
	b.ReportMetric(simulated.Seconds()/b.Elapsed().Seconds(), "sim-s/s")
}
