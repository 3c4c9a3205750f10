//go:build !(js && wasm)

package scenario

import (
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"sync"

	"github.com/docker/cli/cli/compose/loader"
	"github.com/docker/cli/cli/compose/types"
	"github.com/sirupsen/logrus"

	"github.com/swarmsim/swarmsim/internal/limits"
)

// quietLoader silences the compose loader's logrus warnings (about a
// deprecated external.name, say), which would go to the process's stderr
// behind the caller's back; what matters reaches the user as Docker's own
// lines, through Stack.Warnings or an error.
var quietLoader sync.Once

// loadCompose reads compose files with Docker's own loader, as `docker
// stack deploy -c` reads them: each is parsed and checked against the
// compose schema on its own first, so that an error names its file, then
// all are merged in order. sources holds each file's bytes under its
// name; dir is where relative paths in the files (a secret's file:) are
// found. Variables are not taken from the environment, so that a stack
// reads the same on every machine: write ${VAR:-default}.
func loadCompose(names []string, sources map[string][]byte, dir string) (*types.Config, []string, error) {
	quietLoader.Do(func() { logrus.SetOutput(io.Discard) })
	var files []types.ConfigFile
	for _, name := range names {
		dict, err := loader.ParseYAML(sources[name])
		if err != nil {
			return nil, nil, fmt.Errorf("%s: %w", name, oneLine{err})
		}
		if expanded(dict, limits.StackExpanded) > limits.StackExpanded {
			return nil, nil, fmt.Errorf("%s: %w", name, limits.TooLarge("with its YAML aliases expanded the file is larger than %s, the most swarmsim reads of a stack file; write the repeated parts out, or alias less", limits.Bytes(limits.StackExpanded)))
		}
		if err := takeEnvFiles(dict, dir); err != nil {
			return nil, nil, fmt.Errorf("%s: %w", name, err)
		}
		file := types.ConfigFile{Filename: name, Config: dict}
		cfg, err := load([]types.ConfigFile{file}, dir)
		if err != nil {
			return nil, nil, fmt.Errorf("%s: %w", name, oneLine{err})
		}
		files = append(files, file)
		if len(names) == 1 {
			return cfg, warningsOf(files), nil // merged with nothing: loaded once
		}
	}
	cfg, err := load(files, dir)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", strings.Join(names, " + "), oneLine{err})
	}
	return cfg, warningsOf(files), nil
}

// warningsOf are Docker's warnings about the options of the files.
func warningsOf(files []types.ConfigFile) []string {
	var dicts []map[string]any
	for _, f := range files {
		dicts = append(dicts, f.Config)
	}
	var warnings []string
	if u := loader.GetUnsupportedProperties(dicts...); len(u) > 0 {
		warnings = append(warnings, "Ignoring unsupported options: "+strings.Join(u, ", "))
	}
	if d := loader.GetDeprecatedProperties(dicts...); len(d) > 0 {
		warnings = append(warnings, "Ignoring deprecated options: "+propertyWarnings(d))
	}
	return warnings
}

// expanded is the size of a parsed YAML document as Docker's loader walks
// it, every alias counted each time it is used: the bytes of its keys and
// strings and a few for every other value. yaml.v3 shares an aliased
// string instead of copying it, so a small file can stand for gigabytes
// that interpolation and validation then copy; counting stops past limit.
func expanded(v any, limit int64) int64 {
	const value = 8 // a number, a bool, a null, a map's or list's overhead
	switch v := v.(type) {
	case string:
		return int64(len(v))
	case map[string]any:
		n := int64(value)
		for k, x := range v {
			if n += int64(len(k)) + expanded(x, limit-n); n > limit {
				return n
			}
		}
		return n
	case []any:
		n := int64(value)
		for _, x := range v {
			if n += expanded(x, limit-n); n > limit {
				return n
			}
		}
		return n
	}
	return value
}

// load runs Docker's loader, and writes its one multi-line error on one
// line.
func load(files []types.ConfigFile, dir string) (cfg *types.Config, err error) {
	// The loader is someone else's code fed with anyone's file: a panic in
	// it is reported as the file's error, never a crash.
	defer func() {
		if r := recover(); r != nil {
			cfg, err = nil, fmt.Errorf("Docker's compose loader could not read it (%v)", r)
		}
	}()
	cfg, err = loader.Load(types.ConfigDetails{WorkingDir: dir, ConfigFiles: files, Environment: map[string]string{}})
	if fpe, ok := errors.AsType[*loader.ForbiddenPropertiesError](err); ok {
		return nil, fmt.Errorf("compose file contains unsupported options: %s", propertyWarnings(fpe.Properties))
	}
	return cfg, err
}

// propertyWarnings is Docker's list of properties and why each is not
// supported, on one line.
func propertyWarnings(props map[string]string) string {
	var msgs []string
	for _, name := range slices.Sorted(maps.Keys(props)) {
		msgs = append(msgs, name+": "+props[name])
	}
	return strings.Join(msgs, "; ")
}

// oneLine is an error from the loader written on one line: YAML's list of
// unmarshal errors takes several.
type oneLine struct{ err error }

func (e oneLine) Error() string {
	lines := strings.Split(e.err.Error(), "\n")
	for i := range lines {
		lines[i] = strings.TrimSpace(lines[i])
	}
	return strings.Join(slices.DeleteFunc(lines, func(l string) bool { return l == "" }), " ")
}

func (e oneLine) Unwrap() error { return e.err }
