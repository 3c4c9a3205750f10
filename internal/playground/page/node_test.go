package page

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/swarmsim/swarmsim/internal/golden"
	"github.com/swarmsim/swarmsim/internal/playground"
	"github.com/swarmsim/swarmsim/internal/playground/browser"
)

// repo is the repository's root, where the golden files and examples are.
const repo = "../../.."

// node runs a WebAssembly program under Node with Go's wasm_exec_node.js,
// from the repository's root, with stdin as its input, and returns its
// stdout and exit status.
func node(t *testing.T, prog, stdin string, args ...string) (string, int) {
	t.Helper()
	nodeCmd := browser.Need(t, "node")
	tc := toolchain(t)
	runner := filepath.Join(tc.GOROOT, "lib", "wasm", "wasm_exec_node.js")
	if _, err := os.Stat(runner); err != nil {
		runner = filepath.Join(tc.GOROOT, "misc", "wasm", "wasm_exec_node.js") // before Go 1.24
	}
	cmd := exec.Command(nodeCmd, append([]string{runner, prog}, args...)...)
	cmd.Dir = repo
	cmd.Stdin = strings.NewReader(stdin)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	code := 0
	if exit, ok := err.(*exec.ExitError); ok {
		code = exit.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	if stderr.Len() > 0 {
		t.Logf("stderr: %s", stderr.String())
	}
	return stdout.String(), code
}

// swarmsim compiled to WebAssembly prints, under Node, byte for byte what
// the native build printed into the golden files: the same Raft, the same
// seeds, the same story.
func TestWasmMatchesTheGoldensUnderNode(t *testing.T) {
	browser.Need(t, "node")
	prog := wasm(t, ".")
	// Every headline golden file is run here; a new one must be added.
	covered := map[string]bool{
		// The WebAssembly build cannot read stack files: Docker's compose
		// loader pulls in a client that does not build for js.
		"stack.golden": true,
		// A list of runs to replay, not an output: TestChaosCorpus reads it.
		"chaos-corpus.txt": true,
		// The drill behind restore-on-new-host.golden, run below.
		"restore-on-new-host.drill": true,
	}
	defer func() {
		files, _ := filepath.Glob(filepath.Join(repo, "internal", "cli", "testdata", "*.*"))
		for _, f := range files {
			if !covered[filepath.Base(f)] {
				t.Errorf("%s is not run under Node; add it to this test", f)
			}
		}
	}()
	for _, tc := range []struct {
		golden string
		args   []string
		code   int
		stdin  string
	}{
		// The headline scenarios, as cli's TestHeadlineGolden and TestJSON run them.
		{"kill-2.golden", []string{"--managers", "5", "--az", "2-2-1", "--kill", "2", "--no-color"}, 0, ""},
		{"kill-3.golden", []string{"--managers", "5", "--az", "2-2-1", "--kill", "3", "--no-color"}, 2, ""},
		{"kill-az.golden", []string{"--managers", "5", "--az", "2-2-1", "--workers", "6", "--kill-az", "a", "--no-color"}, 0, ""},
		{"two-zone-trap.golden", []string{"--managers", "3", "--az", "2-1", "--kill-az", "a", "--no-color"}, 2, ""},
		{"partition.golden", []string{"--managers", "5", "--az", "2-2-1", "--workers", "3", "--partition", "a|b,c", "--seed", "4", "--no-color"}, 0, ""},
		{"views.golden", []string{"--managers", "3", "--workers", "2", "--kill", "w1", "--views", "--no-color"}, 0, ""},
		{"kill-2.json", []string{"--managers", "5", "--az", "2-2-1", "--kill", "2", "--output", "json"}, 0, ""},
		{"autolock-power-loss.golden", []string{"--managers", "3", "--workers", "2", "--autolock", "--kill", "3", "--restart-after", "20s", "--no-color"}, 2, ""},
		// Plans, with the commit latency measured on Raft.
		{"plan-5.golden", []string{"plan", "--managers", "5", "--zones", "3", "--no-color"}, 0, ""},
		{"plan-4-over-2.golden", []string{"plan", "--managers", "4", "--zones", "2", "--rtt", "a-b=20ms", "--no-color"}, 0, ""},
		{"plan-judged.golden", []string{"plan", "--az", "3-2", "--rtt", "a-b=40ms,a-c=40ms,b-c=12ms", "--node-failure", "0.01", "--zone-failure", "0.001", "--samples", "2000", "--no-color"}, 0, ""},
		{"plan-json.golden", []string{"plan", "--az", "3-1-1", "--rtt", "a-b=40ms,a-c=40ms,b-c=40ms", "--output", "json", "--no-color"}, 0, ""},
		{"shell-raft.golden", []string{"shell", "--no-color"}, 0, strings.Join([]string{"cluster managers=3 az=1-1-1 seed=1",
			"docker service create --name s1 --replicas 0 nginx", "docker service create --name s2 --replicas 0 nginx",
			"docker service create --name s3 --replicas 0 nginx", "wait 2s", "raft", "kill m1", "wait 30s", "raft", ""}, "\n")},
		// Drills, one of them reading an imported swarm from files.
		{"examples/zone-loss-5.golden", []string{"run", "--no-color", "examples/zone-loss-5.drill"}, 0, ""},
		{"examples/imported-swarm.golden", []string{"run", "--no-color", "examples/imported-swarm.drill"}, 0, ""},
		{"restore-on-new-host.golden", []string{"run", "--no-color", "internal/cli/testdata/restore-on-new-host.drill"}, 0, ""},
		// The shell, typed into from a pipe, as cli's TestShellGolden types.
		{"shell.golden", []string{"shell", "--no-color"}, 1, strings.Join([]string{"help", "docker service ls",
			"cluster managers=3 az=1-1-1 workers=2 seed=3",
			"docker service create --name web --replicas 4 --placement-pref spread=node.labels.zone nginx",
			"wait 10s", "docker service ls", "kil m1", "kill leader", "wait 30s", "expect quorum holds",
			"docker node ls", "docker service ps web", "exit"}, "\n")},
	} {
		covered[tc.golden] = true
		t.Run(tc.golden, func(t *testing.T) {
			t.Parallel()
			want, err := os.ReadFile(filepath.Join(repo, "internal", "cli", "testdata", tc.golden))
			if err != nil {
				t.Fatal(err)
			}
			got, code := node(t, prog, tc.stdin, tc.args...)
			if code != tc.code {
				t.Errorf("exit %d, want %d", code, tc.code)
			}
			if got != string(want) {
				t.Errorf("under Node the WebAssembly build differs from the native build's %s:\n%s", tc.golden, golden.Diff(string(want), got))
			}
		})
	}
}

// The page's own simulator, run under Node, reaches the very state the
// native build does for the same start and the same clicks: the lanes,
// the timeline, the verdict and the drill, byte for byte.
func TestPlaygroundWasmMatchesNative(t *testing.T) {
	browser.Need(t, "node")
	prog := wasm(t, entry)
	for _, tc := range []struct {
		file    string
		a, b, c string // its zones
	}{
		{"examples/zone-loss-5.drill", "a", "b", "c"},
		{"examples/imported-swarm.drill", "eu-west-1a", "eu-west-1b", "eu-west-1c"},
	} {
		actions := []string{"kill leader"}
		for range 25 {
			actions = append(actions, "+1s")
		}
		actions = append(actions, "partition "+tc.a+" | "+tc.b+" "+tc.c, "wait 30s", "docker service scale web=1",
			"kill az "+tc.b, "+1s", "docker service scale web=9", "heal", "restart az "+tc.b, "wait 40s")
		file := tc.file
		t.Run(filepath.Base(file), func(t *testing.T) {
			src, err := playground.ReadDrill(filepath.Join(repo, file))
			if err != nil {
				t.Fatal(err)
			}
			st, err := playground.Script(src, filepath.Join(repo, filepath.Dir(file)), actions)
			if err != nil {
				t.Fatal(err)
			}
			var want bytes.Buffer
			if err := json.NewEncoder(&want).Encode(st); err != nil {
				t.Fatal(err)
			}
			got, code := node(t, prog, "", append([]string{file}, actions...)...)
			if code != 0 {
				t.Fatalf("exit %d", code)
			}
			if got != want.String() {
				t.Errorf("the page's simulator under Node reached\n%s\nthe native build\n%s", got, want.String())
			}
			if len(st.Events) < 30 || len(st.Lanes) == 0 {
				t.Errorf("%d events and %d lanes: the script did too little to compare", len(st.Events), len(st.Lanes))
			}
		})
	}
}
