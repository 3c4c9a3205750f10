// Package browser drives a headless Chromium through the DevTools protocol
// over a pipe (--remote-debugging-pipe), for the playground's tests and its
// README screenshot. It is a small client, not a framework: commands are
// JSON in, JSON out, and the few the tests need have helpers. Only tests
// and tools import it.
//
//	b, err := browser.Launch("/usr/bin/chromium", dir)
//	defer b.Close()
//	p, err := b.Open(ctx, "file:///tmp/class.html", dir, nil) // nil: refuse every request but the page
//	p.Click(ctx, ".node.leader")
//	var leader string
//	p.Eval(ctx, `document.getElementById("leader").textContent`, &leader)
package browser

import (
	"bufio"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"sync"
	"time"
)

// Browser is one headless Chromium.
type Browser struct {
	cmd    *exec.Cmd
	in     io.WriteCloser // the browser reads commands from here
	mu     sync.Mutex
	nextID int64
	calls  map[int64]chan reply
	events chan Event
	done   chan struct{} // closed when the pipe closes
	stderr *strings.Builder
}

// Event is a message the browser sent on its own.
type Event struct {
	Method    string          `json:"method"`
	Params    json.RawMessage `json:"params"`
	SessionID string          `json:"sessionId"`
}

type reply struct {
	Result json.RawMessage `json:"result"`
	Error  *struct {
		Message string `json:"message"`
	} `json:"error"`
}

// Launch starts Chromium headless with a fresh profile in dir.
func Launch(chromium, dir string) (*Browser, error) {
	toBrowser, fromUs, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	fromBrowser, toUs, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(chromium, "--headless", "--remote-debugging-pipe", "--no-sandbox", "--disable-gpu",
		"--no-first-run", "--no-default-browser-check", "--disable-extensions", "--disable-background-networking",
		"--disable-component-update", "--disable-sync", "--disable-dev-shm-usage", "--hide-scrollbars",
		"--user-data-dir="+dir, "about:blank")
	cmd.ExtraFiles = []*os.File{toBrowser, toUs} // fd 3 and 4, as --remote-debugging-pipe expects
	b := &Browser{cmd: cmd, in: fromUs, calls: map[int64]chan reply{}, events: make(chan Event, 1024),
		done: make(chan struct{}), stderr: &strings.Builder{}}
	cmd.Stderr = &lockedWriter{w: b.stderr}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("starting %s: %w", chromium, err)
	}
	toBrowser.Close()
	toUs.Close()
	go b.read(fromBrowser)
	return b, nil
}

type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

// read dispatches the browser's messages, each ended by a NUL byte.
func (b *Browser) read(r io.ReadCloser) {
	defer close(b.done)
	defer r.Close()
	br := bufio.NewReaderSize(r, 1<<20)
	for {
		msg, err := br.ReadBytes(0)
		if err != nil {
			return
		}
		var m struct {
			ID int64 `json:"id"`
			reply
			Event
		}
		if err := json.Unmarshal(msg[:len(msg)-1], &m); err != nil {
			continue
		}
		if m.ID == 0 {
			select {
			case b.events <- m.Event:
			default: // nobody listens for this many; drop the oldest news
			}
			continue
		}
		b.mu.Lock()
		ch := b.calls[m.ID]
		delete(b.calls, m.ID)
		b.mu.Unlock()
		if ch != nil {
			ch <- m.reply
		}
	}
}

// Call sends a command, to a page's session or (session "") to the
// browser, and decodes its result into out when out is not nil.
func (b *Browser) Call(ctx context.Context, session, method string, params, out any) error {
	b.mu.Lock()
	b.nextID++
	id := b.nextID
	ch := make(chan reply, 1)
	b.calls[id] = ch
	b.mu.Unlock()
	msg, err := json.Marshal(map[string]any{"id": id, "method": method, "params": params, "sessionId": session})
	if err != nil {
		return err
	}
	if _, err := b.in.Write(append(msg, 0)); err != nil {
		return fmt.Errorf("%s: %w", method, err)
	}
	select {
	case r := <-ch:
		if r.Error != nil {
			return fmt.Errorf("%s: %s", method, r.Error.Message)
		}
		if out != nil {
			return json.Unmarshal(r.Result, out)
		}
		return nil
	case <-b.done:
		return fmt.Errorf("%s: the browser went away: %s", method, b.Stderr())
	case <-ctx.Done():
		return fmt.Errorf("%s: %w", method, ctx.Err())
	}
}

