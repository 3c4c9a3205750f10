package cli

import (
	"encoding/json"
	"strings"
	"testing"
)

// The headline's rehearsal: every manager loses power and comes back 20 s
// later. Under autolock they come back locked and the swarm has no leader;
// without it, the same failure heals itself.
func TestAutolockPowerLossHeadline(t *testing.T) {
	args := []string{"--managers", "3", "--workers", "2", "--autolock", "--kill", "3", "--restart-after", "20s", "--no-color"}
	stdout, stderr, code := runArgs(t, args...)
	if code != exitFailed || stderr != "" {
		t.Errorf("exit %d, stderr %q; want 2 and nothing", code, stderr)
	}
	golden(t, "autolock-power-loss.golden", stdout)
	for _, want := range []string{"· autolock", "m1   manager locked", "0 alive (3 locked)", "needs to be unlocked", "Unlock 2 of them", "SWMKEY-1-"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("output lacks %q", want)
		}
	}

	stdout, _, code = runArgs(t, "--managers", "3", "--workers", "2", "--kill", "3", "--restart-after", "20s", "--no-color")
	if code != exitOK || !strings.Contains(stdout, "Verdict: quorum holds") || strings.Contains(stdout, "locked") {
		t.Errorf("without autolock: exit %d\n%s", code, stdout)
	}

	r, code := headlineOfRehearsal(t, "--managers", "3", "--autolock", "--kill", "3", "--restart-after", "20s")
	if code != exitFailed || !r.Autolock || strings.Join(r.Locked, ",") != "m1,m2,m3" || !strings.HasPrefix(r.UnlockKey, "SWMKEY-1-") || len(r.Killed) != 3 {
		t.Errorf("JSON: exit %d, %+v", code, r)
	}
}

type rehearsalJSON struct {
	Killed    []string `json:"killed"`
	Autolock  bool     `json:"autolock"`
	Locked    []string `json:"locked"`
	UnlockKey string   `json:"unlock_key"`
}

func headlineOfRehearsal(t *testing.T, args ...string) (rehearsalJSON, int) {
	t.Helper()
	var r rehearsalJSON
	stdout, stderr, code := runArgs(t, append(args, "--output", "json")...)
	if err := json.Unmarshal([]byte(stdout), &r); err != nil {
		t.Fatalf("%v: not JSON (%v); stderr %s", args, err, stderr)
	}
	return r, code
}

func TestRestartAfterBadInput(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--kill", "1", "--restart-after", "30"}, "--restart-after 30: write a simulated duration above 0, like --restart-after 30s"},
		{[]string{"--kill", "1", "--restart-after", "-5s"}, "--restart-after -5s: write a simulated duration above 0"},
		{[]string{"--kill", "1", "--restart-after", "90s"}, "--restart-after 90s is not before the run ends (--for 60s); restart earlier, or run longer, like --for 150s"},
		{[]string{"--autolock", "--restart-after", "10s"}, "--restart-after restarts the nodes the failure kills, and nothing is killed; add --kill or --kill-az, like --kill 3 --restart-after 30s"},
		{[]string{"--partition", "a|b,c", "--restart-after", "10s"}, "nothing is killed; add --kill or --kill-az"},
		{[]string{"--autolock=maybe"}, "--autolock"},
	} {
		assertBadInput(t, tc.args, tc.want)
	}
}

// Docker's admin guide restores a backup onto any host: the drill restores
// m3's backup on w1's machine after every manager is lost, and the swarm
// forced from it leads from zone a, with w1's own identity gone.
func TestRestoreOnANewHost(t *testing.T) {
	t.Chdir(root)
	out, stderr, code := runArgs(t, "run", "--no-color", "internal/cli/testdata/restore-on-new-host.drill")
	if code != exitOK || stderr != "" {
		t.Errorf("exit %d, stderr %q\n%s", code, stderr, out)
	}
	golden(t, "restore-on-new-host.golden", out)
}
