// Package live is swarmsim live: the playground's engine (package
// playground) with a full-screen terminal in front of it instead of a
// browser page, for a talk or a class given from a terminal.
//
//	s, err := playground.NewCarried(src)         // the same session the page drives
//	_, err = live.Run(s, styles, os.Stdin, os.Stdout) // until q
//	os.WriteFile("talk.drill", []byte(s.Drill()), 0o644)
//
// The view is a Bubble Tea model. Everything it shows is read from the
// session once per change: the picture is the headline's (report.FitPicture
// of Session.Snapshot, fitted to the terminal), the Raft lanes, the
// timeline and the verdict are State's, the same the page draws. Every key
// that changes the swarm is a drill line run by Session.Do, so the drill
// the session writes replays with swarmsim run to the same state.
//
// Time: the wall clock appears only in the Tick messages Bubble Tea sends
// every TickEvery. A tick while playing runs speed × TickEvery of
// simulated time, a fixed amount whatever the tick's lateness, and the
// session joins consecutive runs into one wait line. What a session does
// depends on its keys and its count of ticks, and the drill records both.
//
// Model.Update is the whole behaviour and is tested without a terminal:
// keys in, state out, and Frame rendered at a fixed size against golden
// files (go test -update rewrites them).
//
// Bubble Tea does not build for WebAssembly, where the playground runs, so
// the view's files are built only outside js; the playground never imports
// this package.
package live
