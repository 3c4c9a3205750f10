package drill_test

import (
	"fmt"

	"github.com/swarmsim/swarmsim/drill"
)

func ExampleScript_Opening() {
	s, _ := drill.Parse("zone-loss.drill", []byte(`# Five managers as 2-2-1:
# any one zone may die.
cluster managers=5 az=2-2-1
# not part of the opening
kill az a
`))
	fmt.Println(s.Opening())
	// Output: Five managers as 2-2-1: any one zone may die.
}
