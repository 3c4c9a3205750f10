package cli

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"golang.org/x/term"

	"github.com/swarmsim/swarmsim/drill"
	"github.com/swarmsim/swarmsim/internal/drillrun"
	"github.com/swarmsim/swarmsim/internal/limits"
	"github.com/swarmsim/swarmsim/internal/report"
)

// The shell takes the drill language one line at a time and draws the swarm
// whenever a command changed it, for classroom demos. On a terminal it edits
// lines and keeps a history; from a pipe it reads plain lines, so it can be
// scripted and tested, with the exit status of swarmsim run.

const shellUsage = `swarmsim shell reads drill commands one at a time, from the keyboard or a pipe,
and draws the swarm whenever a command changed it. Type help for the commands.

Usage:
  swarmsim shell [flags]
      swarmsim shell
      swarmsim shell < demo.txt

Exit status, like swarmsim run: 0 when every expectation held, 2 when one
failed, a command failed or an invariant broke, 1 when a line could not be
read or run as written: a syntax error, a command before the cluster line, a
line over 64 KiB (which ends the session). A script piping a session whose
every line fails therefore sees 1, as from a drill that does not parse.

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
  docker swarm update --autolock=true                docker swarm unlock-key --rotate
  docker swarm unlock m2 · unlock --key previous m2  backup m3 as nightly · restore nightly on m3
  kill m1 m3 · kill az a · kill leader · kill 2 managers
  restart m1 · restart az a                          partition a | b c · heal
  wait 30s · wait until leader                       expect quorum holds · expect service web running 6
  expect node m2 locked                              cluster managers=3 autolock=true
  docker stack deploy -c stack.yml shop              docker stack ls · services shop · ps shop · rm shop
  docker secret create db_pass -                     docker secret ls · rm db_pass (docker config the same)
  expect port 8080 open on w2                        expect port 8080 closed on w2
Views (each also a drill line, its output in the transcript):
  show                                               the picture again
  docker node ls [-q] · docker service ls [-q] · docker service ps web
  docker service inspect [--pretty] web              docker node inspect [--pretty] m1
  docker service logs web                            docker info · docker swarm join-token worker
  raft                                               every manager's term, vote and log indexes, as etcd Raft reports them
  help · exit
`

// noSwarm answers a view before any cluster line.
const noSwarm = "there is no swarm yet; start one with: cluster managers=3 az=1-1-1 workers=3"

func runShell(args []string, stdin io.Reader, stdout, stderr io.Writer, env func(string) string) int {
	fs := newFlags("swarmsim shell", shellUsage)
	pace, noColor, _ := drillFlags(fs, false)
	err := fs.parse(args)
	if err == nil {
		err = fs.noArgs("the shell reads its commands from the keyboard or a pipe")
	}
	if err == nil {
		err = checkPace(*pace)
	}
	if code, done := parsed(err, stdout, stderr); done {
		return code
	}

	read, out, restore := lineReader(stdin, stdout)
	defer restore()
	// Colour is decided by where the bytes end up, not by the line editor
	// they pass through.
	sh := &shell{
		out: out,
		st:  styles(stdout, *noColor, env),
	}
	sh.t = report.Transcript{W: out, St: sh.st}
	sh.r = drillOptions{pace: *pace, env: lookupEnv(env)}.runner("shell", ".", sh.t)
	fmt.Fprintln(out, "swarmsim shell · type help for the commands; start with: cluster managers=3 az=1-1-1 workers=3")
	for n := 1; ; n++ {
		line, err := read()
		if errors.Is(err, bufio.ErrTooLong) {
			fmt.Fprintf(out, "shell:%d: the line is longer than %s, the most swarmsim reads of one drill line, so the session ends here; split it into several commands\n", n, limits.Bytes(limits.DrillLine))
			sh.badInput = true
			break
		}
		if err != nil {
			break
		}
		if sh.line(n, strings.TrimSpace(line)) {
			break
		}
	}
	return sh.status()
}

// shell is one session.
type shell struct {
	out      io.Writer
	st       report.Styles
	t        report.Transcript
	r        *drillrun.Runner
	drawn    string // the picture last drawn
	badInput bool   // a line could not be read
	broken   bool   // an invariant broke
}

// line handles the nth line; it reports whether the session ends.
func (sh *shell) line(n int, line string) (exit bool) {
	switch {
	case line == "" || strings.HasPrefix(line, "#"):
		return false
	case line == "exit" || line == "quit":
		return true
	case line == "help":
		fmt.Fprint(sh.out, shellHelp)
		return false
	}
	if sh.view(line) {
		return false
	}
	cmd, err := drill.ParseCommand(line)
	if perr := (*drill.Error)(nil); errors.As(err, &perr) {
		perr.File, perr.Line = "shell", n
	}
	if caret(sh.out, err) {
		sh.badInput = true
		return false
	}
	if cmd == nil {
		return false
	}
	res, err := sh.r.Step(drill.Step{Pos: drill.Pos{Line: n, Col: 1}, Source: line, Cmd: cmd})
	sh.t.Result("shell", res)
	if err != nil {
		fmt.Fprintf(sh.out, "shell:%d: %v\n", n, err)
		switch {
		case errors.Is(err, drillrun.ErrNoCluster), errors.Is(err, limits.ErrOverBudget):
			sh.badInput = true // a refused step leaves the swarm as it was
		default:
			sh.broken = true
		}
		return false
	}
	sh.draw(false)
	return false
}

// draw prints the picture when it changed since it was last drawn, or
// always when asked to.
func (sh *shell) draw(always bool) {
	s, ok := sh.r.Snapshot()
	if !ok {
		return
	}
	pic := report.Picture(s, sh.st)
	if always || pic != sh.drawn {
		fmt.Fprintln(sh.out, pic)
		sh.drawn = pic
	}
}

// view prints Docker's tables and the picture; it reports whether line was
// one of them.
func (sh *shell) view(line string) bool {
	f := strings.Fields(line)
	isView := line == "show" || line == "raft" || line == "docker node ls" || line == "docker service ls" || len(f) == 4 && strings.Join(f[:3], " ") == "docker service ps"
	if !isView {
		return false
	}
	s, ok := sh.r.Snapshot()
	switch {
	case !ok:
		fmt.Fprintln(sh.out, noSwarm)
	case line == "show":
		sh.draw(true)
	case line == "raft":
		views, _ := sh.r.Raft()
		report.RaftTable(sh.out, views, sh.st)
	case line == "docker node ls":
		report.NodeLS(sh.out, s)
	case line == "docker service ls":
		report.ServiceLS(sh.out, s)
	default:
		if err := report.ServicePS(sh.out, s, f[3]); err != nil {
			fmt.Fprintln(sh.out, err)
		}
	}
	return true
}

// status is the session's exit status, as swarmsim run gives it.
func (sh *shell) status() int {
	switch {
	case sh.badInput:
		return exitBadInput
	case sh.broken || len(sh.r.Failures()) > 0:
		return exitFailed
	}
	return exitOK
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
	sc.Buffer(nil, limits.DrillLine+1) // a drill's line limit, the line feed beside it
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
