// Signalbox dashboard: the page's only row renderer. Draws the overview embedded in the page at once
// (with each primitive's recent waiting for the sparklines), then each one the server's stream sends
// (one a second); shows one primitive's charts, holders and hot keys on a click.
(function () {
  'use strict';
  var base = document.body.getAttribute('data-base').replace(/\/$/, '');
  var tbody = document.querySelector('#overview tbody');
  var statusEl = document.getElementById('status');
  var sparks = {};          // name -> recent waiting values
  var rows = [];            // the last overview's rows, server order (most contended first)
  var sortKey = null;       // null: server order
  var paused = false;
  var selected = null;
  var SPARK_POINTS = 60;

  function fmt(ms) { return ms >= 1000 ? (ms / 1000).toFixed(1) + ' s' : (ms < 10 ? ms.toFixed(3) : ms.toFixed(0)) + ' ms'; }
  function td(text, cls) { var c = document.createElement('td'); c.textContent = text; if (cls) c.className = cls; return c; }
  function setStatus(text, cls) { statusEl.textContent = text; statusEl.className = 'status ' + cls; }

  function drawLines(canvas, series, fixedMax) {
    var ctx = canvas.getContext('2d'), w = canvas.width, h = canvas.height;
    ctx.clearRect(0, 0, w, h);
    var max = fixedMax || 0;
    series.forEach(function (s) { s.values.forEach(function (v) { if (v > max) max = v; }); });
    if (max <= 0) max = 1;
    var small = h < 40;
    if (!small) {
      ctx.fillStyle = '#888'; ctx.font = '10px sans-serif';
      ctx.fillText(String(Math.round(max * 1000) / 1000), 2, 10);
      ctx.strokeStyle = '#eee'; ctx.beginPath(); ctx.moveTo(0, h - 1); ctx.lineTo(w, h - 1); ctx.stroke();
    }
    series.forEach(function (s) {
      var n = s.values.length; if (n === 0) return;
      ctx.strokeStyle = s.color; ctx.lineWidth = small ? 1.5 : 1.5; ctx.beginPath();
      s.values.forEach(function (v, i) {
        var x = n === 1 ? w : (i / (n - 1)) * (w - 2) + 1, y = h - 2 - (v / max) * (h - (small ? 4 : 14));
        if (i === 0) ctx.moveTo(x, y); else ctx.lineTo(x, y);
      });
      ctx.stroke();
    });
  }

  function sorted() {
    if (!sortKey) return rows;
    return rows.slice().sort(function (a, b) {
      var x = a[sortKey], y = b[sortKey];
      if (typeof x === 'number') return y - x;
      return String(x).localeCompare(String(y));
    });
  }

  function render() {
    tbody.textContent = '';
    sorted().forEach(function (r) {
      var tr = document.createElement('tr');
      tr.className = 'primitive' + (r.waiting > 0 ? ' contended' : '') + (r.name === selected ? ' selected' : '');
      tr.setAttribute('data-name', r.name);
      tr.appendChild(td(r.name + (r.keys >= 0 ? ' (keyed: ' + r.keys + ' live)' : ''), 'name'));
      tr.appendChild(td(r.kind)); tr.appendChild(td(r.scope));
      tr.appendChild(td(r.waiting, 'num waiting'));
      var sparkCell = document.createElement('td'), canvas = document.createElement('canvas');
      canvas.width = 120; canvas.height = 24; canvas.className = 'spark'; sparkCell.appendChild(canvas); tr.appendChild(sparkCell);
      tr.appendChild(td(r.active + ' / ' + r.capacity, 'num'));
      tr.appendChild(td(fmt(r.waitP50), 'num')); tr.appendChild(td(fmt(r.waitP99), 'num'));
      tr.appendChild(td(fmt(r.holdP50), 'num')); tr.appendChild(td(fmt(r.holdP99), 'num'));
      tr.appendChild(td(r.acquiredPerSecond, 'num acquired'));
      tr.appendChild(td(r.timeoutsPerSecond, 'num')); tr.appendChild(td(r.rejectedPerSecond, 'num'));
      var warnings = document.createElement('td'); warnings.className = 'warnings';
      r.warnings.forEach(function (w) { var s = document.createElement('span'); s.className = 'warning'; s.textContent = w; warnings.appendChild(s); });
      tr.appendChild(warnings);
      tr.addEventListener('click', function () { select(r.name); });
      tbody.appendChild(tr);
      drawLines(canvas, [{ values: sparks[r.name] || [], color: '#b3261e' }]);
    });
  }

  function accept(overview, withHistory) {
    document.getElementById('total').textContent = overview.total;
    document.getElementById('clock').textContent = overview.time.replace('T', ' ').replace(/\.\d+Z$/, 'Z');
    rows = overview.primitives;
    rows.forEach(function (r) {
      var s = withHistory ? r.waitingHistory.slice() : (sparks[r.name] || []);
      if (!withHistory) { s.push(r.waiting); }
      while (s.length > SPARK_POINTS) s.shift();
      sparks[r.name] = s;
    });
    render();
    if (selected) loadDetail();
  }

  function select(name) { selected = name; render(); loadDetail(); }

  function loadDetail() {
    var name = selected;
    fetch(base + '/primitive?name=' + encodeURIComponent(name), { credentials: 'same-origin' })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (d) { if (d && name === selected) renderDetail(name, d); });
  }

  function renderDetail(name, d) {
    var section = document.getElementById('detail'); section.hidden = false;
    document.getElementById('detail-title').textContent = name;
    var row = d.row || {};
    document.getElementById('detail-shape').textContent = (row.scope === 'cluster' ? 'cluster ' : '') + (row.shape || '') +
      (row.kind === 'barrier' ? ': ' + row.waiting + ' of ' + row.capacity + ' parties arrived in this generation' : '') +
      (d.tokensLeft !== undefined ? ': ' + d.tokensLeft + ' tokens left of ' + row.capacity + '; admitted and rejected per second in the last chart' : '') +
      (row.kind === 'queue' ? ': ' + row.active + ' queued of ' + row.capacity : '') +
      (d.queueCapacity !== undefined ? ': ' + d.queued + ' queued of ' + d.queueCapacity + ', ' + row.active + ' of ' + row.capacity + ' workers busy' : '');
    var h = d.history, pick = function (k) { return h.map(function (s) { return s[k]; }); };
    drawLines(document.getElementById('chart-depth'), [{ values: pick('waiting'), color: '#b3261e' }, { values: pick('active'), color: '#1a73e8' }]);
    drawLines(document.getElementById('chart-wait'), [{ values: pick('waitP50'), color: '#1a73e8' }, { values: pick('waitP99'), color: '#b3261e' }]);
    drawLines(document.getElementById('chart-hold'), [{ values: pick('holdP50'), color: '#1a73e8' }, { values: pick('holdP99'), color: '#b3261e' }]);
    drawLines(document.getElementById('chart-outcomes'), [{ values: pick('acquired'), color: '#188038' }, { values: pick('timeouts'), color: '#b3261e' }, { values: pick('rejected'), color: '#e37400' }]);
    var holders = document.querySelector('#holders tbody'); holders.textContent = '';
    d.holders.forEach(function (x) {
      var tr = document.createElement('tr');
      [x.holder, x.key || '', x.permits, x.since, fmt(x.heldMillis)].forEach(function (v, i) { tr.appendChild(td(v, i === 2 || i === 4 ? 'num' : '')); });
      holders.appendChild(tr);
    });
    var keysSection = document.getElementById('keys-section'), keys = document.querySelector('#keys tbody');
    keysSection.hidden = !d.hottestKeys; keys.textContent = '';
    (d.hottestKeys || []).forEach(function (k) {
      var tr = document.createElement('tr');
      [k.key, k.acquisitions, k.borrowers, k.waiting, k.active].forEach(function (v, i) { tr.appendChild(td(v, i ? 'num' : '')); });
      keys.appendChild(tr);
    });
    var waitingKeys = document.querySelector('#keys-waiting tbody'); waitingKeys.textContent = '';
    (d.keysByWaiting || []).forEach(function (k) {
      var tr = document.createElement('tr');
      [k.key, k.waiting, k.active].forEach(function (v, i) { tr.appendChild(td(v, i ? 'num' : '')); });
      waitingKeys.appendChild(tr);
    });
  }

  document.querySelectorAll('th[data-sort]').forEach(function (th) {
    th.addEventListener('click', function () {
      var key = th.getAttribute('data-sort');
      sortKey = sortKey === key ? null : key;
      document.querySelectorAll('th').forEach(function (x) { x.classList.toggle('sorted', x.getAttribute('data-sort') === sortKey); });
      render();
    });
  });

  document.getElementById('pause').addEventListener('click', function () {
    paused = !paused;
    this.textContent = paused ? 'Resume' : 'Pause';
    setStatus(paused ? 'paused' : 'live', paused ? 'paused' : 'live');
  });

  var first = document.getElementById('first-overview');
  if (first) accept(JSON.parse(first.textContent), true);

  var source = new EventSource(base + '/stream', { withCredentials: true });
  source.addEventListener('open', function () { if (!paused) setStatus('live', 'live'); });
  source.addEventListener('error', function () { setStatus('reconnecting…', 'down'); });
  source.addEventListener('overview', function (e) {
    var overview = JSON.parse(e.data);
    if (paused) return;
    setStatus('live', 'live');
    accept(overview, false);
  });
})();
