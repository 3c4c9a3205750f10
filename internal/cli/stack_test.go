package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/swarmsim/swarmsim/cluster"
)

func TestHeadlineStack(t *testing.T) {
	t.Chdir(root)
	stdout, stderr, code := runArgs(t, "--stack", "examples/stacks/shop.yml", "--managers", "5", "--az", "2-2-1", "--workers", "6", "--kill-az", "a", "--no-color")
	if code != exitOK {
		t.Errorf("exit %d, stderr %q", code, stderr)
	}
	// Docker says so on stderr and deploys all the same.
	if stderr != "Ignoring unsupported options: build\n" {
		t.Errorf("stderr %q", stderr)
	}
	for _, want := range []string{"shop_web   replicated 6/6 running  a=0 b=3 c=3", "shop_agent global"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("output lacks %q", want)
		}
	}
	golden(t, "stack.golden", stdout)
}

const malformedStack = "services:\n  web:\n    image: nginx\n    deploy:\n      replicas: three\n"

func TestMalformedStackIsOneLineAndExit1(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "bad.yml")
	if err := os.WriteFile(path, []byte(malformedStack), 0o644); err != nil {
		t.Fatal(err)
	}
	stdout, stderr, code := runArgs(t, "--stack", path)
	if code != exitBadInput || stdout != "" {
		t.Errorf("exit %d, stdout %q", code, stdout)
	}
	if want := "swarmsim: --stack " + path + ": services.web.deploy.replicas: must be an integer\n"; stderr != want {
		t.Errorf("stderr %q, want %q", stderr, want)
	}
}

func TestMalformedStackFailsADrillStep(t *testing.T) {
	path := writeDrill(t, "cluster managers=3 workers=1\ndocker stack deploy -c bad.yml shop\nexpect service shop_web running 0\n")
	if err := os.WriteFile(filepath.Join(filepath.Dir(path), "bad.yml"), []byte(malformedStack), 0o644); err != nil {
		t.Fatal(err)
	}
	out, _, code := runArgs(t, "run", "--no-color", path)
	if code != exitFailed {
		t.Errorf("exit %d, want %d", code, exitFailed)
	}
	want := "✗ " + path + ":2: the command failed: bad.yml: services.web.deploy.replicas: must be an integer"
	if !strings.Contains(out, want) {
		t.Errorf("output lacks %q:\n%s", want, out)
	}
	if !strings.Contains(out, "expected service shop_web, but there is no such service") {
		t.Errorf("the drill did not go on past the failed deploy:\n%s", out)
	}
}

func TestShellStacksAndPorts(t *testing.T) {
	t.Chdir(root)
	input := strings.Join([]string{
		"cluster managers=3 az=1-1-1 workers=3 seed=2",
		"docker stack deploy -c examples/stacks/shop.yml shop",
		"wait 20s",
		"docker stack ls",
		"docker stack services shop",
		"expect port 8080 open on m1",
		"expect port 9000 closed on m1",
		"docker secret ls",
		"kill 2 managers",
		"wait 30s",
		"expect error \"does not have a leader\": docker stack ls",
		"expect error \"does not have a leader\": docker secret create db -",
		"exit",
	}, "\n")
	stdout, stderr, code := runInput(t, input, "shell", "--no-color")
	if code != exitOK || stderr != "" {
		t.Fatalf("exit %d, stderr %q\n%s", code, stderr, stdout)
	}
	for _, want := range []string{
		"Creating service shop_web",
		"NAME   SERVICES",
		"shop   3",
		"*:8080->80/tcp",
		"✓ port 8080 is open on m1",
		"✓ port 9000 is closed on m1",
		"shop_db_password",
		"✓ failed as expected: Error response from daemon: rpc error: code = Unknown desc = The swarm does not have a leader.",
	} {
		if !strings.Contains(stdout, want) {
			t.Errorf("shell output lacks %q:\n%s", want, stdout)
		}
	}
}

// runEnv is run with an environment, as a shell gives one.
func runEnv(t testing.TB, env map[string]string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var out, errOut strings.Builder
	code = run(args, strings.NewReader(""), &out, &errOut, func(k string) string { return env[k] })
	return out.String(), errOut.String(), code
}

