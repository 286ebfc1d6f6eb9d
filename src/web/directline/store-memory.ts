/**
 * Direct Line conversations in this process's memory (STORAGE=memory, and servers given no store):
 * one instance only, lost on restart. A Map in least-recently-active order (a touch re-inserts), so
 * expiry and eviction walk from its start.
 */
import { activityId, type Activity } from './activities.js';
import type { StoreLimits } from './limits.js';
import type { ActivityPage, DirectLineStore, StoredConversation } from './store.js';

interface Stored {
  seq: number;
  activity: Activity;
  bytes: number;
}

interface Conversation extends StoredConversation {
  lastActive: number;
  activities: Stored[];
  bytes: number;
}

export class MemoryDirectLineStore implements DirectLineStore {
  readonly kind = 'memory' as const;
  private readonly conversations = new Map<string, Conversation>();
  private totalBytes = 0;
  private secret: string | undefined;

  constructor(private readonly limits: StoreLimits) {}

  async create(c: { id: string; userId: string; locale?: string }, now: number): Promise<{ conversation: StoredConversation; created: boolean }> {
    const existing = this.get(c.id, now);
    if (existing) {
      this.touch(existing, now);
      return { conversation: view(existing), created: false };
    }
    const conv: Conversation = { id: c.id, userId: c.userId, ...(c.locale ? { locale: c.locale } : {}), seq: 0, lastActive: now, activities: [], bytes: 0 };
    this.conversations.set(conv.id, conv);
    this.evictForSpace(conv);
    return { conversation: view(conv), created: true };
  }

  async open(id: string, now: number): Promise<StoredConversation | undefined> {
    const c = this.get(id, now);
    if (!c) return undefined;
    this.touch(c, now);
    return view(c);
  }

  async append(id: string, activity: Activity, now: number): Promise<{ id: string; seq: number } | undefined> {
    const c = this.get(id, now);
    if (!c) return undefined;
    c.seq += 1;
    const stored: Stored = { seq: c.seq, activity: { ...activity, id: activityId(c.id, c.seq) }, bytes: 0 };
    stored.bytes = Buffer.byteLength(JSON.stringify(stored.activity));
    c.activities.push(stored);
    c.bytes += stored.bytes;
    this.totalBytes += stored.bytes;
    while (c.activities.length > 1 && (c.activities.length > this.limits.maxActivitiesPerConversation || c.bytes > this.limits.maxBytesPerConversation)) {
      const old = c.activities.shift()!;
      c.bytes -= old.bytes;
      this.totalBytes -= old.bytes;
    }
    this.touch(c, now);
    this.evictForSpace(c);
    return { id: String(stored.activity.id), seq: c.seq };
  }

  async activities(id: string, after: number, now: number): Promise<ActivityPage | undefined> {
    const c = this.get(id, now);
    if (!c) return undefined;
    this.touch(c, now);
    return { activities: c.activities.filter((s) => s.seq > after).map((s) => s.activity), watermark: c.seq };
  }

  size(): number {
    return this.conversations.size;
  }

  async sweep(now: number): Promise<void> {
    this.sweepNow(now);
  }

  /** One process: the forwarder's own per-conversation queue already serialises; leases are for several. */
  async lease(): Promise<boolean> {
    return true;
  }

  async unlease(): Promise<void> {
    // nothing held
  }

  async masterSecret(fresh: string): Promise<string> {
    this.secret ??= fresh;
    return this.secret;
  }

  async close(): Promise<void> {
    this.conversations.clear();
    this.totalBytes = 0;
  }

  private sweepNow(now: number): void {
    const cutoff = now - this.limits.conversationIdleMs;
    for (const c of this.conversations.values()) {
      if (c.lastActive > cutoff) break;
      this.drop(c);
    }
  }

  /** Expiry runs on every lookup too: an idle conversation is gone even between sweeps. */
  private get(id: string, now: number): Conversation | undefined {
    this.sweepNow(now);
    return this.conversations.get(id);
  }

  private touch(c: Conversation, now: number): void {
    c.lastActive = now;
    this.conversations.delete(c.id);
    this.conversations.set(c.id, c);
  }

  private drop(c: Conversation): void {
    this.conversations.delete(c.id);
    this.totalBytes -= c.bytes;
  }

  private evictForSpace(keep: Conversation): void {
    for (const c of this.conversations.values()) {
      if (this.conversations.size <= this.limits.maxConversations && this.totalBytes <= this.limits.maxTotalBytes) break;
      if (c === keep) continue;
      this.drop(c);
    }
  }
}

function view(c: Conversation): StoredConversation {
  return { id: c.id, userId: c.userId, ...(c.locale ? { locale: c.locale } : {}), seq: c.seq };
}
