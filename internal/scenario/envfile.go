//go:build !(js && wasm)

package scenario

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/docker/cli/cli/compose/template"

	"github.com/swarmsim/swarmsim/internal/limits"
)

// takeEnvFiles checks every service's env_file in a compose file's
// dictionary as Docker's loader would, then removes it, so that the loader
// never reads an env file. Docker quotes a line it cannot read in its
// error ("variable 'my db password' contains whitespaces"), and env files
// hold secrets; swarmsim says the path, the line number and what is wrong,
// never the line. The simulation needs no environment, so nothing is lost.
//
// Paths are what docker stack deploy reads on the client: relative to dir,
// or absolute, ../ included; variables are replaced as in the rest of the
// file, from an empty environment.
func takeEnvFiles(dict map[string]any, dir string) error {
	services, _ := dict["services"].(map[string]any)
	for _, name := range slices.Sorted(maps.Keys(services)) {
		svc, _ := services[name].(map[string]any)
		var paths []string
		switch v := svc["env_file"].(type) {
		case nil:
			continue
		case string:
			paths = []string{v}
		case []any:
			for _, p := range v {
				s, ok := p.(string)
				if !ok {
					return fmt.Errorf("service %s: env_file must be a path or a list of paths", name)
				}
				paths = append(paths, s)
			}
		default:
			return fmt.Errorf("service %s: env_file must be a path or a list of paths", name)
		}
		for _, p := range paths {
			if err := checkEnvFile(p, dir); err != nil {
				return fmt.Errorf("service %s: env_file %s: %w", name, p, err)
			}
		}
		delete(svc, "env_file")
	}
	return nil
}

// errEnvLine is the end of every complaint about a line of an env file.
const errEnvLine = "(the line is not shown: env files hold secrets)"

// checkEnvFile reads an env file within its limit and checks each line
// by Docker's rules (its kvfile package): UTF-8, a variable name before
// any "=", no blank in the name.
func checkEnvFile(path, dir string) error {
	path, err := template.Substitute(path, func(string) (string, bool) { return "", false })
	if err != nil {
		return err
	}
	if !filepath.IsAbs(path) {
		path = filepath.Join(dir, path)
	}
	data, err := limits.ReadFile(path, limits.StackFile, "an env file")
	if err != nil {
		if errors.Is(err, limits.ErrTooLarge) {
			return err
		}
		if pe, ok := errors.AsType[*os.PathError](err); ok {
			err = pe.Err // the path is the one resolved; the user wrote another
		}
		return fmt.Errorf("cannot read it: %w", err)
	}
	sc := bufio.NewScanner(bytes.NewReader(data))
	n := 0
	for sc.Scan() {
		n++
		line := sc.Bytes()
		if !utf8.Valid(line) {
			return fmt.Errorf("line %d is not UTF-8 text %s", n, errEnvLine)
		}
		if n == 1 {
			line = bytes.TrimPrefix(line, []byte("\xEF\xBB\xBF"))
		}
		text := strings.TrimLeftFunc(string(line), unicode.IsSpace)
		if text == "" || text[0] == '#' {
			continue
		}
		key, _, _ := strings.Cut(text, "=")
		switch {
		case key == "":
			return fmt.Errorf("line %d has no variable name before its = %s", n, errEnvLine)
		case strings.ContainsAny(key, " \t"):
			return fmt.Errorf("line %d: its variable name holds a blank; write NAME=value %s", n, errEnvLine)
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("line %d: %w", n+1, err)
	}
	return nil
}