func writeFile(t *testing.T, dir, name, src string) string {
	t.Helper()
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// Issue 22 item 6: a stack file whose name has dots deploys under a name
// the user gives (--stack NAME=FILE, as docker stack deploy -c FILE NAME);
// without one, the error says how to give it.
func TestHeadlineStackName(t *testing.T) {
	path := writeFile(t, t.TempDir(), "shop.v2.yml", "services:\n  web:\n    image: nginx\n    deploy: {replicas: 2}\n")
	stdout, stderr, code := runArgs(t, "--stack", "shop="+path, "--no-color", "--views")
	if code != exitOK {
		t.Fatalf("exit %d, stderr %q", code, stderr)
	}
	if !strings.Contains(stdout, "shop_web") {
		t.Errorf("the stack is not named shop:\n%s", stdout)
	}
	_, stderr, code = runArgs(t, "--stack", path)
	want := `swarmsim: --stack ` + path + `: the stack would be named "shop.v2", after the file, which is not a stack name (its services are named shop.v2_SERVICE, and a service name takes letters, digits, "-" and "_"); name it, like --stack shop=` + path + "\n"
	if code != exitBadInput || stderr != want {
		t.Errorf("exit %d, stderr %q, want %q", code, stderr, want)
	}
	_, stderr, code = runArgs(t, "--stack", "sh.op="+path)
	if code != exitBadInput || !strings.Contains(stderr, `"sh.op" is not a stack name`) {
		t.Errorf("a bad given name: exit %d, stderr %q", code, stderr)
	}
}

// docker stack deploy interpolates ${VAR} and ${VAR:-default} from the
// environment: the same environment, the same swarm.
func TestHeadlineStackInterpolatesTheEnvironment(t *testing.T) {
	path := writeFile(t, t.TempDir(), "shop.yml", "services:\n  web:\n    image: nginx:${TAG}\n    deploy: {replicas: \"${REPLICAS:-3}\"}\n")
	stdout, stderr, code := runEnv(t, map[string]string{"TAG": "1.27"}, "--stack", path, "--no-color", "--views")
	if code != exitOK {
		t.Fatalf("exit %d, stderr %q", code, stderr)
	}
	if !strings.Contains(stdout, "nginx:1.27") || !strings.Contains(stdout, "shop_web   replicated 3/3") {
		t.Errorf("TAG=1.27 and no REPLICAS should give nginx:1.27 with 3 replicas:\n%s", stdout)
	}
	again, _, _ := runEnv(t, map[string]string{"TAG": "1.27"}, "--stack", path, "--no-color", "--views")
	if again != stdout {
		t.Error("the same environment gave different output")
	}
	stdout, _, code = runEnv(t, map[string]string{"TAG": "1.27", "REPLICAS": "5"}, "--stack", path, "--no-color")
	if code != exitOK || !strings.Contains(stdout, "shop_web   replicated 5/5") {
		t.Errorf("REPLICAS=5: exit %d\n%s", code, stdout)
	}
}

// Docker prints "Ignoring unsupported options: build" on stderr before it
// refuses a service without an image (docker/cli stack/loader.go).
func TestStackUnsupportedOptionsBeforeNoImage(t *testing.T) {
	path := writeFile(t, t.TempDir(), "shop.yml", "services:\n  web:\n    build: .\n")
	_, stderr, code := runArgs(t, "--stack", path)
	want := "Ignoring unsupported options: build\nswarmsim: --stack " + path + ": invalid image reference for service web: no image specified\n"
	if code != exitBadInput || stderr != want {
		t.Errorf("exit %d, stderr %q, want %q", code, stderr, want)
	}
	drill := writeDrill(t, "cluster managers=3\ndocker stack deploy -c "+path+" shop\n")
	out, _, _ := runArgs(t, "run", "--no-color", drill)
	i, j := strings.Index(out, "Ignoring unsupported options: build"), strings.Index(out, "no image specified")
	if i < 0 || j < 0 || i > j {
		t.Errorf("the drill should show the warning before the error:\n%s", out)
	}
}

// A drill's docker stack deploy reads ${VAR} from the environment too.
func TestDrillStackInterpolatesTheEnvironment(t *testing.T) {
	drill := writeDrill(t, "cluster managers=3 seed=1\ndocker stack deploy -c shop.yml shop\nwait 10s\nexpect service shop_web running 4\n")
	writeFile(t, filepath.Dir(drill), "shop.yml", "services:\n  web:\n    image: nginx:${TAG}\n    deploy: {replicas: \"${REPLICAS:-3}\"}\n")
	out, _, code := runEnv(t, map[string]string{"TAG": "1.27", "REPLICAS": "4"}, "run", "--no-color", drill)
	if code != exitOK {
		t.Errorf("exit %d:\n%s", code, out)
	}
}

func FuzzStackFlag(f *testing.F) {
	for _, s := range []string{"shop.yml", "shop=shop.v2.yml", "shop.v2.yml", "sh.op=x.yml", "shop=", "=x.yml", "dir/a=b.yml", "a/b/c.yml"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, v string) {
		name, file, err := stackFlag(v)
		if err != nil {
			if strings.Contains(err.Error(), "\n") && !strings.Contains(v, "\n") {
				t.Errorf("a two-line error for %q: %v", v, err)
			}
			return
		}
		if file == "" || !cluster.ValidServiceName(name+"_x") {
			t.Errorf("stackFlag(%q) = %q, %q with no error", v, name, file)
		}
	})
}
