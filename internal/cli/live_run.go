//go:build !js

package cli

import (
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/swarmsim/swarmsim/internal/live"
	"github.com/swarmsim/swarmsim/internal/playground"
)

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
	src, err := playground.FromStart(a.start)
	if err != nil {
		return fail(stderr, err)
	}
	s, err := playground.NewCarried(src)
	if err != nil {
		return fail(stderr, err)
	}
	for _, l := range a.lines {
		if _, err := s.Do(l); err != nil {
			return fail(stderr, fmt.Errorf("%s: %w", l, err))
		}
	}
	// The drill's file is made now, so that a talk is not lost to a
	// directory that cannot be written at the end.
	var record *os.File
	if a.record != "" {
		if record, err = os.Create(a.record); err != nil {
			return fail(stderr, fmt.Errorf("--record %s: cannot write the drill: %w", a.record, err))
		}
		defer record.Close()
		if err := writeBeside(a.record, src.Files); err != nil {
			return fail(stderr, err)
		}
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
