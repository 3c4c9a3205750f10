package cli

import (
	"os"
	"regexp"
	"runtime/debug"
	"strings"
	"testing"
)

// These tests pin what a newcomer met on a first afternoon with swarmsim,
// each fixed.

func TestHelpGoesToStdoutAndListsEveryCommand(t *testing.T) {
	for _, args := range [][]string{{"--help"}, {"-h"}, {"help"}} {
		stdout, stderr, code := runArgs(t, args...)
		if code != exitOK || stderr != "" {
			t.Errorf("%v: exit %d, stderr %q; want 0 and nothing", args, code, stderr)
		}
		for _, cmd := range []string{"swarmsim [flags]", "swarmsim run", "swarmsim shell", "swarmsim chaos", "swarmsim plan", "swarmsim help", "swarmsim version"} {
			i := strings.Index(stdout, "\n  "+cmd)
			if i < 0 {
				t.Errorf("%v: help does not list %q", args, cmd)
				continue
			}
			// The next line is an example of it.
			rest := stdout[i+1:]
			lines := strings.SplitN(rest, "\n", 3)
			example := strings.TrimSpace(lines[1])
			name := strings.Fields(cmd)[1]
			if name == "[flags]" {
				name = "--"
			}
			if !strings.HasPrefix(example, "swarmsim "+name) {
				t.Errorf("%v: %q is not followed by an example of it, but by %q", args, cmd, example)
			}
		}
		if !strings.Contains(stdout, "--kill-az ZONE") {
			t.Errorf("%v: help lacks the headline flags", args)
		}
	}
}

func TestCommandHelp(t *testing.T) {
	for _, cmd := range []string{"run", "shell", "chaos", "plan"} {
		t.Run(cmd, func(t *testing.T) {
			flagHelp, stderr, code := runArgs(t, cmd, "--help")
			if code != exitOK || stderr != "" || !strings.Contains(flagHelp, "\n      swarmsim "+cmd) || !strings.Contains(flagHelp, "-h, --help") {
				t.Errorf("%s --help: exit %d, stderr %q, stdout:\n%s", cmd, code, stderr, flagHelp)
			}
			helpCmd, _, code := runArgs(t, "help", cmd)
			if code != exitOK || helpCmd != flagHelp {
				t.Errorf("swarmsim help %s (exit %d) differs from swarmsim %s --help", cmd, code, cmd)
			}
		})
	}
	assertBadInput(t, []string{"help", "frob"}, `there is no command "frob"`)
	assertBadInput(t, []string{"help", "plan", "run"}, `unexpected argument "run"`)
}

// A flag's value placeholder is one word, and the flag column stays narrow.
func TestHelpPlaceholders(t *testing.T) {
	for _, args := range [][]string{{"--help"}, {"plan", "--help"}, {"chaos", "--help"}, {"run", "--help"}, {"shell", "--help"}} {
		out, _, _ := runArgs(t, args...)
		flags := out[strings.LastIndex(out, "lags")+1:]
		column := regexp.MustCompile(`(?m)^  (-h, |    )--[a-z-]+( \S+)? +`)
		for _, m := range column.FindAllString(flags, -1) {
			if len(m) > 32 {
				t.Errorf("%v: the flag column is %d wide: %q", args, len(m), m)
			}
			if strings.Contains(m, "$(") || strings.Contains(m, "docker") {
				t.Errorf("%v: a placeholder holds a command: %q", args, m)
			}
		}
		if strings.Contains(out, "[=true|false]") || strings.Contains(out, "string") {
			t.Errorf("%v: help shows Go types instead of placeholders:\n%s", args, out)
		}
	}
	out, _, _ := runArgs(t, "--help")
	if !strings.Contains(out, "\n      --from FILE ") {
		t.Errorf("--from's placeholder is not FILE:\n%s", out)
	}
}

