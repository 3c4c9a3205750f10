// The playground page. Every action it offers is a drill line handed to the
// simulator (globalThis.swarmsim, the Go side), which answers with the
// whole picture as JSON; the page only draws. Nothing here decides what
// the swarm does, so the page and swarmsim run cannot disagree.
"use strict";
(() => {
  const $ = (id) => document.getElementById(id);
  const start = JSON.parse($("start").textContent);
  const esc = (s) => String(s).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);
  // A drill word: bare when the drill reads it back unchanged, else quoted.
  const quoted = (s) => '"' + s.replace(/\\/g, "\\\\").replace(/"/g, '\\"')
    .replace(/[\x00-\x08\x0a-\x1f\x7f]/g, (c) => "\\x" + c.charCodeAt(0).toString(16).padStart(2, "0")) + '"';
  const word = (s) => /^[A-Za-z0-9._\/:@+-]+$/.test(s) && !s.startsWith("-") ? s : quoted(s);
  // A node's or zone's name: bare in the shape the drill reads as a name
  // (a letter, then letters, digits, "-", "_" or "."), quoted otherwise,
  // so that a click on any imported name makes a line the drill parses.
  const nameWord = (s) => /^[A-Za-z][A-Za-z0-9._-]{0,62}$/.test(s) ? s : quoted(s);

  let sim = null; // the simulator's methods, once it runs
  let state = null; // the last picture
  let seen = 0; // timeline events already in the log
  let playing = false;
  let owed = 0; // simulated seconds the play loop owes
  let lastFrame = 0;
  const sides = { A: new Set(), B: new Set() }; // the partition being chosen

  // Play advances in tenths of a simulated second, so the clock moves
  // smoothly; the drill writes the sum as one wait line.
  const quantum = 0.1;
  const cardsPerZone = 24;

  globalThis.swarmsimReady = (err) => {
    $("loading").hidden = true;
    if (err) {
      showError("The drill could not start: " + err);
      return;
    }
    sim = globalThis.swarmsim;
    reset(JSON.parse(sim.state(0)));
  };

  boot().catch((e) => {
    $("loading").textContent = "The simulator could not start: " + e;
  });

  async function boot() {
    const text = atob($("wasm").textContent.trim());
    const packed = new Uint8Array(text.length);
    for (let i = 0; i < text.length; i++) packed[i] = text.charCodeAt(i);
    const stream = new Blob([packed]).stream().pipeThrough(new DecompressionStream("gzip"));
    const bytes = await new Response(stream).arrayBuffer();
    const go = new Go();
    const { instance } = await WebAssembly.instantiate(bytes, go.importObject);
    go.run(instance); // calls swarmsimReady once the drill has run
  }

  // ---- talking to the simulator ----

  function reset(reply) {
    $("log").innerHTML = "";
    seen = 0;
    apply(reply);
  }

  function apply(reply) {
    if (reply.error) showError(reply.error);
    else hideError();
    if (reply.step && reply.step.line) logStep(reply.step);
    state = reply.state;
    render();
  }

  // act runs one drill line.
  function act(line) {
    if (!sim || (state && state.broken)) return;
    apply(JSON.parse(sim.do(line, seen)));
  }

  // advance runs simulated seconds.
  function advance(seconds) {
    if (!sim || (state && state.broken)) return;
    apply(JSON.parse(sim.advance(Math.round(seconds * 1000), seen)));
  }

  function showError(msg) {
    $("error").textContent = msg;
    $("error").hidden = false;
  }

  function hideError() {
    $("error").hidden = true;
  }

  // ---- drawing ----

  function render() {
    const s = state;
    $("clock").textContent = "t = " + s.time;
    const lead = $("leader");
    if (s.leader) {
      lead.textContent = `★ ${s.leader} leads in term ${s.term}`;
      lead.className = "leaderline";
    } else {
      lead.textContent = "no leader" + (s.local_copy ? ` · showing ${s.local_copy}'s local copy` : "");
      lead.className = "leaderline none";
    }
    renderZones(s);
    renderPartition(s);
    renderVerdict(s);
    renderLanes(s);
    renderServices(s);
    renderLog(s);
    renderDrill(s);
    if (s.broken) {
      showError("The simulation stopped: " + s.broken);
      setPlaying(false);
    }
  }

  function nodeState(n) {
    if (!n.alive) return ["dead", "✗ dead"];
    if (n.leader) return ["ready", "★ leader"];
    if (n.status === "down") return ["down", "down"];
    if (n.status === "") return ["down", "removed"];
    if (n.status === "unknown") return ["unknown", "unknown"];
    if (n.role === "manager" && n.manager_status === "Unreachable") return ["unreachable", "unreachable"];
    if (n.availability && n.availability !== "active") return [n.availability, n.availability];
    return ["ready", "ready"];
  }

  function renderZones(s) {
    const cut = new Set(s.cut.flatMap((c) => c.split("|")));
    $("zones").innerHTML = s.zones.map((z) => {
      const alive = z.nodes.some((n) => n.alive);
      const action = alive ? `kill az ${nameWord(z.name)}` : `restart az ${nameWord(z.name)}`;
      // A projector shows a couple of dozen cards a zone; the rest are
      // still there for typed commands.
      const more = z.nodes.length > cardsPerZone ? `<p class="dim">… ${z.nodes.length - cardsPerZone} more nodes</p>` : "";
      const cards = z.nodes.slice(0, cardsPerZone).map((n) => {
        const [cls, words] = nodeState(n);
        const raft = n.role === "manager" && n.raft && !n.leader ? ` · ${n.raft}` : "";
        return `<div class="node ${esc(n.role)} ${n.leader ? "leader" : ""} ${n.alive ? "alive" : "dead"}" data-node="${esc(n.name)}"
          data-action="${n.alive ? "kill" : "restart"} ${esc(nameWord(n.name))}" title="click to ${n.alive ? "kill" : "restart"} ${esc(n.name)}">
          <div class="top"><span class="name">${esc(n.name)}</span><span class="state ${cls}">${esc(words)}</span></div>
          <div class="role">${esc(n.role)}${esc(raft)}</div>
          <div class="tasks">${n.tasks.map((t) => `<span class="task">${esc(t)}</span>`).join("")}</div></div>`;
      }).join("");
      return `<div class="zone ${cut.has(z.name) ? "cut" : ""}" data-zone="${esc(z.name)}">
        <button class="zonename" data-action="${esc(action)}" title="click to ${esc(action)}">zone ${esc(z.name)} <small>${alive ? "✗ kill zone" : "↻ restart zone"}</small></button>${cards}${more}</div>`;
    }).join("");
  }

  function renderPartition(s) {
    const names = s.zones.map((z) => z.name);
    const side = (k) => `<span class="side">side ${k === "A" ? 1 : 2}: ${names.map((z) =>
      `<button class="${sides[k].has(z) ? "on" : ""}" data-side="${k}" data-zone="${esc(z)}" title="zone ${esc(z)} on side ${k === "A" ? 1 : 2}">${esc(z)}</button>`).join("")}</span>`;
    $("sides").innerHTML = side("A") + side("B");
    $("cut").disabled = sides.A.size === 0 || sides.B.size === 0;
    $("heal").disabled = s.cut.length === 0;
    $("cuts").textContent = s.cut.length ? "cut: " + s.cut.map((c) => c.replace("|", "–")).join(", ") : "every link up";
  }

  function renderVerdict(s) {
    const v = s.verdict;
    const box = $("verdict");
    box.className = v.word;
    const [head, ...rest] = v.summary.split(": ");
    box.innerHTML = `<div><span class="word">Verdict: ${esc(head)}</span> — ${esc(rest.join(": "))}</div>` +
      (v.notes.length ? `<ul>${v.notes.map((n) => `<li>${esc(n)}</li>`).join("")}</ul>` : "");
  }

  // renderLanes draws each manager's Raft role over the last two minutes.
  // A candidacy lasts milliseconds; it is drawn 4 pixels wide so the class
  // can see that there was one.
  function renderLanes(s) {
    const svg = $("lanes");
    const width = svg.clientWidth || 800;
    const rowH = 28, label = 44, axisH = 18, right = 10;
    const now = s.at_ms * 1000;
    const t0 = Math.max(0, now - 120e6);
    const span = Math.max(now - t0, 20e6);
    const x = (us) => label + ((us - t0) / span) * (width - label - right);
    const height = s.lanes.length * rowH + axisH;
    svg.setAttribute("viewBox", `0 0 ${width} ${height}`);
    svg.setAttribute("height", height);
    let out = "", brief = "";
    s.lanes.forEach((lane, i) => {
      const y = i * rowH + 3;
      out += `<text class="lanename" x="4" y="${y + 16}">${esc(lane.name)}</text>`;
      lane.segments.forEach((seg, j) => {
        const to = j + 1 < lane.segments.length ? lane.segments[j + 1].from_us : now;
        if (to < t0) return;
        const x0 = x(Math.max(seg.from_us, t0));
        const short = x(to) - x0 < 4;
        const x1 = short ? x0 + 4 : x(to);
        const cls = seg.state === "not a manager" ? "gone" : seg.state;
        const what = seg.state + (seg.term ? ` in term ${seg.term}` : "");
        const rect = `<rect class="seg ${esc(cls)}" x="${x0.toFixed(1)}" y="${y}" width="${(x1 - x0).toFixed(1)}" height="${rowH - 8}">` +
          `<title>${esc(lane.name)} ${esc(what)} from ${fmt(seg.from_us)}</title></rect>`;
        // Short stretches go on top, or the next one would hide them.
        if (short) brief += rect;
        else out += rect;
        if (seg.term && x1 - x0 > 52) {
          const light = seg.state === "leader" ? "" : " light";
          out += `<text class="term${light}" x="${(x0 + 4).toFixed(1)}" y="${y + 14}">${seg.state === "leader" ? "★ " : ""}term ${seg.term}</text>`;
        }
      });
    });
    const base = s.lanes.length * rowH;
    const step = span > 60e6 ? 20e6 : 10e6;
    for (let t = Math.ceil(t0 / step) * step; t <= now; t += step) {
      out += `<line class="tick" x1="${x(t)}" x2="${x(t)}" y1="0" y2="${base}"/><text class="axis" x="${x(t) - 8}" y="${base + 13}">${t / 1e6}s</text>`;
    }
    out += brief + `<line class="now" x1="${x(now)}" x2="${x(now)}" y1="0" y2="${base}"/>`;
    svg.innerHTML = out;
  }

  const fmt = (us) => (us / 1e6).toFixed(3) + "s";

  // renderServices keeps each row's inputs as the class typed them and
  // redraws only the figures.
  function renderServices(s) {
    const table = $("services");
    const names = s.services.map((sv) => sv.name).join(",");
    if (table.dataset.names !== names) {
      table.dataset.names = names;
      table.innerHTML = "<tr><th>service</th><th>mode</th><th>running</th><th>per zone</th><th>change it</th></tr>" +
        s.services.map((sv) => `<tr data-service="${esc(sv.name)}"><td class="mono">${esc(sv.name)}</td><td>${esc(sv.mode)}</td>
          <td class="count"></td><td class="zones mono"></td><td>
          ${sv.mode === "replicated" ? `<input type="number" min="0" class="replicas" value="${sv.desired}" aria-label="replicas of ${esc(sv.name)}"> <button data-do="scale">Scale</button>` : ""}
          <input class="image" value="${esc(sv.image)}" aria-label="image of ${esc(sv.name)}"> <button data-do="update">Update</button>
          <button data-do="force" title="docker service update --force: reschedules every task, which rebalances">Rebalance</button></td></tr>`).join("");
    }
    for (const sv of s.services) {
      const row = table.querySelector(`tr[data-service="${CSS.escape(sv.name)}"]`);
      const count = row.querySelector(".count");
      const short = sv.running < sv.desired || sv.pending > 0;
      count.className = "count " + (short ? "short" : "full");
      count.textContent = `${sv.running}/${sv.desired}` + (sv.pending ? ` (${sv.pending} pending)` : "") + (sv.update ? ` · update ${sv.update}` : "");
      count.title = sv.reasons.join("; ");
      row.querySelector(".zones").textContent = Object.entries(sv.zones).map(([z, n]) => `${z}=${n}`).join(" ");
    }
  }

  function logStep(step) {
    const row = document.createElement("div");
    row.className = "st " + step.kind;
    const mark = { held: "✓ ", failed: "✗ ", refused: "✗ refused: " }[step.kind] || "";
    row.innerHTML = `<span class="t">${fmt(step.at_ms * 1000)}</span><code>${esc(step.line)}</code>` +
      (step.detail ? `<span class="detail">${esc(mark + step.detail)}</span>` : "");
    appendLog(row);
  }

  function renderLog(s) {
    for (const e of s.events) {
      const row = document.createElement("div");
      row.className = "ev " + e.kind;
      row.dataset.kind = e.kind;
      row.innerHTML = `<span class="t">${esc(e.time)}</span><span class="k">${esc(e.kind)}</span><span class="d">${esc(e.detail)}</span>`;
      appendLog(row);
    }
    seen = s.event_count;
  }

  // The log follows its newest line unless the class scrolled back to
  // read; scrolling to the end follows again.
  let follow = true;
  $("log").addEventListener("scroll", () => {
    const log = $("log");
    follow = log.scrollTop + log.clientHeight >= log.scrollHeight - 8;
  });

  function appendLog(row) {
    const log = $("log");
    log.appendChild(row);
    if (follow) log.scrollTop = log.scrollHeight;
  }

  function renderDrill(s) {
    const at = s.drill.indexOf("\n# What the page showed");
    const body = at < 0 ? s.drill : s.drill.slice(0, at + 1);
    const checks = at < 0 ? "" : s.drill.slice(at + 1);
    const pre = $("drill");
    const atEnd = pre.scrollTop + pre.clientHeight >= pre.scrollHeight - 4;
    pre.innerHTML = esc(body) + `<span class="checks">${esc(checks)}</span>`;
    if (atEnd) pre.scrollTop = pre.scrollHeight;
  }

  // ---- what the class can do ----

  document.addEventListener("click", (ev) => {
    const t = ev.target.closest("[data-action], [data-side], [data-do]");
    if (!t) return;
    if (t.dataset.action) {
      act(t.dataset.action);
    } else if (t.dataset.side) {
      const k = t.dataset.side, other = k === "A" ? "B" : "A", z = t.dataset.zone;
      if (sides[k].has(z)) sides[k].delete(z);
      else {
        sides[k].add(z);
        sides[other].delete(z);
      }
      renderPartition(state);
    } else {
      const row = t.closest("tr[data-service]");
      const name = word(row.dataset.service);
      if (t.dataset.do === "scale") act(`docker service scale ${name}=${row.querySelector(".replicas").value}`);
      if (t.dataset.do === "update") act(`docker service update --image ${word(row.querySelector(".image").value)} ${name}`);
      if (t.dataset.do === "force") act(`docker service update --force ${name}`);
    }
  });

  $("cut").addEventListener("click", () => {
    act(`partition ${[...sides.A].join(" ")} | ${[...sides.B].join(" ")}`);
    sides.A.clear();
    sides.B.clear();
    renderPartition(state);
  });
  $("heal").addEventListener("click", () => act("heal"));

  $("command").addEventListener("submit", (ev) => {
    ev.preventDefault();
    const line = $("line").value.trim();
    if (!line || !sim) return;
    const reply = JSON.parse(sim.do(line, seen));
    apply(reply);
    if (!reply.error) $("line").value = "";
  });

  function setPlaying(on) {
    playing = on && !!sim;
    owed = 0;
    $("play").textContent = playing ? "❚❚ Pause" : "▶ Play";
    $("play").classList.toggle("on", playing);
  }

  $("play").addEventListener("click", () => setPlaying(!playing));
  $("step").addEventListener("click", () => advance(1));
  $("restart").addEventListener("click", () => {
    if (!sim) return;
    setPlaying(false);
    reset(JSON.parse(sim.restart()));
  });
  $("download").download = start.download;
  $("replay").textContent = "swarmsim run " + start.download;
  $("download").addEventListener("click", () => {
    const a = $("download");
    if (a.href.startsWith("blob:")) URL.revokeObjectURL(a.href);
    a.href = URL.createObjectURL(new Blob([state ? state.drill : ""], { type: "text/plain" }));
  });

  // The files the drill reads (cluster from=…) download too: the drill
  // replays only beside them.
  const carried = Object.keys(start.files || {}).sort();
  if (carried.length) {
    $("files").hidden = false;
    $("files").innerHTML = "It reads " + carried.map((n) =>
      `<a href="#" data-file="${esc(n)}" download="${esc(n.split("/").pop())}">⬇ ${esc(n)}</a>`).join(" and ") +
      ": keep them there, beside the drill.";
    $("files").addEventListener("click", (ev) => {
      const a = ev.target.closest("a[data-file]");
      if (!a) return;
      if (a.href.startsWith("blob:")) URL.revokeObjectURL(a.href);
      a.href = URL.createObjectURL(new Blob([start.files[a.dataset.file]], { type: "application/json" }));
    });
  }

  document.addEventListener("keydown", (ev) => {
    if (ev.target.closest("input, select, textarea")) return;
    if (ev.key === " ") {
      ev.preventDefault();
      setPlaying(!playing);
    } else if (ev.key === "ArrowRight") {
      ev.preventDefault();
      advance(1);
    }
  });

  function frame(now) {
    if (playing) {
      // A stalled tab does not owe the class minutes of simulation.
      owed = Math.min(owed + ((now - lastFrame) / 1000) * Number($("speed").value), 60);
      const n = Math.min(Math.floor(owed / quantum + 1e-9), 600);
      if (n > 0) {
        owed -= n * quantum;
        advance(n * quantum);
      }
    }
    lastFrame = now;
    requestAnimationFrame(frame);
  }
  requestAnimationFrame((now) => {
    lastFrame = now;
    requestAnimationFrame(frame);
  });
  window.addEventListener("resize", () => {
    if (state) renderLanes(state);
    if (follow) $("log").scrollTop = $("log").scrollHeight;
  });
})();
