/**
 * Conversation state around a turn: read with its eTag, run the turn, write back. Turns of one
 * conversation run one after another in this process (double clicks, channel retries); a concurrent
 * turn on another instance is detected by the eTag and its state is kept.
 */
import type { Logger } from 'pino';
import { errInfo, logId } from '../log.js';
import { isStoreConflict, type BotStore } from '../storage/index.js';
import { reviveConversationData, type ConversationData } from './data.js';

/** A store slower than this is treated as unavailable for the turn (the user gets the apology). */
export const STORE_TIMEOUT_MS = 3000;

function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`state store did not answer within ${ms} ms`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

/**
 * How a turn's state went: `ok`; `refused` (a new conversation over its source's budget; nothing was
 * stored); `unavailable` (the store failed to read, or to write after the turn's replies were sent);
 * `conflict` (another instance wrote first: its state was kept, and the user already has this turn's
 * replies, so nothing alarming is said).
 */
export type StateOutcome = 'ok' | 'refused' | 'unavailable' | 'conflict';

export class ConversationStates {
  private readonly locks = new Map<string, Promise<void>>();

  constructor(
    private readonly store: BotStore,
    private readonly logger: Logger,
  ) {}

  /** The store key of a conversation's data (the same key botbuilder's ConversationState uses). */
  static key(channel: string | undefined, conversationId: string | undefined): string {
    return `${channel}/conversations/${conversationId}/`;
  }

  /**
   * Loads the conversation's data, runs `turn`, saves it with the eTag it was read with.
   * `admitNew` decides whether a conversation the store has never seen may start.
   */
  async run(
    channel: string,
    conversationId: string,
    turn: (data: ConversationData) => Promise<void>,
    admitNew?: () => Promise<boolean>,
  ): Promise<StateOutcome> {
    const key = ConversationStates.key(channel, conversationId);
    const previous = this.locks.get(key) ?? Promise.resolve();
    let release!: () => void;
    const mine = new Promise<void>((resolve) => (release = resolve));
    const chained = previous.then(() => mine);
    this.locks.set(key, chained);
    await previous;
    try {
      return await this.runUnlocked(key, logId(conversationId), turn, admitNew);
    } finally {
      release();
      if (this.locks.get(key) === chained) this.locks.delete(key);
    }
  }

  private async runUnlocked(
    key: string,
    conversation: string | undefined,
    turn: (data: ConversationData) => Promise<void>,
    admitNew?: () => Promise<boolean>,
  ): Promise<StateOutcome> {
    let data: ConversationData;
    let eTag: string | undefined;
    try {
      const items = await withTimeout(this.store.read([key]), STORE_TIMEOUT_MS);
      const item = items[key] as { data?: ConversationData; eTag?: string } | undefined;
      if (!item && admitNew && !(await admitNew())) {
        this.logger.warn({ conversation }, 'new conversation refused: too many from this source');
        return 'refused';
      }
      eTag = item?.eTag;
      data = reviveConversationData(item?.data);
    } catch (err) {
      this.logger.error({ err: errInfo(err), conversation }, 'state store unavailable');
      return 'unavailable';
    }
    await turn(data);
    try {
      await withTimeout(this.store.write({ [key]: { data, eTag: eTag ?? '*' } }), STORE_TIMEOUT_MS);
      return 'ok';
    } catch (err) {
      if (isStoreConflict(err)) {
        this.logger.warn({ conversation }, 'concurrent turn on another instance: its state was kept');
        return 'conflict';
      }
      this.logger.error({ err: errInfo(err), conversation }, 'state store unavailable');
      return 'unavailable';
    }
  }
}
