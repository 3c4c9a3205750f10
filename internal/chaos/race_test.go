//go:build race

package chaos

// raceDetector is true when the tests run under the race detector, about
// ten times slower: the fault catalogue's full campaigns run only without
// it (faults_norace_test.go).
const raceDetector = true
