package cli

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// runDrill writes src as a drill and runs it with swarmsim run.
func runDrill(t *testing.T, src string) (stdout, stderr string, code int) {
	t.Helper()
	file := filepath.Join(t.TempDir(), "session.drill")
	if err := os.WriteFile(file, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	return runArgs(t, "run", "--no-color", file)
}

// The read commands a shell session uses are drill commands too, their
// tables in the transcript, so a recorded session replays with swarmsim run.
func TestRecordedShellSessionReplays(t *testing.T) {
	session := strings.Join([]string{
		"cluster managers=3 workers=1 seed=4",
		"docker service create --name web --replicas 2 nginx",
		"wait 10s",
		"docker node ls",
		"docker node ls -q",
		"docker service ls",
		"docker service ls -q",
		"docker service ps web",
		"expect service web running 2",
	}, "\n") + "\n"
	shellOut, _, code := runInput(t, session, "shell", "--no-color")
	if code != exitOK {
		t.Fatalf("the shell session: exit %d\n%s", code, shellOut)
	}
	out, stderr, code := runDrill(t, session)
	if code != exitOK {
		t.Fatalf("swarmsim run of the recorded session: exit %d, stderr %s\n%s", code, stderr, out)
	}
	for _, want := range []string{"HOSTNAME   STATUS", "MODE         REPLICAS", "DESIRED STATE"} {
		if !strings.Contains(out, want) {
			t.Errorf("the transcript lacks %q:\n%s", want, out)
		}
	}
	// -q lists the IDs alone, as Docker's: a node's 25 characters.
	if !regexp.MustCompile(`docker node ls -q\n(\s+[0-9a-z]{25}\n){4}`).MatchString(out) {
		t.Errorf("docker node ls -q does not list the 4 nodes' IDs:\n%s", out)
	}
}

// The verbs a teacher types to look at a swarm answer as Docker does.
func TestDockerReadVerbs(t *testing.T) {
	out, stderr, code := runDrill(t, strings.Join([]string{
		"cluster managers=3 workers=1 seed=4 autolock=true",
		"docker service create --name web --replicas 2 --publish 8080:80 --constraint node.role==manager nginx:1.27",
		"wait 10s",
		"docker service inspect web",
		"docker service inspect --pretty web",
		"docker node inspect --pretty m1",
		"docker service logs web",
		"docker info",
		"docker swarm join-token manager",
		"docker swarm join-token -q worker",
		"expect error \"no such service: api\": docker service logs api",
		"expect error \"no such node: w9\": docker node inspect w9",
	}, "\n")+"\n")
	if code != exitOK {
		t.Fatalf("exit %d, stderr %s\n%s", code, stderr, out)
	}
	for _, want := range []string{
		`"Constraints": [` + "\n", `"PublishedPort": 8080`, `"Replicas": 2`,
		"Service Mode:\tReplicated", " Update order:      stop-first", " Rollback order:    stop-first",
		"Manager Status:", " Leader:\t\tYes",
		"container started from nginx:1.27",
		" Swarm: active", "  NodeID: m1", "  Is Manager: true", "  Managers: 3", "  Nodes: 4",
		"   Snapshot Interval: 10000", "   Number of Old Snapshots to Retain: 0", "   Heartbeat Tick: 1", "   Election Tick: 10",
		"  Autolock Managers: true",
		"To add a manager to this swarm, run the following command:", "    docker swarm join --token SWMTKN-1-",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("the transcript lacks %q", want)
		}
	}
	if !regexp.MustCompile(`\n +SWMTKN-1-[0-9a-z]{50}-[0-9a-z]{25}\n`).MatchString(out) {
		t.Error("join-token -q does not print the token alone")
	}
	if t.Failed() {
		t.Log(out)
	}
}

// The service flags a teacher types: --detach is accepted and changes
// nothing, --env and the limits are recorded, ports are added and removed.
func TestServiceFlagsTeachersType(t *testing.T) {
	out, stderr, code := runDrill(t, strings.Join([]string{
		"cluster managers=3 seed=4",
		"docker service create -d --name web --replicas 2 -e LOG=debug --env MODE=a --limit-cpu 0.5 --limit-memory 256M -p 53:53/udp nginx",
		"wait 10s",
		"docker service update --detach --env-add MODE=b --env-rm LOG --publish-add 8080:80 --publish-rm 53/udp --limit-cpu 1 web",
		"docker service scale -d web=3",
		"wait 30s",
		"expect service web running 3",
		"expect port 8080 open on m2",
		"expect port 53 closed on m2",
		"docker service inspect --pretty web",
	}, "\n")+"\n")
	if code != exitOK {
		t.Fatalf("exit %d, stderr %s\n%s", code, stderr, out)
	}
	for _, want := range []string{" Env:\t\tMODE=b\n", "  CPU:\t\t1\n", "  Memory:\t256MiB", " PublishedPort = 8080"} {
		if !strings.Contains(out, want) {
			t.Errorf("the transcript lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "Env:\t\tLOG") || strings.Contains(out, "PublishedPort = 53\n") {
		t.Errorf("a removed variable or port is still there:\n%s", out)
	}
	help, _, _ := runArgs(t, "run", "--help")
	if !strings.Contains(help, "--detach") {
		t.Error("swarmsim run --help does not say what --detach does in a drill")
	}
}
