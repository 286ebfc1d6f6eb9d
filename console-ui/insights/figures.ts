/** The figures of a period: the summary, then one chart with its tables per question a supervisor asks. */
import { byId, el, fill } from '../shared/dom.js';
import { renderFigure } from './charts.js';
import { renderClusters } from './clusters.js';
import { show, stampFmt, W, type PeriodCell } from './format.js';
import { col } from './tables.js';
import type { InsightsView, SeriesPointView } from './types.js';

const dayFmt = new Intl.DateTimeFormat('id-ID', { day: 'numeric', month: 'short', timeZone: 'UTC' });
const longFmt = new Intl.DateTimeFormat('id-ID', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });

const dayText = (d: string, fmt = dayFmt) => fmt.format(new Date(`${d}T00:00:00Z`));
const bucketLabel = (p: { start: string; end: string }) =>
  p.start === p.end ? dayText(p.start) : fill(W.weekLabel, { start: dayText(p.start), end: dayText(p.end) });
const periodCell = (p: SeriesPointView): PeriodCell => ({ label: bucketLabel(p), iso: p.start === p.end ? p.start : `${p.start}/${p.end}` });
const triggerName = (t: string) => W.triggers[t as keyof typeof W.triggers] ?? fill(W.triggerOther, { name: t });
/** Percent with one decimal, for the charts (the tables format fractions themselves). */
const pct = (v: number) => Math.round(v * 1000) / 10;

function renderKpis(f: InsightsView): void {
  const dl = byId('kpis');
  dl.textContent = '';
  const kpis: Array<[string, string]> = [
    [W.kpiConversations, show(f.conversations.total, 'int')],
    [W.kpiContainment, show(f.conversations.containmentRate, 'pct')],
    [W.kpiConfirmed, show(f.conversations.confirmedSolvedRate, 'pct')],
    [W.kpiHandoff, show(f.conversations.handoffRate, 'pct')],
    [W.kpiFallback, show(f.fallback.rate, 'pct')],
  ];
  for (const [label, value] of kpis) {
    const box = el('div', 'kpi');
    box.appendChild(el('dt', null, label));
    box.appendChild(el('dd', null, value));
    dl.appendChild(box);
  }
}

