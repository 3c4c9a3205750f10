package cli

import (
	"errors"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"strings"

	"github.com/muesli/termenv"

	"github.com/swarmsim/swarmsim/cluster"
	"github.com/swarmsim/swarmsim/drill"
	"github.com/swarmsim/swarmsim/internal/prose"
	"github.com/swarmsim/swarmsim/internal/report"
	"github.com/swarmsim/swarmsim/internal/sink"
)

// Exit statuses, the same for every command.
const (
	exitOK       = 0 // quorum held and every service reached its desired count; every expectation held
	exitBadInput = 1 // the command line or a file was wrong; nothing ran
	exitFailed   = 2 // quorum was lost, a service ended short, an expectation failed or an invariant broke
)

const rootUsage = `swarmsim simulates a Docker Swarm on real etcd Raft and shows what a failure does
to quorum and to services. The same flags and seed always print the same bytes.

Commands, each with an example:
  swarmsim [flags]               build a swarm, let it settle, inject a failure, report
      swarmsim --managers 5 --az 2-2-1 --kill 2
      swarmsim --autolock --kill 3 --restart-after 20s    (a power loss under autolock)
  swarmsim run FILE.drill...     run drill scripts; exit 0 when every expectation holds
      swarmsim run examples/zone-loss-5.drill
  swarmsim shell                 type drill commands one at a time; the picture follows
      swarmsim shell < demo.txt
  swarmsim chaos [flags]         random failures and client calls under the invariant checker
      swarmsim chaos --runs 1000 --seed 7 --az 2-2-1
  swarmsim plan [flags]          where to put your managers, and the odds of losing quorum
      swarmsim plan --managers 5 --zones 3
  swarmsim runbook FILE.drill    a drill as a bash script to rehearse on a real lab swarm
      swarmsim runbook examples/zone-loss-5.drill > zone-loss-5.sh
  swarmsim playground -o F.html  one HTML file that runs the simulator in a browser, for a class
      swarmsim playground -o class.html --managers 5 --az 2-2-1 --workers 6
  swarmsim live [flags]          the swarm full-screen in a terminal as simulated time runs, for talks
      swarmsim live --managers 5 --az 2-2-1 --record talk.drill
  swarmsim help [COMMAND]        this help, or a command's flags
      swarmsim help plan
  swarmsim version               the version of swarmsim (also -v and --version)
      swarmsim version

Every command starts from the same defaults: 3 managers spread evenly over 3
zones (one zone per manager below 3), 0 workers, seed 1, 60s of simulated time.

Exit status: 0 when quorum held and every service (or expectation) did, 2 when
quorum was lost, a service ended short, an expectation failed or an invariant
broke, 1 for bad input, with one line on stderr saying how to write it (a
drill's syntax error adds its source line and a caret under the mistake).

Work that takes more than a second (a chaos campaign, a plan over many
layouts, a long run) shows a progress bar with an estimate on stderr when
stderr is a terminal; anywhere else nothing is added, byte for byte.
`

// Run is the whole program, minus the process: it reads the command line
// and stdin, writes to stdout and stderr, and returns the exit status.
// Tests call it directly.
func Run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	return run(args, stdin, stdout, stderr, os.Getenv)
}

func run(args []string, stdin io.Reader, stdout, stderr io.Writer, env func(string) string) int {
	// Every command writes through the terminal guard: whatever a name
	// holds, no control byte reaches the terminal, and a write that failed
	// (a full disk, a closed pipe) fails the command.
	out := sink.NewTerminal(stdout, false)
	code := command(args, stdin, out, stderr, env)
	if err := out.Err(); err != nil && code != exitBadInput {
		return fail(stderr, fmt.Errorf("writing the output: %w", err))
	}
	return code
}