func TestVersion(t *testing.T) {
	stdout, stderr, code := runArgs(t, "--version")
	if code != exitOK || stderr != "" || !regexp.MustCompile(`^swarmsim (v\S+|\(devel\))\n$`).MatchString(stdout) {
		t.Errorf("--version: exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
	for _, tc := range []struct {
		name string
		info *debug.BuildInfo
		ok   bool
		want string
	}{
		{"no build info", nil, false, "(devel)"},
		{"built from a work tree", &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}}, true, "(devel)"},
		{"no version recorded", &debug.BuildInfo{}, true, "(devel)"},
		{"installed at a tag", &debug.BuildInfo{Main: debug.Module{Version: "v1.2.3"}}, true, "v1.2.3"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := version(tc.info, tc.ok); got != tc.want {
				t.Errorf("version %q, want %q", got, tc.want)
			}
		})
	}
}

// Repeated failure flags add up where that means something and are refused
// where it does not.
func TestRepeatedFailureFlags(t *testing.T) {
	for _, tc := range []struct {
		name   string
		args   []string
		killed string
	}{
		{"two zones die", []string{"--kill-az", "a", "--kill-az", "b"}, "m1 m2"},
		{"a count and a name", []string{"--kill", "1", "--kill", "m3"}, "m1 m3"},
		{"two counts", []string{"--managers", "5", "--kill", "1", "--kill", "1"}, "m1 m3"},
		{"two lists of names", []string{"--workers", "3", "--kill", "m2", "--kill", "w1,w3"}, "m2 w1 w3"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, code := headlineOf(t, tc.args...)
			if got := strings.Join(r.Killed, " "); got != tc.killed || code == exitBadInput {
				t.Errorf("exit %d, killed %q, want %q", code, got, tc.killed)
			}
		})
	}
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"two partitions", []string{"--partition", "a|b", "--partition", "b|c"}, "--partition is given 2 times; a partition replaces the one before it"},
		{"a zone twice", []string{"--kill-az", "a", "--kill-az", "a"}, "--kill-az a is given twice; name each zone once"},
		{"a node twice", []string{"--kill", "m1", "--kill", "m1"}, "--kill m1: m1 is named twice"},
		{"a node in a dead zone", []string{"--kill-az", "a", "--kill", "m1"}, "m1 is in zone a, which --kill-az a already kills"},
		{"counts beyond the swarm", []string{"--kill", "2", "--kill", "2"}, "--kill 2 --kill 2 add up to 4, which is more managers than the 3 in the swarm"},
		{"a count beyond the survivors", []string{"--kill-az", "a", "--kill", "3"}, "more managers than the 2 left alive by the other failures"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			assertBadInput(t, tc.args, tc.want)
		})
	}
}

// Inputs once accepted without a word now mean something documented or are
// refused with one line.
func TestSilentlyAcceptedInputsAreRefused(t *testing.T) {
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"kill without a value", []string{"--kill", ""}, "--kill needs a count or node names"},
		{"kill a node twice", []string{"--kill", "m1,m1"}, "--kill m1,m1: m1 is named twice"},
		{"kill an empty name", []string{"--kill", "m1,,m2"}, "a name is missing"},
		{"an empty zone", []string{"--managers", "5", "--az", "2-2-1-0"}, "--az 2-2-1-0: zone d would hold no node"},
		{"plan zones beside a layout", []string{"plan", "--az", "2-2-1", "--zones", "2"}, "--az 2-2-1 already gives 3 zones, but --zones is 2"},
		{"chaos stray argument", []string{"chaos", "--runs", "5", "extra"}, `unexpected argument "extra"`},
		{"shell stray argument", []string{"shell", "demo.txt"}, `unexpected argument "demo.txt"`},
		{"views with json", []string{"--views", "--output", "json"}, "--views prints Docker's tables into the text report"},
		{"version with an argument", []string{"--version", "x"}, `unexpected argument "x"`},
		{"replay with runs", []string{"chaos", "--replay", "7", "--runs", "5"}, "--replay 7 runs the one schedule with that run seed; leave out --runs"},
		{"replay with a seed", []string{"chaos", "--seed", "3", "--replay", "7"}, "leave out --seed"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			assertBadInput(t, tc.args, tc.want)
		})
	}
	// A zone without managers is documented: it holds workers only.
	r, code := headlineOf(t, "--managers", "5", "--az", "2-2-1-0", "--workers", "4")
	if code != exitOK || r.Layout != "2-2-1-0" || r.Workers != 4 {
		t.Errorf("a zone of workers only: exit %d, layout %s with %d workers", code, r.Layout, r.Workers)
	}
}

