/**
 * Live agents through the protocol: escalate → queue → claim in the console → messages both ways
 * (the matcher is not consulted meanwhile) → canned answer → close → the bot resumes and records the
 * outcome. Also: console auth, release, wait timeout, outside hours, the Teams agents' channel, and
 * two instances sharing Redis.
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Conversation, startBot, startChannel, type ChannelServer, type ReceivedActivity, type TestBot } from './helpers/harness.js';
import type { QueueItem, TicketView } from '../console-ui/agent/types.js';
import type { Ticket } from '../src/handoff/tickets.js';
import { startRedis } from './helpers/redis-server.js';

const sha = (k: string) => createHash('sha256').update(k).digest('hex');
const BUDI_KEY = 'kunci-budi-rahasia-123';
const SITI_KEY = 'kunci-siti-rahasia-456';
const AGENTS = `budi:Budi Santoso:${sha(BUDI_KEY)},siti:Siti Aminah:${sha(SITI_KEY)}`;
const ALWAYS_OPEN = { AGENT_HOURS: '00:00-24:00', AGENT_DAYS: '1,2,3,4,5,6,7' };
const REF = /KP-[2-9A-HJKMNP-Z]{6}/;

class Agent {
  cookie = '';
  constructor(
    public base: string,
    readonly id: string,
    readonly key: string,
  ) {}
  async login(key = this.key): Promise<number> {
    const r = await fetch(`${this.base}/agent/api/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ agentId: this.id, key }),
    });
    const set = r.headers.get('set-cookie') ?? '';
    if (r.status === 200) {
      expect(set).toMatch(/HttpOnly/);
      expect(set).toMatch(/SameSite=Strict/);
      this.cookie = set.split(';')[0]!;
    }
    return r.status;
  }
  get(path: string) {
    return fetch(`${this.base}${path}`, { headers: { cookie: this.cookie } });
  }
  post(path: string, body?: unknown, csrf = true) {
    return fetch(`${this.base}${path}`, {
      method: 'POST',
      headers: { cookie: this.cookie, 'content-type': 'application/json', ...(csrf ? { 'x-requested-with': 'agent-console' } : {}) },
      body: JSON.stringify(body ?? {}),
    });
  }
}

/** Replies the channel received for a conversation after index `from` (proactive messages arrive outside a turn). */
const since = (channel: ChannelServer, convId: string, from: number): ReceivedActivity[] => (channel.received.get(convId) ?? []).slice(from);
const count = (channel: ChannelServer, convId: string) => channel.received.get(convId)?.length ?? 0;
const texts = (acts: ReceivedActivity[]) => acts.map((a) => a.text ?? '').join('\n');

