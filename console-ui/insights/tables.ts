/**
 * The tables under the insights charts, each with its CSV download built from exactly the cells
 * shown. Text goes in with textContent only.
 */
import { el, fill } from '../shared/dom.js';
import { numeric, show, W, type CellFormat, type CellValue } from './format.js';

export interface Column {
  label: string;
  format: CellFormat;
}

export interface Table {
  caption: string;
  columns: Column[];
  rows: CellValue[][];
  footer?: CellValue[];
  csvName: string;
}

export const col = (label: string, format: CellFormat = 'int'): Column => ({ label, format });

/** CSV: numbers with a dot (percentages as percentages), text quoted, no spreadsheet formulas. */
function csvCell(value: CellValue, format: CellFormat): string {
  if (value === null || value === undefined) return '';
  if (format === 'pct' && typeof value === 'number') return String(Math.round(value * 1000) / 10);
  // eslint-disable-next-line @typescript-eslint/no-base-to-string -- int columns hold numbers (a period cell is never formatted as int).
  if (format === 'int') return String(value);
  let s = typeof value === 'object' ? value.iso : String(value);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n;]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function toCsv(table: Table): string {
  const lines = [table.columns.map((c) => csvCell(c.label, 'text')).join(',')];
  for (const row of table.footer ? [...table.rows, table.footer] : table.rows) {
    lines.push(row.map((v, i) => csvCell(v, table.columns[i]?.format ?? 'text')).join(','));
  }
  return `\ufeff${lines.join('\r\n')}\r\n`;
}

function download(name: string, text: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: 'text/csv;charset=utf-8' }));
  const a = el('a');
  a.href = url;
  a.download = `${name}.csv`;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}

export function renderTable(table: Table): HTMLDivElement {
  const wrap = el('div', 'table-block');
  const scroll = el('div', 'table-wrap');
  scroll.setAttribute('role', 'region');
  scroll.setAttribute('aria-label', fill(W.tableOf, { title: table.caption }));
  scroll.tabIndex = 0;
  const t = el('table', 'data');
  t.appendChild(el('caption', null, table.caption));
  const head = el('thead');
  const hr = el('tr');
  for (const c of table.columns) {
    const th = el('th', numeric(c.format) ? 'num' : null, c.label);
    th.scope = 'col';
    hr.appendChild(th);
  }
  head.appendChild(hr);
  t.appendChild(head);
  const row = (values: CellValue[], parent: HTMLElement) => {
    const tr = el('tr');
    values.forEach((v, i) => {
      const format = table.columns[i]?.format ?? 'text';
      const cell = el(i === 0 ? 'th' : 'td', numeric(format) ? 'num' : null, show(v, format));
      if (i === 0) cell.scope = 'row';
      tr.appendChild(cell);
    });
    parent.appendChild(tr);
  };
  const body = el('tbody');
  for (const r of table.rows) row(r, body);
  t.appendChild(body);
  if (table.footer) {
    const foot = el('tfoot');
    row(table.footer, foot);
    t.appendChild(foot);
  }
  scroll.appendChild(t);
  wrap.appendChild(scroll);
  const btn = el('button', 'btn btn-small csv', W.downloadCsv);
  btn.type = 'button';
  btn.setAttribute('aria-label', `${W.downloadCsv}: ${table.caption}`);
  btn.dataset.csv = table.csvName;
  btn.addEventListener('click', () => download(table.csvName, toCsv(table)));
  wrap.appendChild(btn);
  return wrap;
}