// --kill 0 is no failure, so a script can loop k = 0..N; it is the run
// without --kill, byte for byte.
func TestKillZeroIsNoFailure(t *testing.T) {
	without, _, code := runArgs(t, "--managers", "5", "--no-color")
	for _, args := range [][]string{{"--kill", "0"}, {"--kill", "00"}, {"--kill", "0", "--kill", "0"}} {
		out, stderr, got := runArgs(t, append([]string{"--managers", "5", "--no-color"}, args...)...)
		if got != code || stderr != "" || out != without {
			t.Errorf("%v: exit %d (want %d), stderr %q; the report differs from the run without --kill:\n%s", args, got, code, stderr, out)
		}
	}
	two, _, _ := runArgs(t, "--managers", "5", "--kill", "2", "--no-color")
	plus, _, _ := runArgs(t, "--managers", "5", "--kill", "0", "--kill", "2", "--no-color")
	if plus != two {
		t.Errorf("--kill 0 --kill 2 differs from --kill 2:\n%s", plus)
	}
}

// The plan command a verdict suggests is one plan runs.
func TestVerdictSuggestsAPlanThatRuns(t *testing.T) {
	suggestion := regexp.MustCompile("Compare [^\n]*: (swarmsim plan [^\n]*)")
	for _, args := range [][]string{{"--managers", "30"}, {"--managers", "26"}, {"--managers", "9"}, {"--managers", "4", "--az", "2-2"}} {
		out, _, _ := runArgs(t, append(args, "--no-color", "--for", "5s")...)
		m := suggestion.FindStringSubmatch(out)
		if m == nil {
			t.Errorf("%v: no plan suggested:\n%s", args, out)
			continue
		}
		words := strings.Fields(m[1])[1:]
		if _, stderr, code := runArgs(t, append(words, "--no-color")...); code != exitOK {
			t.Errorf("%v suggests %q, which plan refuses (exit %d): %s", args, m[1], code, stderr)
		}
	}
}

// Every count is bounded, with a message, before anything runs.
func TestCountsAreBounded(t *testing.T) {
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"replicas", []string{"--service", "web=200000000"}, "--service web=200000000 is more than swarmsim simulates; use at most 1000000"},
		{"replicas beyond int", []string{"--service", "web=2000000000000000000000"}, "is more than swarmsim simulates; use at most 1000000"},
		{"workers", []string{"--workers", "10001"}, "--workers 10001 is more than swarmsim simulates; use at most 10000"},
		{"managers", []string{"--managers", "1001"}, "--managers 1001 is more than swarmsim simulates; use at most 1000"},
		{"chaos runs", []string{"chaos", "--runs", "1000001"}, "--runs 1000001 is more than swarmsim simulates; use at most 1000000"},
		{"chaos workers", []string{"chaos", "--workers", "20000"}, "use at most 10000"},
		{"plan samples", []string{"plan", "--samples", "1000001"}, "--samples 1000001 is more than swarmsim simulates"},
		{"kill", []string{"--kill", "99999999999999999999"}, "is more than swarmsim simulates"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			assertBadInput(t, tc.args, tc.want)
		})
	}
}

