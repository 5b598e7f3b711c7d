import { createHash } from 'node:crypto';

// The inspector's one page: HTML, CSS and script inline, no build step, nothing fetched from anywhere but this server
// (the Content-Security-Policy below lets the browser enforce that: only these exact inline blocks run, and the only
// connection allowed is the page's own /events stream). The script is plain ES2020 kept free of backticks and
// template placeholders so it can live in this template literal unchanged.

const STYLE = `
:root { --bg: #f6f7f9; --card: #fff; --ink: #1d2330; --mute: #6b7385; --line: #d5d9e0; --ok: #2f7d4f; --warn: #c77700;
  --full: #c0392b; --bar: #3b6fd8; }
* { box-sizing: border-box; }
body { margin: 0; font: 13px/1.35 system-ui, sans-serif; color: var(--ink); background: var(--bg); }
header { display: flex; gap: 16px; align-items: baseline; padding: 10px 16px; border-bottom: 1px solid var(--line); background: var(--card); }
header h1 { font-size: 16px; margin: 0; }
#status { font-weight: 600; }
#status.live { color: var(--ok); } #status.closed, #status.reconnecting { color: var(--full); }
.mute { color: var(--mute); }
main { padding: 16px; }
#flow { position: relative; display: flex; gap: 56px; align-items: flex-start; overflow-x: auto; padding-bottom: 8px; }
#edges { position: absolute; left: 0; top: 0; pointer-events: none; overflow: visible; }
#edges path { fill: none; stroke: #8a93a6; stroke-width: 1.5; }
.column { display: flex; flex-direction: column; gap: 16px; z-index: 1; }
.card { width: 330px; background: var(--card); border: 1px solid var(--line); border-left: 5px solid var(--ok); border-radius: 6px; padding: 8px 10px; }
.card.near { border-left-color: var(--warn); background: #fff8ea; }
.card.full { border-left-color: var(--full); background: #fdecea; }
.card h2 { font-size: 14px; margin: 0 0 4px; display: flex; justify-content: space-between; gap: 6px; word-break: break-all; }
.tags span { font-size: 11px; font-weight: 500; color: var(--mute); border: 1px solid var(--line); border-radius: 8px; padding: 0 5px; margin-left: 3px; }
.depth { height: 10px; background: #e9ecf1; border-radius: 3px; overflow: hidden; margin: 4px 0 2px; }
.depth div { height: 100%; width: 0; background: var(--bar); }
.card.near .depth div { background: var(--warn); } .card.full .depth div { background: var(--full); }
table { width: 100%; border-collapse: collapse; font-variant-numeric: tabular-nums; }
td { padding: 1px 0; } td.v { text-align: right; font-weight: 600; white-space: nowrap; padding-left: 8px; }
svg.spark { width: 100%; height: 40px; display: block; margin-top: 4px; background: #fafbfc; border: 1px solid #eef0f3; }
svg.spark polyline { fill: none; stroke: var(--bar); stroke-width: 1.5; vector-effect: non-scaling-stroke; }
svg.spark line { stroke: var(--full); stroke-dasharray: 3 3; stroke-width: 1; vector-effect: non-scaling-stroke; }
#totals { margin-top: 24px; display: flex; gap: 16px; flex-wrap: wrap; }
#totals:empty { display: none; }
#empty { color: var(--mute); }
`;

