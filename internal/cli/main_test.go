package cli

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	goldenfile "github.com/swarmsim/swarmsim/internal/golden"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

// testdata is this package's testdata directory, absolute, so that goldens
// are found from any working directory.
var testdata = func() string {
	dir, err := filepath.Abs("testdata")
	if err != nil {
		panic(err)
	}
	return dir
}()

// root is the repository, where examples/ and inspect/testdata/ are.
const root = "../.."

func noEnv(string) string { return "" }

func runArgs(t testing.TB, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	return runInput(t, "", args...)
}

func runInput(t testing.TB, input string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var out, errOut bytes.Buffer
	code = run(args, strings.NewReader(input), &out, &errOut, noEnv)
	return out.String(), errOut.String(), code
}

// golden compares got with testdata/name, or rewrites it with -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	goldenfile.Check(t, filepath.Join(testdata, name), got, *update)
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

// headlineJSON is the JSON output as a client reads it.
type headlineJSON struct {
	Seed     uint64 `json:"seed,string"`
	Managers int    `json:"managers"`
	Workers  int    `json:"workers"`
	Layout   string `json:"layout"`
	Zones    map[string]struct {
		Managers int `json:"managers"`
	} `json:"zones"`
	Quorum struct {
		Size, Needed, Alive int
		Holds               bool
	} `json:"quorum"`
	Tolerance int `json:"tolerance"`
	Leader    struct {
		Before         string `json:"before"`
		After          string `json:"after"`
		ElectedAfterMS *int64 `json:"elected_after_ms"`
	} `json:"leader"`
	Killed []string `json:"killed"`
	Events []struct {
		AtMS   int64  `json:"at_ms"`
		Kind   string `json:"kind"`
		Detail string `json:"detail"`
	} `json:"events"`
	Verdict  string   `json:"verdict"`
	Warnings []string `json:"warnings"`
	Checked  bool     `json:"invariants_checked"`
}

func headlineOf(t *testing.T, args ...string) (headlineJSON, int) {
	t.Helper()
	stdout, stderr, code := runArgs(t, append(args, "--output", "json")...)
	var r headlineJSON
	if err := json.Unmarshal([]byte(stdout), &r); err != nil {
		t.Fatalf("%v: not one JSON object (%v); stderr %s", args, err, stderr)
	}
	return r, code
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
	for _, key := range []string{"seed", "managers", "zones", "quorum", "tolerance", "leader", "killed", "services", "events", "verdict", "warnings", "invariants_checked"} {
		if _, ok := r[key]; !ok {
			t.Errorf("JSON lacks %q", key)
		}
	}
	typed, _ := headlineOf(t, "--managers", "5", "--az", "2-2-1", "--kill", "2")
	if q := typed.Quorum; q.Size != 5 || q.Needed != 3 || q.Alive != 3 || !q.Holds {
		t.Errorf("quorum %+v", typed.Quorum)
	}
	if typed.Tolerance != 2 || typed.Verdict != "holds" || len(typed.Killed) != 2 {
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

	l, code := headlineOf(t, "--managers", "5", "--az", "2-2-1", "--kill", "3")
	if code != exitFailed {
		t.Errorf("--kill 3 exit %d, want %d", code, exitFailed)
	}
	if l.Verdict != "quorum-lost" || l.Quorum.Holds || l.Leader.After != "" || l.Leader.ElectedAfterMS != nil {
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
		{"missing value", []string{"--managers"}, "flag needs an argument: --managers; give it a value"},
		{"bad duration", []string{"--for", "60"}, "--for 60: write a simulated duration"},
		{"bad seed", []string{"--seed", "-3"}, "--seed -3: write a whole number"},
		{"seed too large", []string{"--seed", "99999999999999999999"}, "--seed 99999999999999999999 is too large; write a whole number from 0 to 18446744073709551615"},
		{"bad output", []string{"--output", "yaml"}, "--output yaml: choose text, json or html"},
		{"bad service", []string{"--service", "web"}, "--service web: write a name and a replica count"},
		{"service without replicas", []string{"--service", "web="}, "--service web= needs a whole number, like --service web=6"},
		{"negative replicas", []string{"--service", "web=-1"}, "--service web=-1: it must be 0 or more, like --service web=6"},
		{"replicas not a number", []string{"--service", "web=x"}, "--service web=x: write a whole number, like --service web=6"},
		{"duplicate service", []string{"--service", "web=2", "--global", "web"}, "service web is given twice"},
		{"bad az", []string{"--managers", "3", "--az", "1-x-1"}, "--az 1-x-1:"},
		{"stray argument", []string{"frob"}, `unexpected argument "frob"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			assertBadInput(t, tc.args, tc.want)
		})
	}
}

// assertBadInput runs args and wants exit 1, nothing on stdout and one
// line on stderr containing want.
func assertBadInput(t *testing.T, args []string, want string) {
	t.Helper()
	stdout, stderr, code := runArgs(t, args...)
	if code != exitBadInput {
		t.Errorf("%v: exit %d, want %d", args, code, exitBadInput)
	}
	if stdout != "" {
		t.Errorf("%v: stdout not empty: %q", args, stdout)
	}
	if !strings.HasPrefix(stderr, "swarmsim: ") || strings.Count(stderr, "\n") != 1 || !strings.HasSuffix(stderr, "\n") {
		t.Errorf("%v: want one line starting with swarmsim:, got %q", args, stderr)
	}
	if !strings.Contains(stderr, want) {
		t.Errorf("%v: stderr %q lacks %q", args, stderr, want)
	}
}

func TestSameSeedSameBytes(t *testing.T) {
	for _, output := range []string{"text", "json"} {
		args := []string{"--managers", "5", "--az", "2-2-1", "--workers", "4", "--kill", "2", "--seed", "11", "--output", output}
		want, _, _ := runArgs(t, args...)
		var wg sync.WaitGroup
		got := make([]string, 4)
		for i := range got {
			wg.Go(func() { got[i], _, _ = runArgs(t, args...) })
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

// brokenPipe fails every write.
type brokenPipe struct{}

func (brokenPipe) Write([]byte) (int, error) { return 0, os.ErrClosed }

func TestJSONWriteErrorsAreReported(t *testing.T) {
	for _, args := range [][]string{
		{"--kill", "1", "--output", "json"},
		{"plan", "--output", "json"},
		{"run", "--output", "json", root + "/examples/zone-loss-3.drill"},
	} {
		var stderr strings.Builder
		code := run(args, strings.NewReader(""), brokenPipe{}, &stderr, noEnv)
		if code != exitBadInput || !strings.Contains(stderr.String(), "writing JSON: ") {
			t.Errorf("%v: exit %d, stderr %q", args, code, stderr.String())
		}
	}
}