// --az alone gives the manager count, for every command.
func TestAZInfersManagers(t *testing.T) {
	r, code := headlineOf(t, "--az", "3-2")
	if code == exitBadInput || r.Managers != 5 || r.Layout != "3-2" {
		t.Errorf("--az 3-2: exit %d, %d managers as %s", code, r.Managers, r.Layout)
	}
	out, _, code := runArgs(t, "chaos", "--az", "3-2", "--runs", "2")
	if code != exitOK || !strings.Contains(out, "5 managers over 2 zones (3-2)") {
		t.Errorf("chaos --az 3-2: exit %d:\n%s", code, out)
	}
	out, _, code = runArgs(t, "plan", "--az", "3-2", "--no-color")
	if code != exitOK || !strings.Contains(out, "5 managers over 2 zones") {
		t.Errorf("plan --az 3-2: exit %d:\n%s", code, out)
	}
	assertBadInput(t, []string{"--az", "3-2", "--managers", "3"}, "--az 3-2 adds up to 5 managers, but --managers is 3; make the zones add up, like --az 2-1, or leave out --managers")
}

// Every command starts from the same defaults, and the help and the README
// say which.
func TestOneSetOfDefaults(t *testing.T) {
	r, _ := headlineOf(t)
	if r.Managers != 3 || r.Layout != "1-1-1" || r.Workers != 0 || r.Seed != 1 {
		t.Errorf("headline defaults: %d managers as %s, %d workers, seed %d", r.Managers, r.Layout, r.Workers, r.Seed)
	}
	out, _, _ := runArgs(t, "chaos", "--runs", "1")
	if !strings.Contains(out, "3 managers over 3 zones (1-1-1) · 0 workers · 1m0s each · 3 clients · seed 1") {
		t.Errorf("chaos defaults:\n%s", out)
	}
	out, _, _ = runArgs(t, "plan", "--no-color")
	if !strings.Contains(out, "swarmsim plan · 3 managers over 3 zones") {
		t.Errorf("plan defaults:\n%s", out)
	}
	const defaults = "3 managers spread evenly over 3\nzones (one zone per manager below 3), 0 workers, seed 1, 60s of simulated time"
	help, _, _ := runArgs(t, "help")
	if !strings.Contains(help, defaults) {
		t.Errorf("the help does not state the defaults")
	}
	readme, err := os.ReadFile(root + "/docs/headline.md")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(readme), "Every command starts from the same defaults") {
		t.Error("docs/headline.md does not state the defaults")
	}
}

// Recovery advice names only managers that are alive, and says what to do
// when none is.
func TestRecoveryAdviceNamesOnlyLiveManagers(t *testing.T) {
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"the only manager dies", []string{"--managers", "1", "--kill", "1"}, "No manager is alive, so none can run `docker swarm init --force-new-cluster`"},
		{"every manager's zone dies", []string{"--az", "0-5", "--workers", "2", "--kill-az", "b"}, "restart dead managers until 3 of them run"},
		{"one survivor", []string{"--az", "2-1", "--kill-az", "a"}, "(m3) run `docker swarm init --force-new-cluster`"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, _, code := runArgs(t, append(tc.args, "--no-color")...)
			if code != exitFailed || !strings.Contains(out, tc.want) {
				t.Errorf("exit %d, output lacks %q:\n%s", code, tc.want, out)
			}
			r, _ := headlineOf(t, tc.args...)
			for _, dead := range r.Killed {
				if strings.Contains(out, "("+dead+")") || strings.Contains(out, "("+dead+",") || strings.Contains(out, " "+dead+")") {
					t.Errorf("the advice names %s, which is dead", dead)
				}
			}
			if strings.Contains(out, "surviving manager") != (tc.name == "one survivor") {
				t.Errorf("advice about a surviving manager where there is none:\n%s", out)
			}
		})
	}
}

func TestVerdictNamesTheTwoZoneTrap(t *testing.T) {
	out, _, code := runArgs(t, "--az", "3-2", "--kill-az", "a", "--no-color")
	for _, want := range []string{"! the two-zone trap", "swarmsim plan --managers 5 --zones 3"} {
		if code != exitFailed || !strings.Contains(out, want) {
			t.Errorf("exit %d, verdict lacks %q:\n%s", code, want, out)
		}
	}
	r, _ := headlineOf(t, "--az", "3-2", "--kill-az", "a")
	if len(r.Warnings) != 1 || !strings.Contains(r.Warnings[0], "two-zone trap") {
		t.Errorf("JSON warnings %v", r.Warnings)
	}
}

