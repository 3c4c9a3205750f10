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
// found. Variables (${TAG}, ${REPLICAS:-3}) are looked up in env, the
// environment docker stack deploy would see; nil is an empty one.
func loadCompose(names []string, sources map[string][]byte, dir string, env Env) (*types.Config, []string, error) {
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
		cfg, err := load([]types.ConfigFile{file}, dir, env)
		if err != nil {
			return nil, nil, fmt.Errorf("%s: %w", name, oneLine{firstFault(dict, dir, env, err)})
		}
		files = append(files, file)
		if len(names) == 1 {
			return cfg, warningsOf(files), nil // merged with nothing: loaded once
		}
	}
	cfg, err := load(files, dir, env)
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
func load(files []types.ConfigFile, dir string, env Env) (cfg *types.Config, err error) {
	// The loader is someone else's code fed with anyone's file: a panic in
	// it is reported as the file's error, never a crash.
	defer func() {
		if r := recover(); r != nil {
			cfg, err = nil, fmt.Errorf("Docker's compose loader could not read it (%v)", r)
		}
	}()
	lookup := func(key string) (string, bool) {
		if env == nil {
			return "", false
		}
		return env(key)
	}
	cfg, err = loader.Load(types.ConfigDetails{WorkingDir: dir, ConfigFiles: files, Environment: map[string]string{}},
		func(o *loader.Options) { o.Interpolate.LookupValue = lookup })
	if fpe, ok := errors.AsType[*loader.ForbiddenPropertiesError](err); ok {
		return nil, fmt.Errorf("compose file contains unsupported options: %s", propertyWarnings(fpe.Properties))
	}
	return cfg, err
}

// firstFault is the error of the first fault in a file that has one, in
// name order. Docker's loader walks the file's maps (the schema validator,
// interpolation, each service) in Go's random order and stops at the first
// fault it meets, so a file with several would name a different one from
// run to run. Loading the file cut down, a section, an entry, a property
// at a time in name order, finds the fault that comes first; err is the whole
// file's, kept when no cut finds one. Only a file that failed pays for the
// extra loads.
func firstFault(dict map[string]any, dir string, env Env, err error) error {
	fails := func() error {
		_, err := load([]types.ConfigFile{{Filename: "", Config: dict}}, dir, env)
		return err
	}
	// Services come last: they name networks, secrets and configs, which
	// name nothing, so every cut keeps what the services it holds name.
	var sections []string
	for _, k := range slices.Sorted(maps.Keys(dict)) {
		if _, ok := dict[k].(map[string]any); ok && k != "services" {
			sections = append(sections, k)
		}
	}
	if _, ok := dict["services"].(map[string]any); ok {
		sections = append(sections, "services")
	}
	saved := map[string]any{}
	for _, k := range sections {
		saved[k] = dict[k]
		dict[k] = map[string]any{}
	}
	defer maps.Copy(dict, saved)
	for _, k := range sections {
		dict[k] = saved[k]
		if fault := fails(); fault != nil {
			return firstIn(fails, dict, k, saved[k].(map[string]any), fault, 0)
		}
	}
	return err
}

// firstIn finds the first fault within m, the value at parent[key], which
// fails with fault: it puts m's entries back one at a time in name order,
// and goes into the one whose return makes the file fail. parent[key] is
// m again when it returns. It goes no deeper than a section's entries'
// properties' keys (services.web.deploy.replicas): deeper, a cut map can
// miss a key the schema requires beside the faulty one (ulimits' soft and
// hard).
func firstIn(fails func() error, parent map[string]any, key string, m map[string]any, fault error, depth int) error {
	defer func() { parent[key] = m }()
	cut := map[string]any{}
	parent[key] = cut
	for _, k := range slices.Sorted(maps.Keys(m)) {
		cut[k] = m[k]
		if err := fails(); err != nil {
			if inner, ok := m[k].(map[string]any); ok && len(inner) > 1 && depth < 2 {
				return firstIn(fails, cut, k, inner, err, depth+1)
			}
			return err
		}
	}
	return fault
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
