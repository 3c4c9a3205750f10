// Package limits holds swarmsim's limits on input and on work, and the one
// way to read a file within them.
//
// Each limit comes from what a laptop can give one command: about a
// gigabyte of memory and under a minute of time. An input beyond a limit
// is refused with a sentence that names the limit and why it exists, never
// read whole first, so `swarmsim run /dev/zero` fails at once. The limits
// are far above any real swarm or hand-written file; docs/limits.md lists
// them in one table.
package limits

import (
	"errors"
	"fmt"
	"io"
	"os"
)

// Sizes of files and lines swarmsim reads.
const (
	DrillFile   = 8 << 20   // a drill file: pages of commands, even generated ones
	DrillLine   = 1 << 20   // one drill line: 50,000 node names fit
	StackFile   = 16 << 20  // a compose file, and a secret's or config's file
	InspectFile = 256 << 20 // docker node|service inspect output: tens of thousands of nodes
	SummaryFile = 16 << 20  // a chaos shard's JSON summary
)

// ErrTooLarge is wrapped by every error of a read that passed its limit.
var ErrTooLarge = errors.New("larger than the limit")

// ReadFile reads the file at path, at most max bytes: a larger file (or a
// device that never ends) is refused after max+1 bytes, with an error that
// names what the file is, the limit and why.
func ReadFile(path string, max int64, what string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return Read(f, max, what)
}

// Read reads r to its end, at most max bytes; see ReadFile.
func Read(r io.Reader, max int64, what string) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(r, max+1))
	if err != nil {
		return nil, err
	}
	if int64(len(b)) > max {
		return nil, fmt.Errorf("%w: it is larger than %s, the most swarmsim reads of %s; check that this is the right file", ErrTooLarge, Bytes(max), what)
	}
	return b, nil
}

// Bytes writes a size in the unit it is a whole number of.
func Bytes(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}
