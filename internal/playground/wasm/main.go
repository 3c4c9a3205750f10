//go:build js && wasm

// Command wasm is the simulator as the playground page runs it, compiled
// to WebAssembly by swarmsim playground. It imports the simulation and the
// drill runner but nothing that styles a terminal, which keeps the page
// small.
//
// In a browser it reads the drill to start from (globalThis.swarmsimStart)
// and offers the page one object, globalThis.swarmsim, whose methods take
// and give JSON. Under Node with arguments it runs a playground script and
// prints the final state, so tests can compare it with the native build:
//
//	node wasm_exec_node.js playground.wasm FILE.drill [ACTION...]
package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall/js"
	"time"

	"github.com/swarmsim/swarmsim/drill"
	"github.com/swarmsim/swarmsim/internal/playground"
)

func main() {
	if len(os.Args) > 1 {
		os.Exit(script(os.Args[1:]))
	}
	browser()
}

// script is the Node mode: a drill file and actions in, the state out.
func script(args []string) int {
	src, err := playground.ReadDrill(args[0])
	if err == nil {
		var st playground.State
		st, err = playground.Script(src, filepath.Dir(args[0]), args[1:])
		if err == nil {
			err = json.NewEncoder(os.Stdout).Encode(st)
		}
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "playground: %v\n", err)
		return 1
	}
	return 0
}

// start is what the page gives the simulator to begin with.
type start struct {
	Name  string            `json:"name"`
	Text  string            `json:"text"`
	Files map[string]string `json:"files"`
}

// reply is every method's answer: the state after the call, and an error
// when the call was refused.
type reply struct {
	Error string            `json:"error,omitempty"`
	Step  *playground.Step  `json:"step,omitempty"`
	State *playground.State `json:"state,omitempty"`
}

func browser() {
	var st start
	var s *playground.Session
	err := json.Unmarshal([]byte(js.Global().Get("swarmsimStart").String()), &st)
	if err == nil {
		s, err = playground.New(playground.Source{Name: st.Name, Text: st.Text, Files: st.Files}, "")
	}
	if err != nil {
		js.Global().Call("swarmsimReady", err.Error())
		select {}
	}
	answer := func(from int, step *playground.Step, err error) any {
		r := reply{Step: step}
		var perr *drill.Error
		switch {
		case errors.As(err, &perr):
			// A typed line: the message, the line and a caret under the
			// column, without the line:column a one-line prompt has no use for.
			_, lines, _ := strings.Cut(perr.Caret(), "\n")
			r.Error = perr.Msg + "\n" + lines
		case err != nil:
			r.Error = err.Error()
		}
		state := s.State(from)
		r.State = &state
		b, _ := json.Marshal(r)
		return string(b)
	}
	api := map[string]any{
		// state(from): the picture, with the timeline from event index from.
		"state": js.FuncOf(func(_ js.Value, a []js.Value) any {
			return answer(a[0].Int(), nil, nil)
		}),
		// do(line, from): run one drill line.
		"do": js.FuncOf(func(_ js.Value, a []js.Value) any {
			step, err := s.Do(a[0].String())
			return answer(a[1].Int(), &step, err)
		}),
		// advance(ms, from): run simulated time.
		"advance": js.FuncOf(func(_ js.Value, a []js.Value) any {
			err := s.Advance(time.Duration(a[0].Int()) * time.Millisecond)
			return answer(a[1].Int(), nil, err)
		}),
		// restart(): the session the page started with.
		"restart": js.FuncOf(func(_ js.Value, a []js.Value) any {
			fresh, err := playground.New(playground.Source{Name: st.Name, Text: st.Text, Files: st.Files}, "")
			if err == nil {
				s = fresh
			}
			return answer(0, nil, err)
		}),
	}
	js.Global().Set("swarmsim", js.ValueOf(api))
	js.Global().Call("swarmsimReady", js.Null())
	select {}
}
