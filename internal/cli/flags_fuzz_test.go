package cli

import (
	"errors"
	"strings"
	"testing"

	"github.com/swarmsim/swarmsim/cluster"
)

// FuzzParseOptions feeds the headline flag parser arbitrary command lines:
// it must answer with a spec or a one-line error, never a panic.
func FuzzParseOptions(f *testing.F) {
	for _, seed := range []string{
		"--managers 5 --az 2-2-1 --kill 2",
		"--managers 5 --az 2-2 ",
		"--kill m1,m3 --workers 4",
		"--kill-az b --partition a|b,c --for 90s --seed 7 --output json",
		"--service web=6 --global agent --no-color --check",
		"--managers x", "--kill -1", "--az 1--1", "--partition |", "--for 0s", "--seed 99999999999999999999",
		"--kill 1 --kill m3 --kill-az a --kill-az b", "--az 3-2", "--service web= --service x=-1",
		"--rtt a-b=40ms,a-c=40ms,b-c=12ms", "--az 2-1 --rtt a-c=1ms", "--rtt a-a=0s", "--rtt =,",
		"--autolock --kill 3 --restart-after 20s", "--restart-after 90s --kill 1", "--restart-after 5s", "--restart-after -1s --autolock=false",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, line string) {
		h, err := parseHeadline(strings.Fields(line))
		if err == nil {
			spec, err2 := h.buildSpec()
			err = err2
			if err == nil {
				alive := 0
				for _, n := range spec.NodeSpecs() {
					if n.Role == cluster.RoleManager && !n.Down {
						alive++
					}
				}
				if spec.Layout.Managers() < 1 || spec.Failure.Managers > alive {
					t.Errorf("accepted %q: layout %s, killing %d of %d managers", line, spec.Layout, spec.Failure.Managers, alive)
				}
				if spec.RestartAfter < 0 || spec.RestartAfter > 0 && (spec.RestartAfter >= spec.For || spec.Failure.None()) {
					t.Errorf("accepted %q: restarting after %s of %s, failure %+v", line, spec.RestartAfter, spec.For, spec.Failure)
				}
				return
			}
		}
		var help helpText
		if errors.As(err, &help) {
			return
		}
		if msg := err.Error(); strings.Contains(msg, "\n") || msg == "" {
			t.Errorf("error is not one line: %q", msg)
		}
	})
}

// FuzzSubcommandFlags feeds the chaos and plan parsers arbitrary command
// lines: a spec or a one-line error, never a panic. (run's parser reads the
// files it is given, which a fuzzer must not choose; drill.FuzzParse covers
// what it reads.)
func FuzzSubcommandFlags(f *testing.F) {
	for _, seed := range []string{
		"chaos --runs 5 --seed 3 --az 2-2-1 --workers 3 --for 30s",
		"chaos --replay 99999999999999999999 extra",
		"chaos --runs 100 --shard 3/4 --clients 2 --jobs 2 --output json",
		"chaos --shard 1/0 --clients 99 --jobs -1 --output yaml",
		"chaos --fault apply-twice --schedule classic", "chaos --list-faults --fault nope", "chaos --schedule \x00 --fault",
		"plan --managers 5 --zones 3 --node-failure 0.01 --zone-failure 0.001 --samples 100",
		"plan --az 2-2-1 --zones 2 --managers 4",
		"plan --az 3-2 --rtt a-b=40ms,a-c=40ms,b-c=12ms", "plan --rtt a-b=1h", "plan --managers 2 --zones 1 --rtt a-a=1ms",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, line string) {
		args := strings.Fields(line)
		if len(args) == 0 {
			return
		}
		var err error
		switch args[0] {
		case "chaos":
			_, err = parseChaos(args[1:])
		case "plan":
			_, err = parsePlan(args[1:])
		default:
			return
		}
		var help helpText
		if err == nil || errors.As(err, &help) {
			return
		}
		if msg := err.Error(); strings.Contains(msg, "\n") || msg == "" {
			t.Errorf("%q: error is not one line: %q", line, msg)
		}
	})
}
