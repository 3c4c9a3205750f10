package az

// Quorum is floor(n/2)+1 for n>0, 0 for n<=0.
//
// n is the size of the Raft configuration, not the number of live managers:
// a dead manager still has a vote that nobody can cast.
func Quorum(n int) int {
	if n <= 0 {
		return 0
	}
	return n/2 + 1
}

// Tolerance is floor((n-1)/2) for n>0, 0 otherwise: 1→0,2→0,3→1,4→1,5→2,6→2,7→3,8→3,9→4.
func Tolerance(n int) int {
	if n <= 0 {
		return 0
	}
	return (n - 1) / 2
}

// Holds reports whether alive managers out of members (the Raft configuration size) keep quorum.
//
// A configuration with no members has no quorum to keep, so it never holds.
func Holds(members, alive int) bool {
	return members > 0 && alive >= Quorum(members)
}
