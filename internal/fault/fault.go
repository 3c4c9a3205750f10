// Package fault is the catalogue of bugs swarmsim can inject into its own
// simulation, to show that its invariant checker and its chaos campaign
// catch them: `swarmsim chaos --list-faults` lists them, `swarmsim chaos
// --fault NAME` runs a campaign with one injected.
//
// A fault is a test hook, not a code edit: each fault site in the
// simulation asks Is(F), a comparison with one package variable that is
// None unless a campaign set it, so a simulation without a fault pays one
// well-predicted branch per site. The checkers never ask which fault is
// on; they catch each from what the simulation does, as they would a real
// bug.
//
// Set is called once, before any simulation of the process starts (a
// chaos campaign, or a chaos worker process when it reads its campaign):
// goroutines started afterwards see it, and nothing changes it while they
// run.
package fault

import (
	"fmt"
	"strings"
)

// Fault is one bug of the catalogue.
type Fault int

// The catalogue. Each comment says what goes wrong and where.
const (
	None Fault = iota
	// ApplyTwice: every manager applies each committed command twice
	// (cluster, manager.Apply).
	ApplyTwice
	// DeadVoterAlive: the quorum verdict counts a dead voter as alive
	// (cluster, the quorum view).
	DeadVoterAlive
	// LockedVoterCounts: the quorum verdict counts a locked manager as
	// alive (cluster, the quorum view).
	LockedVoterCounts
	// MaxReplicasOffByOne: the scheduler lets one task more than
	// max-replicas onto a node (scheduler, its max-replicas filter).
	MaxReplicasOffByOne
	// MaxReplicasDropped: the leader hands the scheduler services without
	// their max-replicas (cluster/placement).
	MaxReplicasDropped
	// ConstraintIgnored: the scheduler ignores placement constraints
	// (scheduler, its constraint filter).
	ConstraintIgnored
	// PortConflictIgnored: the scheduler places a task on a node whose
	// host-mode port another task holds (scheduler, its host-port filter).
	PortConflictIgnored
	// RestoreDropsService: a restore silently leaves one service out of the
	// restored state (cluster, restore).
	RestoreDropsService
	// LostReportIncomplete: a restore reports no service created since the
	// backup as lost (cluster, restore).
	LostReportIncomplete
	// AutolockSkipped: a manager restarting under autolock comes back
	// unlocked (cluster, a node's restart).
	AutolockSkipped
	// AckBeforeCommit: a leader acknowledges a client's write once it is
	// in its own log, before it commits (cluster, the client path).
	AckBeforeCommit
	// StaleReads: a leader answers reads from its store at once, even
	// after it was deposed (cluster, the client path).
	StaleReads
	// OrphanLeftRunning: a node keeps running a task the leader told it
	// to stop (cluster, a node's assignments).
	OrphanLeftRunning
	// SecretRemovedInUse: docker secret rm and config rm skip the check
	// that no service uses the object (cluster, secrets; cluster/state,
	// applying the removal).
	SecretRemovedInUse
	numFaults
)

var names = [numFaults]string{
	"", "apply-twice", "dead-voter-alive", "locked-voter-counts", "max-replicas-off-by-one", "max-replicas-dropped",
	"constraint-ignored", "port-conflict-ignored", "restore-drops-service", "lost-report-incomplete", "autolock-skipped",
	"ack-before-commit", "stale-reads", "orphan-left-running", "secret-removed-in-use",
}

func (f Fault) String() string {
	if f < 0 || f >= numFaults {
		return fmt.Sprintf("fault(%d)", int(f))
	}
	return names[f]
}

// on is the fault injected into this process's simulations.
var on Fault

// Set injects f into every simulation this process runs from now on; None
// takes it out.
func Set(f Fault) { on = f }

// Is reports whether f is injected: what a fault site asks.
func Is(f Fault) bool { return on == f }

// Catalogue lists every fault, in catalogue order.
func Catalogue() []Fault {
	out := make([]Fault, 0, numFaults-1)
	for f := None + 1; f < numFaults; f++ {
		out = append(out, f)
	}
	return out
}

// Parse reads a fault's name.
func Parse(name string) (Fault, error) {
	for _, f := range Catalogue() {
		if names[f] == name {
			return f, nil
		}
	}
	return None, fmt.Errorf("there is no fault named %q; swarmsim chaos --list-faults lists them: %s", name, strings.Join(names[1:], ", "))
}
