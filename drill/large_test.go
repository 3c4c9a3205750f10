package drill

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// TestLargeInput guards against work that grows with the square of a
// line's length: a generated drill may kill thousands of nodes at once.
func TestLargeInput(t *testing.T) {
	const n = 50_000
	var b strings.Builder
	b.WriteString("cluster managers=3\nkill")
	for i := range n {
		fmt.Fprintf(&b, " w%d", i)
	}
	b.WriteString("\ndocker service scale")
	for i := range n {
		fmt.Fprintf(&b, " s%d=%d", i, i%7)
	}
	b.WriteString("\n")
	start := time.Now()
	s, err := Parse("big.drill", []byte(b.String()))
	if err != nil {
		t.Fatal(err)
	}
	elapsed := time.Since(start)
	if k := s.Steps[1].Cmd.(Kill); len(k.Nodes) != n || k.Nodes[n-1] != fmt.Sprintf("w%d", n-1) {
		t.Fatalf("kill has %d nodes", len(k.Nodes))
	}
	if sc := s.Steps[2].Cmd.(ServiceScale); len(sc.Targets) != n || sc.Targets[n-1] != (ScaleTarget{Service: fmt.Sprintf("s%d", n-1), Replicas: (n - 1) % 7}) {
		t.Fatalf("scale has %d targets", len(sc.Targets))
	}
	// Quadratic duplicate checks took tens of seconds here; linear ones
	// take milliseconds, even under the race detector.
	if elapsed > 5*time.Second {
		t.Fatalf("parsing %d names took %v", 2*n, elapsed)
	}
	t.Logf("parsed %d names in %v", 2*n, elapsed)
}
