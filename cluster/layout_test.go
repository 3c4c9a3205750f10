package cluster

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// sources parses every non-test Go file of cluster/ and its packages.
func sources(t *testing.T) (*token.FileSet, map[string]*ast.File) {
	t.Helper()
	fset := token.NewFileSet()
	files := map[string]*ast.File{}
	err := filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return err
		}
		f, err := parser.ParseFile(fset, path, nil, 0)
		files[path] = f
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return fset, files
}

// A function longer than a screen hides what it does; the one exception
// etcd's raft allows itself, a single long switch, is not needed here.
func TestFunctionsFitOnAScreen(t *testing.T) {
	const limit = 80
	fset, files := sources(t)
	for path, f := range files {
		for _, d := range f.Decls {
			fd, ok := d.(*ast.FuncDecl)
			if !ok || fd.Body == nil {
				continue
			}
			if n := fset.Position(fd.End()).Line - fset.Position(fd.Pos()).Line + 1; n > limit {
				t.Errorf("%s: %s is %d lines long, more than %d", path, fd.Name.Name, n, limit)
			}
		}
	}
}

// The leader's components sit below the simulation: none of them may
// import package cluster, so Go's import rules keep the arrows pointing
// one way, as swarmkit's manager.go wires components that never reach back.
func TestComponentsDoNotImportTheSimulation(t *testing.T) {
	const self = "github.com/swarmsim/swarmsim/cluster"
	_, files := sources(t)
	packages := map[string]bool{}
	for path, f := range files {
		dir := filepath.Dir(path)
		if dir == "." {
			continue
		}
		packages[dir] = true
		for _, imp := range f.Imports {
			if p, _ := strconv.Unquote(imp.Path.Value); p == self {
				t.Errorf("%s imports package cluster", path)
			}
		}
	}
	if len(packages) < 6 {
		t.Errorf("cluster has %d component packages, want at least 6", len(packages))
	}
}

// Cluster is the simulated swarm as a whole; what only a part of it needs
// (a node, a manager, the network, the checker, the role manager) is a
// method of that part, so that Cluster's own methods stay few enough to
// read as its manual.
func TestClusterHasFewMethods(t *testing.T) {
	const limit = 40
	_, files := sources(t)
	var names []string
	for path, f := range files {
		if filepath.Dir(path) != "." {
			continue
		}
		for _, d := range f.Decls {
			fd, ok := d.(*ast.FuncDecl)
			if !ok || fd.Recv == nil {
				continue
			}
			if star, ok := fd.Recv.List[0].Type.(*ast.StarExpr); ok {
				if id, ok := star.X.(*ast.Ident); ok && id.Name == "Cluster" {
					names = append(names, fd.Name.Name)
				}
			}
		}
	}
	if len(names) > limit {
		t.Errorf("*Cluster has %d methods, more than %d: %v", len(names), limit, names)
	}
}
