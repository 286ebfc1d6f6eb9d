/**
 * The curation log: every fallback, did-you-mean (with what the user picked), procedure outcome and
 * hand-off, masked, in the configured store; plus one tiny `turn` record per message the engine read
 * (what rates are counted against). Records carry `c`, a pseudonym of the conversation (a truncated
 * sha256 of its id, never the id), so conversations are counted once whichever instance served them.
 *
 * Records are buffered in memory and flushed every few seconds (and on stop) into small chunks, one
 * per instance per minute (`curation/<day>/<minute>/<instance>`), listed in a per-day index
 * (`curation/<day>`). No turn ever rewrites a large shared document, instances never contend for the
 * same chunk, and the store's retention (TTL) expires old days. Records that arrive late for their
 * minute (a retry after the store was down) go to a chunk of their own (`…/<instance>~<random>`), so a
 * chunk never changes after its minute without the day's index changing too: the insights' daily
 * roll-ups (src/insights/source.ts) rely on that.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { KeyValueStore } from '../storage/key-value.js';
import type { FlowEvent } from '../flow/engine.js';
import { mask } from '../privacy/index.js';

export type CurationRecord =
  | { type: 'turn'; at: string; c?: string }
  | { type: 'fallback'; at: string; c?: string; text: string; candidates: Array<{ intent: string; score: number }> }
  | { type: 'did-you-mean'; at: string; c?: string; text: string; offered: string[]; picked: string | null }
  | { type: 'outcome'; at: string; c?: string; intent: string; node: string; code: string; solved: boolean }
  | { type: 'handoff'; at: string; c?: string; trigger: string; intent?: string };

/** The pseudonym recorded for a conversation id. */
export const conversationKey = (conversationId: string): string => createHash('sha256').update(conversationId).digest('hex').slice(0, 16);

/** A chunk this many ms past its minute's start is written as a new chunk (never appended to). */
const LATE_MS = 3 * 60_000;

const FLUSH_MS = 2000;
/** Records kept in memory while the store is unreachable; older ones are dropped first. */
const MAX_BUFFER = 5000;

export const dayIndexKey = (day: string) => `curation/${day}`;
/** `curation/<YYYY-MM-DD>/<HH:MM>/<instance>[~suffix]` -> epoch ms of its minute (NaN for other keys). */
export const chunkMinute = (chunk: string): number => Date.parse(`${chunk.slice(9, 19)}T${chunk.slice(20, 25)}:00Z`);

export class CurationLog {
  private buffer: CurationRecord[] = [];
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> = Promise.resolve();
  private readonly instance = randomUUID().slice(0, 8);

  /** Where the helpdesk's days begin, in minutes east of UTC (the insights read it; set from TIMEZONE_OFFSET_MINUTES). */
  tzOffsetMinutes = 0;

  constructor(
    readonly storage: KeyValueStore,
    private readonly flushMs = FLUSH_MS,
  ) {}

