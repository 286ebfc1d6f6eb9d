/**
 * Day aggregates from the store, on demand, with daily roll-ups:
 *
 *  - A local day's records are the curation chunks whose minute falls in it (the chunk keys carry the
 *    minute, so the day indexes alone say which chunks belong to which local day, whatever the offset).
 *  - A day that ended more than GRACE_MS ago is "closed": its aggregate is written once as a roll-up
 *    (`insights/rollup/v<version>/<offset>/<day>`) with a fingerprint of the chunk list it was built
 *    from. Every later read checks the fingerprint against the current day indexes: a chunk added since
 *    (a late record, another instance) changes it, and the day is rebuilt. Chunks never change after
 *    their minute without a new chunk key (src/curation/log.ts), so a matching fingerprint is exact.
 *  - Days still open (today) are summed from their chunks every time (a day's worth of records).
 *  - Closed days are also kept in memory, by fingerprint.
 *
 * Any instance may write a roll-up: they are a pure function of the chunks, so concurrent writers write
 * the same thing, and a stale one is detected by its fingerprint. Every instance counts each record
 * once, whichever instance recorded it.
 */
import { createHash } from 'node:crypto';
import type { Catalog } from '../catalog/load.js';
import { dayIndexKey, type CurationLog, type CurationRecord } from '../curation/log.js';
import type { KeyValueStore } from '../storage/key-value.js';
import { addDays, aggregateRecords, dayStart, emptyDay, finishDay, type DayAggregate } from './aggregate.js';
import { daysOf } from './figures.js';
import { LRUCache } from 'lru-cache';

export const ROLLUP_VERSION = 2;
/** A day is closed (rolled up) this long after it ended: room for clock skew and the last flushes. */
export const GRACE_MS = 10 * 60_000;
const READ_BATCH = 200;
const MEMORY_DAYS = 800;

export const rollupKey = (tzOffsetMinutes: number, day: string) => `insights/rollup/v${ROLLUP_VERSION}/${tzOffsetMinutes}/${day}`;

export interface ReadStats {
  chunksRead: number;
  rollupsRead: number;
  rollupsWritten: number;
  fromMemory: number;
}

interface RollupDoc {
  fp?: string;
  agg?: DayAggregate;
}

/** Minutes since UTC midnight of a chunk key `curation/YYYY-MM-DD/HH:MM/…`, or -1. */
function minuteOfDay(chunk: string): number {
  const h = Number(chunk.slice(20, 22));
  const m = Number(chunk.slice(23, 25));
  return chunk.charCodeAt(22) === 58 && h >= 0 && h < 24 && m >= 0 && m < 60 ? h * 60 + m : -1;
}

const fingerprint = (chunks: string[]) => `${chunks.length}:${createHash('sha256').update(chunks.join('\n')).digest('base64url').slice(0, 22)}`;

export class InsightsSource {
  private readonly memory = new LRUCache<string, { fp: string; agg: DayAggregate }>({ max: MEMORY_DAYS });
  readonly store: KeyValueStore;
  /** Titles of intents and procedures for the figures (set where the catalog is known). */
  catalog?: Pick<Catalog, 'intents'>;

  constructor(
    readonly log: CurationLog,
    private readonly now: () => number = Date.now,
  ) {
    this.store = log.storage;
  }

  get tzOffsetMinutes(): number {
    return this.log.tzOffsetMinutes;
  }

