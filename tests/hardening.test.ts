/**
 * Bad input, abuse and faults: clear 4xx answers, polite replies to odd text, no crashes, no stack
 * traces, nothing leaked, nothing half-written.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Storage, StoreItems } from 'botbuilder';
import { loadConfig } from '../src/config.js';
import { loadCore } from '../src/core.js';
import { newFlowState } from '../src/flow/engine.js';
import { createLogger, logId } from '../src/log.js';
import { createApp } from '../src/server.js';
import { MemoryStorage } from '../src/storage/memory-storage.js';
import { liveCatalog, nodeAt, showsAnswer } from './helpers/content.js';
import { Conversation, repliesText } from './helpers/harness.js';
import { useServer } from './helpers/server.js';
import { Writable } from 'node:stream';
import path from 'node:path';

const core = loadCore('intents');

const server = useServer({ RATE_LIMIT_MESSAGES: '10', RATE_LIMIT_WINDOW_SECONDS: '10' });
const content = liveCatalog().bot;
const M = content.messages;
/** The password question of the lupa-password topic, as the content words it. */
const PASSWORD_QUESTION = (() => {
  const n = nodeAt('lupa-password/jenis');
  return n.type === 'question' ? n.text : '?';
})();
const showsDesktop = (text: string) => showsAnswer(text, 'lupa-password/desktop');

const raw = (body: string, contentType = 'application/json') =>
  fetch(`${server.url}/api/messages`, { method: 'POST', headers: { 'content-type': contentType }, body });

