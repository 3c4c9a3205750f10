package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"golang.org/x/term"

	"github.com/swarmsim/swarmsim/drill"
)

// The shell takes the drill language one line at a time and draws the swarm
// after every command, for classroom demos. On a terminal it edits lines and
// keeps a history; from a pipe it reads plain lines, so it can be scripted
// and tested.

const shellUsage = `Usage:
  swarmsim shell [flags]     type drill commands one at a time; the picture follows each

Flags:
`

const shellHelp = `Commands (the drill language, one per line):
  cluster managers=5 az=2-2-1 workers=6 seed=7      build a new swarm
  docker service create --name web --replicas 6 --placement-pref spread=node.labels.zone nginx
  docker service create --name agent --mode global agent
  docker service scale web=10                        docker service update --image nginx:2 web
  docker service rollback web                        docker service rm web
  docker node update --availability drain w1         docker node promote w1 · demote m4 · rm w3
  docker swarm join --token worker --zone b          docker swarm init --force-new-cluster
  kill m1 m3 · kill az a · kill leader · kill 2 managers
  restart m1 · restart az a                          partition a | b c · heal
  wait 30s · wait until leader                       expect quorum holds · expect service web running 6
Views:
  show                                               the picture again
  docker node ls · docker service ls · docker service ps web
  help · exit
`

func runShell(args []string, stdin io.Reader, stdout, stderr io.Writer, env func(string) string) int {
	fs := newFlagSet("swarmsim shell")
	pace := fs.Duration("pace", 0, "wall time per simulated second while waiting (e.g. 100ms)")
	noColor := fs.Bool("no-color", false, "plain text without colour (also when NO_COLOR is set)")
	if code, done := parseSubcommand(fs, args, shellUsage, stderr); done {
		return code
	}
	if fs.NArg() > 0 {
		return fail(stderr, fmt.Errorf("unexpected argument %q; the shell reads its commands from the keyboard or a pipe", fs.Arg(0)))
	}

	read, out, restore := lineReader(stdin, stdout)
	defer restore()
	// Colour is decided by where the bytes end up, not by the line editor
	// they pass through.
	st := newStyles(stdout, !*noColor && env("NO_COLOR") == "")
	r := &drillRunner{out: out, st: st, file: "shell", dir: ".", pace: *pace, sleep: time.Sleep}
	fmt.Fprintln(out, "swarmsim shell · type help for the commands; start with: cluster managers=3 az=1-1-1 workers=3")
	for n := 1; ; n++ {
		line, err := read()
		if err != nil {
			break
		}
		line = strings.TrimSpace(line)
		if i := strings.Index(line, "#"); i == 0 {
			continue
		}
		switch {
		case line == "":
			continue
		case line == "exit" || line == "quit":
			return exitOK
		case line == "help":
			fmt.Fprint(out, shellHelp)
			continue
		}
		if r.view(line) {
			continue
		}
		cmd, err := parseLine(line)
		if err != nil {
			fmt.Fprintln(out, err)
			continue
		}
		if cmd == nil {
			continue
		}
		if err := r.step(drill.Step{Pos: drill.Pos{Line: n, Col: 1}, Source: line, Cmd: cmd}); err != nil {
			fmt.Fprintln(out, err)
			continue
		}
		if r.c != nil {
			fmt.Fprintln(out, picture(r.c.Snapshot(), st))
		}
	}
	return exitOK
}

// view prints Docker's tables and the picture; it reports whether line was
// one of them.
func (r *drillRunner) view(line string) bool {
	f := strings.Fields(line)
	isView := line == "show" || line == "docker node ls" || line == "docker service ls" || len(f) == 4 && strings.Join(f[:3], " ") == "docker service ps"
	if !isView {
		return false
	}
	if r.c == nil {
		fmt.Fprintln(r.out, "there is no swarm yet; start one with: cluster managers=3 az=1-1-1 workers=3")
		return true
	}
	s := r.c.Snapshot()
	switch {
	case line == "show":
		fmt.Fprintln(r.out, picture(s, r.st))
	case line == "docker node ls":
		nodeLS(r.out, s)
	case line == "docker service ls":
		serviceLS(r.out, s)
	default:
		if err := servicePS(r.out, s, f[3]); err != nil {
			fmt.Fprintln(r.out, err)
		}
	}
	return true
}

// parseLine reads one typed command; a mistake comes back in the drill
// language's three-line form, pointing at the column.
func parseLine(line string) (drill.Command, error) {
	cmd, err := drill.ParseCommand(line)
	var perr *drill.Error
	if errors.As(err, &perr) {
		perr.File = "shell"
		return nil, errors.New(perr.Caret())
	}
	return cmd, err
}

// lineReader reads lines with editing and history on a terminal, plainly
// from anything else.
func lineReader(stdin io.Reader, stdout io.Writer) (read func() (string, error), out io.Writer, restore func()) {
	if f, ok := stdin.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		if state, err := term.MakeRaw(int(f.Fd())); err == nil {
			t := term.NewTerminal(struct {
				io.Reader
				io.Writer
			}{f, stdout}, "swarm> ")
			return t.ReadLine, t, func() { term.Restore(int(f.Fd()), state) }
		}
	}
	sc := bufio.NewScanner(stdin)
	return func() (string, error) {
		if !sc.Scan() {
			if err := sc.Err(); err != nil {
				return "", err
			}
			return "", io.EOF
		}
		return sc.Text(), nil
	}, stdout, func() {}
}