func TestWarnsAboveSevenManagers(t *testing.T) {
	out, _, code := runArgs(t, "--managers", "9", "--no-color")
	if code != exitOK || !strings.Contains(out, "! 9 managers are more than the 7 Docker recommends") {
		t.Errorf("exit %d:\n%s", code, out)
	}
	out, _, _ = runArgs(t, "--managers", "7", "--no-color")
	if strings.Contains(out, "!") {
		t.Errorf("7 managers over 3 zones got a warning:\n%s", out)
	}
}

func TestCheckSaysItRan(t *testing.T) {
	const ran = "Invariants of Raft and Swarm were checked on every step: none was violated."
	out, _, code := runArgs(t, "--check", "--kill", "1", "--no-color")
	if code != exitOK || !strings.Contains(out, ran) {
		t.Errorf("--check: exit %d:\n%s", code, out)
	}
	out, _, _ = runArgs(t, "--kill", "1", "--no-color")
	if strings.Contains(out, "Invariants") {
		t.Error("without --check the report claims the invariants were checked")
	}
	if r, _ := headlineOf(t, "--check"); !r.Checked {
		t.Error("JSON invariants_checked is false with --check")
	}
	if r, _ := headlineOf(t); r.Checked {
		t.Error("JSON invariants_checked is true without --check")
	}
}

func TestShellSyntaxErrorNamesItsLine(t *testing.T) {
	input := "cluster managers=3\n# a comment\n\nwait 1s\nkil m1\n"
	out, _, _ := runInput(t, input, "shell", "--no-color")
	if !strings.Contains(out, "shell:5:1: unknown command \"kil\"") {
		t.Errorf("the error does not name line 5:\n%s", out)
	}
}

// A piped shell exits as swarmsim run does.
func TestShellExitCodes(t *testing.T) {
	for _, tc := range []struct {
		name  string
		input string
		code  int
	}{
		{"every expectation held", "cluster managers=3\nexpect quorum holds\n", exitOK},
		{"an expectation failed", "cluster managers=3\nexpect quorum lost\nexpect quorum holds\n", exitFailed},
		{"exit after a failure", "cluster managers=3\nexpect no leader\nexit\n", exitFailed},
		{"a line could not be read", "cluster managers=3\nkil m1\n", exitBadInput},
		{"a command failed", "cluster managers=3\nkill 3 managers\ndocker service create --name web nginx\n", exitFailed},
		// Every line fails: a script piping a session must see it.
		{"a command before the cluster", "kill m1\n", exitBadInput},
		{"every line before the cluster", "kill m1\nwait 1s\nexpect quorum holds\n", exitBadInput},
		{"a line over 1 MiB", "cluster managers=3\n# " + strings.Repeat("x", 2<<20) + "\nexpect quorum holds\n", exitBadInput},
		{"nothing at all", "", exitOK},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, stderr, code := runInput(t, tc.input, "shell", "--no-color")
			if code != tc.code {
				t.Errorf("exit %d, want %d; stderr %q\n%s", code, tc.code, stderr, out)
			}
		})
	}
}

// A line too long to read ends the session with a line saying so, not in
// silence.
func TestShellSaysALineIsTooLong(t *testing.T) {
	out, _, code := runInput(t, "cluster managers=3\nwait "+strings.Repeat("1", 2<<20)+"s\n", "shell", "--no-color")
	if code != exitBadInput || !strings.Contains(out, "shell:2: the line is longer than 1 MiB") {
		t.Errorf("exit %d, want %d and the line named:\n%.2000s", code, exitBadInput, out)
	}
}

