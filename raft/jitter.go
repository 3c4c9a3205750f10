package raft

import (
	crand "crypto/rand"
	"encoding/binary"
	"io"
	"math/rand/v2"
	"sync"
	"sync/atomic"
)

// etcd Raft draws every randomized election timeout as
// crypto/rand.Int(crypto/rand.Reader, n) (raft.go, lockedRand.Intn, in v3.6
// and v3.7 alike), and crypto/rand.Int reads from the reader it is given. So
// pointing crypto/rand.Reader at a seeded stream for the duration of a call
// into Raft makes the election jitter a function of the seed.
//
// crypto/rand.Reader is one process-wide variable, and simulations may run in
// parallel (tests, chaos runs). entropyMu is held for the whole of every call
// into a RawNode, and the variable is set to that member's own stream and put
// back before the lock is released. Each member consumes only its own stream,
// so what a member draws never depends on what other members or other
// simulations did in between.
//
// TestElectionJitterIsSeeded fails if etcd Raft ever stops drawing from
// crypto/rand.Reader: without the trick, elections stop being reproducible.
//
// A process that drives one simulation at a time from one goroutine (a
// chaos worker process) says so with SetExclusive, and its calls skip the
// lock: nothing can call into another member meanwhile. Every message a
// member takes passes through here, so the lock's two atomic operations
// were a few percent of a chaos run.
var (
	entropyMu sync.Mutex
	exclusive atomic.Bool
)

// SetExclusive declares whether this process drives at most one simulation
// at a time, all from one goroutine; it reports what was declared before.
// Only a process that runs nothing else may declare it (the chaos worker
// command), before its first simulation.
func SetExclusive(on bool) (was bool) { return exclusive.Swap(on) }

// withEntropy runs fn, a call into etcd Raft, with crypto/rand.Reader drawing
// from src.
func withEntropy(src io.Reader, fn func()) {
	if exclusive.Load() {
		saved := crand.Reader
		crand.Reader = src
		defer func() { crand.Reader = saved }()
		fn()
		return
	}
	entropyMu.Lock()
	defer entropyMu.Unlock()
	saved := crand.Reader
	crand.Reader = src
	defer func() { crand.Reader = saved }()
	fn()
}

// stream is a deterministic io.Reader: a PCG generator's output, little endian.
type stream struct {
	rng  *rand.PCG
	buf  [8]byte
	left int // unread bytes at the end of buf
}

func newStream(seed, id uint64) *stream {
	// The second word keeps members of one cluster on distinct streams while the
	// first keeps clusters with different seeds apart.
	return &stream{rng: rand.NewPCG(seed, 0x9e3779b97f4a7c15^id)}
}

func (s *stream) Read(p []byte) (int, error) {
	for i := range p {
		if s.left == 0 {
			binary.LittleEndian.PutUint64(s.buf[:], s.rng.Uint64())
			s.left = len(s.buf)
		}
		p[i] = s.buf[len(s.buf)-s.left]
		s.left--
	}
	return len(p), nil
}
