package playground

import (
	"fmt"
	"time"
)

// Script starts a playground from src and applies actions as the page
// would, each a drill line ("+1s" steps one simulated second, as the step
// button does), and returns what the page would then draw. It is how the
// WebAssembly build is checked outside a browser: the same script gives
// the same State natively and under Node.
func Script(src Source, dir string, actions []string) (State, error) {
	s, err := New(src, dir)
	if err != nil {
		return State{}, err
	}
	for i, a := range actions {
		if a == "+1s" {
			err = s.Advance(time.Second)
		} else {
			_, err = s.Do(a)
		}
		if err != nil {
			return State{}, fmt.Errorf("action %d (%s): %w", i+1, a, err)
		}
	}
	return s.State(0), nil
}
