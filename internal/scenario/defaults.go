package scenario

import (
	"time"

	"github.com/swarmsim/swarmsim/az"
	"github.com/swarmsim/swarmsim/drill"
)

// The defaults every command shares.
const (
	DefaultManagers = 3                // Raft voters
	DefaultZones    = 3                // zones the managers spread over when no layout is given
	DefaultWorkers  = 0                // worker nodes
	DefaultSeed     = 1                // seed of every random choice
	DefaultFor      = 60 * time.Second // simulated time after the failure, or of each chaos run
)

// Limits on what a run may ask for. They are far above any real swarm and
// exist so that a typo is refused with a sentence instead of exhausting
// memory or never ending.
const (
	MaxManagers = az.MaxManagers // Raft voters
	MaxWorkers  = 10_000         // worker nodes
	MaxCount    = drill.MaxCount // replicas, chaos runs, Monte Carlo samples: the drill language's bound
	MinFor      = time.Second    // the shortest simulated run
	MaxFor      = 24 * time.Hour // the longest simulated run
)