// Stderr is what the browser wrote on its standard error so far.
func (b *Browser) Stderr() string {
	w := b.cmd.Stderr.(*lockedWriter)
	w.mu.Lock()
	defer w.mu.Unlock()
	return b.stderr.String()
}

// Close ends the browser, killing it when it does not end by itself.
func (b *Browser) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_ = b.Call(ctx, "", "Browser.close", nil, nil)
	b.in.Close()
	wait := make(chan error, 1)
	go func() { wait <- b.cmd.Wait() }()
	select {
	case <-wait:
	case <-time.After(5 * time.Second):
		_ = b.cmd.Process.Kill()
		<-wait
	}
	return nil
}

// Page is one tab.
type Page struct {
	b       *Browser
	session string

	mu      sync.Mutex
	allowed []string // requests the tab let through
	blocked []string // requests the page made and the tab refused
	downs   map[string]string
}

// Viewport is the size of every tab: a projector's, so a screenshot shows
// what a class sees.
const (
	ViewportWidth  = 1400
	ViewportHeight = 1060
)

// Open makes a tab that refuses every request except those allow
// accepts (nil allows only url itself), saves downloads in downloads, and
// loads url.
func (b *Browser) Open(ctx context.Context, url, downloads string, allow func(string) bool) (*Page, error) {
	if allow == nil {
		allow = func(u string) bool { return u == url }
	}
	var target struct {
		TargetID string `json:"targetId"`
	}
	if err := b.Call(ctx, "", "Target.createTarget", map[string]any{"url": "about:blank"}, &target); err != nil {
		return nil, err
	}
	var att struct {
		SessionID string `json:"sessionId"`
	}
	if err := b.Call(ctx, "", "Target.attachToTarget", map[string]any{"targetId": target.TargetID, "flatten": true}, &att); err != nil {
		return nil, err
	}
	p := &Page{b: b, session: att.SessionID, downs: map[string]string{}}
	go p.listen(allow)
	for _, c := range []struct {
		session, method string
		params          any
	}{
		{p.session, "Fetch.enable", map[string]any{"patterns": []map[string]string{{"urlPattern": "*"}}}},
		{"", "Browser.setDownloadBehavior", map[string]any{"behavior": "allow", "downloadPath": downloads, "eventsEnabled": true}},
		{p.session, "Page.enable", nil},
		{p.session, "Runtime.enable", nil},
		{p.session, "Emulation.setDeviceMetricsOverride", map[string]any{"width": ViewportWidth, "height": ViewportHeight, "deviceScaleFactor": 1, "mobile": false}},
		{p.session, "Page.navigate", map[string]any{"url": url}},
	} {
		if err := b.Call(ctx, c.session, c.method, c.params, nil); err != nil {
			return nil, err
		}
	}
	return p, nil
}

// listen answers the tab's paused requests and notes downloads.
func (p *Page) listen(allow func(string) bool) {
	for {
		var ev Event
		select {
		case ev = <-p.b.events:
		case <-p.b.done:
			return
		}
		switch ev.Method {
		case "Fetch.requestPaused":
			var r struct {
				RequestID string `json:"requestId"`
				Request   struct {
					URL string `json:"url"`
				} `json:"request"`
			}
			if json.Unmarshal(ev.Params, &r) != nil {
				continue
			}
			if allow(r.Request.URL) {
				p.mu.Lock()
				p.allowed = append(p.allowed, r.Request.URL)
				p.mu.Unlock()
				go p.b.Call(context.Background(), ev.SessionID, "Fetch.continueRequest", map[string]any{"requestId": r.RequestID}, nil)
				continue
			}
			p.mu.Lock()
			p.blocked = append(p.blocked, r.Request.URL)
			p.mu.Unlock()
			go p.b.Call(context.Background(), ev.SessionID, "Fetch.failRequest", map[string]any{"requestId": r.RequestID, "errorReason": "BlockedByClient"}, nil)
		case "Browser.downloadWillBegin", "Browser.downloadProgress":
			var d struct {
				GUID              string `json:"guid"`
				SuggestedFilename string `json:"suggestedFilename"`
				State             string `json:"state"`
			}
			if json.Unmarshal(ev.Params, &d) != nil {
				continue
			}
			p.mu.Lock()
			if d.SuggestedFilename != "" {
				p.downs[d.GUID] = d.SuggestedFilename
			}
			if d.State == "completed" {
				p.downs["done:"+d.GUID] = p.downs[d.GUID]
			}
			p.mu.Unlock()
		}
	}
}