  /** Aggregates of the local days from..to (inclusive, YYYY-MM-DD), one per day, in order. */
  async days(from: string, to: string, stats: ReadStats = { chunksRead: 0, rollupsRead: 0, rollupsWritten: 0, fromMemory: 0 }): Promise<DayAggregate[]> {
    await this.log.flush().catch(() => undefined); // what this instance still buffers counts too
    const tz = this.tzOffsetMinutes;
    const locals = daysOf(from, to);
    const utc = daysOf(new Date(dayStart(from, tz)).toISOString().slice(0, 10), new Date(dayStart(addDays(to, 1), tz) - 1).toISOString().slice(0, 10));
    const indexes = await this.store.read(utc.map(dayIndexKey));
    const chunksOf = new Map<string, string[]>(locals.map((d) => [d, []]));
    for (const u of utc) {
      // A chunk's local day from its key's HH:MM (no date parsing per chunk): the UTC day, or the next or previous one.
      const [before, same, after] = [chunksOf.get(addDays(u, -1)), chunksOf.get(u), chunksOf.get(addDays(u, 1))];
      for (const chunk of (indexes[dayIndexKey(u)] as { chunks?: string[] } | undefined)?.chunks ?? []) {
        const m = minuteOfDay(chunk);
        if (m < 0) continue;
        const local = m + tz;
        (local < 0 ? before : local >= 1440 ? after : same)?.push(chunk);
      }
    }
    const now = this.now();
    const out = new Map<string, DayAggregate>();
    const build: Array<{ day: string; fp: string; chunks: string[]; closed: boolean }> = [];
    const lookUp: Array<{ day: string; fp: string; chunks: string[] }> = [];
    for (const day of locals) {
      const chunks = chunksOf.get(day)!; // in index order: the same list gives the same fingerprint
      const fp = fingerprint(chunks);
      const closed = dayStart(addDays(day, 1), tz) + GRACE_MS < now;
      const mem = this.memory.get(`${tz}/${day}`);
      if (!chunks.length) out.set(day, emptyDay(day));
      else if (closed && mem?.fp === fp) {
        out.set(day, mem.agg);
        stats.fromMemory++;
      } else if (closed) lookUp.push({ day, fp, chunks });
      else build.push({ day, fp, chunks, closed: false });
    }
    if (lookUp.length) {
      const items = await this.store.read(lookUp.map((x) => rollupKey(tz, x.day)));
      for (const x of lookUp) {
        const doc = items[rollupKey(tz, x.day)] as RollupDoc | undefined;
        if (doc?.fp === x.fp && doc.agg?.day === x.day) {
          stats.rollupsRead++;
          out.set(x.day, doc.agg);
          this.remember(tz, x.day, x.fp, doc.agg);
        } else build.push({ ...x, closed: true });
      }
    }
    if (build.length) {
      const built = await this.aggregateChunks(
        build.flatMap((b) => b.chunks),
        tz,
        stats,
      );
      const rollups: Record<string, { fp: string; agg: DayAggregate; eTag: string }> = {};
      for (const b of build) {
        const raw = built.get(b.day);
        const agg = raw ? finishDay(raw) : emptyDay(b.day);
        out.set(b.day, agg);
        if (b.closed) {
          rollups[rollupKey(tz, b.day)] = { fp: b.fp, agg, eTag: '*' };
          this.remember(tz, b.day, b.fp, agg);
        }
      }
      if (Object.keys(rollups).length) {
        // Best effort: a failed write only means the next read builds the day again.
        await this.store.write(rollups).then(
          () => void (stats.rollupsWritten += Object.keys(rollups).length),
          () => undefined,
        );
      }
    }
    return locals.map((d) => out.get(d)!);
  }

  private async aggregateChunks(chunks: string[], tz: number, stats: ReadStats): Promise<Map<string, DayAggregate>> {
    const into = new Map<string, DayAggregate>();
    for (let i = 0; i < chunks.length; i += READ_BATCH) {
      const batch = chunks.slice(i, i + READ_BATCH);
      const items = await this.store.read(batch);
      for (const k of batch) {
        const records = (items[k] as { records?: CurationRecord[] } | undefined)?.records;
        if (!records) continue;
        stats.chunksRead++;
        aggregateRecords(records, tz, into);
      }
    }
    return into;
  }

  private remember(tz: number, day: string, fp: string, agg: DayAggregate): void {
    this.memory.set(`${tz}/${day}`, { fp, agg });
  }
}

const sources = new WeakMap<CurationLog, InsightsSource>();

/** The one source per curation log (its memory of closed days is shared by the page, the API and the CLI). */
export function insightsSource(log: CurationLog): InsightsSource {
  let s = sources.get(log);
  if (!s) sources.set(log, (s = new InsightsSource(log)));
  return s;
}
