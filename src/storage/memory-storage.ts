import { MemoryStorage as BotbuilderMemoryStorage } from 'botbuilder';
import type { BotStore } from './index.js';

/**
 * botbuilder's `MemoryStorage` (unchanged read/write/delete and eTag semantics) with the `BotStore`
 * extras. Process-local, no TTL: for development and tests only.
 */
export class MemoryStorage extends BotbuilderMemoryStorage implements BotStore {
  readonly kind = 'memory' as const;

  async ping(): Promise<void> {
    // always available
  }

  async close(): Promise<void> {
    // nothing to release
  }
}
