// Dossier's page: the graph inlined as JSON (#data), drawn in SVG with a
// force layout of its own, searched, filtered by kind, relation and date,
// and read: each entity's and statement's evidence, each source's text.
"use strict";
(function () {
  const data = JSON.parse(document.getElementById("data").textContent);
  const $ = (id) => document.getElementById(id);
  const SVG = "http://www.w3.org/2000/svg";
  const el = (tag, attrs, text) => {
    const e = document.createElementNS(SVG, tag);
    for (const k in attrs || {}) e.setAttribute(k, attrs[k]);
    if (text !== undefined) e.textContent = text;
    return e;
  };
  const h = (tag, cls, text) => {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  };
  // Words as `find` compares them: accents, case and punctuation aside.
  const norm = (s) => (s || "").normalize("NFKD").replace(/\p{M}/gu, "").toLowerCase()
    .replace(/['\u2019\u02bc]/g, "").replace(/[^\p{L}\p{N}]+/gu, " ").trim();

  const entities = data.entities;
  const edges = data.edges;
  const kindOf = new Map(data.kinds.map((k) => [k.kind, k]));
  const shownKinds = new Set(data.kinds.map((k) => k.kind));
  const shownRelations = new Set(data.relations.map((r) => r.name));
  // A large graph opens on its most connected entities.
  const OVERVIEW = 150;
  const large = entities.length > 300;
  let visible = new Set();
  if (large) {
    entities.map((e, i) => [e.degree, i]).sort((a, b) => b[0] - a[0]).slice(0, OVERVIEW)
      .forEach(([, i]) => visible.add(i));
  } else {
    entities.forEach((_, i) => visible.add(i));
  }
  let asOf = null;
  let hits = new Set(); // entities the last query's answer touches
  let selected = null; // {entity: i} or {edge: i}

  // Statements valid on a day, as `as of` says: a `date` from that day
  // on, `from`/`until` between them, both days included.
  const validOn = (st, day) => {
    const d = st.dates || {};
    if (d.date && d.date > day) return false;
    if (d.from && d.from > day) return false;
    if (d.until && d.until < day) return false;
    return true;
  };
  const edgeShown = (e) => shownRelations.has(e.relation) && (asOf === null || validOn(e.statement, asOf));
  const entityShown = (i) => visible.has(i) && shownKinds.has(entities[i].kind);

  // Positions: a force layout over what is shown, new entities placed
  // beside a neighbour already placed.
  const pos = new Map();
  const neighbours = entities.map(() => []);
  edges.forEach((e, i) => { neighbours[e.from].push(i); neighbours[e.to].push(i); });
  function layout(iterations) {
    const nodes = [...visible].filter(entityShown);
    const n = nodes.length;
    nodes.forEach((i, k) => {
      if (pos.has(i)) return;
      const near = neighbours[i].map((e) => edges[e].from === i ? edges[e].to : edges[e].from).find((j) => pos.has(j));
      const a = 2 * Math.PI * k / Math.max(n, 1);
      const base = near !== undefined ? pos.get(near) : { x: 0, y: 0 };
      const r = near !== undefined ? 60 : 40 * Math.sqrt(n);
      pos.set(i, { x: base.x + r * Math.cos(a), y: base.y + r * Math.sin(a) });
    });
    const index = new Map(nodes.map((i, k) => [i, k]));
    const links = edges.filter((e) => edgeShown(e) && index.has(e.from) && index.has(e.to) && e.from !== e.to)
      .map((e) => [index.get(e.from), index.get(e.to)]);
    const p = nodes.map((i) => pos.get(i));
    const ideal = 130;
    for (let it = 0; it < iterations; it++) {
      const t = 8 * (1 - it / iterations) + 0.5;
      const d = p.map(() => ({ x: 0, y: 0 }));
      for (let a = 0; a < n; a++) {
        for (let b = a + 1; b < n; b++) {
          let dx = p[a].x - p[b].x, dy = p[a].y - p[b].y;
          let dist2 = dx * dx + dy * dy;
          if (dist2 < 0.01) { dx = Math.random() - 0.5; dy = Math.random() - 0.5; dist2 = 0.25; }
          if (dist2 > 250000) continue;
          const f = ideal * ideal / dist2;
          d[a].x += dx * f; d[a].y += dy * f; d[b].x -= dx * f; d[b].y -= dy * f;
        }
      }
      for (const [a, b] of links) {
        const dx = p[a].x - p[b].x, dy = p[a].y - p[b].y;
        const dist = Math.sqrt(dx * dx + dy * dy) || 1;
        const f = dist / ideal;
        d[a].x -= dx * f; d[a].y -= dy * f; d[b].x += dx * f; d[b].y += dy * f;
      }
      for (let a = 0; a < n; a++) {
        d[a].x -= p[a].x * 0.01; d[a].y -= p[a].y * 0.01;
        const len = Math.sqrt(d[a].x * d[a].x + d[a].y * d[a].y) || 1;
        p[a].x += d[a].x / len * Math.min(len, t);
        p[a].y += d[a].y / len * Math.min(len, t);
      }
    }
  }

  // Drawing.
  const svg = $("graph");
  const viewport = $("viewport");
  let view = { x: -400, y: -300, w: 800, h: 600 };
  const setView = () => svg.setAttribute("viewBox", `${view.x} ${view.y} ${view.w} ${view.h}`);
  const defs = el("defs");
  const marker = el("marker", { id: "arrow", viewBox: "0 0 10 10", refX: "10", refY: "5", markerWidth: "7", markerHeight: "7", orient: "auto-start-reverse" });
  marker.appendChild(el("path", { d: "M 0 0 L 10 5 L 0 10 z", fill: "#888" }));
  defs.appendChild(marker);
  svg.insertBefore(defs, viewport);
  const name = (i) => entities[i].label || entities[i].name;
  function shape(kind, w, hgt) {
    const k = kindOf.get(kind) || { shape: "box", fill: "#fff" };
    const a = { class: "shape", fill: k.fill, stroke: "#555" };
    switch (k.shape) {
      case "ellipse": return el("ellipse", { ...a, rx: w / 2, ry: hgt / 2 });
      case "hexagon": {
        const x = w / 2, y = hgt / 2, c = y * 0.6;
        return el("polygon", { ...a, points: `${-x},0 ${-x + c},${-y} ${x - c},${-y} ${x},0 ${x - c},${y} ${-x + c},${y}` });
      }
      default: return el("rect", { ...a, x: -w / 2, y: -hgt / 2, width: w, height: hgt, rx: k.shape === "box" ? 6 : 1 });
    }
  }
  function draw() {
    const nodesG = $("nodes"), edgesG = $("edges");
    nodesG.textContent = ""; edgesG.textContent = "";
    let drawnEdges = 0;
    edges.forEach((e, i) => {
      if (!edgeShown(e) || !entityShown(e.from) || !entityShown(e.to)) return;
      const a = pos.get(e.from), b = pos.get(e.to);
      const g = el("g", { class: "edge" + (e.statement.contested ? " contested" : "") + (selected && selected.edge === i ? " on" : ""), "data-edge": i, "data-relation": e.relation, "data-from": entities[e.from].name, "data-to": entities[e.to].name });
      const line = el("line", { x1: a.x, y1: a.y, x2: b.x, y2: b.y });
      if (!e.symmetric) line.setAttribute("marker-end", "url(#arrow)");
      g.appendChild(line);
      g.appendChild(el("text", { x: (a.x + b.x) / 2, y: (a.y + b.y) / 2 - 3, "text-anchor": "middle" }, e.relation + (e.statement.contested ? "?" : "")));
      g.appendChild(el("title", {}, e.statement.text));
      g.addEventListener("click", (ev) => { ev.stopPropagation(); select({ edge: i }); });
      edgesG.appendChild(g);
      drawnEdges++;
    });
    let drawnNodes = 0;
    for (const i of visible) {
      if (!entityShown(i)) continue;
      const p = pos.get(i);
      const text = name(i);
      const w = Math.min(180, 14 + 6.2 * text.length), hgt = 22;
      const g = el("g", { class: "node" + (selected && selected.entity === i ? " on" : "") + (hits.has(i) ? " hit" : ""), transform: `translate(${p.x},${p.y})`, "data-entity": entities[i].name });
      g.appendChild(shape(entities[i].kind, w, hgt));
      g.appendChild(el("text", { "text-anchor": "middle", dy: "4" }, text.length > 28 ? text.slice(0, 27) + "…" : text));
      g.appendChild(el("title", {}, `${entities[i].name} (${entities[i].kind})`));
      g.addEventListener("click", (ev) => { ev.stopPropagation(); select({ entity: i }); });
      nodesG.appendChild(g);
      drawnNodes++;
    }
    $("status").textContent = (large ? `${drawnNodes} of ${entities.length} entities shown (the most connected, and what you open); ` : `${drawnNodes} entities, `) + `${drawnEdges} statements` + (asOf ? ` valid on ${asOf}` : "");
  }
  function fit() {
    const ps = [...visible].filter(entityShown).map((i) => pos.get(i));
    if (!ps.length) return;
    const xs = ps.map((p) => p.x), ys = ps.map((p) => p.y);
    const x0 = Math.min(...xs) - 100, x1 = Math.max(...xs) + 100, y0 = Math.min(...ys) - 40, y1 = Math.max(...ys) + 40;
    view = { x: x0, y: y0, w: x1 - x0, h: y1 - y0 };
    setView();
  }
  // Pan by dragging, zoom with the wheel.
  let drag = null;
  svg.addEventListener("mousedown", (ev) => { drag = { x: ev.clientX, y: ev.clientY, view: { ...view } }; });
  window.addEventListener("mouseup", () => { drag = null; });
  window.addEventListener("mousemove", (ev) => {
    if (!drag) return;
    const s = view.w / svg.clientWidth;
    view.x = drag.view.x - (ev.clientX - drag.x) * s;
    view.y = drag.view.y - (ev.clientY - drag.y) * s;
    setView();
  });
  svg.addEventListener("wheel", (ev) => {
    ev.preventDefault();
    const f = ev.deltaY > 0 ? 1.15 : 1 / 1.15;
    const r = svg.getBoundingClientRect();
    const mx = view.x + (ev.clientX - r.left) / r.width * view.w, my = view.y + (ev.clientY - r.top) / r.height * view.h;
    view = { x: mx - (mx - view.x) * f, y: my - (my - view.y) * f, w: view.w * f, h: view.h * f };
    setView();
  }, { passive: false });
  svg.addEventListener("click", () => select(null));

  // The panel: an entity's card, or a statement's evidence.
  const panel = $("panel");
  function statementBlock(st, title) {
    const div = h("div", "statement");
    if (title) div.appendChild(h("div", "", title));
    div.appendChild(h("div", "text", st.text));
    if (st.contested) div.appendChild(h("div", "contested-mark", "contested: another statement contradicts this one"));
    if (st.quote) div.appendChild(h("blockquote", "quote", "\u201c" + st.quote + "\u201d"));
    const ev = st.evidence;
    if (ev) {
      const src = h("div", "source", "source: ");
      const a = h("a", "", ev.source);
      a.addEventListener("click", () => showSource(ev.file || (ev.source && null), ev));
      src.appendChild(a);
      div.appendChild(src);
      if (ev.prefix !== undefined && ev.file) {
        const p = h("div", "passage");
        p.appendChild(document.createTextNode("\u2026" + ev.prefix));
        p.appendChild(h("mark", "", sliceText(ev.file, ev.start, ev.end)));
        p.appendChild(document.createTextNode(ev.suffix + "\u2026"));
        div.appendChild(p);
        div.appendChild(h("div", "where", `${ev.file}:${ev.line}:${ev.column}`));
      }
    }
    div.appendChild(h("div", "where", `${st.file}:${st.line}`));
    return div;
  }
  const docs = new Map(data.documents.map((d) => [d.file, Array.from(d.text)]));
  const sliceText = (file, start, end) => (docs.get(file) || []).slice(start, end).join("");
  function select(what) {
    selected = what;
    panel.textContent = "";
    if (!what) { panel.appendChild(h("p", "hint", "Click an entity or a statement to read its evidence.")); draw(); return; }
    if (what.entity !== undefined) {
      const i = what.entity, e = entities[i];
      if (!visible.has(i)) { visible.add(i); layout(60); }
      panel.appendChild(h("h2", "", e.label || e.name));
      panel.appendChild(h("div", "kind", `${e.name} \u00b7 ${e.kind}`));
      const dl = h("dl");
      for (const k in e.attrs) { dl.appendChild(h("dt", "", k)); dl.appendChild(h("dd", "", e.attrs[k])); }
      panel.appendChild(dl);
      if (large) {
        const b = h("button", "expand", "Show its neighbours");
        b.type = "button";
        b.addEventListener("click", () => expand(i));
        panel.appendChild(b);
      }
      if (e.facts.length) panel.appendChild(h("h2", "", "Facts"));
      e.facts.forEach((f) => panel.appendChild(statementBlock(f)));
      const mine = neighbours[i].filter((k) => edgeShown(edges[k]));
      panel.appendChild(h("h2", "", `Statements (${mine.length})`));
      mine.forEach((k) => panel.appendChild(statementBlock(edges[k].statement)));
    } else {
      const e = edges[what.edge];
      const same = edges.filter((o) => o.from === e.from && o.to === e.to && o.relation === e.relation);
      panel.appendChild(h("h2", "", `${entities[e.from].name} ${e.relation} ${entities[e.to].name}`));
      panel.appendChild(h("div", "kind", `${same.length} statement${same.length === 1 ? "" : "s"}`));
      same.forEach((o) => panel.appendChild(statementBlock(o.statement)));
    }
    draw();
  }
  function expand(i) {
    neighbours[i].forEach((k) => { visible.add(edges[k].from); visible.add(edges[k].to); });
    layout(80); draw();
  }

  // Search: names and labels, `/` focuses, Esc clears.
  const search = $("search"), list = $("suggestions");
  const keys = entities.map((e, i) => ({ i, key: norm(e.name) + " | " + norm(e.label) }));
  let active = -1;
  function suggest() {
    list.textContent = ""; active = -1;
    const q = norm(search.value);
    if (!q) return;
    const words = q.split(" ");
    const hits = keys.filter((k) => words.every((w) => k.key.split(/[ |]+/).some((x) => x.startsWith(w))))
      .sort((a, b) => entities[b.i].degree - entities[a.i].degree).slice(0, 12);
    hits.forEach((k, n) => {
      const li = h("li", "", entities[k.i].label || entities[k.i].name);
      li.setAttribute("role", "option");
      li.dataset.entity = entities[k.i].name;
      li.appendChild(h("small", "", ` ${entities[k.i].name} \u00b7 ${entities[k.i].kind}`));
      li.addEventListener("mousedown", (ev) => { ev.preventDefault(); choose(k.i); });
      list.appendChild(li);
      if (n === 0) { li.classList.add("on"); active = 0; }
    });
  }
  function choose(i) {
    search.value = ""; list.textContent = "";
    showView("graph");
    select({ entity: i });
    const p = pos.get(i);
    view.x = p.x - view.w / 2; view.y = p.y - view.h / 2; setView();
  }
  search.addEventListener("input", suggest);
  search.addEventListener("keydown", (ev) => {
    const items = [...list.children];
    if (ev.key === "ArrowDown" || ev.key === "ArrowUp") {
      ev.preventDefault();
      if (!items.length) return;
      if (active >= 0) items[active].classList.remove("on");
      active = (active + (ev.key === "ArrowDown" ? 1 : items.length - 1)) % items.length;
      items[active].classList.add("on");
    } else if (ev.key === "Enter" && active >= 0) {
      const name = items[active].dataset.entity;
      choose(entities.findIndex((e) => e.name === name));
    } else if (ev.key === "Escape") {
      search.value = ""; list.textContent = ""; search.blur();
    }
  });
  document.addEventListener("keydown", (ev) => {
    if (ev.key === "/" && document.activeElement !== search) { ev.preventDefault(); search.focus(); }
    else if (ev.key === "Escape" && document.activeElement !== search) select(null);
  });

  // Filters by kind and relation.
  function checkbox(parent, label, set, value, swatch) {
    const l = h("label");
    const c = h("input"); c.type = "checkbox"; c.checked = true; c.dataset.value = value;
    c.addEventListener("change", () => { if (c.checked) set.add(value); else set.delete(value); layout(40); draw(); });
    l.appendChild(c);
    if (swatch) { const s = h("span", "swatch"); s.style.background = swatch; l.appendChild(s); }
    l.appendChild(document.createTextNode(label));
    parent.appendChild(l);
  }
  data.kinds.forEach((k) => checkbox($("kinds"), k.kind, shownKinds, k.kind, k.fill));
  data.relations.forEach((r) => checkbox($("relations"), r.name + (r.symmetric ? " \u2194" : ""), shownRelations, r.name));

  // Time: a slider over the days that statements name, and a timeline.
  const dated = [];
  edges.forEach((e, i) => { const d = e.statement.dates || {}; const day = d.date || d.from || d.until; if (day) dated.push([day, i]); });
  dated.sort((a, b) => a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] - b[1]);
  // Every day from the one before the first date named to the last.
  const named = [...new Set(edges.flatMap((e) => Object.values(e.statement.dates || {})))].sort();
  const days = [];
  if (named.length) {
    const day = (s) => Date.UTC(+s.slice(0, 4), +s.slice(5, 7) - 1, +s.slice(8, 10));
    const last = day(named[named.length - 1]);
    for (let t = day(named[0]) - 86400000; t <= last && days.length < 200000; t += 86400000) {
      days.push(new Date(t).toISOString().slice(0, 10));
    }
  }
  const slider = $("as-of"), every = $("all-dates"), out = $("as-of-date");
  if (!days.length) $("time").hidden = true;
  const dayIndex = (d) => days.indexOf(d);
  slider.max = String(Math.max(days.length - 1, 0));
  slider.dataset.first = days[0] || "";
  slider.value = slider.max;
  function setTime() {
    asOf = every.checked ? null : days[Number(slider.value)];
    slider.disabled = every.checked;
    out.textContent = asOf || "";
    [...$("timeline").children].forEach((li) => li.classList.toggle("off", asOf !== null && !validOn(edges[Number(li.dataset.edge)].statement, asOf)));
    layout(30); draw();
    if (selected) select(selected);
  }
  every.addEventListener("change", setTime);
  slider.addEventListener("input", setTime);
  dated.forEach(([day, i]) => {
    const li = h("li", "", `${day} ${edges[i].statement.text}`);
    li.dataset.edge = i;
    li.addEventListener("click", () => {
      every.checked = false; slider.value = String(dayIndex(day)); setTime();
      visible.add(edges[i].from); visible.add(edges[i].to); layout(40); select({ edge: i });
    });
    $("timeline").appendChild(li);
  });

  // Sources: each document's text, the quoted passages marked.
  const sourcesView = $("view-sources");
  function buildSources() {
    sourcesView.textContent = "";
    for (const d of data.documents) {
      const text = docs.get(d.file);
      const marks = [];
      const add = (st, ref) => { const ev = st.evidence; if (ev && ev.file === d.file && ev.end > ev.start) marks.push([ev.start, ev.end, ref, st]); };
      edges.forEach((e, i) => add(e.statement, { edge: i }));
      entities.forEach((e, i) => e.facts.forEach((f) => add(f, { entity: i })));
      marks.sort((a, b) => a[0] - b[0] || b[1] - a[1]);
      // Overlapping quotes make one highlight, which lists them all.
      const regions = [];
      for (const [st0, en, ref, st] of marks) {
        const last = regions[regions.length - 1];
        if (last && st0 < last.end) { last.end = Math.max(last.end, en); last.refs.push([ref, st]); }
        else regions.push({ start: st0, end: en, refs: [[ref, st]] });
      }
      const doc = h("article", "document");
      doc.dataset.file = d.file;
      doc.appendChild(h("h2", "", d.file));
      // Sentences some quote overlaps are dark; the others light.
      const sentences = [];
      let from = 0;
      for (let k = 0; k < text.length; k++) {
        if (".!?\n".includes(text[k]) && (k + 1 >= text.length || /\s/.test(text[k + 1]))) { sentences.push([from, k + 1]); from = k + 1; }
      }
      if (from < text.length) sentences.push([from, text.length]);
      const cited = sentences.map(([s0, e0]) => regions.some((r) => r.start < e0 && r.end > s0));
      let at = 0;
      const plain = (from, to) => {
        sentences.forEach(([s0, e0], k) => {
          const a0 = Math.max(s0, from), b0 = Math.min(e0, to);
          if (a0 >= b0) return;
          const part = text.slice(a0, b0).join("");
          doc.appendChild(cited[k] ? h("span", "cited", part) : document.createTextNode(part));
        });
      };
      for (const r of regions) {
        plain(at, r.start);
        const m = h("mark", "", text.slice(r.start, r.end).join(""));
        m.title = r.refs.map(([, st]) => st.text).join("\n");
        m.dataset.statements = String(r.refs.length);
        const [ref] = r.refs[0];
        m.addEventListener("click", () => {
          doc.querySelectorAll("mark.on").forEach((x) => x.classList.remove("on"));
          m.classList.add("on");
          if (ref.edge !== undefined) { visible.add(edges[ref.edge].from); visible.add(edges[ref.edge].to); layout(40); }
          select(ref);
        });
        doc.appendChild(m);
        at = r.end;
      }
      plain(at, text.length);
      sourcesView.appendChild(doc);
    }
    if (!data.documents.length) sourcesView.appendChild(h("p", "hint", "No statement cites a document whose text is here."));
  }
  function showSource(file) {
    showView("sources");
    const doc = [...sourcesView.children].find((d) => d.dataset.file === file);
    if (doc) doc.scrollIntoView();
  }
  function showView(which) {
    $("view-graph").hidden = which !== "graph";
    sourcesView.hidden = which !== "sources";
    $("tab-graph").classList.toggle("on", which === "graph");
    $("tab-sources").classList.toggle("on", which === "sources");
    if (which === "sources" && !sourcesView.childElementCount) buildSources();
  }
  $("tab-graph").addEventListener("click", () => showView("graph"));
  $("tab-sources").addEventListener("click", () => showView("sources"));

  // Served live: a query box, and the page follows the files.
  if (document.body.dataset.live === "true") {
    const form = $("query");
    form.hidden = false;
    const byName = new Map(entities.map((e, i) => [e.name, i]));
    let before = null; // what was drawn before an answer's subgraph
    const collect = (v, out) => {
      if (typeof v === "string") { if (byName.has(v)) out.add(byName.get(v)); }
      else if (Array.isArray(v)) v.forEach((x) => collect(x, out));
      else if (v && typeof v === "object") Object.values(v).forEach((x) => collect(x, out));
      return out;
    };
    form.addEventListener("submit", async (ev) => {
      ev.preventDefault();
      const text = $("query-text").value;
      const r = await fetch("/api/query", { method: "POST", body: text });
      const answer = await r.json();
      selected = null;
      panel.textContent = "";
      panel.appendChild(h("h2", "", "Answer"));
      panel.appendChild(h("div", "kind", text));
      if (r.status !== 200) {
        panel.appendChild(h("pre", "error", answer.diagnostic || answer.error));
        hits = new Set();
      } else {
        hits = collect(answer.sources ? { ...answer, sources: [] } : answer, new Set());
        // The drawing becomes the subgraph the answer touches, until
        // "Show everything".
        if (hits.size) {
          if (!before) before = new Set(visible);
          visible = new Set(hits);
          const all = h("button", "expand", "Show everything");
          all.type = "button";
          all.addEventListener("click", () => { visible = before; before = null; hits = new Set(); layout(40); draw(); fit(); });
          panel.appendChild(all);
        }
        if (answer.truncated) panel.appendChild(h("div", "contested-mark", "partial: a limit stopped the search"));
        const pre = h("pre", "answer", JSON.stringify(answer, null, 1).split("\n").slice(0, 400).join("\n"));
        panel.appendChild(pre);
        // `why`: the statements each row rests on, as evidence.
        (answer.sources || []).flat().forEach((st) => panel.appendChild(statementBlock(st)));
        layout(60);
      }
      draw();
      fit();
    });
    let etag = null;
    const poll = async () => {
      try {
        const r = await fetch("/api/graph", { headers: etag ? { "If-None-Match": etag } : {}, cache: "no-store" });
        const diag = r.headers.get("X-Dossier-Diagnostics");
        const box = $("diagnostics");
        box.hidden = !diag;
        box.textContent = diag ? decodeURIComponent(diag) : "";
        const tag = r.headers.get("ETag");
        if (etag === null) etag = tag;
        else if (tag !== etag) { etag = tag; if (!diag) { location.reload(); return; } }
      } catch (e) { /* the server is away: try again */ }
      setTimeout(poll, 700);
    };
    poll();
  }

  layout(large ? 150 : 300);
  draw();
  fit();
  // Interactive: the graph drawn and the search accepting input.
  document.body.dataset.interactive = String(Math.round(performance.now()));
  document.body.dataset.ready = "true";
})();
