/**
 * The foundation through the real protocol: a real server, activities POSTed to /api/messages, the
 * bot's replies received by a channel server inside the test.
 */
import { describe, expect, it } from 'vitest';
import { liveCatalog, nodeAt } from './helpers/content.js';
import { Conversation } from './helpers/harness.js';
import { useServer } from './helpers/server.js';

const M = liveCatalog().bot.messages;

describe('Bot Framework protocol', () => {
  const server = useServer();

  it('answers a greeting in Indonesian through the channel', async () => {
    const conv = server.conversation();
    const r = await conv.send('Halo, selamat pagi');
    expect(r.status).toBe(200);
    expect(r.replies.length).toBeGreaterThan(0);
    expect((await server.step(conv)).kind).toBe('menu');
    // Replies go to the conversation of the request, as replies to the user's activity.
    expect(r.replies.every((a) => a.conversation?.id === conv.id)).toBe(true);
  });

  it('welcomes a user who joins, saying what the bot helps with', async () => {
    const conv = server.conversation();
    const r = await conv.join();
    expect(r.status).toBe(200);
    expect(r.text).toContain(M.welcome); // what it helps with, and the reminder not to share secrets
  });

  it('does not welcome when only the bot joins', async () => {
    const conv = server.conversation();
    const r = await conv.post(conv.activity({ type: 'conversationUpdate', membersAdded: [{ id: 'bot' }] as unknown as undefined }));
    expect(r.status).toBe(200);
    expect(r.replies).toHaveLength(0);
  });

  it('routes a slang message to the right procedure', async () => {
    const conv = server.conversation();
    const r = await conv.send('lupa pw efaktur desktop gmn min');
    expect(r.status).toBe(200);
    expect((await server.step(conv)).at).toMatch(/^lupa-password\//);
  });

  it('reports health and readiness', async () => {
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    const ready = await fetch(`${server.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: 'ready', checks: { catalog: 'ok', storage: 'ok' } });
  });

  it('logs one JSON line per turn without the message text', async () => {
    const conv = server.conversation();
    await conv.send('status aplikasi efaktur saya belum registrasi rahasia-unik-123');
    const turn = server.turns(conv);
    expect(turn).toHaveLength(1);
    expect(turn[0]).toMatchObject({ intent: 'reset-aplikasi', decision: 'route' });
    expect(server.bot.logs.join('')).not.toContain('rahasia-unik-123');
  });
});

describe('graceful shutdown', () => {
  it('on SIGTERM stops accepting, finishes the turn in flight, then exits 0', async () => {
    const { freePort } = await import('./helpers/redis-server.js');
    const { spawnBot } = await import('./helpers/harness.js');
    const http = await import('node:http');
    // A channel that answers the bot's reply slowly, so the turn is still running when SIGTERM arrives.
    const received: string[] = [];
    const slow = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () =>
        setTimeout(() => {
          received.push(String((JSON.parse(body || '{}') as { text?: string }).text ?? ''));
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end('{"id":"x"}');
        }, 700),
      );
    });
    await new Promise<void>((r) => slow.listen(0, '127.0.0.1', r));
    const channelUrl = `http://127.0.0.1:${(slow.address() as { port: number }).port}/`;
    const bot = await spawnBot({ STORAGE: 'memory' }, await freePort());
    try {
      const conv = new Conversation(bot.url, { url: channelUrl, received: new Map(), failNext() {}, close: async () => undefined });
      const inFlight = conv.send('lupa pw');
      await new Promise((r) => setTimeout(r, 300));
      const exited = bot.kill('SIGTERM');
      const r = await inFlight;
      expect(r.status).toBe(200);
      const question = nodeAt('lupa-password/jenis');
      expect(received.join('\n')).toContain(question.type === 'question' ? question.text : '?');
      expect(await exited).toBe(0);
      await expect(fetch(`${bot.url}/healthz`)).rejects.toThrow();
    } finally {
      await bot.kill('SIGKILL');
      slow.closeAllConnections();
      slow.close();
    }
  });
});
