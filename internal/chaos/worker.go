package chaos

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/swarmsim/swarmsim/az"
	"github.com/swarmsim/swarmsim/internal/fault"
	"github.com/swarmsim/swarmsim/internal/pool"
)

// Worker processes. etcd Raft draws its election jitter from the one
// process-wide crypto/rand.Reader, which package raft swaps for each
// member's seeded stream under a lock; simulations running on several
// goroutines of one process queue on that lock. A campaign therefore runs
// in worker processes, each running its runs one after the other, so each
// has the lock to itself.
//
// The parent writes the campaign (a JSON line) to a worker's stdin, then
// one line "LO HI" per chunk of runs; the worker answers each run of the
// chunk, in order, with a JSON line on its stdout. Closing its stdin ends
// it.

// job is the part of a Spec a worker needs to run any run.
type job struct {
	Runs    int
	Seed    uint64
	Layout  az.Layout
	For     time.Duration
	Clients int
	Classic bool
	Fault   fault.Fault
}

// chunkSize is how many runs a worker is handed at once, at most: enough
// to keep the pipe's round trips out of the way, few enough to share the
// tail evenly.
const chunkSize = 16

func chaosInProcesses(spec Spec, lo, hi int, deliver func(int, Run)) error {
	slots := max(spec.Cores, 1)
	// Small campaigns get small chunks, so that every worker has some.
	chunk := min(chunkSize, max(1, (hi-lo)/(4*slots)))
	slots = min(slots, (hi-lo+chunk-1)/chunk)
	workers := make([]*workerProc, slots)
	header, err := json.Marshal(jobOf(spec))
	if err != nil {
		return fmt.Errorf("describing the campaign to a worker: %w", err)
	}
	defer func() {
		for _, w := range workers {
			if w != nil {
				w.close()
			}
		}
	}()
	for i := range workers {
		p, err := spec.Launch()
		if err != nil {
			return fmt.Errorf("starting a worker process: %w", err)
		}
		workers[i] = &workerProc{p: p, out: bufio.NewWriter(p), in: json.NewDecoder(bufio.NewReader(p))}
		if _, err := fmt.Fprintf(workers[i].out, "%s\n", header); err != nil {
			return fmt.Errorf("starting a worker process: %w", err)
		}
		if err := workers[i].out.Flush(); err != nil {
			return fmt.Errorf("starting a worker process: %w", err)
		}
	}
	// The first error is the one to report: the others follow from it.
	first := pool.Run(hi-lo, slots, chunk, func(slot, a, b int) error {
		return workers[slot].run(lo+a, lo+b, deliver)
	})
	for i, w := range workers {
		if err := w.close(); err != nil && first == nil {
			first = err
		}
		workers[i] = nil
	}
	return first
}

func jobOf(spec Spec) job {
	return job{Runs: spec.Runs, Seed: spec.Seed, Layout: spec.Layout, For: spec.For, Clients: spec.Clients, Classic: spec.Classic, Fault: spec.Fault}
}

func (j job) spec() Spec {
	return Spec{Runs: j.Runs, Seed: j.Seed, Layout: j.Layout, For: j.For, Clients: j.Clients, Classic: j.Classic, Fault: j.Fault}
}

type workerProc struct {
	p      Process
	out    *bufio.Writer
	in     *json.Decoder
	closed bool
}

func (w *workerProc) run(lo, hi int, deliver func(int, Run)) error {
	if _, err := fmt.Fprintf(w.out, "%d %d\n", lo, hi); err != nil {
		return fmt.Errorf("handing runs to a worker process: %w", err)
	}
	if err := w.out.Flush(); err != nil {
		return fmt.Errorf("handing runs to a worker process: %w", err)
	}
	for i := lo; i < hi; i++ {
		var r Run
		if err := w.in.Decode(&r); err != nil {
			// What the process says as it ends tells more than the broken pipe.
			if cerr := w.close(); cerr != nil {
				err = cerr
			}
			return fmt.Errorf("reading run %d from a worker process: %w", i, err)
		}
		if r.Index != i {
			return fmt.Errorf("a worker process answered run %d for run %d", r.Index, i)
		}
		deliver(i, r)
	}
	return nil
}

func (w *workerProc) close() error {
	if w.closed {
		return nil
	}
	w.closed = true
	return w.p.Close()
}

// Serve is a worker process's work: it reads a campaign and chunks of
// run indexes from in and writes each run's Run to out, until in ends.
func Serve(in io.Reader, out io.Writer) error {
	lines := bufio.NewScanner(in)
	if !lines.Scan() {
		err := lines.Err()
		if err == nil {
			err = io.ErrUnexpectedEOF
		}
		return fmt.Errorf("a chaos worker expects a campaign on its input: %w", err)
	}
	var j job
	if err := json.Unmarshal(lines.Bytes(), &j); err != nil {
		return fmt.Errorf("a chaos worker could not read its campaign: %w", err)
	}
	spec := j.spec()
	// A worker process injects its campaign's fault for its whole life. A
	// worker served inside the campaign's own process (the tests') finds
	// it injected already, and leaves the variable its runs read alone.
	if !fault.Is(spec.Fault) {
		fault.Set(spec.Fault)
	}
	w := bufio.NewWriter(out)
	enc := json.NewEncoder(w)
	for lines.Scan() {
		lo, hi, err := parseChunk(lines.Text(), spec.Runs)
		if err != nil {
			return err
		}
		for i := lo; i < hi; i++ {
			if err := enc.Encode(chaosRun(spec, i, RunSeed(spec.Seed, i), false)); err != nil {
				return fmt.Errorf("a chaos worker writing run %d: %w", i, err)
			}
		}
		if err := w.Flush(); err != nil {
			return fmt.Errorf("a chaos worker writing its runs: %w", err)
		}
	}
	return lines.Err()
}

func parseChunk(line string, runs int) (int, int, error) {
	a, b, ok := strings.Cut(line, " ")
	lo, err1 := strconv.Atoi(a)
	hi, err2 := strconv.Atoi(b)
	if !ok || err1 != nil || err2 != nil || lo < 0 || hi < lo || hi > runs {
		return 0, 0, fmt.Errorf("a chaos worker expects lines like \"0 16\" (runs 0 to 15 of %d), not %q", runs, line)
	}
	return lo, hi, nil
}
