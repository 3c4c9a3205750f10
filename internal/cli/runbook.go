package cli

import (
	"errors"
	"fmt"
	"io"
	"path/filepath"

	"github.com/swarmsim/swarmsim/drill"
	"github.com/swarmsim/swarmsim/internal/limits"
	"github.com/swarmsim/swarmsim/internal/runbook"
)

const runbookUsage = `swarmsim runbook prints a drill as a bash script to rehearse on a real lab
swarm: the drill's docker commands as they are, sent to a live manager over
ssh; every failure (kill, restart, partition, heal, a node joining) a marked
manual step that prints the commands causing it (stop Docker over ssh, cut
links with iptables) and waits for Enter; every expectation a check of docker
node ls, docker service ls or docker service ps that stops the script when it
does not hold.

Usage:
  swarmsim runbook FILE.drill > runbook.sh
      swarmsim runbook examples/zone-loss-5.drill > zone-loss-5.sh
      bash zone-loss-5.sh

Edit the ssh targets and addresses at the top of the script for your lab.

Flags:
`

func runRunbook(args []string, stdout, stderr io.Writer) int {
	fs := newFlags("swarmsim runbook", runbookUsage)
	err := fs.parse(args)
	if err == nil && fs.NArg() != 1 {
		err = errors.New("name one drill file, like: swarmsim runbook examples/zone-loss-5.drill")
	}
	if code, done := parsed(err, stdout, stderr); done {
		return code
	}
	file := fs.Arg(0)
	src, err := limits.ReadFile(file, limits.DrillFile, "a drill")
	if err != nil {
		return fail(stderr, fmt.Errorf("cannot read drill %s: %w", file, err))
	}
	script, err := drill.Parse(file, src)
	if caret(stderr, err) {
		return exitBadInput
	}
	if err != nil {
		return fail(stderr, err)
	}
	if err := runbook.Write(stdout, script, filepath.Dir(file)); err != nil {
		return fail(stderr, err)
	}
	return exitOK
}