func command(args []string, stdin io.Reader, stdout io.Writer, stderr io.Writer, env func(string) string) int {
	if len(args) > 0 {
		switch args[0] {
		case "run":
			return runDrills(args[1:], stdout, stderr, env)
		case "shell":
			return runShell(args[1:], stdin, stdout, stderr, env)
		case "chaos":
			return runChaos(args[1:], stdout, stderr)
		case workerCommand:
			return runChaosWorker(args[1:], stdin, stdout, stderr)
		case "plan":
			return runPlan(args[1:], stdout, stderr, env)
		case "runbook":
			return runRunbook(args[1:], stdout, stderr)
		case "playground":
			return runPlayground(args[1:], stdout, stderr)
		case "live":
			// live draws the whole screen, cursor moves and all, which the
			// guard would stop; it passes every name through sink.Text
			// itself before drawing it (internal/live/safe.go).
			if guard, ok := stdout.(*sink.Terminal); ok {
				stdout = guard.Underlying()
			}
			return runLive(args[1:], stdin, stdout, stderr, env)
		case "help":
			return help(args[1:], stdout, stderr)
		case "version", "--version", "-v":
			// Docker answers all three; so does swarmsim.
			if len(args) > 1 {
				return fail(stderr, fmt.Errorf("unexpected argument %q; %s takes none", args[1], args[0]))
			}
			fmt.Fprintf(stdout, "swarmsim %s\n", version(debug.ReadBuildInfo()))
			return exitOK
		}
	}
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		if s := prose.Suggest(args[0], commands); s != "" {
			return fail(stderr, fmt.Errorf("there is no command %q; did you mean swarmsim %s? (see swarmsim help)", args[0], s))
		}
	}
	return runHeadline(args, stdout, stderr, env)
}

// commands are the verbs a mistyped first word is held against.
var commands = []string{"run", "shell", "chaos", "plan", "runbook", "playground", "live", "help", "version"}

// help prints the overview with the headline flags, or a command's help.
func help(args []string, stdout, stderr io.Writer) int {
	if len(args) > 1 {
		return fail(stderr, fmt.Errorf("unexpected argument %q; ask for one command's help, like swarmsim help plan", args[1]))
	}
	if len(args) == 0 {
		fmt.Fprint(stdout, headlineHelp())
		return exitOK
	}
	switch args[0] {
	case "run", "shell", "chaos", "plan", "runbook", "playground", "live":
		return run([]string{args[0], "--help"}, nil, stdout, stderr, func(string) string { return "" })
	case "help", "version", "--version", "-v":
		fmt.Fprint(stdout, headlineHelp())
		return exitOK
	}
	return fail(stderr, fmt.Errorf("there is no command %q; the commands are run, shell, chaos, plan, runbook, playground and live (see swarmsim help)", args[0]))
}

// version is the module version swarmsim was built from: a release tag when
// installed with go install …@version, "(devel)" from a work tree.
func version(info *debug.BuildInfo, ok bool) string {
	if !ok || info == nil || info.Main.Version == "" {
		return "(devel)"
	}
	return info.Main.Version
}

// render writes a command's report in the format asked for. JSON and HTML
// report a write error, since a half-written object or page is no report;
// text is read as it comes.
func render(f format, json, html func() error, text func()) error {
	switch f {
	case jsonOutput:
		if err := json(); err != nil {
			return fmt.Errorf("writing JSON: %w", err)
		}
	case htmlOutput:
		if err := html(); err != nil {
			return fmt.Errorf("writing HTML: %w", err)
		}
	default:
		text()
	}
	return nil
}

// caret writes a drill's syntax error as every command shows it: the
// place, the message, the source line and a caret under the mistake. It
// reports whether err was one.
func caret(w io.Writer, err error) bool {
	var perr *drill.Error
	if !errors.As(err, &perr) {
		return false
	}
	fmt.Fprintln(w, perr.Caret())
	return true
}

// fail reports bad input: one line on stderr.
func fail(stderr io.Writer, err error) int {
	fmt.Fprintf(stderr, "swarmsim: %s\n", sink.Text(err.Error()))
	return exitBadInput
}

// simulationFailed reports an error from a simulation: a broken invariant
// is a failed run (2); anything else is input the simulation refused (1).
func simulationFailed(stderr io.Writer, err error) int {
	fmt.Fprintf(stderr, "swarmsim: %s\n", sink.Text(err.Error()))
	var v *cluster.Violation
	if errors.As(err, &v) {
		return exitFailed
	}
	return exitBadInput
}

// styles is the one colour decision: plain text with --no-color, when
// NO_COLOR is set, or when w is not a terminal that shows colour.
// The terminal guard in front of w lets colour codes through only then.
func styles(w io.Writer, noColor bool, env func(string) string) report.Styles {
	guard, _ := w.(*sink.Terminal)
	if guard != nil {
		w = guard.Underlying()
	}
	if noColor || env("NO_COLOR") != "" {
		return report.Plain()
	}
	p := termenv.NewOutput(w, termenv.WithEnvironment(environ(env))).ColorProfile()
	if guard != nil {
		guard.SetColour(p != termenv.Ascii)
	}
	return report.NewStyles(p)
}

// environ gives termenv the environment through env.
type environ func(string) string

func (e environ) Environ() []string        { return nil }
func (e environ) Getenv(key string) string { return e(key) }
