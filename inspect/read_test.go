package inspect_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/swarmsim/swarmsim/inspect"
)

// TestBrokenFixtures reads each file in testdata/broken, shaped like
// Docker's output with one thing wrong, and checks the whole error.
func TestBrokenFixtures(t *testing.T) {
	truncated := load(t, "broken/nodes-truncated.json")
	endLine := bytes.Count(truncated, []byte("\n")) + 1
	endCol := len(truncated) - bytes.LastIndexByte(truncated, '\n') - 1

	comma := load(t, "broken/nodes-trailing-comma.json")
	bad := bytes.Index(comma, []byte(`"active",`)) + len(`"active",`)
	bad += bytes.IndexByte(comma[bad:], '}') // the } after the stray comma, from 0
	badLine := bytes.Count(comma[:bad], []byte("\n")) + 1
	badCol := bad - bytes.LastIndexByte(comma[:bad], '\n')

	tests := []struct {
		file     string
		services bool
		want     string
	}{
		{"nodes-bad-role.json", false,
			`node 2 (id "uziyqk3ltkru4vvjz1qady73i"): Spec.Role is "boss"; it must be "manager" or "worker"`},
		{"nodes-no-hostname.json", false,
			`node 3 (id "5qwk0iebmirl5dj0nb1yythut"): Description.Hostname is missing; every node has one, so check that the file is what docker node inspect $(docker node ls -q) prints`},
		{"nodes-two-leaders.json", false,
			`node 4 (id "lts52nuiraarfs0ouiikwzm6m"): ManagerStatus.Leader is true, but node 1 is the leader already, and a swarm has one`},
		{"nodes-cpus-string.json", false,
			`node 1 (id "4kwbkkvk8181coql1mox1ld36"): Description.Resources.NanoCPUs is a string, but it must be a whole number`},
		{"nodes-truncated.json", false,
			fmt.Sprintf("malformed JSON: the input ends at line %d, column %d (byte %d) in the middle of a value; the file may be cut short: unexpected end of JSON input",
				endLine, endCol, len(truncated))},
		{"nodes-trailing-comma.json", false,
			fmt.Sprintf("malformed JSON at line %d, column %d (byte %d): invalid character '}' looking for beginning of object key string", badLine, badCol, bad+1)},
		{"nodes-utf16.json", false,
			`the input is UTF-16 text, as PowerShell's > writes it, but it must be UTF-8; save it with | Out-File -Encoding utf8, or run the command from another shell`},
		{"nodes-pretty.txt", false,
			`the input starts with "ID:\t\t\t4kwbkkvk8181coql1m…", which is not the JSON list docker node inspect $(docker node ls -q) prints; run it without --pretty or --format`},
		{"services-no-mode.json", true,
			`service 1 (name "web"): Spec.Mode has neither Replicated nor Global; docker service inspect always prints one`},
		{"services-job.json", true,
			`service 2 (name "node-exporter"): Spec.Mode is ReplicatedJob, a job that runs to completion, which swarmsim does not simulate; leave job services out of the input`},
		{"services-bad-constraint.json", true,
			`service 1 (name "web"): Spec.TaskTemplate.Placement.Constraints[1] is "node.labels.disk=ssd", which has no == or !=; write it like node.labels.zone==a`},
		{"services-negative-replicas.json", true,
			`service 3 (name "edge"): Spec.Mode.Replicated.Replicas is -1, but it must be a whole number of 0 or more`},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			var err error
			if tt.services {
				_, err = inspect.Services(bytes.NewReader(load(t, "broken/"+tt.file)))
			} else {
				_, err = inspect.Nodes(bytes.NewReader(load(t, "broken/"+tt.file)))
			}
			if err == nil {
				t.Fatal("no error")
			}
			if err.Error() != tt.want {
				t.Errorf("error:\n got %s\nwant %s", err, tt.want)
			}
			checkLine(t, err.Error())
		})
	}
}

