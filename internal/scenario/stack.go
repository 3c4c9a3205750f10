package scenario

import (
	"errors"
	"fmt"
	"hash/fnv"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/docker/cli/cli/compose/types"

	"github.com/swarmsim/swarmsim/cluster"
	"github.com/swarmsim/swarmsim/internal/limits"
)

// Stack is a stack file (or several, merged) read as `docker stack
// deploy -c FILE… NAME` reads it, ready to deploy.
type Stack struct {
	Name     string
	Services []Service         // named NAME_SERVICE, labelled with the namespace, by name
	Secrets  []StackObject     // the stack's own secrets, to create; external ones must exist
	Configs  []StackObject     // the stack's own configs
	Warnings []string          // Docker's "Ignoring unsupported options: …" lines
	refs     map[string]string // a service's swarm name → its name in the file, for errors
}

// StackObject is a secret or config a stack file defines.
type StackObject struct {
	Name   string            // NAME_KEY, or the name the file gives
	Labels map[string]string // the file's labels and the namespace
	Digest uint64            // of the file's contents: a change is refused, as Docker refuses it
}

// Env looks a variable up in the environment a stack file is read in, as
// os.LookupEnv does: its value, and whether it is set.
type Env func(key string) (string, bool)

// StackName is the stack a headline --stack FILE deploys when not given a
// name: the file's name without its extension, as people name stacks
// after their files.
func StackName(file string) string {
	base := filepath.Base(file)
	return strings.TrimSuffix(base, filepath.Ext(base))
}

// LoadStack reads compose files for a stack: with Docker's loader (each
// file checked on its own, then merged in order, ${VAR} looked up in env),
// then each service read into a Service by FromCompose, and each secret
// and config the stack defines read from its file. files are as the user
// wrote them and dir is what relative ones are relative to ("" for the
// working directory). Errors are one line, Docker's words where Docker
// has them, starting with the file they are about (FILE:
// services.web.deploy.replicas: must be an integer). When Docker's loader
// read the files but a service is refused after (no image), the Stack
// returned beside the error holds only the Warnings, which Docker prints
// before that error.
func LoadStack(name string, files []string, dir string, env Env) (*Stack, error) {
	if len(files) == 0 {
		return nil, errors.New("specify a Compose file (with --compose-file)")
	}
	sources := map[string][]byte{}
	for _, f := range files {
		b, err := readStackFile(resolve(dir, f))
		if pe, ok := errors.AsType[*os.PathError](err); ok {
			err = pe.Err // the path is the one resolved; the user wrote f
		}
		if err != nil {
			return nil, fmt.Errorf("%s: cannot read it: %w", f, err)
		}
		sources[f] = b
	}
	cfg, warnings, err := loadCompose(files, sources, filepath.Dir(resolve(dir, files[0])), env)
	if err != nil {
		return nil, err
	}
	st, err := stackOf(name, cfg, warnings)
	if err != nil {
		return &Stack{Warnings: warnings}, fmt.Errorf("%s: %w", strings.Join(files, " + "), err)
	}
	return st, nil
}

// readStackFile reads a stack file, or a secret's or config's file, within
// its limit, so that a path like /dev/zero is an error instead of a process
// that never ends.
func readStackFile(path string) ([]byte, error) {
	return limits.ReadFile(path, limits.StackFile, "a stack file")
}

// FileDigest is what the swarm keeps of a secret's or config's file: a
// digest of its data, enough to tell that it changed. "-" is standard
// input, which a drill does not have: no data.
func FileDigest(path string) (uint64, error) {
	var data []byte
	if path != "-" {
		var err error
		if data, err = readStackFile(path); err != nil {
			return 0, err
		}
	}
	h := fnv.New64a()
	h.Write(data)
	return h.Sum64(), nil
}

// resolve finds a file named relative to dir.
func resolve(dir, path string) string {
	if dir == "" || filepath.IsAbs(path) {
		return path
	}
	return filepath.Join(dir, path)
}

func stackOf(name string, cfg *types.Config, warnings []string) (*Stack, error) {
	st := &Stack{Name: name, Warnings: warnings, refs: map[string]string{}}
	services := slices.Clone(cfg.Services)
	slices.SortFunc(services, func(a, b types.ServiceConfig) int { return strings.Compare(a.Name, b.Name) })
	for _, svc := range services {
		if err := checkImage(svc); err != nil {
			return nil, err
		}
		s, err := FromCompose(name, svc, cfg)
		if err != nil {
			return nil, fmt.Errorf("service %s: %w", svc.Name, err)
		}
		st.Services = append(st.Services, s)
		st.refs[s.Name] = svc.Name
	}
	var err error
	if st.Secrets, err = stackObjects(name, "secret", secretObjects(cfg.Secrets)); err != nil {
		return nil, err
	}
	if st.Configs, err = stackObjects(name, "config", configObjects(cfg.Configs)); err != nil {
		return nil, err
	}
	return st, nil
}

// checkImage is stack deploy's check that every service names an image.
func checkImage(svc types.ServiceConfig) error {
	if svc.Image == "" {
		return fmt.Errorf("invalid image reference for service %s: no image specified", svc.Name)
	}
	// Not the whole reference grammar: its characters, and no empty part at
	// either end (nginx: is what an unset ${TAG} leaves).
	bad := strings.IndexByte("._/:@-", svc.Image[0]) >= 0 || strings.IndexByte("._/:@-", svc.Image[len(svc.Image)-1]) >= 0
	for i := 0; i < len(svc.Image) && !bad; i++ {
		c := svc.Image[i]
		bad = !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("._/:@-", c) >= 0)
	}
	if bad {
		return fmt.Errorf("invalid image reference for service %s: invalid reference format", svc.Name)
	}
	return nil
}

func secretObjects(m map[string]types.SecretConfig) map[string]types.FileObjectConfig {
	out := make(map[string]types.FileObjectConfig, len(m))
	for k, v := range m {
		out[k] = types.FileObjectConfig(v)
	}
	return out
}

func configObjects(m map[string]types.ConfigObjConfig) map[string]types.FileObjectConfig {
	out := make(map[string]types.FileObjectConfig, len(m))
	for k, v := range m {
		out[k] = types.FileObjectConfig(v)
	}
	return out
}

// stackObjects reads the secrets or configs a stack defines, by key: the
// external ones are the swarm's already and are left out.
func stackObjects(stack, kind string, objs map[string]types.FileObjectConfig) ([]StackObject, error) {
	var out []StackObject
	for _, key := range slices.Sorted(maps.Keys(objs)) {
		obj := objs[key]
		if obj.External.External {
			continue
		}
		so := StackObject{Name: objectName(stack, key, obj), Labels: maps.Clone(map[string]string(obj.Labels))}
		if so.Labels == nil {
			so.Labels = map[string]string{}
		}
		so.Labels[cluster.LabelNamespace] = stack
		if obj.Driver == "" {
			digest, err := FileDigest(obj.File)
			if err != nil {
				return nil, fmt.Errorf("%s %s: %w", kind, key, err)
			}
			so.Digest = digest
		}
		out = append(out, so)
	}
	return out, nil
}