const SCRIPT = `
'use strict';
(function () {
  var state = { cards: new Map(), historyLength: 1, warnAt: 0.8 };
  var flow = document.getElementById('flow');
  var totals = document.getElementById('totals');
  var edges = document.getElementById('edges');
  var statusEl = document.getElementById('status');
  var SVG = 'http://www.w3.org/2000/svg';
  var FIELDS = [
    ['buffered', 'buffered / capacity'], ['deepest', 'deepest subscription'], ['fillRatio', 'fill ratio'],
    ['requested', 'demand down (unmet)'], ['upstreamRequested', 'demand up (unmet)'],
    ['inRate', 'in / s'], ['outRate', 'out / s'], ['dropRate', 'dropped / s'],
    ['received', 'in (total)'], ['emitted', 'out (total)'], ['dropped', 'dropped (total)'],
    ['ended', 'completed / cancelled / errored'], ['subscriptions', 'live subscriptions']
  ];
  function num(v) { return typeof v === 'string' ? Number(v) : v; }
  function fmt(v) {
    if (v === Infinity) return '\\u221e';
    if (Number.isInteger(v) || Math.abs(v) >= 100) return Math.round(v).toLocaleString('en');
    return v.toFixed(1);
  }
  function setStatus(text, cls) { statusEl.textContent = text; statusEl.className = cls; }
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }
  function makeCard(name) {
    var card = el('section', 'card');
    card.dataset.stage = name;
    var h = el('h2');
    h.appendChild(el('span', 'name', name));
    var tags = el('span', 'tags');
    h.appendChild(tags);
    card.appendChild(h);
    var depth = el('div', 'depth');
    var bar = el('div');
    depth.appendChild(bar);
    card.appendChild(depth);
    var table = el('table');
    var cells = {};
    FIELDS.forEach(function (f) {
      var tr = el('tr');
      tr.appendChild(el('td', 'k mute', f[1]));
      var td = el('td', 'v');
      td.dataset.field = f[0];
      tr.appendChild(td);
      table.appendChild(tr);
      cells[f[0]] = td;
    });
    card.appendChild(table);
    var spark = document.createElementNS(SVG, 'svg');
    spark.setAttribute('class', 'spark');
    spark.setAttribute('preserveAspectRatio', 'none');
    var cap = document.createElementNS(SVG, 'line');
    var line = document.createElementNS(SVG, 'polyline');
    spark.appendChild(cap);
    spark.appendChild(line);
    card.appendChild(spark);
    return { card: card, tags: tags, bar: bar, cells: cells, spark: spark, cap: cap, line: line,
      history: new Array(state.historyLength), start: 0, size: 0 };
  }
  function push(c, v) {
    var n = c.history.length;
    if (c.size < n) { c.history[(c.start + c.size) % n] = v; c.size++; }
    else { c.history[c.start] = v; c.start = (c.start + 1) % n; }
  }
  function resize(c) {
    if (c.history.length === state.historyLength) return;
    var old = [];
    for (var i = 0; i < c.size; i++) old.push(c.history[(c.start + i) % c.history.length]);
    c.history = new Array(state.historyLength); c.start = 0; c.size = 0;
    old.slice(-state.historyLength).forEach(function (v) { push(c, v); });
  }
  function set(td, value, text) {
    td.dataset.value = String(value);
    td.textContent = text;
  }
  // A depth as a sparkline y: 95 (empty) up to 5 (the larger of the bound and the deepest sample), so neither
  // extreme is drawn on the edge.
  function level(v, max) { return String(Math.round(9500 - (9000 * v) / max) / 100); }
  function drawSpark(c, capacity) {
    var n = state.historyLength, max = Math.max(1, capacity);
    for (var i = 0; i < c.size; i++) max = Math.max(max, c.history[(c.start + i) % c.history.length]);
    c.spark.setAttribute('viewBox', '0 0 ' + Math.max(1, n - 1) + ' 100');
    // Oldest on the left: the line grows to the right until the history is full, then scrolls.
    var pts = [];
    for (var j = 0; j < c.size; j++) {
      var v = c.history[(c.start + j) % c.history.length];
      pts.push(j + ',' + level(v, max));
    }
    c.line.setAttribute('points', pts.join(' '));
    c.spark.dataset.points = String(c.size);
    c.spark.dataset.last = c.size > 0 ? String(c.history[(c.start + c.size - 1) % c.history.length]) : '';
    var y = capacity > 0 ? level(capacity, max) : '-10';
    c.cap.setAttribute('x1', '0'); c.cap.setAttribute('x2', String(Math.max(1, n - 1)));
    c.cap.setAttribute('y1', y); c.cap.setAttribute('y2', y);
  }
  function update(c, s) {
    var capacity = num(s.capacity), buffered = num(s.buffered), fill = num(s.fillRatio);
    c.card.classList.toggle('near', fill >= state.warnAt && fill < 1);
    c.card.classList.toggle('full', fill >= 1);
    c.card.dataset.column = String(s.column);
    c.card.dataset.upstreams = s.upstreams.join('\\n');
    c.card.dataset.downstreams = s.downstreams.join('\\n');
    c.tags.textContent = '';
    if (s.total) c.tags.appendChild(el('span', '', 'total'));
    if (s.upstreams.length > 1) c.tags.appendChild(el('span', 'fan-in', 'fan-in ' + s.upstreams.length));
    if (s.downstreams.length > 1) c.tags.appendChild(el('span', 'fan-out', 'fan-out ' + s.downstreams.length));
    c.bar.style.width = capacity > 0 ? Math.min(100, (100 * buffered) / capacity).toFixed(1) + '%' : '0';
    set(c.cells.buffered, buffered, fmt(buffered) + ' / ' + (capacity > 0 ? fmt(capacity) : 'no buffer'));
    c.cells.buffered.dataset.capacity = String(capacity);
    set(c.cells.fillRatio, fill, (100 * fill).toFixed(0) + '%');
    ['deepest', 'requested', 'upstreamRequested', 'inRate', 'outRate', 'dropRate', 'received', 'emitted', 'dropped',
      'subscriptions'].forEach(function (k) { var v = num(s[k]); set(c.cells[k], v, fmt(v)); });
    var reasons = Object.keys(s.droppedByReason).filter(function (r) { return num(s.droppedByReason[r]) > 0; });
    c.cells.dropped.title = reasons.map(function (r) { return r + ': ' + s.droppedByReason[r]; }).join(', ');
    set(c.cells.ended, [s.completed, s.cancelled, s.errors].join('/'), fmt(s.completed) + ' / ' + fmt(s.cancelled) + ' / ' + fmt(s.errors));
    if (s.history) { c.start = 0; c.size = 0; s.history.forEach(function (v) { push(c, v); }); }
    else push(c, buffered);
    drawSpark(c, capacity);
  }
  function drawEdges() {
    var box = flow.getBoundingClientRect();
    edges.setAttribute('width', String(flow.scrollWidth));
    edges.setAttribute('height', String(flow.scrollHeight));
    edges.textContent = '';
    state.cards.forEach(function (c) {
      if (!c.card.dataset.upstreams) return;
      c.card.dataset.upstreams.split('\\n').forEach(function (up) {
        var from = state.cards.get(up);
        if (!from) return;
        var a = from.card.getBoundingClientRect(), b = c.card.getBoundingClientRect();
        var x1 = a.right - box.left + flow.scrollLeft, y1 = a.top + a.height / 2 - box.top;
        var x2 = b.left - box.left + flow.scrollLeft, y2 = b.top + b.height / 2 - box.top;
        var mid = (x1 + x2) / 2;
        var p = document.createElementNS(SVG, 'path');
        p.setAttribute('d', 'M' + x1 + ',' + y1 + ' C' + mid + ',' + y1 + ' ' + mid + ',' + y2 + ' ' + x2 + ',' + y2);
        p.dataset.from = up; p.dataset.to = c.card.dataset.stage;
        edges.appendChild(p);
      });
    });
  }
  function apply(frame) {
    state.warnAt = num(frame.warnAt);
    state.historyLength = Math.max(1, num(frame.historyLength));
    var seen = new Set();
    var columns = 0;
    frame.stages.forEach(function (s) { if (!s.total) columns = Math.max(columns, s.column + 1); });
    var cols = flow.querySelectorAll('.column');
    for (var i = cols.length; i < columns; i++) flow.appendChild(el('div', 'column'));
    cols = flow.querySelectorAll('.column');
    for (var k = cols.length - 1; k >= columns; k--) cols[k].remove();
    cols = flow.querySelectorAll('.column');
    frame.stages.forEach(function (s) {
      seen.add(s.stage);
      var c = state.cards.get(s.stage);
      if (!c) { c = makeCard(s.stage); state.cards.set(s.stage, c); }
      resize(c);
      update(c, s);
      var parent = s.total ? totals : cols[s.column];
      parent.appendChild(c.card);
    });
    state.cards.forEach(function (c, name) {
      if (!seen.has(name)) { c.card.remove(); state.cards.delete(name); }
    });
    document.getElementById('empty').hidden = frame.stages.length > 0;
    document.getElementById('count').textContent = String(frame.stages.length);
    document.getElementById('updated').textContent = 'sampled every ' + num(frame.periodMs) + ' ms, up ' + (num(frame.uptimeMs) / 1000).toFixed(1) + ' s';
    document.body.dataset.frames = String(Number(document.body.dataset.frames || '0') + 1);
    drawEdges();
  }
  var source = new EventSource('events');
  source.addEventListener('frame', function (e) { apply(JSON.parse(e.data)); setStatus('live', 'live'); });
  source.addEventListener('error', function () {
    if (source.readyState === EventSource.CLOSED) setStatus('closed (server gone or too many viewers)', 'closed');
    else setStatus('reconnecting', 'reconnecting');
  });
  window.addEventListener('resize', drawEdges);
})();
`;

