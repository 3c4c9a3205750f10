//go:build !js

package cli

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/swarmsim/swarmsim/drill"

	"github.com/swarmsim/swarmsim/internal/live"
	"github.com/swarmsim/swarmsim/internal/playground"
	"github.com/swarmsim/swarmsim/internal/scenario"
)

// settle is how long a stack runs before the failure flags: as long as the
// swarm settles before it.
var settle = func() time.Duration { d, _ := time.ParseDuration(playground.SettleFor); return d }()

// runLive is swarmsim live: the flags checked, then the terminal, then the
// swarm started and shown until q; the drill is written after the view
// closed, and an epilogue stays on the terminal.
func runLive(args []string, stdin io.Reader, stdout, stderr io.Writer, env func(string) string) int {
	a, err := parseLive(args)
	if code, done := parsed(err, stdout, stderr); done {
		return code
	}
	if !isTerminal(stdin) || !isTerminal(stdout) {
		return fail(stderr, errors.New("live draws on a terminal, and stdin or stdout is not one; run it in a terminal, or pipe drill lines to swarmsim shell"))
	}
	s, record, cleanup, err := a.begin(stderr)
	defer cleanup()
	if err != nil {
		return fail(stderr, err)
	}
	m, err := live.Run(s, styles(stdout, a.noColor, env), stdin, stdout)
	fmt.Fprint(stdout, m.Epilogue(12))
	if err != nil {
		return fail(stderr, err)
	}
	if record != nil {
		if _, err := record.WriteString(s.Drill()); err != nil {
			return fail(stderr, fmt.Errorf("cannot write the drill %s: %w", a.record, err))
		}
		if err := record.Close(); err != nil {
			return fail(stderr, fmt.Errorf("cannot write the drill %s: %w", a.record, err))
		}
		fmt.Fprintf(stdout, "wrote %s: replay it with swarmsim run %s\n", a.record, a.record)
	}
	if m.State().Broken != "" {
		return exitFailed // an invariant broke, as swarmsim run would say
	}
	return exitOK
}

// begin starts the session: the swarm from the flags, the stack, then the
// failure. The drill runs in the directory it is recorded into, with the
// files its cluster line names written there, so that swarmsim run finds
// them as the session did; without --record, in a temporary directory
// that cleanup removes. The drill's file is made now, so that a talk is
// not lost to a directory that cannot be written at the end.
func (a *liveArgs) begin(stderr io.Writer) (s *playground.Session, record *os.File, cleanup func(), err error) {
	cleanup = func() {}
	src, err := playground.FromStart(a.start)
	if err != nil {
		return nil, nil, cleanup, err
	}
	dir := filepath.Dir(a.record)
	if a.record == "" {
		if dir, err = os.MkdirTemp("", "swarmsim-live-"); err != nil {
			return nil, nil, cleanup, err
		}
		cleanup = func() { os.RemoveAll(dir) }
	} else {
		if record, err = os.Create(a.record); err != nil {
			return nil, nil, cleanup, fmt.Errorf("--record %s: cannot write the drill: %w", a.record, err)
		}
		cleanup = func() { record.Close() }
	}
	if err := writeBeside(dir, src.Files); err != nil {
		return nil, record, cleanup, err
	}
	if s, err = playground.New(src, dir); err != nil {
		return nil, record, cleanup, err
	}
	lines := a.lines
	if a.stack != "" {
		for _, w := range a.stackWarnings {
			fmt.Fprintln(stderr, w) // Docker prints these too, and deploys all the same
		}
		deploy := drill.StackDeploy{Files: []string{pathFrom(dir, a.stack)}, Name: scenario.StackName(a.stack)}
		lines = append([]string{deploy.String(), drill.Wait{Duration: settle}.String()}, lines...)
	}
	for _, l := range lines {
		if _, err := s.Do(l); err != nil {
			return nil, record, cleanup, fmt.Errorf("%s: %w", l, err)
		}
	}
	return s, record, cleanup, nil
}

// pathFrom writes file, a path as the user gave it, as seen from dir: the
// way a drill in dir names it.
func pathFrom(dir, file string) string {
	abs, err := filepath.Abs(file)
	if err != nil {
		return file
	}
	if absDir, err := filepath.Abs(dir); err == nil {
		if rel, err := filepath.Rel(absDir, abs); err == nil {
			return rel
		}
	}
	return abs
}
