// Package report draws what swarmsim found: the headline report (a picture
// of the swarm before and after, the timeline, the services and a verdict),
// chaos summaries, plans (a table of layouts, best first, with commit
// latencies and odds side by side), drill transcripts and Docker's own
// tables (docker node ls, docker service ls, docker service ps, docker
// stack ls, services and ps, docker secret ls, docker config ls), as text
// and as JSON.
//
// Renderers take results (package scenario's, package drillrun's) and a
// Styles, and write; they read no flags and run nothing. Whether text is in
// colour is decided once, by the caller, as the termenv.Profile given to
// NewStyles: termenv.Ascii gives plain text with every fact still in the
// words and marks.
//
// JSON goes through WriteJSON, which reports write errors. Field names are
// stable and documented in the README: fields may be added, never renamed.
// Simulated durations and ratios are written from integers (millis, ratio),
// so the bytes are the same on every architecture.
//
// # HTML
//
// HeadlineHTML, DrillHTML and PlanHTML write one self-contained page each
// (html*.go): styles, SVG pictures and a small script inline, nothing
// fetched. Every coordinate is an integer computed from simulated time, so
// the same run writes the same bytes. The page's colours are the terminal
// styles' colour indexes (style.go), shown in GNOME Terminal's palette on a
// dark background and in the same hues' darker shades when printed. The
// script only adds a hover read-out of the timeline and marks the document
// (data-script="ok", or data-script-error on an error) so that a browser
// test can tell it ran. RaftTable and the headline's --raft section show
// cluster.RaftView, etcd Raft's own numbers.
//
// # Transcripts
//
// A Transcript writes a drill run as it happens: the drill's name, each step
// with the simulated time it began, the timeline entries it caused, what
// its Docker command printed in Docker's words (DockerOutput: the unlock
// key of docker swarm unlock-key; Docker's lines and tables, indented under
// it), and a line for each expectation (✓ with what was seen, ✗ with the
// file, line, what was expected and what was seen), then a summary. The same transcript
// is the golden file of each example under testdata/.
package report
