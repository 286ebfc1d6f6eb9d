/*
 * The insights page's script (loaded from /agent/insights.js: the CSP allows no inline scripts).
 * Reads /agent/api/insights (the figures of src/insights/, the same as `npm run review -- --json`),
 * draws the charts and tables (insights-charts.js) and adds unanswered questions as examples
 * (POST /agent/api/insights/accept, like `npm run review -- --accept`). The session is the console's
 * HttpOnly cookie; every POST carries `X-Requested-With: agent-console`. Words: insights-words.js.
 * Everything from the server is put on the page with textContent (never innerHTML).
 */
(function () {
  'use strict';

  var W = window.INSIGHTS_WORDS;
  var C = window.InsightsCharts;
  var fill = C.fill;
  var SHOWN_CLUSTERS = 20;
  var state = { me: null, figures: null, seq: 0 };

  function $(id) { return document.getElementById(id); }
  function el(tag, className, text) {
    var e = document.createElement(tag);
    if (className) e.className = className;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }

  function api(method, url, body) {
    var init = { method: method, headers: { Accept: 'application/json' }, credentials: 'same-origin', cache: 'no-store' };
    if (method !== 'GET') {
      init.headers['Content-Type'] = 'application/json';
      init.headers['X-Requested-With'] = 'agent-console';
      init.body = JSON.stringify(body || {});
    }
    return fetch(url, init).then(function (res) {
      return res.text().then(function (raw) {
        var data;
        try { data = raw ? JSON.parse(raw) : null; } catch { data = null; }
        return { status: res.status, ok: res.ok, data: data };
      });
    });
  }

  function failText(r) {
    if (!r) return W.offline;
    if (r.status === 503) return W.storeDown;
    return fill(W.serverError, { status: r.status });
  }

  // ------------------------------------------------------------------ views

  function show(view) {
    $('boot').hidden = true;
    ['login-view', 'refused-view', 'disabled-view', 'insights-view'].forEach(function (id) { $(id).hidden = id !== view; });
    $('who').hidden = !state.me;
    $('logout').hidden = !state.me;
  }

  function showLogin(message) {
    state.me = null;
    show('login-view');
    $('login-error').textContent = message || '';
    $('agent-key').value = '';
    ($('agent-id').value ? $('agent-key') : $('agent-id')).focus();
  }

  function boot() {
    return api('GET', '/agent/api/me').then(function (r) {
      if (r.status === 401) return showLogin('');
      if (r.status === 404) return show('disabled-view');
      if (!r.ok || !r.data) return showLogin(failText(r));
      state.me = r.data;
      $('agent-name').textContent = r.data.name;
      if (!r.data.supervisor) return show('refused-view');
      show('insights-view');
      return load({});
    }, function () { showLogin(W.offline); });
  }

  // ------------------------------------------------------------------ figures

  var dayFmt = new Intl.DateTimeFormat('id-ID', { day: 'numeric', month: 'short', timeZone: 'UTC' });
  var longFmt = new Intl.DateTimeFormat('id-ID', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });
  var stampFmt = new Intl.DateTimeFormat('id-ID', { dateStyle: 'medium', timeStyle: 'short' });
  function dayText(d, fmt) { return (fmt || dayFmt).format(new Date(d + 'T00:00:00Z')); }
  function bucketLabel(p) {
    return p.start === p.end ? dayText(p.start) : fill(W.weekLabel, { start: dayText(p.start), end: dayText(p.end) });
  }
  function periodCell(p) { return { label: bucketLabel(p), iso: p.start === p.end ? p.start : p.start + '/' + p.end }; }
  function triggerName(t) { return W.triggers[t] || fill(W.triggerOther, { name: t }); }
  function intentName(f, id) { return (f.intentTitles && f.intentTitles[id]) || id; }
  function pct(v) { return Math.round(v * 1000) / 10; }
  function col(label, format) { return { label: label, format: format || 'int' }; }

  function load(query) {
    var seq = ++state.seq;
    var qs = ['from', 'to', 'bucket'].filter(function (k) { return query[k]; }).map(function (k) { return k + '=' + encodeURIComponent(query[k]); }).join('&');
    $('period-status').textContent = W.periodLoading;
    $('period-error').textContent = '';
    return api('GET', '/agent/api/insights' + (qs ? '?' + qs : '')).then(function (r) {
      if (seq !== state.seq) return;
      if (r.status === 401) return showLogin(W.sessionEnded);
      if (r.status === 403) return show('refused-view');
      if (r.status === 400) return void ($('period-error').textContent = W.periodInvalid, $('period-status').textContent = '');
      if (!r.ok || !r.data) return void ($('period-error').textContent = failText(r), $('period-status').textContent = '');
      render(r.data);
    }, function () { $('period-error').textContent = W.offline; $('period-status').textContent = ''; });
  }

  function render(f) {
    state.figures = f;
    var p = f.period;
    $('from').value = p.from;
    $('to').value = p.to;
    $('bucket').value = p.bucket;
    $('period-status').textContent = fill(W.periodShown, { from: dayText(p.from, longFmt), to: dayText(p.to, longFmt), bucket: p.bucket === 'week' ? W.perWeek.toLowerCase() : W.perDay.toLowerCase(), time: stampFmt.format(new Date(f.generatedAt)) });
    renderKpis(f);
    var s = f.series;
    var labels = s.map(bucketLabel);
    var c = f.conversations;
    var name = function (base) { return base + '-' + p.from + '-' + p.to; };

    C.renderFigure($('sec-containment'), {
      title: W.containmentTitle, percent: true, labels: labels,
      series: [{ label: W.colContainedRate, values: s.map(function (x) { return pct(x.containmentRate); }) }, { label: W.colConfirmedRate, values: s.map(function (x) { return x.conversations ? pct(x.confirmedSolved / x.conversations) : 0; }) }],
      tables: [{ caption: W.containmentTitle, csvName: name('selesai-tanpa-petugas'), columns: [col(W.colPeriod, 'period'), col(W.colConversations), col(W.colContained), col(W.colContainedRate, 'pct'), col(W.colConfirmed)],
        rows: s.map(function (x) { return [periodCell(x), x.conversations, x.contained, x.containmentRate, x.confirmedSolved]; }),
        footer: [W.totalRow, c.total, c.contained, c.containmentRate, c.confirmedSolved] }]
    });

    var triggers = f.handoffTriggers;
    C.renderFigure($('sec-handoff'), {
      title: W.handoffTitle, percent: true, labels: labels,
      series: [{ label: W.colHandoffRate, values: s.map(function (x) { return pct(x.handoffRate); }) }].concat(triggers.map(function (t) {
        return { label: triggerName(t.trigger), values: s.map(function (x) { return x.conversations ? pct((x.handoffByTrigger[t.trigger] || 0) / x.conversations) : 0; }) };
      })),
      tables: [{ caption: W.handoffTitle, csvName: name('pengalihan-ke-petugas'), columns: [col(W.colPeriod, 'period'), col(W.colConversations), col(W.colHandedOff), col(W.colHandoffRate, 'pct')].concat(triggers.map(function (t) { return col(triggerName(t.trigger)); })),
        rows: s.map(function (x) { return [periodCell(x), x.conversations, x.handedOff, x.handoffRate].concat(triggers.map(function (t) { return x.handoffByTrigger[t.trigger] || 0; })); }),
        footer: [W.totalRow, c.total, c.handedOff, c.handoffRate].concat(triggers.map(function (t) { return t.conversations; })) }]
    });

    C.renderFigure($('sec-procedures'), {
      title: W.proceduresTitle, percent: false, labels: labels,
      series: [{ label: W.colSolved, values: s.map(function (x) { return x.solved; }) }, { label: W.colUnsolved, values: s.map(function (x) { return x.unsolved; }) }],
      tables: [{ caption: W.proceduresTitle, csvName: name('hasil-langkah-per-periode'), columns: [col(W.colPeriod, 'period'), col(W.colSolved), col(W.colUnsolved)],
        rows: s.map(function (x) { return [periodCell(x), x.solved, x.unsolved]; }) },
      { caption: W.proceduresTableTitle, csvName: name('hasil-per-langkah'), columns: [col(W.colProcedure, 'text'), col(W.colTopic, 'text'), col(W.colCode, 'text'), col(W.colSolved), col(W.colUnsolved), col(W.colUnsolvedRate, 'pct')],
        rows: f.procedures.map(function (x) { return [x.title, x.intentTitle, '/' + x.code, x.solved, x.unsolved, x.unsolvedRate]; }) }]
    });

    C.renderFigure($('sec-fallback'), {
      title: W.fallbackTitle, percent: true, labels: labels,
      series: [{ label: W.colFallbackRate, values: s.map(function (x) { return pct(x.fallbackRate); }) }],
      tables: [{ caption: W.fallbackTitle, csvName: name('pesan-tidak-dipahami'), columns: [col(W.colPeriod, 'period'), col(W.colMessages), col(W.colFallbacks), col(W.colFallbackRate, 'pct')],
        rows: s.map(function (x) { return [periodCell(x), x.turns, x.fallbacks, x.fallbackRate]; }),
        footer: [W.totalRow, f.fallback.turns, f.fallback.fallbacks, f.fallback.rate] }]
    });

    var top = f.clusters.slice(0, 5);
    C.renderFigure($('sec-unanswered'), {
      title: W.unansweredTitle, percent: false, labels: labels,
      series: [{ label: W.colUnanswered, values: s.map(function (x) { return x.unanswered; }) }].concat(top.map(function (cl, i) {
        return { label: fill(W.colCluster, { n: i + 1 }), values: s.map(function (x) { return x.clusters[cl.id] || 0; }) };
      })),
      tables: [{ caption: W.unansweredTitle, csvName: name('pertanyaan-belum-terjawab'), columns: [col(W.colPeriod, 'period'), col(W.colUnanswered)].concat(top.map(function (cl, i) { return col(fill(W.colCluster, { n: i + 1 })); })),
        rows: s.map(function (x) { return [periodCell(x), x.unanswered].concat(top.map(function (cl) { return x.clusters[cl.id] || 0; })); }) }]
    });
    renderClusters(f);
  }

  function renderKpis(f) {
    var dl = $('kpis');
    dl.textContent = '';
    [[W.kpiConversations, C.show(f.conversations.total, 'int')], [W.kpiContainment, C.show(f.conversations.containmentRate, 'pct')], [W.kpiConfirmed, C.show(f.conversations.confirmedSolvedRate, 'pct')], [W.kpiHandoff, C.show(f.conversations.handoffRate, 'pct')], [W.kpiFallback, C.show(f.fallback.rate, 'pct')]].forEach(function (k) {
      var box = el('div', 'kpi');
      box.appendChild(el('dt', null, k[0]));
      box.appendChild(el('dd', null, k[1]));
      dl.appendChild(box);
    });
  }

  // ------------------------------------------------------------------ unanswered clusters

  function renderClusters(f) {
    var list = $('clusters');
    list.textContent = '';
    $('clusters-empty').hidden = f.clusters.length > 0;
    f.clusters.slice(0, SHOWN_CLUSTERS).forEach(function (cl, i) {
      var li = el('li', 'cluster');
      li.dataset.cluster = cl.id;
      li.appendChild(el('h3', null, fill(W.clusterHeading, { n: i + 1, count: C.show(cl.count, 'int') })));
      li.appendChild(el('p', 'small', W.clusterExamples));
      var ex = el('ul', 'examples');
      cl.phrasings.slice(0, 5).forEach(function (t) { ex.appendChild(el('li', 'example', t)); });
      li.appendChild(ex);
      li.appendChild(el('p', 'muted small', cl.nearest.length ? fill(W.clusterNearest, { list: cl.nearest.map(function (n) { return intentName(f, n.intent) + ' (' + C.show(n.score, 'pct') + ')'; }).join(', ') }) : W.clusterNoNearest));
      li.appendChild(el('p', 'small cluster-suggestion', cl.suggested ? fill(W.clusterSuggested, { intent: intentName(f, cl.suggested) }) : fill(W.clusterSuggestNew, { none: intentName(f, 'none') })));
      if (cl.accepted) li.appendChild(el('p', 'accepted', fill(W.acceptedNote, { intent: intentName(f, cl.accepted.intent), by: cl.accepted.byName || cl.accepted.by, at: stampFmt.format(new Date(cl.accepted.at)) })));
      else li.appendChild(acceptForm(f, cl, i));
      list.appendChild(li);
    });
    if (f.clusterCount > SHOWN_CLUSTERS) list.appendChild(el('li', 'muted small more', fill(W.moreClusters, { shown: Math.min(SHOWN_CLUSTERS, f.clusters.length), total: f.clusterCount })));
  }

  function acceptForm(f, cl, i) {
    var box = el('div', 'accept');
    var id = 'accept-' + i;
    var label = el('label', 'small', W.addTo);
    label.htmlFor = id;
    var select = el('select');
    select.id = id;
    var ids = Object.keys(f.intentTitles).sort(function (a, b) { return intentName(f, a).localeCompare(intentName(f, b), 'id'); });
    var nearest = cl.nearest.map(function (n) { return n.intent; }).filter(function (x) { return f.intentTitles[x]; });
    // Preselected only when the matcher already leans to it; otherwise the supervisor chooses.
    var placeholder = el('option', null, W.chooseIntent);
    placeholder.value = '';
    select.appendChild(placeholder);
    nearest.concat(ids.filter(function (x) { return nearest.indexOf(x) < 0; })).forEach(function (x) {
      var o = el('option', null, intentName(f, x));
      o.value = x;
      select.appendChild(o);
    });
    select.value = cl.suggested && f.intentTitles[cl.suggested] ? cl.suggested : '';
    var btn = el('button', 'btn btn-primary');
    btn.type = 'button';
    var sync = function () {
      btn.disabled = !select.value;
      btn.textContent = select.value ? fill(W.addButton, { intent: intentName(f, select.value) }) : W.chooseFirst;
    };
    select.addEventListener('change', sync);
    sync();
    btn.addEventListener('click', function () { accept(f, cl, select.value, btn); });
    box.appendChild(label);
    box.appendChild(select);
    box.appendChild(btn);
    return box;
  }

  function accept(f, cl, intent, btn) {
    btn.disabled = true;
    $('accept-status').textContent = W.adding;
    api('POST', '/agent/api/insights/accept', { cluster: cl.id, intent: intent, from: f.period.from, to: f.period.to }).then(function (r) {
      btn.disabled = !intent;
      if (r.status === 401) return showLogin(W.sessionEnded);
      if (r.ok && r.data) {
        $('accept-status').textContent = fill(W.added, { n: r.data.added, intent: intentName(f, intent), file: r.data.file });
        return load({ from: f.period.from, to: f.period.to, bucket: f.period.bucket });
      }
      var reason = (r.data && r.data.error) || '';
      $('accept-status').textContent = r.status === 404 ? W.acceptUnknownCluster : r.status === 422 ? fill(W.acceptInvalid, { reason: reason }) : fill(W.acceptFailed, { status: r.status });
    }, function () {
      btn.disabled = false;
      $('accept-status').textContent = W.offline;
    });
  }

  // ------------------------------------------------------------------ start

  document.title = W.pageTitle;
  Array.prototype.forEach.call(document.querySelectorAll('[data-w]'), function (e) { e.textContent = W[e.getAttribute('data-w')]; });

  $('login-form').addEventListener('submit', function (ev) {
    ev.preventDefault();
    var id = $('agent-id').value.trim();
    var key = $('agent-key').value;
    if (!id || !key) return void ($('login-error').textContent = W.loginMissing);
    api('POST', '/agent/api/login', { agentId: id, key: key }).then(function (r) {
      if (r.ok) return boot();
      if (r.status === 429) return showLogin(fill(W.loginLimited, { minutes: Math.max(1, Math.ceil(((r.data && r.data.retryAfterSeconds) || 60) / 60)) }));
      showLogin(r.status === 401 ? W.loginWrong : failText(r));
    }, function () { showLogin(W.offline); });
  });
  $('logout').addEventListener('click', function () {
    api('POST', '/agent/api/logout').then(function () { showLogin(''); }, function () { showLogin(''); });
  });
  $('period-form').addEventListener('submit', function (ev) {
    ev.preventDefault();
    var from = $('from').value;
    var to = $('to').value;
    if (!from || !to || from > to) return void ($('period-error').textContent = W.periodInvalid);
    load({ from: from, to: to, bucket: $('bucket').value });
  });
  boot();
})();
