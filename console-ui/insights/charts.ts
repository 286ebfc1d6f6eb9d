/**
 * The charts of the insights page: uPlot (served from /agent/vendor/uplot.js as a global, the npm
 * package's own file) over the period's buckets. Colour-blind-safe colours, each series with its own
 * dash pattern; the chart follows its box's width (phones included).
 */
import type uPlot from 'uplot';
import { el, fill } from '../shared/dom.js';
import { intFmt, pctFmt, W } from './format.js';
import { renderTable, type Table } from './tables.js';

declare global {
  interface Window {
    uPlot: typeof uPlot;
  }
}

// Okabe–Ito colours; every series also has its own dash pattern.
const COLORS = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9'];
const DASHES = [[], [8, 4], [2, 3], [10, 3, 2, 3], [4, 4], [1, 2]];
const HEIGHT = 240;

export interface Series {
  label: string;
  values: number[];
}

export interface Chart {
  title: string;
  /** Values are percentages (0..100): the y axis then ends at the next ten above the highest. */
  percent: boolean;
  labels: string[];
  series: Series[];
}

export interface Figure extends Chart {
  tables: Table[];
}

function renderChart(chart: Chart, container: HTMLElement): uPlot {
  const box = el('div', 'chart');
  box.setAttribute('role', 'img');
  box.setAttribute('aria-label', fill(W.chartOf, { title: chart.title }));
  container.appendChild(box);
  const labels = chart.labels;
  const fmt = (v: number | null | undefined) => (v === null || v === undefined ? '–' : chart.percent ? `${pctFmt.format(v)}%` : intFmt.format(v));
  const opts: uPlot.Options = {
    width: Math.max(200, container.clientWidth),
    height: HEIGHT,
    scales: {
      x: { time: false, range: (_u, min, max) => (max - min < 1 ? [min - 0.5, max + 0.5] : [min, max]) },
      // From zero; percentages up to the next ten above the highest value (small rates stay readable).
      y: { range: (_u, _min, max) => [0, chart.percent ? Math.min(100, Math.max(10, Math.ceil((max * 1.15) / 10) * 10)) : Math.max(4, Math.ceil(max * 1.1))] },
    },
    axes: [
      {
        space: 70,
        incrs: [1, 2, 3, 5, 7, 10, 14, 30, 60],
        values: (_u, splits) => splits.map((i) => (labels[i] !== undefined && i === Math.round(i) ? labels[i] : '')),
      },
      { size: 56, values: (_u, splits) => splits.map(fmt) },
    ],
    series: [
      { label: W.colPeriod, value: (_u, i) => (i === null || labels[i] === undefined ? '–' : labels[i]) },
      ...chart.series.map((s, i) => ({
        label: s.label,
        stroke: COLORS[i % COLORS.length],
        width: 2,
        dash: DASHES[i % DASHES.length],
        points: { show: true, size: 7 },
        value: (_u: uPlot, v: number | null) => fmt(v),
      })),
    ],
    cursor: { drag: { x: false, y: false } },
    legend: { show: true },
  };
  const data: uPlot.AlignedData = [labels.map((_, i) => i), ...chart.series.map((s) => s.values)];
  const plot = new window.uPlot(opts, data, box);
  let last = container.clientWidth;
  new ResizeObserver(() => {
    const w = container.clientWidth;
    if (w && w !== last) {
      last = w;
      plot.setSize({ width: Math.max(200, w), height: HEIGHT });
    }
  }).observe(container);
  return plot;
}

/** Renders a figure (a chart and its tables) into a section's .figure-body, replacing what was there. */
export function renderFigure(section: HTMLElement, figure: Figure): void {
  const body = section.querySelector<HTMLElement>('.figure-body');
  if (!body) return;
  body.textContent = '';
  if (!figure.labels.length) {
    body.appendChild(el('p', 'muted', W.noData));
    return;
  }
  renderChart(figure, body);
  for (const t of figure.tables) body.appendChild(renderTable(t));
}
