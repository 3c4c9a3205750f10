package cli

import (
	"os"
	"strings"
	"testing"

	"github.com/swarmsim/swarmsim/cluster"
)

// Without a leader Docker answers `docker node ls`, `service ls` and
// `service ps` with its no-leader error, as it answers every write. The
// tables that follow are the simulator's addition and must say so.
func TestViewsWithoutLeaderAnswerDockersError(t *testing.T) {
	out, _, code := runArgs(t, "--managers", "3", "--kill", "2", "--views", "--no-color")
	if code != 2 {
		t.Errorf("exit %d, want 2 (quorum lost)", code)
	}
	for _, cmd := range []string{"$ docker node ls", "$ docker service ls", "$ docker service ps web"} {
		i := strings.Index(out, cmd)
		if i < 0 {
			t.Fatalf("no %q in:\n%s", cmd, out)
		}
		rest := strings.SplitN(out[i:], "\n", 4)
		if len(rest) < 3 || rest[1] != cluster.ErrNoLeader.Error() || !strings.HasPrefix(rest[2], "# not what Docker prints: ") {
			t.Errorf("%s without a leader does not answer Docker's error, then a marked local copy:\n%s", cmd, strings.Join(rest, "\n"))
		}
	}
	// With a leader, the tables are Docker's own and carry no such line.
	out, _, _ = runArgs(t, "--managers", "3", "--kill", "1", "--views", "--no-color")
	if strings.Contains(out, "does not have a leader") || strings.Contains(out, "not what Docker prints") {
		t.Errorf("with a leader the views mention its absence:\n%s", out)
	}
}

// With zone a cut off, all five managers are alive but the leader (in b or
// c) hears only the three on its side: quorum holds with no margin, and
// killing one more manager there loses it. The margin counts the voters
// the leader's Raft hears, not the machines that run.
func TestPartitionMarginCountsWhomTheLeaderHears(t *testing.T) {
	out, _, code := runArgs(t, "--managers", "5", "--az", "2-2-1", "--partition", "a|b,c", "--no-color")
	if code != 0 {
		t.Errorf("exit %d, want 0", code)
	}
	if !strings.Contains(out, "5 alive, 3 heard by the leader, tolerates 2, 0 more failures tolerated.") {
		t.Errorf("the verdict does not count the managers the leader hears:\n%s", out)
	}
	out, _, _ = runArgs(t, "--managers", "5", "--az", "2-2-1", "--partition", "a|b,c", "--output", "json")
	if !strings.Contains(out, `"more_failures_tolerated": 0`) {
		t.Errorf("JSON margin is not 0:\n%s", out)
	}
}

// The README shows the headline command's output as it is: a newcomer's
// first run prints exactly that.
func TestReadmeShowsTheHeadlineAsItRuns(t *testing.T) {
	readme, err := os.ReadFile(root + "/README.md")
	if err != nil {
		t.Fatal(err)
	}
	out, _, code := runArgs(t, "--managers", "5", "--az", "2-2-1", "--kill", "2", "--no-color")
	if code != 0 {
		t.Fatalf("exit %d", code)
	}
	var lines []string
	for _, l := range strings.Split(strings.TrimRight(out, "\n"), "\n") {
		lines = append(lines, strings.TrimRight(l, " "))
	}
	example := "$ go run . --managers 5 --az 2-2-1 --kill 2\n" + strings.Join(lines, "\n") + "\n```"
	if !strings.Contains(string(readme), example) {
		t.Errorf("the README's headline example is not what the command prints:\n%s", example)
	}
}

// A playground starts only from a drill it can run in the browser: a stack
// deploy (Docker's compose loader does not build for WebAssembly) is
// refused in the terminal, in one line, before a page is written.
func TestPlaygroundRefusesAStackDrill(t *testing.T) {
	page := t.TempDir() + "/class.html"
	_, stderr, code := runArgs(t, "playground", "-o", page, root+"/examples/stack-zone-loss.drill")
	if code != exitBadInput || strings.Count(stderr, "\n") != 1 || !strings.Contains(stderr, "cannot deploy stacks") {
		t.Errorf("exit %d, stderr %q; want 1 and one line about stacks", code, stderr)
	}
	if _, err := os.Stat(page); err == nil {
		t.Error("a page was written all the same")
	}
}

// plan never recommends a layout the headline command refuses: every zone
// it places managers over must be able to hold one.
func TestPlanZonesNoMoreThanManagers(t *testing.T) {
	_, stderr, code := runArgs(t, "plan", "--managers", "5", "--zones", "7")
	if code != exitBadInput || !strings.Contains(stderr, "--zones 5 or fewer") {
		t.Errorf("plan --managers 5 --zones 7: exit %d, %q", code, stderr)
	}
	out, _, code := runArgs(t, "plan", "--managers", "2", "--no-color")
	if code != exitOK || !strings.Contains(out, "2 managers over 2 zones") {
		t.Errorf("plan --managers 2 does not default to one zone per manager:\n%s", out)
	}
	// The headline's pointer to plan names a plan that runs.
	out, _, _ = runArgs(t, "--managers", "2", "--no-color")
	if !strings.Contains(out, "swarmsim plan --managers 2 --zones 2\n") {
		t.Errorf("the headline points to a plan that would be refused:\n%s", out)
	}
}
