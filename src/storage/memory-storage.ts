import { MemoryStorage as BotbuilderMemoryStorage, type StoreItems } from 'botbuilder';
import type { BotStore } from './index.js';

/**
 * botbuilder's `MemoryStorage` (unchanged read/write/delete and eTag semantics) with the `BotStore`
 * extras. Process-local, no TTL: for development and tests only.
 */
export class MemoryStorage extends BotbuilderMemoryStorage implements BotStore {
  readonly kind = 'memory' as const;
  /** Keys by last write, oldest first (the conversation budget evicts from the front). */
  private readonly written = new Set<string>();

  override async write(changes: StoreItems): Promise<void> {
    await super.write(changes);
    for (const key of Object.keys(changes)) {
      this.written.delete(key);
      this.written.add(key);
    }
  }

  override async delete(keys: string[]): Promise<void> {
    await super.delete(keys);
    for (const key of keys) this.written.delete(key);
  }

  /** Stored keys, least recently written first. */
  keysInWriteOrder(): string[] {
    return [...this.written];
  }

  async ping(): Promise<void> {
    // always available
  }

  async close(): Promise<void> {
    // nothing to release
  }
}