// The shell redraws the picture when a command changed it, or on show.
func TestShellRedrawsOnlyOnChange(t *testing.T) {
	input := strings.Join([]string{
		"cluster managers=3 seed=2", // a new swarm: drawn
		"expect quorum holds",       // nothing changed
		"expect leader",             // nothing changed
		"show",                      // asked for: drawn
		"kill m3",                   // changed: drawn
		"wait 1s",                   // nothing visible changed
	}, "\n")
	out, _, _ := runInput(t, input, "shell", "--no-color")
	if n := strings.Count(out, "│ zone a"); n != 3 {
		t.Errorf("drew the picture %d times, want 3:\n%s", n, out)
	}
}

// Words agree with their numbers, and say what happened.
func TestWords(t *testing.T) {
	out, _, _ := runArgs(t, "--managers", "1", "--no-color")
	for _, want := range []string{"swarmsim · 1 manager in 1 zone (1) · 0 workers", ", with no failure injected", "Timeline · simulated time from "} {
		if !strings.Contains(out, want) {
			t.Errorf("--managers 1 lacks %q:\n%s", want, out)
		}
	}
	for _, bad := range []string{"1 managers", "1 zones", "since the failure", "1-0-0"} {
		if strings.Contains(out, bad) {
			t.Errorf("--managers 1 says %q:\n%s", bad, out)
		}
	}
	path := writeDrill(t, "cluster managers=1\nkill m1\nexpect quorum lost\n")
	out, _, _ = runArgs(t, "run", "--no-color", path)
	for _, want := range []string{"1 drill, 3 steps, 1 expectation: all held", "quorum needs 1, no leader"} {
		if !strings.Contains(out, want) {
			t.Errorf("the drill transcript lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, `leader ""`) {
		t.Errorf("an empty leader is quoted:\n%s", out)
	}
	out, _, _ = runArgs(t, "plan", "--managers", "1", "--zones", "1", "--no-color")
	if !strings.Contains(out, "1 manager in 1 zone") || !strings.Contains(out, " 1 manager or 1 zone ") {
		t.Errorf("plan --managers 1:\n%s", out)
	}
}

// The manual describes workers as they are assigned: in blocks.
func TestReadmeDescribesWorkerPlacement(t *testing.T) {
	readme, err := os.ReadFile(root + "/docs/headline.md")
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(readme), "round-robin") || !strings.Contains(string(readme), "in blocks") {
		t.Error("docs/headline.md does not say workers are assigned to zones in blocks")
	}
	out, _, _ := runArgs(t, "--workers", "7", "--no-color", "--views")
	zones := map[string]string{}
	for _, line := range strings.Split(out, "\n") {
		if f := strings.Fields(line); len(f) == 5 && len(f[0]) == 25 && strings.HasPrefix(f[1], "w") {
			zones[f[1]] = f[4]
		}
	}
	want := map[string]string{"w1": "a", "w2": "a", "w3": "a", "w4": "b", "w5": "b", "w6": "c", "w7": "c"}
	for w, z := range want {
		if zones[w] != z {
			t.Errorf("docker node ls puts %s in zone %q, want %s:\n%s", w, zones[w], z, out)
		}
	}
}

// Colour is decided in one place: off with --no-color, with NO_COLOR set,
// and when the output is not a terminal.
func TestColourDecision(t *testing.T) {
	noColorEnv := func(k string) string {
		if k == "NO_COLOR" {
			return "1"
		}
		return ""
	}
	for _, tc := range []struct {
		name    string
		noColor bool
		env     func(string) string
	}{
		{"--no-color", true, noEnv},
		{"NO_COLOR", false, noColorEnv},
		{"not a terminal", false, func(k string) string { return map[string]string{"TERM": "xterm-256color"}[k] }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var b strings.Builder
			if got := styles(&b, tc.noColor, tc.env).Heading.Render("Services"); got != "Services" {
				t.Errorf("styled %q", got)
			}
		})
	}
	var out, errOut strings.Builder
	run([]string{"--kill", "1"}, strings.NewReader(""), &out, &errOut, noColorEnv)
	if strings.Contains(out.String(), "\x1b[") {
		t.Error("NO_COLOR output has escape sequences")
	}
}
