package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Every example has a golden transcript under testdata/examples/, rewritten
// with -update, and must pass, forever: they are the documentation users
// copy. The drills run from the repository's root, so that transcripts name
// them as a user would.
func TestExampleTranscripts(t *testing.T) {
	t.Chdir(root)
	files, err := filepath.Glob("examples/*.drill")
	if err != nil || len(files) < 10 {
		t.Fatalf("found %d examples (%v); expected the whole set", len(files), err)
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			out, stderr, code := runArgs(t, "run", "--no-color", f)
			if code != exitOK {
				t.Errorf("exit %d\nstderr: %s\n%s", code, stderr, out)
			}
			if !strings.Contains(out, "all held") {
				t.Errorf("no 'all held' summary:\n%s", out)
			}
			src, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.HasPrefix(string(src), "# ") {
				t.Error("an example starts with a comment saying what it teaches")
			}
			golden(t, filepath.Join("examples", strings.TrimSuffix(filepath.Base(f), ".drill")+".golden"), out)
		})
	}
	// Every golden transcript belongs to an example.
	goldens, _ := filepath.Glob(filepath.Join(testdata, "examples", "*.golden"))
	for _, g := range goldens {
		if _, err := os.Stat(filepath.Join("examples", strings.TrimSuffix(filepath.Base(g), ".golden")+".drill")); err != nil {
			t.Errorf("%s has no example drill", g)
		}
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

// A zone is only a node label in Docker, so a drill may name a zone that
// workers join later; only the one-shot headline refuses it (newcomer_test).
func TestDrillAcceptsAZoneForWorkersToJoin(t *testing.T) {
	path := writeDrill(t, "cluster managers=5 az=2-2-1-0\ndocker swarm join --token worker --zone d\nwait 5s\nexpect node w1 ready\n")
	out, _, code := runArgs(t, "run", "--no-color", path)
	if code != exitOK || !strings.Contains(out, "w1 joined as a worker in zone d") {
		t.Errorf("exit %d:\n%s", code, out)
	}
}

// Chaos runs join nodes into the zones, so they take a zone that starts empty.
func TestChaosAcceptsAZoneForWorkersToJoin(t *testing.T) {
	out, stderr, code := runArgs(t, "chaos", "--runs", "2", "--az", "1-1-1-0")
	if code != exitOK {
		t.Errorf("exit %d:\n%s%s", code, out, stderr)
	}
}

func TestDrillJSON(t *testing.T) {
	out, _, code := runArgs(t, "run", "--output", "json", root+"/examples/two-zone-trap.drill")
	if code != exitOK {
		t.Fatalf("exit %d", code)
	}
	var r struct {
		Drills []struct {
			File         string   `json:"file"`
			Steps        int      `json:"steps"`
			Expectations int      `json:"expectations"`
			Failures     []string `json:"failures"`
			Passed       bool     `json:"passed"`
		} `json:"drills"`
		Passed bool `json:"passed"`
	}
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out)
	}
	if !r.Passed || len(r.Drills) != 1 || r.Drills[0].Expectations < 5 || r.Drills[0].Failures == nil || len(r.Drills[0].Failures) != 0 {
		t.Errorf("report %+v", r)
	}
}

func TestDrillSameSeedSameOutput(t *testing.T) {
	a, _, _ := runArgs(t, "run", "--no-color", root+"/examples/zone-loss-5.drill")
	b, _, _ := runArgs(t, "run", "--no-color", root+"/examples/zone-loss-5.drill")
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
	stdout, stderr, code := runInput(t, input, "shell", "--no-color")
	if code != exitBadInput || stderr != "" {
		t.Fatalf("exit %d (want 1: line 7 could not be read), stderr %q", code, stderr)
	}
	golden(t, "shell.golden", stdout)
	for _, want := range []string{"Leader", "REPLICAS", "leader-elected", "✓ quorum holds", "shell:7:1: unknown command"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("shell output lacks %q", want)
		}
	}
}

// Issue 22 item 3, as a user types it: 53/tcp and 53/udp are two ports, and
// `-p 80` gets a published port from the swarm's dynamic range, open on
// every node through the routing mesh.
func TestDrillPortsByProtocolAndDynamicRange(t *testing.T) {
	path := writeDrill(t, `cluster managers=3 az=1-1-1 workers=1 seed=1
docker service create --name dns-tcp -p 53:53 dns
docker service create --name dns-udp -p 53:53/udp dns
docker service create --name web -p 80 nginx
docker service create --name api -p 8080 -p 9090 api
wait 10s
expect port 30000 open on w1
expect port 30002 open on m2
expect port 53 open on m1
expect port 30003 closed on m1
`)
	out, errOut, code := runArgs(t, "run", "--no-color", path)
	if code != exitOK {
		t.Fatalf("exit %d:\n%s%s", code, out, errOut)
	}
}
