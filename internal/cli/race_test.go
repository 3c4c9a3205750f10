//go:build race

package cli

// raceDetector is true when the tests run under the race detector, about
// ten times slower: long campaigns are cut short then.
const raceDetector = true
