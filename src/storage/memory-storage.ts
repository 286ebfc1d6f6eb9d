import { StoreConflictError, type BotStore, type StoreItems } from './index.js';

/**
 * Process-local store with botbuilder's `MemoryStorage` semantics (items kept as JSON, so readers get
 * copies; a counter as eTag; a batch with a stale eTag writes its other items and still rejects;
 * tests/storage.conformance.test.ts runs both side by side), plus the `BotStore` extras. No TTL: for
 * development and tests only. Our own rather than the SDK's so that storage does not depend on it.
 */
export class MemoryStorage implements BotStore {
  readonly kind = 'memory' as const;
  /** Documents by key; a Map keeps insertion order, and a write moves its key to the end. */
  private readonly items = new Map<string, string>();
  private eTag = 1;

  async read(keys: string[]): Promise<StoreItems> {
    const out: StoreItems = {};
    for (const key of keys) {
      const doc = this.items.get(key);
      if (doc !== undefined) out[key] = JSON.parse(doc) as unknown;
    }
    return out;
  }

  async write(changes: StoreItems): Promise<void> {
    let conflict: StoreConflictError | undefined;
    for (const [key, item] of Object.entries(changes) as Array<[string, { eTag?: unknown }]>) {
      const stored = this.items.get(key);
      const expected = item.eTag;
      if (stored !== undefined && expected && expected !== '*' && (JSON.parse(stored) as { eTag?: unknown }).eTag !== expected) {
        conflict ??= new StoreConflictError(key);
        continue;
      }
      this.items.delete(key);
      this.items.set(key, JSON.stringify({ ...item, eTag: String(this.eTag++) }));
    }
    if (conflict) throw conflict;
  }

  async delete(keys: string[]): Promise<void> {
    for (const key of keys) this.items.delete(key);
  }

  /** Stored keys, least recently written first (the conversation budget evicts from the front). */
  keysInWriteOrder(): string[] {
    return [...this.items.keys()];
  }

  async ping(): Promise<void> {
    // always available
  }

  async close(): Promise<void> {
    // nothing to release
  }
}
