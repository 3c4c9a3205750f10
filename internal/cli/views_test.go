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
