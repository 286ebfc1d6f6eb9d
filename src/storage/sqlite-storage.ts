import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { type BotStore, StoreConflictError, type StoreItems, type TtlPolicy, joinItem, makeTtlPolicy, splitItem, ttlMsForKey } from './index.js';

export interface SqliteStorageOptions {
  /** Database file; its parent directory is created when missing. */
  path: string;
  /** Items expire this many seconds after their last write (fractions allowed). */
  ttlSeconds?: number;
  /** Only keys starting with one of these prefixes expire (default / empty: all keys). */
  ttlPrefixes?: string[];
  /** How often expired rows are deleted (default 60 s). Expired rows are never returned anyway. */
  purgeIntervalMs?: number;
}

interface ItemRow {
  doc: string;
  etag: string;
}

const DEFAULT_PURGE_INTERVAL_MS = 60_000;

/**
 * `Storage` in one SQLite file (better-sqlite3, WAL mode). Safe for several processes sharing the
 * file: writes run in `BEGIN IMMEDIATE` transactions, so the eTag check and the update are atomic.
 */
export class SqliteStorage implements BotStore {
  readonly kind = 'sqlite' as const;
  readonly path: string;
  private readonly db: Database.Database;
  private readonly ttl: TtlPolicy;
  private purgeTimer: NodeJS.Timeout | undefined;
  private closed = false;

  private readonly selectStmt: Database.Statement<[string, number], ItemRow>;
  private readonly selectETagStmt: Database.Statement<[string, number], { etag: string }>;
  private readonly upsertStmt: Database.Statement<[string, string, string, number | null]>;
  private readonly deleteStmt: Database.Statement<[string]>;
  private readonly purgeStmt: Database.Statement<[number]>;
  private readonly readTxn: (keys: string[], now: number) => StoreItems;
  private readonly writeTxn: (changes: StoreItems, now: number) => void;
  private readonly deleteTxn: (keys: string[]) => void;

  constructor(options: SqliteStorageOptions) {
    if (!options || typeof options.path !== 'string' || options.path === '') {
      throw new TypeError('SqliteStorage: options.path (database file) is required');
    }
    this.ttl = makeTtlPolicy(options.ttlSeconds, options.ttlPrefixes);
    this.path = options.path;
    if (this.path !== ':memory:') {
      fs.mkdirSync(path.dirname(path.resolve(this.path)), { recursive: true });
    }
    this.db = new Database(this.path);
    try {
      this.db.pragma('busy_timeout = 5000');
      this.db.pragma('journal_mode = WAL');
      this.db.pragma('synchronous = NORMAL');
      this.db.exec(`
        CREATE TABLE IF NOT EXISTS items (
          key TEXT PRIMARY KEY,
          doc TEXT NOT NULL,
          etag TEXT NOT NULL,
          expires_at INTEGER
        );
        CREATE INDEX IF NOT EXISTS items_expires_at ON items(expires_at) WHERE expires_at IS NOT NULL;
      `);
    } catch (err) {
      this.db.close();
      throw err;
    }

    const live = '(expires_at IS NULL OR expires_at > ?)';
    this.selectStmt = this.db.prepare<[string, number], ItemRow>(`SELECT doc, etag FROM items WHERE key = ? AND ${live}`);
    this.selectETagStmt = this.db.prepare<[string, number], { etag: string }>(`SELECT etag FROM items WHERE key = ? AND ${live}`);
    this.upsertStmt = this.db.prepare<[string, string, string, number | null]>(
      `INSERT INTO items (key, doc, etag, expires_at) VALUES (?, ?, ?, ?)
       ON CONFLICT(key) DO UPDATE SET doc = excluded.doc, etag = excluded.etag, expires_at = excluded.expires_at`,
    );
    this.deleteStmt = this.db.prepare<[string]>('DELETE FROM items WHERE key = ?');
    this.purgeStmt = this.db.prepare<[number]>('DELETE FROM items WHERE expires_at IS NOT NULL AND expires_at <= ?');

    // One consistent snapshot for a multi-key read.
    this.readTxn = this.db.transaction((keys: string[], now: number): StoreItems => {
      const result: StoreItems = {};
      for (const key of keys) {
        const row = this.selectStmt.get(key, now);
        if (row) result[key] = joinItem(row.doc, row.etag);
      }
      return result;
    });

    // All items of a batch or none; the first stale eTag aborts the transaction.
    const writeAll = this.db.transaction((changes: StoreItems, now: number): void => {
      const prepared = Object.keys(changes).map((key) => ({ key, ...splitItem(key, changes[key]) }));
      for (const { key, expectedETag } of prepared) {
        if (expectedETag === undefined) continue;
        const current = this.selectETagStmt.get(key, now);
        // Like MemoryStorage: a missing (or expired) item is simply created.
        if (current && current.etag !== expectedETag) throw new StoreConflictError(key);
      }
      for (const { key, doc } of prepared) {
        const ttlMs = ttlMsForKey(this.ttl, key);
        this.upsertStmt.run(key, doc, randomUUID(), ttlMs === undefined ? null : now + ttlMs);
      }
    });
    // BEGIN IMMEDIATE takes the write lock before the eTag check (no lost update across processes).
    // eslint-disable-next-line @typescript-eslint/unbound-method -- better-sqlite3 declares the transaction variants as methods, but they are standalone functions that ignore `this`.
    this.writeTxn = writeAll.immediate;

    this.deleteTxn = this.db.transaction((keys: string[]): void => {
      for (const key of keys) this.deleteStmt.run(key);
    });

    this.purgeExpired();
    if (this.ttl.ttlMs !== undefined) {
      const every = options.purgeIntervalMs ?? DEFAULT_PURGE_INTERVAL_MS;
      this.purgeTimer = setInterval(() => {
        try {
          this.purgeExpired();
        } catch {
          // a busy or closed database: try again next time
        }
      }, every);
      this.purgeTimer.unref();
    }
  }

  async read(keys: string[]): Promise<StoreItems> {
    if (!keys) throw new ReferenceError('Keys are required when reading.');
    this.assertOpen();
    if (keys.length === 0) return {};
    return this.readTxn(keys, Date.now());
  }

  async write(changes: StoreItems): Promise<void> {
    if (!changes) throw new ReferenceError('Changes are required when writing.');
    this.assertOpen();
    if (Object.keys(changes).length === 0) return;
    this.writeTxn(changes, Date.now());
  }

  async delete(keys: string[]): Promise<void> {
    if (!keys) throw new ReferenceError('Keys are required when deleting.');
    this.assertOpen();
    if (keys.length === 0) return;
    this.deleteTxn(keys);
  }

  async ping(): Promise<void> {
    this.assertOpen();
    this.db.prepare('SELECT 1').get();
  }

  /**
   * The open connection, for companions that keep tables of their own in the same file (the built-in
   * Direct Line's conversations, rate-limit counters): one connection (one page cache) instead of one
   * per companion. They must not close it; `close()` here does.
   */
  get database(): Database.Database {
    return this.db;
  }

  /** Deletes expired rows now; returns how many were deleted. */
  purgeExpired(now: number = Date.now()): number {
    if (this.closed) return 0;
    return this.purgeStmt.run(now).changes;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.purgeTimer) clearInterval(this.purgeTimer);
    this.purgeTimer = undefined;
    this.db.close();
  }

  private assertOpen(): void {
    if (this.closed) throw new Error(`SqliteStorage (${this.path}) is closed`);
  }
}