describe('malformed requests to /api/messages get a 4xx with a reason', () => {
  const valid = () => server.conversation().activity({ text: 'halo' });
  it.each([
    ['non-JSON', () => raw('{not json'), 400],
    ['wrong content type', () => raw(JSON.stringify(valid()), 'text/plain'), 415],
    ['a JSON array', () => raw('[1,2,3]'), 400],
    ['missing type', () => raw(JSON.stringify({ ...valid(), type: undefined })), 400],
    ['missing conversation', () => raw(JSON.stringify({ ...valid(), conversation: undefined })), 400],
    ['missing serviceUrl', () => raw(JSON.stringify({ ...valid(), serviceUrl: undefined })), 400],
    ['a non-http serviceUrl', () => raw(JSON.stringify({ ...valid(), serviceUrl: 'file:///etc/passwd' })), 400],
    ['text that is not a string', () => raw(JSON.stringify({ ...valid(), text: { evil: true } })), 400],
    ['an oversized body (over 256 KB)', () => raw(JSON.stringify({ ...valid(), text: 'a'.repeat(300 * 1024) })), 413],
    ['deeply nested JSON', () => raw(`{"type":"message","channelData":${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}}`), 400],
  ])('%s', async (_name, send, status) => {
    const r = await send();
    expect(r.status).toBe(status);
    const body = await r.text();
    expect(body.length).toBeGreaterThan(0);
    expect(body).not.toMatch(/\bat \S+ \(|node_modules|\.ts:\d+/); // no stack trace
  });

  it.each([
    ['a numeric id', { id: 12345 }, 'activity.id'],
    ['a numeric locale', { locale: 42 }, 'activity.locale'],
    ['a malformed locale', { locale: 'id_ID; DROP' }, 'activity.locale'],
    ['a numeric recipient.id', { recipient: { id: 7 } }, 'activity.recipient.id'],
    ['a string membersAdded', { type: 'conversationUpdate', membersAdded: 'everyone' }, 'activity.membersAdded'],
    ['a NUL in the conversation id', { conversation: { id: 'abc\u0000def' } }, 'activity.conversation.id'],
    ['U+202E in the conversation id', { conversation: { id: 'abc\u202efed' } }, 'activity.conversation.id'],
    ['a boolean channelData', { channelData: true }, 'activity.channelData'],
  ])('%s gets 400 naming the field, and no turn runs', async (_name, partial, field) => {
    const c = server.conversation();
    const r = await c.post({ ...c.activity({ text: 'halo' }), ...partial });
    expect(r.status).toBe(400);
    expect(String((r.body as { error?: string })?.error)).toContain(field);
    expect(r.replies).toHaveLength(0);
  });

  it('logs carry a hash of the conversation id, never the id (it would let a log reader post into it)', async () => {
    const c = server.conversation();
    await c.send('lupa password efaktur');
    const logs = server.bot.logs.join('');
    expect(logs).toContain(logId(c.id)!);
    expect(logs).not.toContain(c.id);
  });

  it('GET on /api/messages is not allowed, and unknown routes are 404', async () => {
    expect((await fetch(`${server.url}/api/messages`)).status).toBeGreaterThanOrEqual(400);
    expect((await fetch(`${server.url}/nope`)).status).toBe(404);
  });

  it('random activity shapes never produce a 5xx', async () => {
    const conv = server.conversation();
    await fc.assert(
      fc.asyncProperty(
        fc.record(
          {
            type: fc.oneof(
              fc.constantFrom(
                'message',
                'event',
                'invoke',
                'typing',
                'conversationUpdate',
                'messageReaction',
                'endOfConversation',
                'installationUpdate',
                'bogus',
              ),
              fc.string(),
            ),
            text: fc.oneof(fc.string(), fc.integer(), fc.constant(null)),
            name: fc.oneof(fc.string(), fc.constant('composeExtension/query'), fc.constant('handoff.status')),
            value: fc.oneof(fc.jsonValue(), fc.constant(undefined)),
            attachments: fc.oneof(fc.constant(undefined), fc.array(fc.record({ contentType: fc.string(), contentUrl: fc.webUrl() }), { maxLength: 3 })),
            membersAdded: fc.oneof(fc.constant(undefined), fc.array(fc.record({ id: fc.string() }), { maxLength: 2 })),
          },
          { requiredKeys: ['type'] },
        ),
        async (partial) => {
          const r = await conv.post(conv.activity(partial as Record<string, unknown>));
          // Unknown invokes correctly get 501 Not Implemented; nothing else may be a 5xx.
          const allowed = r.status < 500 || (partial.type === 'invoke' && r.status === 501);
          expect(allowed, `${r.status} for ${JSON.stringify(partial).slice(0, 200)}`).toBe(true);
        },
      ),
      { numRuns: 60 },
    );
  });
});

describe('odd text', () => {
  const oddText = fc.oneof(
    fc.string({ maxLength: 300 }),
    fc.string({ unit: 'grapheme', maxLength: 200 }),
    fc.string({ unit: 'binary', maxLength: 200 }),
    fc.constantFrom(
      '',
      '   ',
      '\n\t',
      '😀😀😀',
      '\u200b\u200b',
      '\u202eetax40005',
      'مرحبا efaktur',
      '<script>alert(1)</script>',
      '**bold** [x](javascript:alert(1))',
      '```',
      'a'.repeat(10_000),
      '\u0000\u0001\u0007',
      'ＥＴＡＸ－４０００５',
    ),
  );

  it('the normaliser and matcher never throw and stay fast', () => {
    fc.assert(
      fc.property(oddText, (text) => {
        const t0 = performance.now();
        const c = core.matcher.classify(text);
        expect(c.score).toBeGreaterThanOrEqual(0);
        expect(c.score).toBeLessThanOrEqual(1);
        expect(performance.now() - t0).toBeLessThan(200);
      }),
      { numRuns: 400 },
    );
  });

  it('the flow engine always answers with something to say', () => {
    fc.assert(
      fc.property(fc.array(oddText, { minLength: 1, maxLength: 5 }), (texts) => {
        let state = newFlowState();
        for (const text of texts) {
          const r = core.engine.turn(state, { text });
          expect(r.replies.length).toBeGreaterThan(0);
          state = JSON.parse(JSON.stringify(r.state)); // state stays JSON
        }
      }),
      { numRuns: 200 },
    );
  });

  it('through the protocol: empty, emoji, 10,000 characters, control and RTL characters get a polite reply', async () => {
    for (const text of ['', '   ', '😀🙏', 'a'.repeat(10_000), '\u0000\u0007 halo', '\u202eetax 40005', 'مرحبا']) {
      const r = await server.conversation().send(text);
      expect(r.status, JSON.stringify(text.slice(0, 20))).toBe(200);
      expect(r.replies.length, JSON.stringify(text.slice(0, 20))).toBeGreaterThan(0);
      expect(r.text).not.toMatch(/undefined|null|NaN|\[object Object\]/);
    }
  });

  it("a user's text is never echoed into Markdown unescaped", async () => {
    const c = server.conversation();
    const r1 = await c.send('/cari **tebal** <img src=x onerror=alert(1)> `kode`');
    expect(r1.text).not.toContain('**tebal**');
    expect(r1.text).not.toContain('`kode`');
    await c.send('efaktur saya error ```\n# judul palsu\n``` tolong');
    const r2 = await c.send('hubungi petugas');
    // The copy-ready summary is a list of one-line items: the user's backticks and heading stay literal.
    const refLine = content.summary.copy.ref.split('{ref}')[0]!;
    const summary = r2.replies.map((a) => a.text ?? '').find((t) => t.includes(refLine))!;
    expect(summary).not.toMatch(/```/);
    expect(summary).not.toMatch(/^\s*(- )?#/m);
  });
});

describe('non-message activities and attachments', () => {
  it.each([
    ['typing', { type: 'typing' }],
    ['conversationUpdate without members', { type: 'conversationUpdate' }],
    ['messageReaction', { type: 'messageReaction', reactionsAdded: [{ type: 'like' }] }],
    ['endOfConversation', { type: 'endOfConversation' }],
    ['installationUpdate', { type: 'installationUpdate', action: 'add' }],
    ['an event with an unknown name', { type: 'event', name: 'something.else' }],
  ])('%s is handled without errors', async (_n, partial) => {
    const c = server.conversation();
    const before = server.bot.logs.length;
    const r = await c.post(c.activity(partial));
    expect(r.status).toBe(200);
    expect(server.bot.logs.slice(before).join('')).not.toMatch(/"level":50/);
  });

  it('an unknown invoke gets 501 Not Implemented', async () => {
    const c = server.conversation('msteams');
    const r = await c.post(c.activity({ type: 'invoke', name: 'unknown/thing', value: {} }));
    expect(r.status).toBe(501);
  });

  it('a screenshot gets a kind answer asking for the error code', async () => {
    const c = server.conversation();
    const r = await c.post(
      c.activity({ text: '', attachments: [{ contentType: 'image/png', contentUrl: 'https://example.invalid/error.png', name: 'error.png' }] as never }),
    );
    expect(r.text).toBe(M.attachment);
  });
});

describe('abuse', () => {
  it('rate-limits a noisy conversation politely (once), without slowing others', async () => {
    const noisy = server.conversation();
    const results = [];
    for (let i = 0; i < 14; i++) results.push(await noisy.send(`halo ${i}`));
    const limited = results.filter((r) => r.text.includes(M.rateLimited));
    expect(limited).toHaveLength(1);
    expect(results.slice(11).every((r) => r.replies.length === 0)).toBe(true); // silent after the notice
    const quiet = server.conversation();
    const t0 = performance.now();
    await quiet.send('lupa pw');
    expect(await server.step(quiet)).toMatchObject({ kind: 'question', at: 'lupa-password/jenis' });
    expect(performance.now() - t0).toBeLessThan(2000);
  });

  it('sets security headers, no version banner, no CORS on APIs', async () => {
    const r = await fetch(`${server.url}/healthz`, { headers: { origin: 'https://evil.example' } });
    expect(r.headers.get('x-content-type-options')).toBe('nosniff');
    expect(r.headers.get('content-security-policy')).toMatch(/default-src 'self'/);
    expect(r.headers.get('content-security-policy')).toMatch(/frame-ancestors/);
    expect(r.headers.get('server')).toBeNull();
    expect(r.headers.get('x-powered-by')).toBeNull();
    expect(r.headers.get('access-control-allow-origin')).toBeNull();
    const pre = await fetch(`${server.url}/api/messages`, {
      method: 'OPTIONS',
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' },
    });
    expect(pre.headers.get('access-control-allow-origin')).toBeNull();
  });
});

/** A store that fails on demand (unavailable, slow, or eTag conflicts). */
class FaultyStorage implements Storage {
  inner = new MemoryStorage();
  mode: 'ok' | 'down' | 'conflict' | 'slow' = 'ok';
  readonly kind = 'memory' as const;
  async read(keys: string[]): Promise<StoreItems> {
    if (this.mode === 'down') throw new Error('store unavailable');
    if (this.mode === 'slow') await new Promise((r) => setTimeout(r, 8000));
    return this.inner.read(keys);
  }
  async write(changes: StoreItems): Promise<void> {
    if (this.mode === 'down') throw new Error('store unavailable');
    if (this.mode === 'conflict' && Object.keys(changes).some((k) => k.includes('/conversations/')))
      throw new Error('Storage: error writing "x" due to eTag conflict.');
    return this.inner.write(changes);
  }
  async delete(keys: string[]): Promise<void> {
    return this.inner.delete(keys);
  }
  async ping(): Promise<void> {
    if (this.mode === 'down') throw new Error('store unavailable');
  }
  async close(): Promise<void> {}
}

describe('faults', () => {
  let faulty: FaultyStorage;
  let app: ReturnType<typeof createApp>;
  let url: string;
  const logs: string[] = [];
  beforeAll(async () => {
    faulty = new FaultyStorage();
    const config = loadConfig({ PORT: '0', HOST: '127.0.0.1', STORAGE: 'memory', INTENTS_DIR: path.resolve('intents'), RATE_LIMIT_MESSAGES: '1000' });
    const sink = new Writable({ write: (c, _e, cb) => (logs.push(String(c)), cb()) });
    // A core whose engine crashes on one magic message, to test a crash inside a turn.
    const crashing = loadCore('intents');
    const turn = crashing.engine.turn.bind(crashing.engine);
    crashing.engine.turn = (state, input) => {
      if (input.text === 'boom-crash') throw new Error('simulated crash with NPWP 01.234.567.8-901.000');
      return turn(state, input);
    };
    app = createApp(config, { store: faulty as never, core: crashing, logger: createLogger('info', sink) });
    url = await app.start();
  });
  afterAll(async () => app.stop());

  it('store unavailable: apology with the Kring Pajak contact, /readyz not ready, recovery when it returns', async () => {
    const c = new Conversation(url, server.channel);
    await c.send('lupa pw');
    faulty.mode = 'down';
    const r = await c.send('desktop');
    expect(r.status).toBe(200);
    expect(r.text).toContain(M.storeDown);
    expect(r.text).toContain(content.contacts.channels[0]!.value);
    expect((await fetch(`${url}/readyz`)).status).toBe(503);
    faulty.mode = 'ok';
    expect((await fetch(`${url}/readyz`)).status).toBe(200);
    const again = await c.send('desktop');
    expect(showsDesktop(again.text)).toBe(true); // the step was not lost
  });

  it('a slow store (no answer within 3 s): apology with the contact instead of hanging', async () => {
    const c = new Conversation(url, server.channel);
    faulty.mode = 'slow';
    const t0 = performance.now();
    const r = await c.send('lupa pw');
    faulty.mode = 'ok';
    expect(performance.now() - t0).toBeLessThan(6000);
    expect(r.text).toContain(M.storeDown);
    expect(r.text).toContain(content.contacts.channels[0]!.value);
  });

  it('an eTag conflict on save (another instance won): no false alarm, the stored step is not half-written', async () => {
    const c = new Conversation(url, server.channel);
    await c.send('lupa pw');
    faulty.mode = 'conflict';
    const r = await c.send('desktop');
    expect(showsDesktop(r.text)).toBe(true);
    expect(r.text).not.toContain(M.storeDown);
    faulty.mode = 'ok';
    const again = await c.send('desktop'); // the previous step is still the stored one
    expect(showsDesktop(again.text)).toBe(true);
  });

  it('a reply POST failing once is retried by the connector; failing for good ends the turn cleanly', async () => {
    const c = new Conversation(url, server.channel);
    server.channel.failNext(500, 1);
    const r = await c.send('lupa pw');
    expect(r.status).toBe(200);
    expect(r.text).toContain(PASSWORD_QUESTION); // retried
    server.channel.failNext(503, 50);
    const down = await c.send('desktop');
    expect(down.status).toBeLessThan(500 + 100); // answered, not hung
    server.channel.failNext(200, 0);
    // The failed turn was not saved half-way: the question is still open.
    const next = await c.send('desktop');
    expect(showsDesktop(next.text)).toBe(true);
  });

  it('a crash in one turn: apology with contacts, no stack trace to the user, masked in the logs', async () => {
    const c = new Conversation(url, server.channel);
    const r = await c.send('boom-crash');
    expect(r.status).toBe(200);
    expect(r.text).toContain(M.error);
    expect(repliesText(r.replies)).not.toMatch(/simulated crash|\bat \S+ \(/);
    const all = logs.join('');
    expect(all).toMatch(/turn failed/);
    expect(all).not.toContain('01.234.567.8-901.000');
    expect((await c.send('lupa pw')).text).toContain(PASSWORD_QUESTION);
  });
});

describe('logs', () => {
  it('one JSON line per turn with a correlation id, intent, decision and latency; no personal data', async () => {
    const c = server.conversation();
    const secrets = ['01.234.567.8-901.000', '3171234567890001', 'Rahasia#2024x', '2399BDAA7QX2M4KL', 'budi@contoh.co.id', '081234567890'];
    await c.send(`npwp ${secrets[0]} nik ${secrets[1]}`);
    await c.send(`password saya ${secrets[2]} kode aktivasi ${secrets[3]}`);
    await c.send(`email ${secrets[4]} hp ${secrets[5]} tolong hubungi petugas`);
    const turns = server.turns(c);
    expect(turns).toHaveLength(3);
    for (const t of turns) {
      expect(typeof t.turnId).toBe('string');
      expect(typeof t.intent).toBe('string');
      expect(typeof t.decision).toBe('string');
      expect(typeof t.latencyMs).toBe('number');
    }
    const all = server.bot.logs.join('');
    for (const s of secrets) expect(all).not.toContain(s);
  });
});