export function renderInsights(f: InsightsView, accept: (cluster: string, intent: string, button: HTMLButtonElement) => void): void {
  const p = f.period;
  byId('from', HTMLInputElement).value = p.from;
  byId('to', HTMLInputElement).value = p.to;
  byId('bucket', HTMLSelectElement).value = p.bucket;
  byId('period-status').textContent = fill(W.periodShown, {
    from: dayText(p.from, longFmt),
    to: dayText(p.to, longFmt),
    bucket: (p.bucket === 'week' ? W.perWeek : W.perDay).toLowerCase(),
    time: stampFmt.format(new Date(f.generatedAt)),
  });
  renderKpis(f);
  const s = f.series;
  const labels = s.map(bucketLabel);
  const c = f.conversations;
  const name = (base: string) => `${base}-${p.from}-${p.to}`;

  renderFigure(byId('sec-containment'), {
    title: W.containmentTitle,
    percent: true,
    labels,
    series: [
      { label: W.colContainedRate, values: s.map((x) => pct(x.containmentRate)) },
      { label: W.colConfirmedRate, values: s.map((x) => (x.conversations ? pct(x.confirmedSolved / x.conversations) : 0)) },
    ],
    tables: [
      {
        caption: W.containmentTitle,
        csvName: name(W.csvFiles.containment),
        columns: [col(W.colPeriod, 'period'), col(W.colConversations), col(W.colContained), col(W.colContainedRate, 'pct'), col(W.colConfirmed)],
        rows: s.map((x) => [periodCell(x), x.conversations, x.contained, x.containmentRate, x.confirmedSolved]),
        footer: [W.totalRow, c.total, c.contained, c.containmentRate, c.confirmedSolved],
      },
    ],
  });

  const triggers = f.handoffTriggers;
  renderFigure(byId('sec-handoff'), {
    title: W.handoffTitle,
    percent: true,
    labels,
    series: [
      { label: W.colHandoffRate, values: s.map((x) => pct(x.handoffRate)) },
      ...triggers.map((t) => ({
        label: triggerName(t.trigger),
        values: s.map((x) => (x.conversations ? pct((x.handoffByTrigger[t.trigger] ?? 0) / x.conversations) : 0)),
      })),
    ],
    tables: [
      {
        caption: W.handoffTitle,
        csvName: name(W.csvFiles.handoff),
        columns: [
          col(W.colPeriod, 'period'),
          col(W.colConversations),
          col(W.colHandedOff),
          col(W.colHandoffRate, 'pct'),
          ...triggers.map((t) => col(triggerName(t.trigger))),
        ],
        rows: s.map((x) => [periodCell(x), x.conversations, x.handedOff, x.handoffRate, ...triggers.map((t) => x.handoffByTrigger[t.trigger] ?? 0)]),
        footer: [W.totalRow, c.total, c.handedOff, c.handoffRate, ...triggers.map((t) => t.conversations)],
      },
    ],
  });

  renderFigure(byId('sec-procedures'), {
    title: W.proceduresTitle,
    percent: false,
    labels,
    series: [
      { label: W.colSolved, values: s.map((x) => x.solved) },
      { label: W.colUnsolved, values: s.map((x) => x.unsolved) },
    ],
    tables: [
      {
        caption: W.proceduresTitle,
        csvName: name(W.csvFiles.proceduresByPeriod),
        columns: [col(W.colPeriod, 'period'), col(W.colSolved), col(W.colUnsolved)],
        rows: s.map((x) => [periodCell(x), x.solved, x.unsolved]),
      },
      {
        caption: W.proceduresTableTitle,
        csvName: name(W.csvFiles.procedures),
        columns: [
          col(W.colProcedure, 'text'),
          col(W.colTopic, 'text'),
          col(W.colCode, 'text'),
          col(W.colSolved),
          col(W.colUnsolved),
          col(W.colUnsolvedRate, 'pct'),
        ],
        rows: f.procedures.map((x) => [x.title, x.intentTitle, `/${x.code}`, x.solved, x.unsolved, x.unsolvedRate]),
      },
    ],
  });

  renderFigure(byId('sec-fallback'), {
    title: W.fallbackTitle,
    percent: true,
    labels,
    series: [{ label: W.colFallbackRate, values: s.map((x) => pct(x.fallbackRate)) }],
    tables: [
      {
        caption: W.fallbackTitle,
        csvName: name(W.csvFiles.fallback),
        columns: [col(W.colPeriod, 'period'), col(W.colMessages), col(W.colFallbacks), col(W.colFallbackRate, 'pct')],
        rows: s.map((x) => [periodCell(x), x.turns, x.fallbacks, x.fallbackRate]),
        footer: [W.totalRow, f.fallback.turns, f.fallback.fallbacks, f.fallback.rate],
      },
    ],
  });

  const top = f.clusters.slice(0, 5);
  const clusterLabel = (i: number) => fill(W.colCluster, { n: i + 1 });
  renderFigure(byId('sec-unanswered'), {
    title: W.unansweredTitle,
    percent: false,
    labels,
    series: [
      { label: W.colUnanswered, values: s.map((x) => x.unanswered) },
      ...top.map((cl, i) => ({ label: clusterLabel(i), values: s.map((x) => x.clusters[cl.id] ?? 0) })),
    ],
    tables: [
      {
        caption: W.unansweredTitle,
        csvName: name(W.csvFiles.unanswered),
        columns: [col(W.colPeriod, 'period'), col(W.colUnanswered), ...top.map((_cl, i) => col(clusterLabel(i)))],
        rows: s.map((x) => [periodCell(x), x.unanswered, ...top.map((cl) => x.clusters[cl.id] ?? 0)]),
      },
    ],
  });
  renderClusters(f, accept);
}
