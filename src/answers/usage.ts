/**
 * How often each canned answer was used by agents, so the compose extension's first screen (empty
 * query) shows the most used ones. Best effort: a lost increment under contention is acceptable.
 */
import type { KeyValueStore } from '../storage/key-value.js';

const KEY = 'answers/usage';

export class AnswerUsage {
  constructor(private readonly storage: KeyValueStore) {}

  async counts(): Promise<Record<string, number>> {
    const items = await this.storage.read([KEY]);
    return (items[KEY] as { counts?: Record<string, number> } | undefined)?.counts ?? {};
  }

  async increment(id: string): Promise<void> {
    for (let attempt = 0; attempt < 3; attempt++) {
      const items = await this.storage.read([KEY]);
      const cur = (items[KEY] as { counts?: Record<string, number>; eTag?: string } | undefined) ?? {};
      const counts = { ...(cur.counts ?? {}) };
      counts[id] = (counts[id] ?? 0) + 1;
      try {
        await this.storage.write({ [KEY]: { counts, eTag: cur.eTag ?? '*' } });
        return;
      } catch {
        /* another writer won; retry */
      }
    }
  }
}
