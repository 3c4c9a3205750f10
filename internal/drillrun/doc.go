// Package drillrun runs drill scripts (package drill) against a simulated
// swarm, one step at a time, and returns what each step did as a typed
// Result. It prints nothing: package report writes transcripts, and the
// command layer decides what a failure means for the exit status.
//
//	r := &drillrun.Runner{File: s.File, Dir: filepath.Dir(s.File)}
//	for _, st := range s.Steps {
//		res, err := r.Step(st)
//		if err != nil {
//			return err // the drill cannot go on: an invariant broke, or no cluster line came first
//		}
//		switch res.Kind {
//		case drillrun.Held:   // an expectation held; res.Detail says what was seen
//		case drillrun.Failed: // an expectation failed or a command was refused; res.Detail says why
//		}
//	}
//	r.Failures() // every failure, with its line
//
// A Docker command that prints something besides succeeding (docker swarm
// unlock-key, or an update that turns autolock on) gives it in Result.Shown,
// as data; the transcript writes it in Docker's words.
// A command that prints something in Docker (docker stack deploy's
// Creating service shop_web, docker stack ls's table) returns it in the
// Result as data, Output and View, for the transcript to draw.
//
// A failed expectation does not stop the drill, so that every failure is
// reported in one run. Commands act on the swarm the cluster line built:
// failures take effect at once, Docker commands go through Raft and fail as
// Docker fails without a leader. Expectations read a snapshot of the swarm as
// it is now.
//
// # Transcripts and pace
//
// A transcript shows a step before what it causes, so Began, when set, is
// called as each step begins, with the simulated time and the step's line.
// With Pace set, simulated time advances one second at a time, sleeping Pace
// of wall time after each, and the events of each second are handed to Paced
// as they happen, so a teacher can narrate a run. A step's Result then holds
// only the events Paced has not already been given. Both hooks are the
// caller's: the runner itself writes nothing.
package drillrun
