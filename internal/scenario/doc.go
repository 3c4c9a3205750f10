// Package scenario turns what a user asked for into simulations and returns
// what they found, as data. It prints nothing and reads no flags: the
// command layer (package cli) builds a Spec from flags, an imported swarm or
// a drill's cluster line, and package report draws the results.
//
// # Building a swarm
//
// NewLayout is the one way a layout of managers and workers per zone is
// made, for every command and for drills: without zones given, the managers
// are spread evenly over three zones (one zone per manager when there are
// fewer than three), and workers are assigned to zones in blocks, w1, w2, …
// filling zone a first, each zone getting the same number, the first zones
// one more when they do not divide evenly:
//
//	l, err := scenario.NewLayout(5, nil, 7)          // 2-2-1 with workers 3-2-2
//	l, err = scenario.NewLayout(5, &given, 0)        // given must add up to 5
//
// Services come from three inputs, the --service and --global flags, a
// drill's `docker service create`, and `docker service inspect` output; each
// is read into a Service (Replicated, Global, FromDrill, FromInspect) and
// Service.Spec is the one place a cluster.ServiceSpec is made. ImportNodes
// and ImportServices read Docker's inspect output from files.
//
// # Running
//
// Run is the headline experiment: build, settle, inject the Failure, run
// for a while, and return an Outcome with snapshots before and after, the
// timeline and a Verdict. Chaos runs random schedules of failures and
// Docker commands under the invariant checker, with clients calling the
// swarm, and hands back one ChaosRun each, in run order, whatever ran it;
// a Shard runs a slice of the same campaign, and Replay runs one run again
// with its actions, timeline and client history. Plan assesses layouts
// with package az and checks the arithmetic on real Raft, returning a
// PlanReport; a simulation that fails is an error, never a verdict.
//
// Chaos and Plan spread independent simulations over cores with one worker
// pool; results are gathered by index, so they never depend on the number of
// cores or on scheduling. A chaos campaign's workers may be processes
// (ChaosSpec.Launch, each running ServeChaos), so that each has etcd Raft's
// process-wide entropy lock to itself. Every simulation is seeded: the same
// Spec gives the same result.
//
// # Defaults and limits
//
// Every command shares one set of defaults (DefaultManagers,
// DefaultZones, DefaultWorkers, DefaultSeed, DefaultFor) and one set of
// limits (MaxManagers, MaxWorkers, MaxCount), so that a typo gets a sentence
// instead of a run that never ends.
package scenario