func TestInputShapes(t *testing.T) {
	nodes := load(t, "nodes.json")
	var list []json.RawMessage
	if err := json.Unmarshal(nodes, &list); err != nil {
		t.Fatal(err)
	}

	t.Run("a byte order mark", func(t *testing.T) {
		got, err := inspect.Nodes(bytes.NewReader(append([]byte("\xEF\xBB\xBF"), nodes...)))
		if err != nil || !reflect.DeepEqual(got, wantNodes) {
			t.Errorf("Nodes after a byte order mark = %d nodes, %v", len(got), err)
		}
	})
	t.Run("a single object is a list of one", func(t *testing.T) {
		got, err := inspect.Nodes(bytes.NewReader(list[0]))
		if err != nil || len(got) != 1 || !reflect.DeepEqual(got[0], wantNodes[0]) {
			t.Errorf("Nodes of one object = %+v, %v", got, err)
		}
		s, err := inspect.Services(strings.NewReader(`  {"Spec":{"Name":"one","Mode":{"Global":{}}}}  `))
		if err != nil || len(s) != 1 || s[0].Name != "one" {
			t.Errorf("Services of one object = %+v, %v", s, err)
		}
	})
	t.Run("no services at all", func(t *testing.T) {
		for _, in := range []string{"", " \n\t\r\n", "\xEF\xBB\xBF", "[]", "[ ]\n"} {
			s, err := inspect.Services(strings.NewReader(in))
			if err != nil || len(s) != 0 {
				t.Errorf("Services(%q) = %v, %v; want none and no error", in, s, err)
			}
		}
	})
	t.Run("no nodes at all", func(t *testing.T) {
		for _, in := range []string{"", " \n", "[]"} {
			_, err := inspect.Nodes(strings.NewReader(in))
			if err == nil || !strings.Contains(err.Error(), "no nodes") {
				t.Errorf("Nodes(%q) error = %v, want one about no nodes", in, err)
			}
		}
	})

	tests := []struct {
		name, in, want string
	}{
		{"null", "null", `the input starts with "null", which is not the JSON list docker node inspect $(docker node ls -q) prints; run it without --pretty or --format`},
		{"a number", "\n 42", `the input starts with "42", which is not the JSON list docker node inspect $(docker node ls -q) prints; run it without --pretty or --format`},
		{"a table", "ID                            HOSTNAME   STATUS    AVAILABILITY   MANAGER STATUS   ENGINE VERSION\n",
			`the input starts with "ID                      …", which is not the JSON list docker node inspect $(docker node ls -q) prints; run it without --pretty or --format`},
		{"long text cut without breaking a character", "ééééééééééééééééé",
			`the input starts with "éééééééééééé…", which is not the JSON list docker node inspect $(docker node ls -q) prints; run it without --pretty or --format`},
		{"junk after the list", `[{"ID":"a","Spec":{"Role":"worker"},"Description":{"Hostname":"h"}}] junk`,
			`malformed JSON at line 1, column 70 (byte 70): invalid character 'j' after top-level value`},
		{"two lists", "[]\n[]",
			`the input holds two JSON values, one after the other, as when two outputs are appended to one file or pasted twice: the second starts at line 2, column 1 (byte 4); keep one, or inspect every node with one command: docker node inspect $(docker node ls -q)`},
		{"two objects", `{"ID":"a","Spec":{"Role":"worker"},"Description":{"Hostname":"h"}}{"ID":"b"}`,
			`the input holds two JSON values, one after the other, as when two outputs are appended to one file or pasted twice: the second starts at line 1, column 67 (byte 67); keep one, or inspect every node with one command: docker node inspect $(docker node ls -q)`},
		{"a paste cut short, then another", "[\n  {\n    \"ID\": \"a\",\n    \"Spec\": {\n[\n  {\"ID\": \"b\"}\n]\n",
			`malformed JSON at line 5, column 1 (byte 36): invalid character '[' looking for beginning of object key string; the value before it looks cut short (a truncated paste?) where another one begins: paste the whole output once`},
		{"a stray comma on line 2", "[\n  {\"ID\": \"a\",}\n]",
			`malformed JSON at line 2, column 14 (byte 16): invalid character '}' looking for beginning of object key string`},
		{"a syntax error after a byte order mark", "\xEF\xBB\xBF[,]",
			`malformed JSON at line 1, column 5 (byte 5): invalid character ',' looking for beginning of value`},
		{"cut short", "[{\"ID\": \"a", `malformed JSON: the input ends at line 1, column 10 (byte 10) in the middle of a value; the file may be cut short: unexpected end of JSON input`},
		{"cut short after a newline", "[\n", `malformed JSON: the input ends at line 1, column 2 (byte 2) in the middle of a value; the file may be cut short: unexpected end of JSON input`},
		{"UTF-16 big-endian", "\xFE\xFF\x00[", `the input is UTF-16 text, as PowerShell's > writes it, but it must be UTF-8; save it with | Out-File -Encoding utf8, or run the command from another shell`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := inspect.Nodes(strings.NewReader(tt.in))
			if err == nil {
				t.Fatal("no error")
			}
			if err.Error() != tt.want {
				t.Errorf("error:\n got %s\nwant %s", err, tt.want)
			}
			checkLine(t, err.Error())
		})
	}
}

func TestSyntaxErrorIsWrapped(t *testing.T) {
	_, err := inspect.Services(strings.NewReader("[\n{]"))
	if want := `malformed JSON at line 2, column 2 (byte 4): invalid character ']' looking for beginning of object key string`; err == nil || err.Error() != want {
		t.Errorf("a bad last byte:\n got %v\nwant %s", err, want)
	}
	var se *json.SyntaxError
	if !errors.As(err, &se) || se.Offset != 4 {
		t.Errorf("Services error %v does not wrap a *json.SyntaxError at offset 4", err)
	}
}

func TestReaderError(t *testing.T) {
	fire := errors.New("disk on fire")
	_, err := inspect.Nodes(iotest.ErrReader(fire))
	if !errors.Is(err, fire) || err.Error() != "reading the nodes: disk on fire" {
		t.Errorf("Nodes of a failing reader = %v", err)
	}
	got, err := inspect.Nodes(iotest.OneByteReader(bytes.NewReader(load(t, "nodes.json"))))
	if err != nil || !reflect.DeepEqual(got, wantNodes) {
		t.Errorf("Nodes read a byte at a time = %d nodes, %v", len(got), err)
	}
	_, err = inspect.Services(iotest.ErrReader(fire))
	if !errors.Is(err, fire) || err.Error() != "reading the services: disk on fire" {
		t.Errorf("Services of a failing reader = %v", err)
	}
}