describe('live agents (console)', () => {
  let bot: TestBot;
  let channel: ChannelServer;
  let budi: Agent;
  let siti: Agent;
  beforeAll(async () => {
    channel = await startChannel();
    bot = await startBot({ AGENTS, ...ALWAYS_OPEN, HANDOFF_WAIT_SECONDS: '600', RATE_LIMIT_MESSAGES: '1000' });
    budi = new Agent(bot.url, 'budi', BUDI_KEY);
    siti = new Agent(bot.url, 'siti', SITI_KEY);
  });
  afterAll(async () => {
    await bot.stop();
    await channel.close();
  });

  it('requires a session: 401 without, 401 with a wrong key, 403 without the CSRF header, sign-out works', async () => {
    const anon = new Agent(bot.url, 'budi', BUDI_KEY);
    expect((await anon.get('/agent/api/queue')).status).toBe(401);
    expect(await anon.login('salah')).toBe(401);
    expect(await new Agent(bot.url, 'nobody', BUDI_KEY).login()).toBe(401);
    expect(await anon.login()).toBe(200);
    expect((await anon.get('/agent/api/me')).status).toBe(200);
    const noCsrf = await anon.post('/agent/api/tickets/KP-ZZZZZZ/claim', {}, false);
    expect(noCsrf.status).toBe(403);
    expect(await noCsrf.json()).toMatchObject({ code: 'csrf-header-missing' });
    const missing = await anon.post('/agent/api/tickets/KP-ZZZZZZ/claim');
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ code: 'no-such-ticket' });
    const forged = new Agent(bot.url, 'budi', BUDI_KEY);
    forged.cookie = `agent_session=${Buffer.from(JSON.stringify({ sub: 'budi', exp: Date.now() + 1e6 })).toString('base64url')}.AAAA`;
    expect((await forged.get('/agent/api/me')).status).toBe(401);
    const out = await fetch(`${bot.url}/agent/api/logout`, { method: 'POST', headers: { cookie: anon.cookie } });
    expect(out.headers.get('set-cookie')).toMatch(/Max-Age=0/);
    expect(await budi.login()).toBe(200);
    expect(await siti.login()).toBe(200);
  });

  it('escalate → queue → claim → both ways → canned answer → close → outcome → the bot resumes', async () => {
    const user = new Conversation(bot.url, channel);
    await user.send('efaktur saya belum registrasi, error ETAX-40005');
    let r = await user.send('saya mau bicara dengan petugas');
    expect(r.text).toMatch(/antrean/);
    expect(r.text).toMatch(/nomor 1/);
    const ref = r.text.match(REF)![0];

    // The queue shows it with the summary, steps and codes.
    const queue = await (await budi.get('/agent/api/queue')).json();
    const item = queue.items.find((t: { ref: string }) => t.ref === ref);
    expect(item).toMatchObject({ status: 'waiting', codes: ['ETAX-40005'], intent: 'etax-40005' });
    expect(item.waitingMs).toBeGreaterThanOrEqual(0);
    expect(item.summary).toMatch(/Topik/);

    // While waiting: told the position, message kept for the agent.
    r = await user.send('halo, masih lama?');
    expect(r.text).toMatch(/antrean nomor/);

    // Claim: the user is told the agent's name (a proactive message).
    let mark = count(channel, user.id);
    expect((await budi.post(`/agent/api/tickets/${ref}/claim`)).status).toBe(200);
    expect(texts(since(channel, user.id, mark))).toMatch(/Petugas \*\*Budi Santoso\*\* telah bergabung/);
    const taken = await siti.post(`/agent/api/tickets/${ref}/claim`);
    expect(taken.status).toBe(409);
    expect(await taken.json()).toMatchObject({ code: 'already-taken', assignee: 'Budi Santoso' });

    // The user's messages go to the agent, not the matcher.
    r = await user.send('status aplikasi efaktur belum registrasi');
    expect(r.replies).toHaveLength(0);
    const ticket = await (await budi.get(`/agent/api/tickets/${ref}`)).json();
    // The console reads tickets through its own types (console-ui/agent/types.ts): what the server
    // sends (a Ticket without its reference, plus waitingMs / mine) must fit them, or this does not compile.
    const asView = (t: Omit<Ticket, 'reference'> & { waitingMs?: number }): TicketView => t;
    const asQueueItem = (t: Omit<Ticket, 'reference' | 'transcript'> & { waitingMs?: number; mine: boolean }): QueueItem => t;
    expect(asView(ticket).ref).toBe(ref);
    expect(asQueueItem(item).ref).toBe(ref);
    expect(ticket.transcript.map((e: { text: string }) => e.text)).toContain('status aplikasi efaktur belum registrasi');
    expect(ticket.reference).toBeUndefined();

    // The agent answers with a canned answer found by short code (editable before sending).
    const answers = await (await budi.get('/agent/api/answers?q=/enofa-reset')).json();
    const canned = answers.items[0];
    expect(canned.code).toBe('enofa-reset');
    mark = count(channel, user.id);
    expect((await budi.post(`/agent/api/tickets/${ref}/messages`, { text: `Baik Bapak/Ibu, silakan ikuti langkah ini:\n\n${canned.markdown}` })).status).toBe(
      200,
    );
    expect(texts(since(channel, user.id, mark))).toMatch(/Reset Aplikasi Client/);
    expect(texts(since(channel, user.id, mark))).toMatch(/petugas helpdesk:/); // visibly a person's message
    // Another agent cannot write into Budi's conversation; an empty or overlong reply is refused first.
    const notHers = await siti.post(`/agent/api/tickets/${ref}/messages`, { text: 'halo' });
    expect(notHers.status).toBe(409);
    expect(await notHers.json()).toMatchObject({ code: 'not-assigned-to-you' });
    for (const text of ['  ', 'x'.repeat(4001)]) {
      const bad = await budi.post(`/agent/api/tickets/${ref}/messages`, { text });
      expect(bad.status).toBe(400);
      expect(await bad.json()).toMatchObject({ code: 'invalid-text', maxChars: 4000 });
    }

    // Close: the user is told and asked for the outcome.
    mark = count(channel, user.id);
    expect((await budi.post(`/agent/api/tickets/${ref}/close`)).status).toBe(200);
    const left = since(channel, user.id, mark);
    expect(texts(left)).toMatch(/telah mengakhiri percakapan/);
    expect(left.at(-1)?.suggestedActions?.actions.map((a) => a.title)).toEqual(['Sudah teratasi', 'Belum teratasi']);
    r = await user.send('Sudah teratasi');
    expect(r.text).toMatch(/Senang masalah Anda sudah teratasi/);
    const closed = await (await budi.get(`/agent/api/tickets/${ref}`)).json();
    expect(closed).toMatchObject({ status: 'closed', outcome: 'solved', assignee: { id: 'budi' } });
    const late = await siti.post(`/agent/api/tickets/${ref}/claim`);
    expect(late.status).toBe(409);
    expect(await late.json()).toMatchObject({ code: 'ticket-not-waiting', status: 'closed' });
    expect(closed.history.map((h: { action: string; agent?: string }) => `${h.action}${h.agent ? `@${h.agent}` : ''}`)).toEqual([
      'created',
      'queued',
      'claimed@budi',
      'closed@budi',
      'outcome:solved',
    ]);

    // Normal service again.
    r = await user.send('lupa pw');
    expect(r.text).toMatch(/Password mana/);
  });

  it('release puts the ticket back in the queue and tells the user; "batal" while waiting returns to the bot', async () => {
    const user = new Conversation(bot.url, channel);
    const ref = (await user.send('hubungi petugas')).text.match(REF)![0];
    await siti.post(`/agent/api/tickets/${ref}/claim`);
    const mark = count(channel, user.id);
    expect((await budi.post(`/agent/api/tickets/${ref}/release`)).status).toBe(409); // not Budi's
    expect((await siti.post(`/agent/api/tickets/${ref}/release`)).status).toBe(200);
    expect(texts(since(channel, user.id, mark))).toMatch(/dikembalikan ke antrean/);
    expect((await (await budi.get(`/agent/api/tickets/${ref}`)).json()).status).toBe('waiting');
    const r = await user.send('batal');
    expect(r.text).toMatch(/dibatalkan/);
    expect((await (await budi.get(`/agent/api/tickets/${ref}`)).json()).status).toBe('closed');
    expect((await user.send('lupa pw')).text).toMatch(/Password mana/);
  });

  it('nobody claims in time: the user gets the contacts and the reference', async () => {
    const user = new Conversation(bot.url, channel);
    const ref = (await user.send('saya mau komplain ke petugas')).text.match(REF)![0];
    const mark = count(channel, user.id);
    await bot.app.live.sweep(Date.now() + 601_000);
    const got = texts(since(channel, user.id, mark));
    expect(got).toMatch(/belum ada petugas/);
    expect(got).toContain(ref);
    expect(got).toMatch(/1500200/);
    expect((await (await budi.get(`/agent/api/tickets/${ref}`)).json()).status).toBe('open');
  });
});

