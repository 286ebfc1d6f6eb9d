/**
 * Direct Line conversations in the SQLite file of the bot's store (STORAGE=sqlite), on the store's own
 * connection: a restart keeps every open web chat, and processes sharing the file share them.
 *
 *   directline_conversations  id, user, locale, seq (= watermark), first_seq, bytes, last_active
 *   directline_activities     (conversation_id, seq) → activity JSON and its size
 *   directline_meta           'bytes' (over all conversations), 'conversations', 'secret'
 *   directline_leases         id → holder, expiry: who hands the bot this conversation's activity now
 *
 * Writes run in BEGIN IMMEDIATE transactions (the seq is taken and the row written under the write
 * lock); a read of the activities and the watermark is one transaction, so one snapshot. A poll marks
 * its conversation active at most every `touchEveryMs` (not a write per poll).
 */
import type Database from 'better-sqlite3';
import { activityId, type Activity } from './activities.js';
import type { StoreLimits } from './limits.js';
import type { ActivityPage, DirectLineStore, StoredConversation } from './store.js';

interface ConvRow {
  id: string;
  user_id: string;
  locale: string | null;
  seq: number;
  first_seq: number;
  bytes: number;
  last_active: number;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS directline_conversations (
  id TEXT PRIMARY KEY,
  user_id TEXT NOT NULL,
  locale TEXT,
  seq INTEGER NOT NULL,
  first_seq INTEGER NOT NULL,
  bytes INTEGER NOT NULL,
  last_active INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS directline_conversations_last_active ON directline_conversations(last_active);
CREATE TABLE IF NOT EXISTS directline_activities (
  conversation_id TEXT NOT NULL,
  seq INTEGER NOT NULL,
  doc TEXT NOT NULL,
  bytes INTEGER NOT NULL,
  PRIMARY KEY (conversation_id, seq)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS directline_meta (name TEXT PRIMARY KEY, value);
CREATE TABLE IF NOT EXISTS directline_leases (id TEXT PRIMARY KEY, holder TEXT NOT NULL, expires INTEGER NOT NULL);
INSERT OR IGNORE INTO directline_meta (name, value) VALUES ('bytes', 0), ('conversations', 0);
`;

export class SqliteDirectLineStore implements DirectLineStore {
  readonly kind = 'sqlite' as const;
  private lastSize = 0;
  private readonly touchEveryMs: number;
  private readonly q;
  private readonly createTxn: (c: { id: string; userId: string; locale?: string }, now: number) => { conversation: StoredConversation; created: boolean };
  private readonly appendTxn: (id: string, doc: string, now: number) => number | undefined;
  private readonly readTxn: (id: string, after: number, now: number) => { row: ConvRow; docs: Array<{ seq: number; doc: string }> } | undefined;
  private readonly sweepTxn: (now: number) => number;

  constructor(
    private readonly db: Database.Database,
    private readonly limits: StoreLimits,
  ) {
    this.touchEveryMs = Math.min(5000, Math.floor(limits.conversationIdleMs / 20));
    db.exec(SCHEMA);
    const live = 'last_active > ?';
    this.q = {
      get: db.prepare<[string, number], ConvRow>(`SELECT * FROM directline_conversations WHERE id = ? AND ${live}`),
      getAny: db.prepare<[string], ConvRow>('SELECT * FROM directline_conversations WHERE id = ?'),
      insert: db.prepare<[string, string, string | null, number]>(
        'INSERT INTO directline_conversations (id, user_id, locale, seq, first_seq, bytes, last_active) VALUES (?, ?, ?, 0, 1, 0, ?)',
      ),
      touch: db.prepare<[number, string]>('UPDATE directline_conversations SET last_active = ? WHERE id = ?'),
      setSeq: db.prepare<[number, number, number, number, string]>(
        'UPDATE directline_conversations SET seq = ?, first_seq = ?, bytes = ?, last_active = ? WHERE id = ?',
      ),
      addActivity: db.prepare<[string, number, string, number]>('INSERT INTO directline_activities (conversation_id, seq, doc, bytes) VALUES (?, ?, ?, ?)'),
      oldestActivity: db.prepare<[string], { seq: number; bytes: number }>(
        'SELECT seq, bytes FROM directline_activities WHERE conversation_id = ? ORDER BY seq LIMIT 1',
      ),
      deleteActivity: db.prepare<[string, number]>('DELETE FROM directline_activities WHERE conversation_id = ? AND seq = ?'),
      activitiesAfter: db.prepare<[string, number], { seq: number; doc: string }>(
        'SELECT seq, doc FROM directline_activities WHERE conversation_id = ? AND seq > ? ORDER BY seq',
      ),
      deleteActivities: db.prepare<[string]>('DELETE FROM directline_activities WHERE conversation_id = ?'),
      deleteConversation: db.prepare<[string]>('DELETE FROM directline_conversations WHERE id = ?'),
      idle: db.prepare<[number, number], { id: string; bytes: number }>(
        'SELECT id, bytes FROM directline_conversations WHERE last_active <= ? ORDER BY last_active LIMIT ?',
      ),
      oldest: db.prepare<[string], { id: string; bytes: number }>('SELECT id, bytes FROM directline_conversations WHERE id <> ? ORDER BY last_active LIMIT 1'),
      meta: db.prepare<[string], { value: number }>('SELECT value FROM directline_meta WHERE name = ?'),
      addMeta: db.prepare<[number, string]>('UPDATE directline_meta SET value = value + ? WHERE name = ?'),
      lease: db.prepare<[string, string, number, number]>(
        `INSERT INTO directline_leases (id, holder, expires) VALUES (?, ?, ?)
         ON CONFLICT(id) DO UPDATE SET holder = excluded.holder, expires = excluded.expires WHERE directline_leases.expires <= ?`,
      ),
      unlease: db.prepare<[string, string]>('DELETE FROM directline_leases WHERE id = ? AND holder = ?'),
      purgeLeases: db.prepare<[number]>('DELETE FROM directline_leases WHERE expires <= ?'),
      secretInsert: db.prepare<[string]>("INSERT OR IGNORE INTO directline_meta (name, value) VALUES ('secret', ?)"),
      secret: db.prepare<[], { value: string }>("SELECT value FROM directline_meta WHERE name = 'secret'"),
    };

    const meta = (name: 'bytes' | 'conversations') => this.q.meta.get(name)?.value ?? 0;
    const drop = (id: string, bytes: number) => {
      this.q.deleteActivities.run(id);
      if (this.q.deleteConversation.run(id).changes > 0) {
        this.q.addMeta.run(-bytes, 'bytes');
        this.q.addMeta.run(-1, 'conversations');
      }
    };
    const sweep = (now: number, limit: number): number => {
      const idle = this.q.idle.all(now - limits.conversationIdleMs, limit);
      for (const r of idle) drop(r.id, r.bytes);
      return idle.length;
    };
    const evict = (keep: string) => {
      while (meta('conversations') > limits.maxConversations || meta('bytes') > limits.maxTotalBytes) {
        const victim = this.q.oldest.get(keep);
        if (!victim) return;
        drop(victim.id, victim.bytes);
      }
    };

    // eslint-disable-next-line @typescript-eslint/unbound-method -- better-sqlite3 declares `.immediate` as a method; it is a standalone function.
    this.createTxn = db.transaction((c: { id: string; userId: string; locale?: string }, now: number) => {
      sweep(now, 10);
      const existing = this.q.getAny.get(c.id);
      if (existing && existing.last_active > now - limits.conversationIdleMs) {
        this.q.touch.run(now, c.id);
        return { conversation: view(existing), created: false };
      }
      // Expired but not swept yet: it starts again from nothing, like a new one.
      if (existing) drop(existing.id, existing.bytes);
      this.q.insert.run(c.id, c.userId, c.locale ?? null, now);
      this.q.addMeta.run(1, 'conversations');
      evict(c.id);
      this.lastSize = meta('conversations');
      return { conversation: { id: c.id, userId: c.userId, ...(c.locale ? { locale: c.locale } : {}), seq: 0 }, created: true };
    }).immediate;

    // eslint-disable-next-line @typescript-eslint/unbound-method -- better-sqlite3 declares `.immediate` as a method; it is a standalone function.
    this.appendTxn = db.transaction((id: string, doc: string, now: number): number | undefined => {
      sweep(now, 10);
      const c = this.q.get.get(id, now - limits.conversationIdleMs);
      if (!c) return undefined;
      const size = Buffer.byteLength(doc);
      const seq = c.seq + 1;
      this.q.addActivity.run(id, seq, doc, size);
      let first = c.first_seq;
      let bytes = c.bytes + size;
      let freed = 0;
      while (seq - first + 1 > 1 && (seq - first + 1 > limits.maxActivitiesPerConversation || bytes > limits.maxBytesPerConversation)) {
        const old = this.q.oldestActivity.get(id);
        if (!old) break;
        this.q.deleteActivity.run(id, old.seq);
        first = old.seq + 1;
        bytes -= old.bytes;
        freed += old.bytes;
      }
      this.q.setSeq.run(seq, first, bytes, now, id);
      this.q.addMeta.run(size - freed, 'bytes');
      evict(id);
      return seq;
    }).immediate;

    // A deferred transaction: the conversation row and its activities from one snapshot.
    this.readTxn = db.transaction((id: string, after: number, now: number) => {
      const row = this.q.get.get(id, now - limits.conversationIdleMs);
      if (!row) return undefined;
      return { row, docs: after < row.seq ? this.q.activitiesAfter.all(id, after) : [] };
    });

    // eslint-disable-next-line @typescript-eslint/unbound-method -- better-sqlite3 declares `.immediate` as a method; it is a standalone function.
    this.sweepTxn = db.transaction((now: number) => {
      this.q.purgeLeases.run(now);
      const n = sweep(now, 500);
      this.lastSize = meta('conversations');
      return n;
    }).immediate;
  }

  async create(c: { id: string; userId: string; locale?: string }, now: number): Promise<{ conversation: StoredConversation; created: boolean }> {
    return this.createTxn(c, now);
  }

  async open(id: string, now: number): Promise<StoredConversation | undefined> {
    const row = this.q.get.get(id, now - this.limits.conversationIdleMs);
    if (!row) return undefined;
    this.touchIfStale(row, now);
    return view(row);
  }

  async append(id: string, activity: Activity, now: number): Promise<{ id: string; seq: number } | undefined> {
    const { id: _ignored, ...rest } = activity;
    const seq = this.appendTxn(id, JSON.stringify(rest), now);
    return seq === undefined ? undefined : { id: activityId(id, seq), seq };
  }

  async activities(id: string, after: number, now: number): Promise<ActivityPage | undefined> {
    const r = this.readTxn(id, after, now);
    if (!r) return undefined;
    this.touchIfStale(r.row, now);
    return { activities: r.docs.map((d) => ({ ...(JSON.parse(d.doc) as Activity), id: activityId(id, d.seq) })), watermark: r.row.seq };
  }

  size(): number {
    return this.lastSize;
  }

  async sweep(now: number): Promise<void> {
    for (let round = 0; round < 50 && this.db.open; round++) if (this.sweepTxn(now) < 500) return;
  }

  async lease(id: string, holder: string, ttlMs: number, now: number): Promise<boolean> {
    // One statement: takes a free or lapsed lease atomically (the write lock), changes nothing otherwise.
    return this.q.lease.run(id, holder, now + ttlMs, now).changes > 0;
  }

  async unlease(id: string, holder: string): Promise<void> {
    this.q.unlease.run(id, holder);
  }

  async masterSecret(fresh: string): Promise<string> {
    this.q.secretInsert.run(fresh);
    return this.q.secret.get()?.value ?? fresh;
  }

  async close(): Promise<void> {
    // The connection is the bot store's; it closes it.
  }

  /** Polls keep a conversation alive, but write at most every touchEveryMs. */
  private touchIfStale(row: ConvRow, now: number): void {
    if (now - row.last_active >= this.touchEveryMs) this.q.touch.run(now, row.id);
  }
}

function view(r: ConvRow): StoredConversation {
  return { id: r.id, userId: r.user_id, ...(r.locale ? { locale: r.locale } : {}), seq: r.seq };
}
