//go:build js && wasm

package scenario

import (
	"errors"

	"github.com/docker/cli/cli/compose/types"
)

// Docker's compose loader does not build for WebAssembly (a package it
// needs uses Unix sockets), so the WebAssembly build reads no stack
// files; everything else about stacks works the same.
func loadCompose(names []string, sources map[string][]byte, dir string, env Env) (*types.Config, []string, error) {
	return nil, nil, errors.New("this WebAssembly build of swarmsim cannot read stack files, since Docker's compose loader does not build for it; run the stack with the swarmsim program")
}
