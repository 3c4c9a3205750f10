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
	"time"
)

// Sizes of files and lines swarmsim reads.
const (
	DrillFile     = 8 << 20   // a drill file: pages of commands, even generated ones
	DrillLine     = 1 << 20   // one drill line: 50,000 node names fit
	StackFile     = 16 << 20  // a compose file, and a secret's or config's file
	StackExpanded = 16 << 20  // a compose file with its YAML aliases expanded, as the loader walks it
	InspectFile   = 256 << 20 // docker node|service inspect output: tens of thousands of nodes
	SummaryFile   = 16 << 20  // a chaos shard's JSON summary
)

// HistoryFiles is how many of porcupine's visualisations (a few hundred
// kilobytes each) one chaos campaign writes: the first few say as much as
// all of them.
const HistoryFiles = 3

// ErrTooLarge is what every error of an input past its size limit is
// (errors.Is); the error's own text says which limit and why.
var ErrTooLarge = errors.New("larger than the limit")

// TooLarge is an error that is ErrTooLarge, in the words given.
func TooLarge(format string, a ...any) error { return tooLarge{fmt.Sprintf(format, a...)} }

type tooLarge struct{ msg string }

func (e tooLarge) Error() string        { return e.msg }
func (e tooLarge) Is(target error) bool { return target == ErrTooLarge }

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
		return nil, TooLarge("it is larger than %s, the most swarmsim reads of %s; check that this is the right file", Bytes(max), what)
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

// Work: what a simulation may cost. Measured on a laptop (2 cores): 100,000
// tasks settle in about 5 s in 300 MB, and the task limit is twice that so
// that Docker's largest swarms fit (5 managers, 4,700 workers, 150,000
// tasks: issue 25's shapes); a manager's Raft traffic grows with
// the square of the managers (each hears every other), so 300 managers for
// 60 simulated seconds take about 30 s and 1,000 take minutes; 10,000
// workers for 10 simulated minutes take about 5 s.
const (
	Tasks       = 200_000        // desired tasks across all services at once
	RaftWork    = 6_000_000      // managers² × simulated seconds
	NodeSeconds = 50_000_000     // nodes × simulated seconds
	Simulated   = 24 * time.Hour // simulated time of one run or drill
)

// ErrOverBudget is wrapped by every error of a run that would cost more
// than a limit above.
var ErrOverBudget = errors.New("over swarmsim's budget of memory and time")

// CheckTasks refuses more than Tasks desired tasks.
func CheckTasks(tasks int) error {
	if tasks > Tasks {
		return fmt.Errorf("%w: %d tasks are more than the %d swarmsim simulates at once (each task costs memory on every manager, about 3 KB, and scheduling time); ask for fewer replicas", ErrOverBudget, tasks, Tasks)
	}
	return nil
}

// CheckRun refuses a run of managers and nodes (managers included) for a
// simulated duration that would take more than about a minute.
func CheckRun(managers, nodes int, d time.Duration) error {
	secs := int64((d + time.Second - 1) / time.Second)
	switch {
	case d > Simulated:
		return fmt.Errorf("%w: %s of simulated time is more than the %s one run simulates; simulate less", ErrOverBudget, d, Simulated)
	case int64(managers)*int64(managers)*secs > RaftWork:
		return fmt.Errorf("%w: %d managers for %s is %d manager²·seconds of Raft traffic, more than the %d that take about 30 s on a laptop (every manager hears every other); simulate fewer managers or less time, at most %s with %d", ErrOverBudget,
			managers, d, int64(managers)*int64(managers)*secs, RaftWork, time.Duration(RaftWork/(int64(managers)*int64(managers)))*time.Second, managers)
	case int64(nodes)*secs > NodeSeconds:
		return fmt.Errorf("%w: %d nodes for %s is %d node·seconds, more than the %d that take about 40 s on a laptop; simulate fewer nodes or less time, at most %s with %d", ErrOverBudget,
			nodes, d, int64(nodes)*secs, NodeSeconds, time.Duration(NodeSeconds/int64(nodes))*time.Second, nodes)
	}
	return nil
}