// Allowed lists the requests the tab let through.
func (p *Page) Allowed() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]string(nil), p.allowed...)
}

// Blocked lists the requests the tab refused.
func (p *Page) Blocked() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]string(nil), p.blocked...)
}

// Downloaded waits for a download to complete and returns its file name.
func (p *Page) Downloaded(ctx context.Context) (string, error) {
	for {
		p.mu.Lock()
		for k, name := range p.downs {
			if strings.HasPrefix(k, "done:") {
				delete(p.downs, k)
				p.mu.Unlock()
				return name, nil
			}
		}
		p.mu.Unlock()
		select {
		case <-ctx.Done():
			return "", fmt.Errorf("waiting for a download: %w", ctx.Err())
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// Eval evaluates a JavaScript expression, awaiting it when it is a
// promise, and decodes its value into out.
func (p *Page) Eval(ctx context.Context, expr string, out any) error {
	var r struct {
		Result struct {
			Value json.RawMessage `json:"value"`
		} `json:"result"`
		Exception *struct {
			Text      string `json:"text"`
			Exception struct {
				Description string `json:"description"`
			} `json:"exception"`
		} `json:"exceptionDetails"`
	}
	if err := p.b.Call(ctx, p.session, "Runtime.evaluate", map[string]any{"expression": expr, "returnByValue": true, "awaitPromise": true}, &r); err != nil {
		return err
	}
	if r.Exception != nil {
		return fmt.Errorf("%s: %s %s", expr, r.Exception.Text, r.Exception.Exception.Description)
	}
	if out == nil || len(r.Result.Value) == 0 {
		return nil
	}
	return json.Unmarshal(r.Result.Value, out)
}

// WaitFor evaluates expr until it is true.
func (p *Page) WaitFor(ctx context.Context, expr string) error {
	for {
		var ok bool
		if err := p.Eval(ctx, "!!("+expr+")", &ok); err != nil {
			return err
		}
		if ok {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("waiting for %s: %w", expr, ctx.Err())
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// Click clicks the middle of the first element that matches selector, as a
// mouse does: pressed, then released.
func (p *Page) Click(ctx context.Context, selector string) error {
	var at struct{ X, Y float64 }
	expr := fmt.Sprintf(`(() => { const e = document.querySelector(%q); if (!e) return null;
		e.scrollIntoView({block: "center"}); const r = e.getBoundingClientRect();
		return {X: r.left + r.width / 2, Y: r.top + r.height / 2}; })()`, selector)
	var found json.RawMessage
	if err := p.Eval(ctx, expr, &found); err != nil {
		return err
	}
	if string(found) == "null" || json.Unmarshal(found, &at) != nil {
		return fmt.Errorf("nothing on the page matches %s", selector)
	}
	for _, kind := range []string{"mousePressed", "mouseReleased"} {
		if err := p.b.Call(ctx, p.session, "Input.dispatchMouseEvent", map[string]any{
			"type": kind, "x": at.X, "y": at.Y, "button": "left", "clickCount": 1}, nil); err != nil {
			return err
		}
	}
	return nil
}

// Screenshot captures the viewport as PNG.
func (p *Page) Screenshot(ctx context.Context) ([]byte, error) {
	var shot struct {
		Data string `json:"data"`
	}
	if err := p.b.Call(ctx, p.session, "Page.captureScreenshot", map[string]any{"format": "png"}, &shot); err != nil {
		return nil, err
	}
	data, err := base64.StdEncoding.DecodeString(shot.Data)
	if err != nil {
		return nil, errors.New("the screenshot is not base64")
	}
	return data, nil
}
