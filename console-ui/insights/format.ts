/** Number, date and template formatting of the insights page, shared by its tables, charts and texts. */
import type { InsightsView } from './types.js';
import words from 'content:console/insights';

/** The page's words (intents/_pages.yaml, its section for this page), typed by the file's schema. */
export const W = words;

/** Cell formats: a count, a fraction 0..1 shown as a percentage, text, or a period ({label, iso}). */
export type CellFormat = 'int' | 'pct' | 'text' | 'period';
export interface PeriodCell {
  label: string;
  iso: string;
}
export type CellValue = number | string | PeriodCell | null | undefined;

export const intFmt = new Intl.NumberFormat('id-ID');
export const pctFmt = new Intl.NumberFormat('id-ID', { maximumFractionDigits: 1 });
export const stampFmt = new Intl.DateTimeFormat('id-ID', { dateStyle: 'medium', timeStyle: 'short' });

/** An intent's title as the figures give it (its id when it has none). */
export const intentName = (f: InsightsView, id: string): string => f.intentTitles[id] || id;

/** A cell as the page shows it. */
export function show(value: CellValue, format: CellFormat): string {
  if (value === null || value === undefined) return '–';
  if (typeof value === 'object') return format === 'period' ? value.label : value.iso;
  if (format === 'int' && typeof value === 'number') return intFmt.format(value);
  if (format === 'pct' && typeof value === 'number') return `${pctFmt.format(Math.round(value * 1000) / 10)}%`;
  return String(value);
}

export const numeric = (format: CellFormat): boolean => format === 'int' || format === 'pct';
