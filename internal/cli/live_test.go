package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// asSwarmsim makes the test binary run as swarmsim (see TestMain).
const asSwarmsim = "SWARMSIM_TEST_AS_SWARMSIM"

func TestLiveWithoutTerminal(t *testing.T) {
	// The test's stdin and stdout are a reader and a buffer, as a pipe
	// would be.
	stdout, stderr, code := runArgs(t, "live", "--managers", "5")
	if code != exitBadInput || stdout != "" {
		t.Fatalf("exit %d, stdout %q; want exit 1 and nothing on stdout", code, stdout)
	}
	if strings.Count(stderr, "\n") != 1 || !strings.Contains(stderr, "live draws on a terminal") {
		t.Errorf("stderr = %q, want one line saying live needs a terminal", stderr)
	}
}

func TestLiveFlags(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--for", "30s"}, "live takes no --for: live runs until q"},
		{[]string{"--output", "json"}, "live takes no --output"},
		{[]string{"--stack", "missing.yml"}, "--stack missing.yml: cannot read it"},
		{[]string{"--rtt", "a-b=40ms"}, "live takes no --rtt"},
		{[]string{"--record", ""}, "--record needs a file to write, like --record talk.drill"},
		{[]string{"--managers", "0"}, "--managers 0: it must be at least 1"},
		{[]string{"--kill", "m9"}, `--kill m9: there is no node "m9"`},
		{[]string{"talk.drill"}, `unexpected argument "talk.drill"; live takes only flags`},
	} {
		stdout, stderr, code := runArgs(t, append([]string{"live"}, tc.args...)...)
		if code != exitBadInput || stdout != "" || !strings.Contains(stderr, tc.want) || strings.Count(stderr, "\n") != 1 {
			t.Errorf("live %s: exit %d, stderr %q; want exit 1 and one line with %q", strings.Join(tc.args, " "), code, stderr, tc.want)
		}
	}
}

func TestLiveHelp(t *testing.T) {
	overview, _, _ := runArgs(t, "help")
	if !strings.Contains(overview, "swarmsim live [flags]") {
		t.Errorf("swarmsim help does not list live:\n%s", overview)
	}
	help, _, code := runArgs(t, "help", "live")
	if code != exitOK || !strings.Contains(help, "--record FILE") || !strings.Contains(help, "--kill-az ZONE") {
		t.Errorf("swarmsim help live: exit %d\n%s", code, help)
	}
	// Flags live refuses are hidden from its help, and only from its help.
	if strings.Contains(help, "--output") || strings.Contains(help, "--for") {
		t.Errorf("swarmsim help live shows flags live refuses:\n%s", help)
	}
	if headline, _, _ := runArgs(t, "--help"); !strings.Contains(headline, "--output FORMAT") {
		t.Errorf("the headline's help lost --output:\n%s", headline)
	}
}

// TestLiveFailureFlags: the headline's failure flags become the drill's
// first lines, in the headline's order.
func TestLiveFailureFlags(t *testing.T) {
	a, err := parseLive([]string{"--managers", "5", "--az", "2-2-1", "--kill", "2", "--kill", "m3", "--kill-az", "c", "--partition", "a|b", "--autolock", "--seed", "7"})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"partition a | b", "kill az c", "kill m3", "kill 2 managers"}
	if strings.Join(a.lines, "\n") != strings.Join(want, "\n") {
		t.Errorf("lines %q, want %q", a.lines, want)
	}
	if !a.start.Autolock || a.start.Seed != 7 || a.start.Layout.String() != "2-2-1" {
		t.Errorf("start %+v; want autolock, seed 7 and 2-2-1", a.start)
	}
}

// TestWriteBesideKeepsADifferentFile: a file the drill names that is
// already beside it is kept when it differs, even when ours is a prefix of
// it (only as many bytes as ours are read), and left as it is when it is
// the same.
func TestWriteBesideKeepsADifferentFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "nodes.json")
	for _, tc := range []struct {
		name, there string
		refused     bool
	}{
		{"the same file", "[1]", false},
		{"ours is a prefix of it", "[1]\n[2]", true},
		{"shorter than ours", "[", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if err := os.WriteFile(path, []byte(tc.there), 0o644); err != nil {
				t.Fatal(err)
			}
			err := writeBeside(dir, map[string]string{"nodes.json": "[1]"})
			if (err != nil) != tc.refused {
				t.Fatalf("writeBeside: %v, want refused %v", err, tc.refused)
			}
			if got, _ := os.ReadFile(path); string(got) != tc.there {
				t.Errorf("the file there became %q, want it kept as %q", got, tc.there)
			}
		})
	}
}
