package cli

import (
	"strings"
	"testing"
)

func TestChaosCommand(t *testing.T) {
	out, stderr, code := runArgs(t, "chaos", "--runs", "20", "--seed", "4", "--managers", "3", "--az", "1-1-1")
	if code != exitOK || stderr != "" {
		t.Fatalf("exit %d, stderr %q", code, stderr)
	}
	for _, want := range []string{"chaos · 20 runs · 3 managers over 3 zones (1-1-1)", "runs that lost quorum", "time without a leader", "invariant violations: 0"} {
		if !strings.Contains(out, want) {
			t.Errorf("summary lacks %q:\n%s", want, out)
		}
	}
	again, _, _ := runArgs(t, "chaos", "--runs", "20", "--seed", "4", "--managers", "3", "--az", "1-1-1")
	if again != out {
		t.Error("the same chaos seed printed a different summary")
	}
	replay, _, code := runArgs(t, "chaos", "--replay", "12345", "--managers", "3")
	if code != exitOK || !strings.Contains(replay, "leader-elected") {
		t.Errorf("replay: exit %d, output %q", code, replay)
	}
	assertBadInput(t, []string{"chaos", "--runs", "0"}, "--runs 0: it must be at least 1")
}

func TestReplayFlags(t *testing.T) {
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"drops what chooses runs", []string{"--runs", "100", "--seed=3", "--managers", "5", "--az", "2-2-1"}, " --managers 5 --az 2-2-1"},
		{"nothing left", []string{"--runs=5", "--seed", "3"}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := replayFlags(tc.args); got != tc.want {
				t.Errorf("replayFlags: %q, want %q", got, tc.want)
			}
		})
	}
}
