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
// Services come from four inputs, the --service and --global flags, a
// drill's `docker service create`, `docker service inspect` output and
// stack files; each is read into a Service (Replicated, Global, FromDrill,
// FromInspect, FromCompose) and Service.Spec is the one place a
// cluster.ServiceSpec is made. ImportNodes and ImportServices read
// Docker's inspect output from files.
//
// # Stacks
//
// LoadStack reads compose files with Docker's own loader
// (github.com/docker/cli/cli/compose/loader), as `docker stack deploy -c`
// does: a malformed file is refused with Docker's schema message, keys
// stack deploy ignores give Docker's "Ignoring unsupported options: …"
// line, several files merge in order. Each service becomes a Service by
// FromCompose, named STACK_SERVICE and labelled with the stack's
// namespace. DeployStack then does what Docker's CLI does, one request to
// the leader at a time: creates the stack's secrets and configs, checks
// every service's references, creates the new services and updates the
// changed ones, leaving unchanged services (and their tasks) alone;
// RemoveStack undoes it. Variables in a stack file are not taken from the
// environment, so that it reads the same everywhere. The WebAssembly build
// cannot load stack files: Docker's loader does not build for it.
//
// # Running
//
// Run is the headline experiment: build, settle, inject the Failure, run
// for a while, and return an Outcome with snapshots before and after, the
// timeline and a Verdict. With Spec.Record it also keeps a History for a
// drawn timeline (every manager's lane changes exactly, running tasks per
// service at a steady step), without changing the run; with Spec.Raft it
// reads every manager's Raft at the end (chaos campaigns live in package
// chaos). Plan
// assesses layouts with package az, times
// writes in each on real Raft with the leader in every zone it can be in
// (cluster.MeasureCommits over the network's round trips, PlanSpec.RTT),
// ranks them by az's recommendation rule with those latencies, names a
// better layout than a judged one, and checks the arithmetic on real Raft,
// returning a PlanReport; a simulation that fails is an error, never a
// verdict.
//
// Plan spreads independent simulations over cores with package pool;
// results are gathered by index, so they never depend on the number of
// cores or on scheduling. Every simulation is seeded: the same Spec gives
// the same result.
//
// # Defaults and limits
//
// Every command shares one set of defaults (DefaultManagers,
// DefaultZones, DefaultWorkers, DefaultSeed, DefaultFor) and one set of
// limits (MaxManagers, MaxWorkers, MaxCount), so that a typo gets a sentence
// instead of a run that never ends.
package scenario