const hash = (text: string): string => `'sha256-${createHash('sha256').update(text).digest('base64')}'`;

/**
 * The page's Content-Security-Policy: nothing but the inline blocks above may run or style, and the page may connect
 * only to its own origin (the event stream). A page that tried to fetch anything else would be blocked, with a
 * console error the browser tests fail on.
 */
export const PAGE_CSP = [
  "default-src 'none'",
  `script-src ${hash(SCRIPT)}`,
  `style-src ${hash(STYLE)}`,
  "connect-src 'self'",
  'img-src data:',
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** The whole page, as served at `/`. */
export const PAGE_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>sluice inspector</title>
<link rel="icon" href="data:,">
<style>${STYLE}</style>
</head>
<body>
<header>
<h1>sluice inspector</h1>
<span id="status" class="reconnecting">connecting</span>
<span class="mute"><span id="count">0</span> stages</span>
<span class="mute" id="updated"></span>
<span class="mute">source &#8594; operators &#8594; sink, left to right; amber: near its bound, red: full</span>
</header>
<main>
<p id="empty">No stage registered yet: name stages with <code>name(stage)</code> and attach them with <code>metrics(registry)</code>.</p>
<div id="flow"><svg id="edges" xmlns="http://www.w3.org/2000/svg"></svg></div>
<div id="totals"></div>
</main>
<script>${SCRIPT}</script>
</body>
</html>
`;
