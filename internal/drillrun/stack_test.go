package drillrun

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/swarmsim/swarmsim/cluster"
)

func TestObjectsAndStackViews(t *testing.T) {
	dir := t.TempDir()
	for name, src := range map[string]string{
		"key.txt":   "secret",
		"stack.yml": "services:\n  web:\n    image: nginx\n    ports: [\"8080:80\"]\n    secrets: [key]\nsecrets:\n  key: {external: true}\n",
	} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	r := &Runner{File: "t.drill", Dir: dir}
	type outcome struct {
		kind   Kind
		output string
		view   ViewKind
	}
	var got []outcome
	for _, s := range steps(t, `cluster managers=3 az=1-1-1 workers=1 seed=1
docker secret create key key.txt
docker config create conf -
docker config create other missing.txt
docker stack services shop
docker stack deploy -c stack.yml shop
docker stack ls
docker stack services shop
docker stack ps shop
docker secret ls
docker config rm conf
docker stack ps blog
docker stack rm blog
`) {
		res, err := r.Step(s)
		if err != nil {
			t.Fatal(err)
		}
		o := outcome{kind: res.Kind, output: strings.Join(res.Output, "|")}
		if res.View != nil {
			o.view = res.View.Kind
		}
		if res.Kind == Failed {
			o.output = res.Detail
		}
		got = append(got, o)
	}
	want := []outcome{
		{Ran, "", 0},
		// docker secret create prints the new secret's ID.
		{Ran, cluster.DockerID(r.c.Seed(), "secret", "key"), 0},
		{Ran, cluster.DockerID(r.c.Seed(), "config", "conf"), 0},
		{Failed, "the command failed: open " + filepath.Join(dir, "missing.txt") + ": no such file or directory", 0},
		{Ran, "Nothing found in stack: shop", 0},
		{Ran, "Creating service shop_web", 0},
		{Ran, "", StackTable},
		{Ran, "", StackServicesTable},
		{Ran, "", StackTasksTable},
		{Ran, "", SecretTable},
		{Ran, "conf", 0},
		{Failed, "the command failed: nothing found in stack: blog", 0},
		{Ran, "Nothing found in stack: blog", 0},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("outcomes:\n got %v\nwant %v", got, want)
	}
}
