package runbook

import (
	"bytes"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/swarmsim/swarmsim/drill"
	"github.com/swarmsim/swarmsim/internal/drillrun"
)

// commandLines holds one drill line for every drill.Command type, in an
// order a swarm can run them in. TestEveryCommandIsHandled reads the
// types from package drill's source, so a new verb without a line here
// fails, and then each of the runner, the formatter and the runbook
// writer must know it.
var commandLines = []string{
	"cluster managers=5 az=2-2-1 workers=2 seed=3",
	"docker service create --name web --replicas 2 nginx",
	"docker secret create db_pass -",
	"docker secret ls",
	"docker secret rm db_pass",
	"docker config create conf -",
	"docker config ls",
	"docker config rm conf",
	"docker stack deploy --compose-file ../../examples/stacks/shop.yml shop",
	"docker stack ls",
	"docker stack services shop",
	"docker stack ps shop",
	"docker stack rm shop",
	"wait 10s",
	"wait until leader within 30s",
	"docker node ls",
	"docker service ls",
	"docker service ps web",
	"docker service inspect web",
	"docker node inspect m1",
	"docker service logs web",
	"docker info",
	"docker swarm join-token worker",
	"docker service scale web=3",
	"docker service update --image nginx:1.27 web",
	"docker service rollback web",
	"docker node update --availability drain w2",
	"docker node promote w1",
	"docker node demote w1",
	"docker swarm join --token worker",
	"docker node rm --force w2",
	"docker swarm update --autolock=true",
	"docker swarm unlock-key",
	"backup m3 as nightly",
	"expect quorum holds",
	"expect leader",
	"expect service web running 3",
	"expect task pending web",
	"expect node m2 ready",
	"expect port 8080 closed on m1",
	"expect error \"no such service\": docker service scale nope=1",
	"partition a | b c",
	"heal",
	"kill m5",
	"restart m5",
	"docker swarm unlock m5",
	"kill az c",
	"restart az c",
	"kill 1 manager",
	"kill leader",
	"docker service rm web",
	"restore nightly on m3",
	"docker swarm init --force-new-cluster --advertise-addr m3",
}

// commandTypes are the types package drill declares with a command()
// method: every drill.Command.
func commandTypes(t *testing.T) []string {
	t.Helper()
	fset := token.NewFileSet()
	files, err := filepath.Glob("../../drill/*.go")
	if err != nil {
		t.Fatal(err)
	}
	var types []string
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		file, err := parser.ParseFile(fset, f, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range file.Decls {
			fn, ok := d.(*ast.FuncDecl)
			if !ok || fn.Recv == nil || fn.Name.Name != "command" {
				continue
			}
			if id, ok := fn.Recv.List[0].Type.(*ast.Ident); ok {
				types = append(types, id.Name)
			}
		}
	}
	slices.Sort(types)
	if len(types) < 40 {
		t.Fatalf("found %d command types in package drill; the parse of its source went wrong", len(types))
	}
	return types
}

func TestEveryCommandIsHandled(t *testing.T) {
	src := strings.Join(commandLines, "\n") + "\n"
	script, err := drill.Parse("every.drill", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	byType := map[string]drill.Step{}
	for _, st := range script.Steps {
		name := reflect.TypeOf(st.Cmd).Name()
		if _, ok := byType[name]; !ok {
			byType[name] = st
		}
	}
	for _, name := range commandTypes(t) {
		if _, ok := byType[name]; !ok {
			t.Errorf("drill.%s has no line in commandLines: add one, then make the runner, the formatter and the runbook writer handle it", name)
		}
	}

	// The formatter writes every line back to itself.
	if got := string(drill.Format(script)); got != src {
		t.Errorf("drill.Format changed the script:\n%s", got)
	}

	// The runbook writer knows every command.
	if err := Write(new(bytes.Buffer), script, "."); err != nil {
		t.Errorf("runbook: %v", err)
	}

	// The runner runs every command: none falls through to "cannot check".
	r := &drillrun.Runner{File: "every.drill", Dir: "."}
	for _, st := range script.Steps {
		res, err := r.Step(st)
		if err != nil {
			t.Fatalf("line %d %q: %v", st.Pos.Line, st.Source, err)
		}
		if res.Kind == drillrun.Failed && strings.Contains(res.Detail, "cannot check") {
			t.Errorf("line %d: the runner does not know %q: %s", st.Pos.Line, st.Source, res.Detail)
		}
	}
	if _, err := os.Stat("nightly"); err == nil {
		t.Error("the runner wrote a file named for the backup")
	}
}

// Restored onto another host, a backup makes that host the backed-up
// manager: the runbook copies the archive there, later steps reach the
// manager on its new host, and a zone's kill stops it where it now is.
func TestRunbookRestoreOnAnotherHost(t *testing.T) {
	path := filepath.Join(t.TempDir(), "r.drill")
	src := "cluster managers=3 az=1-1-1 workers=3 seed=5\nbackup m3 as nightly\nkill m1 m2 m3\nrestore nightly on w1\n" +
		"docker swarm init --force-new-cluster --advertise-addr m3\nkill az a\n"
	if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	got := write(t, path)
	for _, want := range []string{
		`printf 'scp -3 %s:%s %s:%s\n' "${host[m3]:-m3}" /var/tmp/swarm-nightly.tgz "${host[w1]:-w1}" /var/tmp/swarm-nightly.tgz; restore_swarm w1 /var/tmp/swarm-nightly.tgz`,
		"w1 becomes m3, so force a new cluster on m3 next",
		"host[m3]=${host[w1]:-w1}\naddr[m3]=${addr[w1]:-}\n",
		"stop_docker m1 m3)\nmanual 6 'kill az a: every node of zone a'",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("runbook lacks %q:\n%s", want, got[strings.Index(got, "step 1 "):])
		}
	}
}
