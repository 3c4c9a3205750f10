// Package playground is the engine of the classroom playground: a drill
// runner (package drillrun) driven one page action at a time, and the drill
// that the actions add up to. The page runs this package compiled to
// WebAssembly (internal/playground/wasm); package page builds that and the
// HTML around it.
//
//	s, err := playground.New(src, dir) // runs the drill the page starts from
//	s.Do("kill leader")                 // every action is a drill line
//	s.Advance(time.Second)              // play and step run simulated time
//	st := s.State(0)                    // the picture, lanes, events, verdict
//	os.WriteFile("class.drill", []byte(s.Drill()), 0o644)
//
// Everything the page does goes through the same Runner that swarmsim run
// uses, so the drill it writes replays to the same events and verdict:
//
//   - Time runs only through wait steps. Consecutive plays and steps become
//     one wait line, which replays the same because the simulation is a
//     single event queue: running it for 30 seconds at once or one second
//     at a time handles the same events in the same order.
//   - A command the swarm refuses (no leader, say) is written as
//     `expect error "…": command`, which runs the command just the same and
//     holds when it fails the same way, so the replay passes.
//   - The drill ends with expectations read off the swarm as the page shows
//     it (quorum, leader's zone, each service's running tasks per zone), so
//     swarmsim run checks that it reached the same state.
//
// The lanes, each manager's Raft role over time, are read after every
// simulated event (Runner.Watch), since a candidacy lasts milliseconds.
package playground
