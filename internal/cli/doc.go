// Package cli is swarmsim's command line: it reads the arguments, dispatches
// to a command, and returns the exit status. The root main.go is only
//
//	os.Exit(cli.Run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
//
// and tests call Run's unexported twin, run, with their own environment.
//
// # Commands
//
//	swarmsim [flags]            the headline experiment (headline.go)
//	swarmsim run FILE.drill...  drill scripts (run.go)
//	swarmsim shell              the drill language one line at a time (shell.go)
//	swarmsim chaos              random failure schedules (chaos.go)
//	swarmsim chaos merge        the summaries of a campaign's shards, merged
//	swarmsim plan               manager layouts and their odds (plan.go)
//	swarmsim runbook FILE.drill a drill as a bash script for a lab swarm (runbook.go)
//	swarmsim live               the playground's session full-screen on a terminal (live.go;
//	                            live_run.go, outside WebAssembly, where Bubble Tea builds)
//	swarmsim help [COMMAND]     the overview, or a command's flags, on stdout
//	swarmsim --version          the module version
//
// The headline command, run and plan write their report as text, JSON or
// one self-contained HTML page (--output html); the headline command asks
// the scenario to record a History for the page's timeline only then.
//
// Each command reads its flags into a spec of package scenario (checking
// each flag, then the flags against each other and the swarm they
// describe), runs it with package scenario or package drillrun, and hands
// the result to package report. Flags are read here and nowhere else: a
// renderer is told what to draw, never what was typed.
//
// # Exit status
//
// The same for every command: 0 when quorum held and every service (or
// every expectation) did; 2 when quorum was lost, a service ended short, an
// expectation failed, an invariant broke, or Raft disagreed with a plan's
// arithmetic; 1 for bad input, with one line on stderr that names what was
// wrong and shows how to write it (`swarmsim: --az 2-2 adds up to 4
// managers, but --managers is 5; …`); a drill's syntax error adds the line
// it is on and a caret under the mistake. Nothing a user can type makes a
// panic: FuzzParseOptions feeds the headline parser arbitrary command lines.
//
// A chaos campaign runs in worker processes: the command starts itself
// again as `swarmsim chaos-worker` (a hidden command) once per --jobs, and
// package scenario hands each its runs over stdin and stdout. Tests run
// the same way, their TestMain turning the test binary into the worker,
// or into swarmsim itself for the live test under a pseudo-terminal.
//
// # Defaults, limits and colour
//
// The defaults and limits are package scenario's, shared by every command.
// Colour is decided once, by styles: off with --no-color, when NO_COLOR is
// set, or when the output is not a terminal.
package cli
