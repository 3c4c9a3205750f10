// Package report draws what swarmsim found: the headline report (a picture
// of the swarm before and after, the timeline, the services and a verdict),
// chaos summaries, plans, drill transcripts and Docker's own tables (docker
// node ls, docker service ls, docker service ps, docker stack ls, services
// and ps, docker secret ls, docker config ls), as text and as JSON.
//
// Renderers take results (package scenario's, package drillrun's) and a
// Styles, and write; they read no flags and run nothing. Whether text is in
// colour is decided once, by the caller, as the termenv.Profile given to
// NewStyles: termenv.Ascii gives plain text with every fact still in the
// words and marks.
//
// JSON goes through WriteJSON, which reports write errors. Field names are
// stable and documented in the README: fields may be added, never renamed.
//
// # Transcripts
//
// A Transcript writes a drill run as it happens: the drill's name, each step
// with the simulated time it began, the timeline entries it caused, and a
// line for each expectation (✓ with what was seen, ✗ with the file, line,
// what was expected and what was seen), what a command printed (Docker's
// lines and tables, indented under it), then a summary. The same transcript
// is the golden file of each example under testdata/.
package report
