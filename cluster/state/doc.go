// Package state is the swarm's desired state as every manager holds it:
// the Store, the typed actions a Raft entry carries, their wire codec, and
// the Batch in which the leader's components gather the actions of one
// flush. It is the leaf of the leader's packages: each component reads a
// Store and writes a Batch, and none imports another to do so.
//
// # Using it
//
//	s := state.NewStore()
//	s.Watch(w)                                   // w hears what each applied action touched
//	cmd := &state.Command{ID: 1, Actions: []state.Action{
//		&state.AddNode{Record: rec},
//		&state.CreateService{Spec: spec},
//	}}
//	data := cmd.Encode()                         // what Raft replicates
//	cmd, err := state.DecodeCommand(data)        // on every manager
//	s.Apply(index, cmd, &state.ApplyContext{})   // the only way a Store changes
//
// Each action checks its preconditions when applied, against the store as
// it is then, because a proposal may commit after the state its proposer
// saw has moved on (a new leader, an older entry that committed late). A
// stale action is skipped, identically on every manager. The first manager
// to apply an entry sets ApplyContext.Report and hears the Effect of each
// action for the timeline.
//
// A Watcher hears, for every action applied, the node, service or task it
// touched, in the order the entry holds them: that order is the same on
// every run, so components driven by it are deterministic without sorting.
//
// A Batch is one flush of the leader: the components add to it (Stop,
// Create, Report, Add), it remembers what they decided so two components do
// not act twice on one task or slot, and the leader proposes its Actions
// as one entry. Hashes caches each spec's TaskHash, the fingerprint of
// what a task runs.
//
// Records are shared, never written. A task or node record, once in a
// store, does not change: an action that changes one puts a new record in
// its place, and Clone copies the maps, not the records. Managers apply one
// decoded command (their Raft entries are the same bytes), and the first
// store to apply an action keeps on it the record it made: a store that
// applies the action to the same record takes that one. Nine managers then
// hold one copy of each task, and each store stays its own: a store whose
// record differs (restored from a snapshot or a backup) makes its own.
// Never write to a record you read from a store; build a new one.
//
// Tasks are held by number. A store names each task it makes "t"+N, N
// one more than the last (Store.NextTask), so Store.Tasks is a TaskTable
// indexed by N, and the sets that name tasks (TaskSet, IDSet, the batch's
// stopped and reported tasks) are a bit per number: on the hot paths a task
// ID is parsed (TaskNumber), not hashed. Any other ID still works, kept in
// a map beside them.
//
// Store snapshots (Encode, DecodeStore) use the same codec, maps written
// in key order, so equal stores encode to equal bytes.
package state
