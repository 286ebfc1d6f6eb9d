/**
 * The curation log: every fallback, did-you-mean (with what the user picked), procedure outcome and
 * hand-off, masked, in the configured store. One document per day (`curation/<YYYY-MM-DD>`), so the
 * store's retention (TTL) expires old days and a report reads a bounded number of keys.
 */
import type { Storage } from 'botbuilder';
import type { FlowEvent } from '../flow/engine.js';
import { mask } from '../privacy/index.js';

export type CurationRecord =
  | { type: 'fallback'; at: string; text: string; candidates: Array<{ intent: string; score: number }> }
  | { type: 'did-you-mean'; at: string; text: string; offered: string[]; picked: string | null }
  | { type: 'outcome'; at: string; intent: string; node: string; code: string; solved: boolean }
  | { type: 'handoff'; at: string; trigger: string; intent?: string };

const MAX_PER_DAY = 20_000;
export const dayKey = (d: Date) => `curation/${d.toISOString().slice(0, 10)}`;

export class CurationLog {
  constructor(private readonly storage: Storage) {}

  /** Converts engine events into records (masking free text) and appends them. */
  async recordEvents(events: FlowEvent[], now = new Date()): Promise<void> {
    const at = now.toISOString();
    const records: CurationRecord[] = [];
    for (const e of events) {
      if (e.type === 'fallback') records.push({ type: 'fallback', at, text: mask(e.text).slice(0, 500), candidates: e.candidates.slice(0, 3) });
      else if (e.type === 'did-you-mean') records.push({ type: 'did-you-mean', at, text: mask(e.text).slice(0, 500), offered: e.offered, picked: e.picked });
      else if (e.type === 'outcome') records.push({ type: 'outcome', at, intent: e.intent, node: e.node, code: e.code, solved: e.solved });
      else if (e.type === 'handoff') records.push({ type: 'handoff', at, trigger: e.trigger, intent: e.intent });
    }
    if (records.length) await this.append(records, now);
  }

  async append(records: CurationRecord[], now = new Date()): Promise<void> {
    const key = dayKey(now);
    for (let attempt = 0; attempt < 8; attempt++) {
      const items = await this.storage.read([key]);
      const cur = (items[key] as { records?: CurationRecord[]; eTag?: string } | undefined) ?? {};
      const next = [...(cur.records ?? []), ...records].slice(-MAX_PER_DAY);
      try {
        await this.storage.write({ [key]: { records: next, eTag: cur.eTag ?? '*' } });
        return;
      } catch {
        await new Promise((r) => setTimeout(r, 5 + Math.random() * 25));
      }
    }
  }

  /** Records of the last `days` days (today included). */
  async read(days = 30, now = new Date()): Promise<CurationRecord[]> {
    const keys: string[] = [];
    for (let i = 0; i < days; i++) keys.push(dayKey(new Date(now.getTime() - i * 86_400_000)));
    const items = await this.storage.read(keys);
    return keys.reverse().flatMap((k) => ((items[k] as { records?: CurationRecord[] } | undefined)?.records ?? []));
  }
}
