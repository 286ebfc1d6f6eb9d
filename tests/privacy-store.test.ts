/**
 * End to end: the real server with STORAGE=sqlite in a temporary DATA_DIR. A user types every kind
 * of secret the outside probe found stored in clear (issue 18, items 3 and 9), then asks for a
 * person. Afterwards the raw bytes of the SQLite file and of its write-ahead log (and of every other
 * file in DATA_DIR) must not contain any of the secrets, in any form the user typed them, nor may
 * what the bot forwarded to the channel; the transcript timestamps of the hand-off ticket stay exact
 * ISO timestamps. On a failure the message names the stored field that held each secret.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Conversation, startBot, startChannel, type ChannelServer, type TestBot } from './helpers/harness.js';

const SLOW = 60_000;
const REF = /KP-[2-9A-HJKMNP-Z]{6}/;
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?Z$/;

/** What the user types, and the secret values inside it (each one unique, so a byte match means a leak). */
const TURNS: Array<{ text: string; secrets: string[] }> = [
  { text: 'halo, status efaktur saya belum registrasi', secrets: [] },
  // 5. an NPWP in full-width digits (and its ASCII form, in case something normalised it before storing)
  {
    text: 'NPWP kami \uFF10\uFF11.\uFF17\uFF14\uFF13.\uFF16\uFF15\uFF12.\uFF18-\uFF19\uFF10\uFF17.\uFF10\uFF10\uFF10 ya',
    secrets: ['\uFF17\uFF14\uFF13.\uFF16\uFF15\uFF12', '01.743.652.8-907.000', '017436528907000', '743.652'],
  },
  // 4. a lower-case 16-character activation code without the word "kode"
  { text: 'dari email aktivasi saya dapat q7w3e9r2t5y8u1i4, tetap gagal', secrets: ['q7w3e9r2t5y8u1i4'] },
  // 1. a passphrase in plain words after "passphrase …:"
  { text: 'passphrase sertel saya: jerapah ungu menari pelan', secrets: ['jerapah ungu', 'jerapah', 'menari pelan'] },
  // 2. a password on the line after "lupa password"
  { text: 'lupa password\nKetapang771!', secrets: ['Ketapang771'] },
  // 3. keyword with a suffix
  { text: 'passwordku ya: Sumber2024x', secrets: ['Sumber2024x'] },
  { text: 'sandiku Kelapa5566', secrets: ['Kelapa5566'] },
  // 6. landline numbers with an area code
  { text: 'telp kantor (021) 5558123 atau 0274 918273', secrets: ['5558123', '918273'] },
  // 7. misspelled keywords the bot understands
  { text: 'pasword efaktur: Mangga8899', secrets: ['Mangga8899'] },
  { text: 'kata kunci: rambutan hijau', secrets: ['rambutan hijau', 'rambutan'] },
  { text: 'passwrd saya Durian7733', secrets: ['Durian7733'] },
  { text: 'pin nya 908172', secrets: ['908172'] },
  // escalation
  { text: 'saya mau bicara dengan petugas', secrets: [] },
];

const ALL_SECRETS = TURNS.flatMap((t) => t.secrets);

/** Every file under `dir` (recursively), as bytes. */
function filesUnder(dir: string): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) for (const [k, v] of filesUnder(full)) out.set(k, v);
    else if (entry.isFile()) out.set(full, fs.readFileSync(full));
  }
  return out;
}

/** JSON paths of the strings in `value` that contain `secret` (to say where a leak comes from). */
function pathsOf(value: unknown, secret: string, at = '$'): string[] {
  if (typeof value === 'string') return value.includes(secret) ? [at] : [];
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value as Record<string, unknown>).flatMap(([k, v]) => pathsOf(v, secret, `${at}.${k}`));
}

/** For each secret still in a live row of the database: the row key and the field holding it. */
function liveLeaks(dbFile: string): string[] {
  const db = new Database(dbFile, { readonly: true, fileMustExist: true });
  try {
    const out: string[] = [];
    for (const row of db.prepare('SELECT key, doc FROM items').all() as Array<{ key: string; doc: string }>) {
      let doc: unknown = row.doc;
      try {
        doc = JSON.parse(row.doc);
      } catch {
        /* kept as text */
      }
      for (const s of ALL_SECRETS) for (const p of pathsOf(doc, s)) out.push(`${row.key} ${p}: ${JSON.stringify(s)}`);
    }
    return out;
  } finally {
    db.close();
  }
}

