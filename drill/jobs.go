package drill

import (
	"strconv"
	"strings"
)

// The expectations jobs and the task history need: a job's completions,
// and a slot's tasks as `docker service ps` lists them.

// ExpectCompleted is `expect service batch completed 5`: the tasks of
// the job's current run that completed (its container exited 0), as
// `docker service ls` counts them in "0/2 (5/5 completed)".
type ExpectCompleted struct {
	Service string
	Count   int
}

// ExpectHistory is `expect history web.1 running failed failed`: the
// tasks `docker service ps web` lists for one slot (a global service's
// for one node: agent.w2), newest first, each by its current state.
type ExpectHistory struct {
	Task   string   // web.1, or agent.w2 for a global service's task on w2
	States []string // newest first, each one of TaskStates
}

// TaskStates are the states a task can be in, as `docker service ps`
// shows them in lower case.
var TaskStates = []string{"pending", "assigned", "starting", "running", "complete", "failed", "rejected", "shutdown", "orphaned"}

func (ExpectCompleted) command() {}
func (ExpectHistory) command()   {}

func (e ExpectCompleted) String() string {
	return "expect service " + quote(e.Service) + " completed " + strconv.Itoa(e.Count)
}

func (e ExpectHistory) String() string {
	return "expect history " + quote(e.Task) + " " + strings.Join(e.States, " ")
}

const (
	expectCompletedLike = "expect service batch completed 5"
	expectHistoryLike   = "expect history web.1 running failed failed"
)

// parseExpectCompleted reads what follows `expect service NAME completed`.
func parseExpectCompleted(name string, kw token, rest []token) (Command, *Error) {
	if len(rest) == 0 {
		return nil, errAt(after(kw), "completed needs a whole number, like %s", expectCompletedLike)
	}
	n, err := valueOf(rest[0], "completed", expectCompletedLike).count(0)
	if err != nil {
		return nil, err
	}
	if len(rest) > 1 {
		return nil, errAt(rest[1].col, "expect service %s completed %d takes nothing after it", name, n)
	}
	return ExpectCompleted{Service: name, Count: n}, nil
}

// parseExpectHistory reads `expect history TASK STATE...`.
func parseExpectHistory(kw token, rest []token) (Command, *Error) {
	if len(rest) == 0 {
		return nil, errAt(after(kw), "expect history needs a task as docker service ps names it and its states, newest first, like: %s", expectHistoryLike)
	}
	task, err := taskName(rest[0])
	if err != nil {
		return nil, err
	}
	if len(rest) == 1 {
		return nil, errAt(after(rest[0]), "expect history %s needs the states docker service ps lists for it, newest first, like: %s", task, expectHistoryLike)
	}
	e := ExpectHistory{Task: task}
	for _, t := range rest[1:] {
		s, err := valueOf(t, "a state in expect history", expectHistoryLike).enum(TaskStates)
		if err != nil {
			return nil, err
		}
		e.States = append(e.States, s)
	}
	return e, nil
}

// taskName reads a task's name as Docker writes it: SERVICE.SLOT, or
// SERVICE.NODE for a global service's task.
func taskName(t token) (string, *Error) {
	service, rest, ok := strings.Cut(t.text, ".")
	if !ok || rest == "" {
		return "", errAt(t.col, "%q is not a task's name; name it as docker service ps does, a service and a slot like web.1, or a node like agent.w2", t.text)
	}
	if _, err := (value{text: service, col: t.col}).serviceName(); err != nil {
		return "", err
	}
	at := t.col + runes(service) + 1
	if rest[0] >= '0' && rest[0] <= '9' {
		if _, err := (value{text: rest, col: at, what: "the slot of " + t.text, like: service + ".1"}).count(1); err != nil {
			return "", err
		}
		return t.text, nil
	}
	if _, err := (value{text: rest, col: at}).nodeName(); err != nil {
		return "", err
	}
	return t.text, nil
}
