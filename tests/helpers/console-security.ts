/**
 * What the agent console's security tests (tests/console-*.test.ts) share: agents with known keys in
 * AGENTS, HTTP calls from a chosen loopback address (the server sees it as the TCP peer, so per-source
 * counters of one test do not touch the next), sign-in, the session cookie and its parts, the session
 * secret in the store, and temporary folders for SQLite stores.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll } from 'vitest';
import { SESSION_SECRET_KEY } from '../../src/web/console/sessions.js';
import type { TestBot } from './harness.js';

export const sha = (k: string) => createHash('sha256').update(k).digest('hex');
export const KEYS = {
  budi: 'kunci-budi-rahasia-123',
  siti: 'kunci-siti-rahasia-456',
  rina: 'kunci-rina-rahasia-789',
  dewi: 'kunci-dewi-rahasia-012',
  /** exactly 16 characters: the shortest key that works */
  pas: 'enambelas-karakt',
  /** 15 characters: its hash is valid configuration, but the key never signs in */
  pendek: 'lima-belas-kara',
};
export const AGENTS = Object.entries(KEYS)
  .map(([id, key]) => `${id}:Agen ${id}:${sha(key)}`)
  .join(',');
export const API_KEY = 'kunci-api-agen-uji-1234567890';
export const BASE_ENV = { AGENTS, AGENT_API_KEY: API_KEY, LOG_LEVEL: 'warn' };

export interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

/** One HTTP request from a chosen local address (the server sees it as the TCP peer). */
export function call(
  base: string,
  method: string,
  route: string,
  o: { body?: unknown; cookie?: string; from?: string; headers?: Record<string, string> } = {},
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const u = new URL(route, base);
    const data = o.body === undefined ? undefined : JSON.stringify(o.body);
    const req = http.request(
      {
        host: u.hostname,
        port: u.port,
        path: u.pathname + u.search,
        method,
        localAddress: o.from,
        agent: false,
        headers: {
          ...(data ? { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(data)) } : {}),
          ...(o.cookie ? { cookie: o.cookie } : {}),
          ...o.headers,
        },
      },
      (res) => {
        let raw = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (raw += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: raw ? JSON.parse(raw) : undefined }));
      },
    );
    req.on('error', reject);
    if (data) req.write(data);
    req.end();
  });
}

export const login = (base: string, agentId: string, key: string, from = '127.0.0.1', headers?: Record<string, string>) =>
  call(base, 'POST', '/agent/api/login', { body: { agentId, key }, from, headers });
/** The `name=value` of the session cookie a reply sets. */
export const cookieOf = (r: Reply): string => {
  const set = r.headers['set-cookie']?.[0] ?? '';
  return set.split(';')[0]!;
};
export const me = (base: string, cookie: string) => call(base, 'GET', '/agent/api/me', { cookie });
export const logout = (base: string, cookie: string) => call(base, 'POST', '/agent/api/logout', { cookie, headers: { 'x-requested-with': 'agent-console' } });
/** The cookie's value (decoded) and its parts. */
export function tokenOf(cookie: string): { token: string; body: { sid: string; sub: string; exp: number } } {
  const token = decodeURIComponent(cookie.slice(cookie.indexOf('=') + 1));
  const body = JSON.parse(Buffer.from(token.slice(0, token.lastIndexOf('.')), 'base64url').toString('utf8'));
  return { token, body };
}
export const cookieWith = (token: string) => `agent_session=${encodeURIComponent(token)}`;
export const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
/** The session secret the app keeps in its store (none before the first sign-in, or with SESSION_SECRET set). */
export async function storedSecret(bot: TestBot): Promise<string | undefined> {
  const item = (await bot.app.store.read([SESSION_SECRET_KEY]))[SESSION_SECRET_KEY] as { secret?: string } | undefined;
  return item?.secret;
}

/**
 * Makes temporary folders for the tests of the calling file, all removed after them (call it at the
 * top level of the file).
 */
export function tmpDirs(): () => string {
  const dirs: string[] = [];
  afterAll(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });
  return () => {
    const d = mkdtempSync(path.join(os.tmpdir(), 'console-sec-'));
    dirs.push(d);
    return d;
  };
}