/** The secrets whose bytes (UTF-8, and UTF-16LE in case a page stores text that way) occur in `bytes`. */
function leaked(bytes: Buffer): string[] {
  return ALL_SECRETS.filter((s) => bytes.includes(Buffer.from(s, 'utf8')) || bytes.includes(Buffer.from(s, 'utf16le')));
}

let channel: ChannelServer;
let bot: TestBot | undefined;
let dataDir: string;

beforeAll(async () => {
  channel = await startChannel();
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'privacy-store-'));
}, SLOW);

afterAll(async () => {
  await bot?.stop();
  await channel.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

describe('secrets typed in a conversation never reach the SQLite store', () => {
  it(
    'plays an escalating conversation, stops the app, scans the database and WAL bytes',
    async () => {
      bot = await startBot({ STORAGE: 'sqlite', DATA_DIR: dataDir, RATE_LIMIT_MESSAGES: '1000', AGENT_API_KEY: 'agent-key-privacy-store-0123456789' });
      const c = new Conversation(bot.url, channel);
      await c.join();
      let last = '';
      const dbFile = path.join(dataDir, 'bot-state.sqlite');
      /** Where secrets sat in live rows after some turn (overwritten later, they stay in the WAL bytes). */
      const seen = new Set<string>();
      for (const turn of TURNS) {
        const r = await c.send(turn.text);
        expect(r.status).toBe(200);
        last = r.text;
        for (const l of liveLeaks(dbFile)) seen.add(`after ${JSON.stringify(turn.text)}: ${l}`);
      }
      const ref = last.match(REF)?.[0];
      expect(ref, `the last reply hands off with a reference:\n${last}`).toBeDefined();

      // While the app runs, the write-ahead log holds the latest pages: scan it before it is checkpointed.
      expect(fs.existsSync(dbFile)).toBe(true);
      const running = filesUnder(dataDir);
      expect([...running.keys()].some((f) => f.endsWith('-wal'))).toBe(true);

      await bot.stop();
      bot = undefined;
      const stopped = filesUnder(dataDir);

      const leaks: string[] = [];
      for (const [phase, files] of [
        ['running', running],
        ['stopped', stopped],
      ] as const) {
        for (const [file, bytes] of files) for (const s of leaked(bytes)) leaks.push(`${phase} ${path.basename(file)}: ${JSON.stringify(s)}`);
      }
      // What the bot forwarded to the channel (replies, the hand-off event and its transcript attachment).
      const forwarded = JSON.stringify(channel.received.get(c.id) ?? []);
      const sent = ALL_SECRETS.filter((x) => forwarded.includes(x) || forwarded.includes(JSON.stringify(x).slice(1, -1)));
      expect({ leaks, liveRows: [...seen], sent }).toEqual({ leaks: [], liveRows: [], sent: [] });

      // The ticket is there, with the user's turns masked and its metadata exact.
      const db = new Database(dbFile, { readonly: true });
      try {
        const row = db.prepare('SELECT doc FROM items WHERE key LIKE ?').get(`%tickets/${ref!}%`) as { doc: string } | undefined;
        expect(row, 'the ticket row').toBeDefined();
        const ticket = JSON.parse(row!.doc) as { transcript: Array<{ from: string; text: string; at: string }>; createdAt: string };
        expect(ticket.createdAt).toMatch(ISO);
        expect(ticket.transcript.length).toBeGreaterThan(5);
        for (const entry of ticket.transcript) expect(entry.at, JSON.stringify(entry)).toMatch(ISO);
        const userText = ticket.transcript
          .filter((e) => e.from === 'user')
          .map((e) => e.text)
          .join('\n');
        for (const placeholder of ['[NPWP]', '[KODE-AKTIVASI]', '[RAHASIA]', '[TELEPON]']) expect(userText).toContain(placeholder);
        // Ordinary words around the secrets are still readable for the agent.
        expect(userText).toContain('status efaktur saya belum registrasi');
        expect(userText).toContain('saya mau bicara dengan petugas');
      } finally {
        db.close();
      }
    },
    SLOW,
  );
});
