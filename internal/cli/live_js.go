package cli

import (
	"errors"
	"io"
)

// runLive under WebAssembly: Bubble Tea needs a terminal's file
// descriptors, which a browser has none of, and the playground's page
// is the browser's front end.
func runLive(_ []string, _ io.Reader, _, stderr io.Writer, _ func(string) string) int {
	return fail(stderr, errors.New("live draws on a terminal, and WebAssembly has none; use swarmsim playground for a browser"))
}
