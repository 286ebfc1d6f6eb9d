/**
 * The helpdesk's figures for a period, from the store: the one entry point of the supervisors' page
 * (src/web/insights.ts), `GET /api/review` and `npm run review` (src/cli/review.ts).
 */
import type { Catalog } from '../catalog/load.js';
import type { IntentClassifier } from '../nlu/classifier.js';
import { readAccepted } from './accept.js';
import { addDays, localDay } from './aggregate.js';
import { computeInsights, daysOf, type Insights, type Period } from './figures.js';
import type { InsightsSource, ReadStats } from './source.js';

export { acceptSuggestion, AcceptError } from './accept.js';
export { insightsSource, InsightsSource } from './source.js';
export type { Insights, Period, Bucket } from './figures.js';

/** The longest period one request may ask for. */
export const MAX_PERIOD_DAYS = 366;
const DAY_RE = /^\d{4}-\d{2}-\d{2}$/;

export interface PeriodInput {
  from?: string;
  to?: string;
  /** Instead of from: the last N days, today included (default 30). */
  days?: string | number;
  bucket?: string;
}

const validDay = (d: string) => DAY_RE.test(d) && new Date(`${d}T00:00:00Z`).toISOString().slice(0, 10) === d;

/** A period from request or command-line values; a string says what is wrong. */
export function parsePeriod(input: PeriodInput, tzOffsetMinutes: number, now = new Date()): Period | string {
  const today = localDay(now.getTime(), tzOffsetMinutes);
  const to = input.to || today;
  if (!validDay(to)) return 'to must be a date YYYY-MM-DD';
  let from = input.from;
  if (!from) {
    const days = Number(input.days ?? 30);
    if (!Number.isInteger(days) || days < 1 || days > MAX_PERIOD_DAYS) return `days must be between 1 and ${MAX_PERIOD_DAYS}`;
    from = addDays(to, -(days - 1));
  }
  if (!validDay(from)) return 'from must be a date YYYY-MM-DD';
  if (from > to) return 'from must not be after to';
  if (daysOf(from, to).length > MAX_PERIOD_DAYS) return `a period is at most ${MAX_PERIOD_DAYS} days`;
  const bucket = input.bucket || 'day';
  if (bucket !== 'day' && bucket !== 'week') return 'bucket must be day or week';
  return { from, to, bucket, tzOffsetMinutes };
}

export interface LoadContext {
  matcher: IntentClassifier;
  catalog?: Pick<Catalog, 'intents'>;
  now?: Date;
  stats?: ReadStats;
}

export async function loadInsights(source: InsightsSource, period: Period, ctx: LoadContext): Promise<Insights> {
  const [days, accepted] = await Promise.all([source.days(period.from, period.to, ctx.stats), readAccepted(source.store)]);
  return computeInsights(days, period, { matcher: ctx.matcher, catalog: ctx.catalog ?? source.catalog, accepted, now: ctx.now });
}
