package chaos

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"sync"

	"github.com/swarmsim/swarmsim/internal/prose"
)

// LaunchSelf is Spec.Launch for a program that serves chaos (Serve) when
// started with args: each call starts the running executable again, as a
// worker process.
func LaunchSelf(args ...string) func() (Process, error) {
	return func() (Process, error) { return launch(args) }
}

func launch(args []string) (Process, error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, fmt.Errorf("finding swarmsim's own executable: %w", err)
	}
	cmd := exec.Command(exe, args...)
	w := &workerProcess{cmd: cmd}
	cmd.Stderr = &w.stderr
	if w.stdin, err = cmd.StdinPipe(); err != nil {
		return nil, err
	}
	if w.stdout, err = cmd.StdoutPipe(); err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("starting %s %s: %w", exe, strings.Join(args, " "), err)
	}
	return w, nil
}

type workerProcess struct {
	cmd    *exec.Cmd
	stdin  io.WriteCloser
	stdout io.ReadCloser
	stderr lockedBuffer
	once   sync.Once
	err    error
}

func (w *workerProcess) Write(p []byte) (int, error) { return w.stdin.Write(p) }
func (w *workerProcess) Read(p []byte) (int, error)  { return w.stdout.Read(p) }

func (w *workerProcess) Close() error {
	w.once.Do(func() {
		w.stdin.Close()
		if err := w.cmd.Wait(); err != nil {
			w.err = fmt.Errorf("a chaos worker process failed: %w (%s)", err, prose.FirstLine(strings.TrimSpace(w.stderr.String())))
		}
	})
	return w.err
}

// lockedBuffer is a process's stderr, written by exec's copying goroutine.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.b.Len() > 64<<10 {
		return len(p), nil // enough to say what went wrong
	}
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}