describe("outside the agents' hours", () => {
  it('records the ticket and gives the Kring Pajak contacts at once', async () => {
    const channel = await startChannel();
    const today = ((new Date(Date.now() + 7 * 3600_000).getUTCDay() + 6) % 7) + 1; // ISO weekday in WIB
    const other = (today % 7) + 1;
    const bot = await startBot({ AGENTS, AGENT_DAYS: String(other) });
    try {
      const r = await new Conversation(bot.url, channel).send('hubungi petugas');
      expect(r.text).toMatch(/di luar jam layanan/);
      expect(r.text).toMatch(/1500200/);
      expect(r.text).toMatch(REF);
    } finally {
      await bot.stop();
      await channel.close();
    }
  });
});

describe('two instances sharing Redis', () => {
  it('claim on one instance, relay through the other', async () => {
    const redis = await startRedis();
    const channel = await startChannel();
    const env = { STORAGE: 'redis', REDIS_URL: redis.url, AGENTS, ...ALWAYS_OPEN, RATE_LIMIT_MESSAGES: '1000' };
    const a = await startBot(env);
    const b = await startBot(env);
    try {
      const user = new Conversation(a.url, channel);
      const ref = (await user.send('saya ingin bicara dengan petugas')).text.match(REF)![0];
      const onA = new Agent(a.url, 'budi', BUDI_KEY);
      expect(await onA.login()).toBe(200);
      let mark = count(channel, user.id);
      expect((await onA.post(`/agent/api/tickets/${ref}/claim`)).status).toBe(200);
      expect(texts(since(channel, user.id, mark))).toMatch(/Budi Santoso/);

      // The user's next message lands on instance B; the agent (signed in on A) sees it.
      user.botUrl = b.url;
      const r = await user.send('efaktur saya error 40005');
      expect(r.replies).toHaveLength(0);
      const t = await (await onA.get(`/agent/api/tickets/${ref}`)).json();
      expect(t.transcript.at(-1).text).toBe('efaktur saya error 40005');

      // The same session works on B (same configuration): the agent answers through B.
      const onB = new Agent(b.url, 'budi', BUDI_KEY);
      onB.cookie = onA.cookie;
      mark = count(channel, user.id);
      expect((await onB.post(`/agent/api/tickets/${ref}/messages`, { text: 'Baik, kami cek dulu.' })).status).toBe(200);
      expect(texts(since(channel, user.id, mark))).toMatch(/kami cek dulu/);
    } finally {
      await a.stop();
      await b.stop();
      await channel.close();
      await redis.stop();
    }
  });
});