  /** Converts engine events into records (masking free text) and queues them. */
  async recordEvents(events: FlowEvent[], now = new Date(), conversationId?: string): Promise<void> {
    const at = now.toISOString();
    const c = conversationId ? { c: conversationKey(conversationId) } : {};
    for (const e of events) {
      if (e.type === 'decision') this.buffer.push({ type: 'turn', at, ...c });
      else if (e.type === 'fallback') this.buffer.push({ type: 'fallback', at, ...c, text: mask(e.text).slice(0, 500), candidates: e.candidates.slice(0, 3) });
      else if (e.type === 'did-you-mean')
        this.buffer.push({ type: 'did-you-mean', at, ...c, text: mask(e.text).slice(0, 500), offered: e.offered, picked: e.picked });
      else if (e.type === 'outcome') this.buffer.push({ type: 'outcome', at, ...c, intent: e.intent, node: e.node, code: e.code, solved: e.solved });
      else if (e.type === 'handoff') this.buffer.push({ type: 'handoff', at, ...c, trigger: e.trigger, intent: e.intent });
    }
    if (this.buffer.length > MAX_BUFFER) this.buffer = this.buffer.slice(-MAX_BUFFER);
    if (this.buffer.length && !this.timer) {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        void this.flush().catch(() => undefined);
      }, this.flushMs);
      this.timer.unref();
    }
  }

  /** Writes the buffered records (serialised: one flush at a time). */
  flush(): Promise<void> {
    this.flushing = this.flushing.then(() => this.flushNow());
    return this.flushing;
  }

  private async flushNow(): Promise<void> {
    if (!this.buffer.length) return;
    const records = this.buffer;
    this.buffer = [];
    const byChunk = new Map<string, CurationRecord[]>();
    for (const r of records) {
      const key = `curation/${r.at.slice(0, 10)}/${r.at.slice(11, 16)}/${this.instance}`;
      let list = byChunk.get(key);
      if (!list) byChunk.set(key, (list = []));
      list.push(r);
    }
    const now = Date.now();
    const pending = [...byChunk.entries()];
    try {
      while (pending.length) {
        const [key, list] = pending[0]!;
        if (now - chunkMinute(key) > LATE_MS) await this.appendChunk(`${key}~${randomUUID().slice(0, 6)}`, list);
        else await this.appendChunk(key, list);
        pending.shift();
      }
    } catch (err) {
      // Try the chunks not written yet again at the next flush (written ones are not repeated).
      this.buffer = [...pending.flatMap(([, list]) => list), ...this.buffer].slice(-MAX_BUFFER);
      throw err;
    }
  }

  private async appendChunk(key: string, records: CurationRecord[]): Promise<void> {
    // Only this instance writes this chunk, so a plain read-modify-write is safe. The index first: a
    // chunk is never stored without being listed (a failed write is retried, late ones as a new chunk).
    const items = await this.storage.read([key]);
    const existing = (items[key] as { records?: CurationRecord[] } | undefined)?.records;
    if (!existing) await this.addToDayIndex(key.slice(9, 19), key);
    await this.storage.write({ [key]: { records: [...(existing ?? []), ...records], eTag: '*' } });
  }

  private async addToDayIndex(day: string, chunk: string): Promise<void> {
    const key = dayIndexKey(day);
    for (let attempt = 0; attempt < 10; attempt++) {
      const items = await this.storage.read([key]);
      const cur = (items[key] as { chunks?: string[]; eTag?: string } | undefined) ?? {};
      if (cur.chunks?.includes(chunk)) return;
      try {
        await this.storage.write({ [key]: { chunks: [...(cur.chunks ?? []), chunk], eTag: cur.eTag ?? '*' } });
        return;
      } catch {
        await new Promise((r) => setTimeout(r, 5 + Math.random() * 25));
      }
    }
    throw new Error(`could not update the curation index of ${day}`);
  }

  /** Records of the last `days` days (today included), oldest first. */
  async read(days = 30, now = new Date()): Promise<CurationRecord[]> {
    await this.flush().catch(() => undefined);
    const dayKeys: string[] = [];
    for (let i = days - 1; i >= 0; i--) dayKeys.push(dayIndexKey(new Date(now.getTime() - i * 86_400_000).toISOString().slice(0, 10)));
    const indexes = await this.storage.read(dayKeys);
    const chunks = dayKeys.flatMap((k) => ((indexes[k] as { chunks?: string[] } | undefined)?.chunks ?? []).slice().sort());
    const out: CurationRecord[] = [];
    for (let i = 0; i < chunks.length; i += 100) {
      const batch = chunks.slice(i, i + 100);
      const items = await this.storage.read(batch);
      for (const k of batch) out.push(...((items[k] as { records?: CurationRecord[] } | undefined)?.records ?? []));
    }
    // What this instance could not flush just now (a slow or failing store) is still its own to show.
    const inWindow = new Set(dayKeys);
    out.push(...this.buffer.filter((r) => inWindow.has(dayIndexKey(r.at.slice(0, 10)))));
    return out.sort((a, b) => a.at.localeCompare(b.at));
  }

  /** Flushes what is buffered (called on stop). */
  async close(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.flush().catch(() => undefined);
  }
}
