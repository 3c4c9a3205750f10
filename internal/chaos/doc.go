// Package chaos is swarmsim's chaos campaign: random schedules of failures
// and Docker commands, each run on a fresh simulated swarm under the
// invariant checker (cluster.Config.Check) while clients call it, and the
// summary of what they found.
//
// # Using it
//
//	spec := chaos.Spec{Runs: 1000, Seed: 7, Layout: layout, For: time.Minute, Clients: chaos.DefaultClients, Cores: 2}
//	sum := chaos.NewSummary(spec, " --az 2-2-1")   // the flags a replay command repeats
//	err := chaos.Campaign(spec, sum.Add)           // runs arrive in run order
//	run := chaos.Replay(spec, runSeed)              // one run again, with its timeline
//
// Run i's seed derives from Spec.Seed and i alone (RunSeed), so a Shard of
// the campaign, a replay or a merge of shards (Merge) sees the same runs as
// the whole campaign: the shards' summaries merge byte for byte into the
// summary of the campaign run in one go, wall time apart.
//
// A campaign spreads its runs over goroutines, or over worker processes
// (Spec.Launch, LaunchSelf; each worker runs Serve): etcd Raft draws its
// election jitter from one process-wide source that package raft guards
// with a lock, so simulations in one process queue on it, and each worker
// process has it to itself.
//
// A schedule draws each action from a Kind; Summary.Injected counts them
// by name. Package report draws a Summary as text or JSON; this package
// decides what it holds.
package chaos
