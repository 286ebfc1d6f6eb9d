/*
 * Charts and tables of the insights page. A figure is a chart (uPlot, served from /agent/vendor/)
 * over the period's buckets and, under it, the same numbers as a table, each table with its CSV
 * download (built from exactly the cells shown). Text goes in with textContent only.
 */
(function () {
  'use strict';

  var W = window.INSIGHTS_WORDS;
  // Colour-blind-safe (Okabe–Ito) colours; every series also has its own dash pattern.
  var COLORS = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9'];
  var DASHES = [[], [8, 4], [2, 3], [10, 3, 2, 3], [4, 4], [1, 2]];
  var HEIGHT = 240;

  function el(tag, className, text) {
    var e = document.createElement(tag);
    if (className) e.className = className;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }

  function fill(template, values) {
    return String(template).replace(/\{(\w+)\}/g, function (m, k) {
      return values && values[k] !== undefined ? String(values[k]) : m;
    });
  }

  var intFmt = new Intl.NumberFormat('id-ID');
  var pctFmt = new Intl.NumberFormat('id-ID', { maximumFractionDigits: 1 });

  /** Cell formats: 'int' (a count), 'pct' (a fraction 0..1 shown as a percentage), 'text', 'period' ({label, iso}). */
  function show(value, format) {
    if (value === null || value === undefined) return '–';
    if (format === 'period' && typeof value === 'object') return value.label;
    if (format === 'int') return intFmt.format(value);
    if (format === 'pct') return pctFmt.format(Math.round(value * 1000) / 10) + '%';
    return String(value);
  }

  function numeric(format) {
    return format === 'int' || format === 'pct';
  }

  /** CSV: numbers with a dot (percentages as percentages), text quoted, no spreadsheet formulas. */
  function csvCell(value, format) {
    if (value === null || value === undefined) return '';
    if (format === 'pct') return String(Math.round(value * 1000) / 10);
    if (format === 'int') return String(value);
    var s = format === 'period' && typeof value === 'object' ? value.iso : String(value);
    if (/^[=+\-@\t\r]/.test(s)) s = "'" + s;
    return /[",\r\n;]/.test(s) ? '"' + s.replace(/"/g, '""') + '"' : s;
  }

  function toCsv(table) {
    var lines = [table.columns.map(function (c) { return csvCell(c.label, 'text'); }).join(',')];
    table.rows.concat(table.footer ? [table.footer] : []).forEach(function (row) {
      lines.push(row.map(function (v, i) { return csvCell(v, table.columns[i].format); }).join(','));
    });
    return '\ufeff' + lines.join('\r\n') + '\r\n';
  }

  function download(name, text) {
    var url = URL.createObjectURL(new Blob([text], { type: 'text/csv;charset=utf-8' }));
    var a = el('a');
    a.href = url;
    a.download = name + '.csv';
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(function () { URL.revokeObjectURL(url); }, 10000);
  }

  /** table: {caption, columns: [{label, format}], rows: [[values]], footer?: [values], csvName} */
  function renderTable(table) {
    var wrap = el('div', 'table-block');
    var scroll = el('div', 'table-wrap');
    scroll.setAttribute('role', 'region');
    scroll.setAttribute('aria-label', fill(W.tableOf, { title: table.caption }));
    scroll.tabIndex = 0;
    var t = el('table', 'data');
    t.appendChild(el('caption', null, table.caption));
    var head = el('thead');
    var hr = el('tr');
    table.columns.forEach(function (c) {
      var th = el('th', numeric(c.format) ? 'num' : null, c.label);
      th.scope = 'col';
      hr.appendChild(th);
    });
    head.appendChild(hr);
    t.appendChild(head);
    var body = el('tbody');
    function row(values, parent) {
      var tr = el('tr');
      values.forEach(function (v, i) {
        var c = table.columns[i];
        var cell = el(i === 0 ? 'th' : 'td', numeric(c.format) ? 'num' : null, show(v, c.format));
        if (i === 0) cell.scope = 'row';
        tr.appendChild(cell);
      });
      parent.appendChild(tr);
    }
    table.rows.forEach(function (r) { row(r, body); });
    t.appendChild(body);
    if (table.footer) {
      var foot = el('tfoot');
      row(table.footer, foot);
      t.appendChild(foot);
    }
    scroll.appendChild(t);
    wrap.appendChild(scroll);
    var btn = el('button', 'btn btn-small csv', W.downloadCsv);
    btn.type = 'button';
    btn.setAttribute('aria-label', W.downloadCsv + ': ' + table.caption);
    btn.dataset.csv = table.csvName;
    btn.addEventListener('click', function () { download(table.csvName, toCsv(table)); });
    wrap.appendChild(btn);
    wrap.csv = function () { return toCsv(table); };
    return wrap;
  }

  /** chart: {title, percent, labels: [..], series: [{label, values: [..]}]} */
  function renderChart(chart, container) {
    var box = el('div', 'chart');
    box.setAttribute('role', 'img');
    box.setAttribute('aria-label', fill(W.chartOf, { title: chart.title }));
    container.appendChild(box);
    var labels = chart.labels;
    var fmt = function (v) {
      return v === null || v === undefined ? '–' : chart.percent ? pctFmt.format(v) + '%' : intFmt.format(v);
    };
    var opts = {
      width: Math.max(200, container.clientWidth),
      height: HEIGHT,
      scales: {
        x: { time: false, range: function (u, min, max) { return max - min < 1 ? [min - 0.5, max + 0.5] : [min, max]; } },
        // From zero; percentages up to the next ten above the highest value (small rates stay readable).
        y: { range: function (u, min, max) { return [0, chart.percent ? Math.min(100, Math.max(10, Math.ceil((max * 1.15) / 10) * 10)) : Math.max(4, Math.ceil(max * 1.1))]; } }
      },
      axes: [
        { space: 70, incrs: [1, 2, 3, 5, 7, 10, 14, 30, 60], values: function (u, splits) { return splits.map(function (i) { return labels[i] !== undefined && i === Math.round(i) ? labels[i] : ''; }); } },
        { size: 56, values: function (u, splits) { return splits.map(fmt); } }
      ],
      series: [{ label: W.colPeriod, value: function (u, i) { return i === null || labels[i] === undefined ? '–' : labels[i]; } }].concat(
        chart.series.map(function (s, i) {
          return { label: s.label, stroke: COLORS[i % COLORS.length], width: 2, dash: DASHES[i % DASHES.length], points: { show: true, size: 7 }, value: function (u, v) { return fmt(v); } };
        })
      ),
      cursor: { drag: { x: false, y: false } },
      legend: { show: true }
    };
    var data = [labels.map(function (_, i) { return i; })].concat(chart.series.map(function (s) { return s.values; }));
    var plot = new window.uPlot(opts, data, box);
    var last = container.clientWidth;
    if (window.ResizeObserver) {
      new ResizeObserver(function () {
        var w = container.clientWidth;
        if (w && w !== last) {
          last = w;
          plot.setSize({ width: Math.max(200, w), height: HEIGHT });
        }
      }).observe(container);
    }
    return plot;
  }

  /** Renders a figure (a chart and its tables) into a section's .figure-body, replacing what was there. */
  function renderFigure(section, figure) {
    var body = section.querySelector('.figure-body');
    body.textContent = '';
    if (!figure.labels.length) {
      body.appendChild(el('p', 'muted', W.noData));
      return;
    }
    renderChart({ title: figure.title, percent: figure.percent, labels: figure.labels, series: figure.series }, body);
    figure.tables.forEach(function (t) { body.appendChild(renderTable(t)); });
  }

  window.InsightsCharts = { renderFigure: renderFigure, renderTable: renderTable, fill: fill, show: show };
})();
