/**
 * Canned answers for agents (src/answers/, src/bot/canned.ts, src/web/agent-api.ts, src/cli/answers.ts):
 *  - the index: every answer node of intents/ (plus the contacts) with a unique short code, Markdown and
 *    an Adaptive Card;
 *  - ranked search: short codes, then titles, then bodies; typos still find the answer;
 *  - `/code` short codes in chat, through the real protocol (Teams and Web Chat), bypassing the matcher;
 *  - the Teams search-based messaging extension (compose extension) with real invoke payloads;
 *  - the agent HTTP API and the command-line tool.
 */
import { logId } from '../src/log.js';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AnswerHit, CannedAnswer } from '../src/answers/index.js';
import type { AnswerNode } from '../src/catalog/schema.js';
import { loadCore, type Core } from '../src/core.js';
import { Conversation, startBot, startChannel, type ChannelServer, type ReceivedActivity, type TestBot } from './helpers/harness.js';

const T = 30_000;
const INTENTS = path.resolve('intents');
const core: Core = loadCore(INTENTS);
const index = core.answers;

/** Every answer node of the catalog, with its expected id. */
const answerNodes: Array<{ id: string; intent: string; node: AnswerNode }> = [];
for (const intent of core.catalog.intents.values()) {
  for (const [nodeId, node] of Object.entries(intent.nodes)) {
    if (node.type === 'answer') answerNodes.push({ id: `${intent.id}/${nodeId}`, intent: intent.id, node });
  }
}

function mustGet(idOrCode: string): CannedAnswer {
  const a = index.get(idOrCode);
  if (!a) throw new Error(`no canned answer "${idOrCode}"`);
  return a;
}

const codes = (hits: AnswerHit[]) => hits.map((h) => h.answer.code);

/** Every element of an Adaptive Card body, containers included. */
function cardElements(elements: unknown[]): Array<Record<string, unknown>> {
  const out: Array<Record<string, unknown>> = [];
  for (const e of elements) {
    const el = e as Record<string, unknown>;
    out.push(el);
    if (Array.isArray(el.columns)) out.push(...cardElements(el.columns as unknown[]));
    if (Array.isArray(el.items)) out.push(...cardElements(el.items as unknown[]));
  }
  return out;
}

/** The texts of a card's TextBlocks in document order. */
function cardTexts(card: Record<string, unknown>): string[] {
  return cardElements(card.body as unknown[])
    .filter((e) => e.type === 'TextBlock')
    .map((e) => String(e.text));
}

// ---------------------------------------------------------------------------------------------
// 1. The index
// ---------------------------------------------------------------------------------------------

describe('canned answers: the index', () => {
  it('holds every answer node of intents/ (and the contacts) under <intent>/<node>', () => {
    expect(answerNodes.length).toBeGreaterThan(20);
    const ids = index.answers.map((a) => a.id).sort();
    expect(ids).toEqual([...answerNodes.map((n) => n.id), 'kontak'].sort());
    for (const { id, intent, node } of answerNodes) {
      const a = mustGet(id);
      expect(a.code).toBe(node.code);
      expect(a.title).toBe(node.title);
      expect(a.intent).toBe(intent);
      for (const t of node.tags) expect(a.tags).toContain(t);
    }
  });

  it('gives every answer a unique slug short code, found with or without the slash', () => {
    const all = index.answers.map((a) => a.code);
    expect(new Set(all).size).toBe(all.length);
    for (const a of index.answers) {
      expect(a.code).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
      expect(index.get(a.code)).toBe(a);
      expect(index.get(`/${a.code}`)).toBe(a);
      expect(index.get(a.code.toUpperCase())).toBe(a);
      expect(index.get(a.id)).toBe(a);
    }
    // The short codes the helpdesk documents.
    for (const c of ['reset', 'enofa-reset', '40005', '40001', 'lupa-pw', 'lupa-pw-enofa', 'sertel-browser', 'kontak']) expect(index.get(c), c).toBeDefined();
  });

  it('looks up the reset procedure by code, slash code and id', () => {
    const byCode = index.get('reset');
    expect(byCode?.id).toBe('reset-aplikasi/reset-prosedur');
    expect(byCode?.title).toBe('Cara reset aplikasi client e-Faktur desktop');
    expect(index.get('/reset')).toBe(byCode);
    expect(index.get('/RESET')).toBe(byCode);
    expect(index.get('reset-aplikasi/reset-prosedur')).toBe(byCode);
    expect(index.get('40005')?.id).toBe('etax-40005/kode-terpakai');
    expect(index.get('kontak')?.id).toBe('kontak');
    expect(index.get('tidak-ada')).toBeUndefined();
    expect(index.get('')).toBeUndefined();
    expect(index.get('/')).toBeUndefined();
    expect(index.get('reset-aplikasi/tidak-ada')).toBeUndefined();
  });

  it('renders each answer as Markdown: bold title, text, numbered steps in order, note', () => {
    let withSteps = 0;
    for (const { id, node } of answerNodes) {
      const md = mustGet(id).markdown;
      expect(md.startsWith(`**${node.title}**\n\n`), id).toBe(true);
      if (node.text) expect(md, id).toContain(node.text.trim());
      if (node.note) expect(md, id).toContain(node.note.trim());
      const lines = md.split('\n');
      let last = -1;
      (node.steps ?? []).forEach((step, i) => {
        const at = lines.indexOf(`${i + 1}. ${step.trim()}`);
        expect(at, `${id}: step ${i + 1} as a numbered line`).toBeGreaterThan(last);
        last = at;
      });
      if (node.steps?.length) {
        withSteps += 1;
        // The numbered list is one block (no blank lines between steps).
        const first = lines.indexOf(`1. ${node.steps[0]!.trim()}`);
        expect(last - first, id).toBe(node.steps.length - 1);
      }
    }
    expect(withSteps).toBeGreaterThan(20);
    const reset = mustGet('reset').markdown;
    expect(reset).toMatch(/^1\. Buka situs \*\*efaktur\.pajak\.go\.id\*\*/m);
    expect(reset).toMatch(/^8\. Masukkan \*\*kode aktivasi\*\*/m);
  });

  it('renders each answer as a valid-looking Adaptive Card with the title and the steps', () => {
    for (const a of index.answers) {
      const card = a.card;
      expect(card.type, a.id).toBe('AdaptiveCard');
      expect(String(card.version), a.id).toMatch(/^1\.[0-6]$/);
      expect(card.$schema, a.id).toBe('http://adaptivecards.io/schemas/adaptive-card.json');
      expect(Array.isArray(card.body), a.id).toBe(true);
      const body = card.body as Array<Record<string, unknown>>;
      expect(body[0], a.id).toMatchObject({ type: 'TextBlock', text: a.title, weight: 'Bolder', wrap: true });
      for (const el of cardElements(body)) {
        expect(['TextBlock', 'ColumnSet', 'Column', 'FactSet', 'Container'], `${a.id}: element type`).toContain(el.type);
        if (el.type === 'TextBlock') expect(typeof el.text === 'string' && el.text.length > 0, `${a.id}: TextBlock text`).toBe(true);
      }
      // Plain JSON, small enough for a Teams message (about 28 KB).
      expect(JSON.parse(JSON.stringify(card))).toEqual(card);
      expect(JSON.stringify(card).length).toBeLessThan(25_000);
    }
    for (const { id, node } of answerNodes) {
      const texts = cardTexts(mustGet(id).card);
      let last = -1;
      (node.steps ?? []).forEach((step, i) => {
        const num = texts.indexOf(`${i + 1}.`, last + 1);
        expect(num, `${id}: step number ${i + 1}`).toBeGreaterThan(last);
        expect(texts[num + 1], `${id}: step ${i + 1}`).toBe(step.trim());
        last = num + 1;
      });
    }
  });

  it('includes the contacts from _bot.yaml as the "kontak" answer', () => {
    const k = mustGet('/kontak');
    const contacts = core.catalog.bot.contacts;
    expect(k.title).toBe(contacts.title);
    for (const ch of contacts.channels) expect(k.markdown).toContain(ch.value);
    const facts = cardElements(k.card.body as unknown[]).find((e) => e.type === 'FactSet');
    expect(facts?.facts).toEqual(contacts.channels.map((ch) => ({ title: ch.label, value: ch.value })));
  });
});

// ---------------------------------------------------------------------------------------------
// 2. Search ranking
// ---------------------------------------------------------------------------------------------

describe('canned answers: search ranking', () => {
  const tiersSorted = (hits: AnswerHit[]) => hits.every((h, i) => i === 0 || hits[i - 1]!.tier >= h.tier);

  it('ranks an exact short code first, then codes that extend it', () => {
    const r = index.search('40005');
    expect(r[0]).toMatchObject({ tier: 3, answer: { code: '40005' } });
    expect(new Set(codes(r).slice(1, 3))).toEqual(new Set(['40005-update', '40005-registrasi']));
    expect(tiersSorted(r)).toBe(true);

    const reset = index.search('reset');
    expect(codes(reset).slice(0, 2)).toEqual(['reset', 'enofa-reset']);
    expect(reset[0]!.tier).toBe(3);
    expect(index.search('/reset')[0]!.answer.code).toBe('reset');
    expect(index.search('  KONTAK ')[0]!.answer.code).toBe('kontak');
  });

  it('finds every answer first by its own short code', () => {
    for (const a of index.answers) {
      const r = index.search(a.code);
      expect(r[0]?.answer.id, a.code).toBe(a.id);
      expect(r[0]?.tier, a.code).toBe(3);
    }
  });

  it('ranks code prefixes above title matches', () => {
    const res = index.search('res');
    expect(res[0]).toMatchObject({ tier: 3, answer: { code: 'reset' } });
    const kontak = res.findIndex((h) => h.answer.code === 'kontak'); // "res..." only in the title/tags
    if (kontak >= 0) expect(res[kontak]!.tier).toBeLessThan(3);

    const sertel = index.search('sertel');
    const sertelCodes = index.answers.filter((a) => a.code.startsWith('sertel-')).map((a) => a.code);
    expect(sertelCodes.length).toBeGreaterThanOrEqual(5);
    expect(new Set(codes(sertel).slice(0, sertelCodes.length))).toEqual(new Set(sertelCodes));
    expect(sertel.slice(0, sertelCodes.length).every((h) => h.tier === 3)).toBe(true);
    expect(sertel.slice(sertelCodes.length).every((h) => h.tier < 3)).toBe(true);

    const lupa = index.search('lupa');
    expect(codes(lupa).slice(0, 3)).toEqual(['lupa-pw', 'lupa-pw-enofa', 'lupa-passphrase']); // shorter completions first
  });

  it('still finds the answer with typos and chat abbreviations', () => {
    const pw = index.search('lupa pasword');
    expect(new Set(codes(pw).slice(0, 2))).toEqual(new Set(['lupa-pw', 'lupa-pw-enofa']));
    expect(pw[0]!.tier).toBe(2);
    // "Lupa passphrase ..." only shares the intent id with the query: it ranks below the password answers.
    expect(codes(pw).indexOf('lupa-passphrase')).toBeGreaterThan(1);

    const sertel = index.search('sertifkat elektronik browser');
    expect(sertel[0]!.answer.code).toBe('sertel-browser');

    const npwp = index.search('npwp tdk muncul');
    expect(npwp[0]).toMatchObject({ tier: 2, answer: { code: 'npwp-web' } });

    expect(index.search('sertel-browsr')[0]!.answer.code).toBe('sertel-browser');
    expect(codes(index.search('resett'))).toContain('reset');
  });

  it('finds an answer by its title before answers that only mention the words in the body', () => {
    for (const a of index.answers) {
      const r = index.search(a.title);
      expect(r[0]?.answer.id, a.title).toBe(a.id);
      expect(r[0]?.tier, a.title).toBeGreaterThanOrEqual(2);
    }
    const kpp = index.search('pindah kpp');
    expect(kpp[0]).toMatchObject({ tier: 2, answer: { code: 'pindah-kpp' } });
    expect(kpp.some((h) => h.tier === 1)).toBe(true); // other answers mention it in their body...
    expect(tiersSorted(kpp)).toBe(true); // ...and come after the title match

    const kring = index.search('kring pajak');
    expect(kring[0]).toMatchObject({ tier: 2, answer: { code: 'kontak' } });
    expect(tiersSorted(kring)).toBe(true);
  });

  it('returns nothing, or only weak non-code hits, for nonsense', () => {
    for (const q of ['qwxzvbnm', 'xkcdqq vbnmrt', 'foo bar baz', '', '   ', '/']) expect(index.search(q), JSON.stringify(q)).toEqual([]);
    for (const q of ['xyz', 'hjkl zzq']) {
      for (const h of index.search(q)) {
        expect(h.tier, q).toBeLessThan(3);
        expect(h.score, q).toBeGreaterThanOrEqual(0.5);
      }
    }
  });

  it('respects the limit and keeps tiers in order for many queries', () => {
    expect(index.search('efaktur', 3)).toHaveLength(3);
    for (const q of ['efaktur', 'reset aplikasi', 'kode aktivasi', 'etax', 'password pkp', 'update', 'sertifikat elektronik']) {
      const r = index.search(q, 20);
      expect(tiersSorted(r), q).toBe(true);
      expect(new Set(r.map((h) => h.answer.id)).size, q).toBe(r.length);
    }
  });
});

// ---------------------------------------------------------------------------------------------
// 3. Short codes in chat (through the protocol harness)
// ---------------------------------------------------------------------------------------------

function turnLogs(bot: TestBot, conversationId: string): Array<Record<string, unknown>> {
  return bot.logs
    .join('')
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown>)
    .filter((l) => l.msg === 'turn' && l.conversation === logId(conversationId));
}

const RESET_QUESTION = /Mana yang paling sesuai dengan kondisi Anda/;

describe('canned answers: /short codes in chat', () => {
  let bot: TestBot;
  let channel: ChannelServer;
  beforeAll(async () => {
    channel = await startChannel();
    bot = await startBot({ RATE_LIMIT_MESSAGES: '1000' });
  }, T);
  afterAll(async () => {
    await bot?.stop();
    await channel?.close();
  });

  describe.each(['msteams', 'webchat'])('on %s', (channelId) => {
    const conv = () => new Conversation(bot.url, channel, channelId);

    it('control: plain "reset" goes to the matcher and asks for the cause', async () => {
      const c = conv();
      const r = await c.send('reset aplikasi efaktur');
      expect(r.status).toBe(200);
      expect(r.text).toMatch(RESET_QUESTION);
      expect(turnLogs(bot, c.id)).toHaveLength(1);
    });

    it('/reset returns the reset procedure as Markdown, without the matcher', async () => {
      const c = conv();
      const r = await c.send('/reset');
      expect(r.status).toBe(200);
      expect(r.replies).toHaveLength(1);
      const reply = r.replies[0]!;
      expect(reply.type).toBe('message');
      expect(reply.textFormat).toBe('markdown');
      expect(reply.text).toBe(mustGet('reset').markdown);
      expect(reply.text).toMatch(/^1\. /m);
      expect(reply.suggestedActions).toBeUndefined();
      expect(r.text).not.toMatch(RESET_QUESTION);
      expect(turnLogs(bot, c.id)).toHaveLength(0);
      // The reply goes to the user's conversation.
      expect(reply.conversation?.id).toBe(c.id);
    });

    it('/jawab 40005 returns the ETAX-40005 answer', async () => {
      const c = conv();
      const r = await c.send('/jawab 40005');
      expect(r.replies).toHaveLength(1);
      expect(r.replies[0]!.text).toBe(mustGet('40005').markdown);
      expect(r.text).toContain('ETAX-40005');
      expect(turnLogs(bot, c.id)).toHaveLength(0);
    });

    it('/jawab also takes an answer id', async () => {
      const r = await conv().send('/jawab reset-aplikasi/reset-enofa');
      expect(r.replies[0]!.text).toBe(mustGet('enofa-reset').markdown);
    });

    it('/ lists every short code with its title', async () => {
      const c = conv();
      const r = await c.send('/');
      expect(r.replies).toHaveLength(1);
      for (const a of index.answers) expect(r.text).toContain(`\`/${a.code}\` — ${a.title}`);
      expect(turnLogs(bot, c.id)).toHaveLength(0);
    });

    it('/cari lupa password lists the matching answers, best first', async () => {
      const c = conv();
      const r = await c.send('/cari lupa password');
      expect(r.replies).toHaveLength(1);
      expect(r.text).toContain('Hasil pencarian "lupa password"');
      const listed = [...r.text.matchAll(/^- `\/([a-z0-9-]+)`/gm)].map((m) => m[1]);
      expect(listed.length).toBeGreaterThanOrEqual(2);
      expect(listed.length).toBeLessThanOrEqual(8);
      expect(new Set(listed.slice(0, 2))).toEqual(new Set(['lupa-pw', 'lupa-pw-enofa']));
      expect(listed).toEqual(codes(index.search('lupa password', 8)));
      expect(turnLogs(bot, c.id)).toHaveLength(0);
    });

    it('an unknown /code says so and suggests near codes', async () => {
      const c = conv();
      const r = await c.send('/xyz');
      expect(r.replies).toHaveLength(1);
      expect(r.text).toContain('Kode `/xyz` tidak ditemukan');
      expect(r.text).not.toMatch(RESET_QUESTION);
      expect(turnLogs(bot, c.id)).toHaveLength(0);

      const typo = await c.send('/resett');
      expect(typo.text).toContain('tidak ditemukan');
      expect(typo.text).toContain('`/reset`');
      const lupa = await c.send('/lupapw');
      expect(lupa.text).toContain('`/lupa-pw`');
      expect(turnLogs(bot, c.id)).toHaveLength(0);
    });

    it('after a short code the conversation continues normally', async () => {
      const c = conv();
      await c.send('/kontak');
      const r = await c.send('status aplikasi efaktur saya belum registrasi');
      expect(r.text).toMatch(RESET_QUESTION);
      expect(turnLogs(bot, c.id)).toHaveLength(1);
    });
  });

  it('works in a Teams channel where the message starts with the bot @mention', async () => {
    const c = new Conversation(bot.url, channel, 'msteams');
    const mention = '<at>Asisten e-Faktur</at>';
    const r = await c.post(
      c.activity({
        text: `${mention} /reset`,
        entities: [{ type: 'mention', text: mention, mentioned: { id: 'bot', name: 'Asisten e-Faktur' } }],
        channelData: { tenant: { id: 'tenant-1' }, team: { id: '19:team' }, channel: { id: '19:channel' } },
      } as Partial<ReceivedActivity>),
    );
    expect(r.status).toBe(200);
    expect(r.replies[0]?.text).toBe(mustGet('reset').markdown);
    expect(turnLogs(bot, c.id)).toHaveLength(0);
  });
});

// ---------------------------------------------------------------------------------------------
// 4. Teams compose extension (search-based messaging extension)
// ---------------------------------------------------------------------------------------------

interface ExtAttachment {
  contentType: string;
  content: Record<string, unknown>;
  preview?: { contentType: string; content: { title?: string; text?: string; tap?: { type: string; value: { id: string } } } };
}
interface ExtResponse {
  composeExtension: { type: string; attachmentLayout?: string; attachments?: ExtAttachment[]; text?: string };
}

describe('canned answers: Teams compose extension', () => {
  let bot: TestBot;
  let channel: ChannelServer;
  beforeAll(async () => {
    channel = await startChannel();
    bot = await startBot();
  }, T);
  afterAll(async () => {
    await bot?.stop();
    await channel?.close();
  });

  /** A Teams invoke as Teams sends it (compose box of a personal chat). */
  function invoke(c: Conversation, name: string, value: unknown): Record<string, unknown> {
    return c.activity({
      type: 'invoke',
      name,
      value,
      from: { id: '29:agent-1', name: 'Agen Helpdesk', aadObjectId: '00000000-0000-0000-0000-000000000001' } as unknown as undefined,
      recipient: { id: '28:bot-app-id', name: 'Asisten e-Faktur' } as unknown as undefined,
      conversation: { id: c.id, conversationType: 'personal', tenantId: 'tenant-1' },
      channelData: { tenant: { id: 'tenant-1' }, source: { name: 'compose' } },
      entities: [{ type: 'clientInfo', locale: 'id-ID', platform: 'Web' }] as unknown as undefined,
    } as Partial<ReceivedActivity>);
  }

  const query = (parameters: Array<{ name: string; value: string }>, queryOptions = { skip: 0, count: 10 }) => ({ commandId: 'cariJawaban', parameters, queryOptions });

  async function post(name: string, value: unknown): Promise<{ status: number; body: ExtResponse; replies: ReceivedActivity[] }> {
    const c = new Conversation(bot.url, channel, 'msteams');
    const r = await c.post(invoke(c, name, value));
    return { status: r.status, body: r.body as ExtResponse, replies: r.replies };
  }

  const ids = (body: ExtResponse) => (body.composeExtension.attachments ?? []).map((a) => a.preview?.content.tap?.value.id);

  function expectResultShape(body: ExtResponse): void {
    expect(body.composeExtension.type).toBe('result');
    expect(body.composeExtension.attachmentLayout).toBe('list');
    const atts = body.composeExtension.attachments!;
    expect(Array.isArray(atts)).toBe(true);
    for (const att of atts) {
      expect(att.contentType).toBe('application/vnd.microsoft.card.adaptive');
      expect(att.content.type).toBe('AdaptiveCard');
      expect(att.preview?.contentType).toBe('application/vnd.microsoft.card.thumbnail');
      const tap = att.preview!.content.tap!;
      expect(tap.type).toBe('invoke');
      const answer = mustGet(tap.value.id);
      expect(answer.id).toBe(tap.value.id);
      expect(att.preview!.content.title).toBe(answer.title);
      expect(att.preview!.content.text).toContain(`/${answer.code}`);
      expect(att.content).toEqual(answer.card);
    }
  }

  it('answers composeExtension/query in the HTTP response with ranked Adaptive Cards', async () => {
    const r = await post('composeExtension/query', query([{ name: 'q', value: 'lupa password' }]));
    expect(r.status).toBe(200);
    expectResultShape(r.body);
    const got = ids(r.body);
    expect(got.length).toBeGreaterThanOrEqual(2);
    expect(got.length).toBeLessThanOrEqual(10);
    expect(new Set(got.slice(0, 2))).toEqual(new Set(['lupa-password/desktop', 'lupa-password/enofa']));
    expect(got).toEqual(index.search('lupa password', 10).map((h) => h.answer.id));
    // Invoke responses travel in the HTTP body; nothing is posted to the conversation.
    expect(r.replies).toHaveLength(0);
  });

  it('ranks a short code first and pages with queryOptions', async () => {
    const r = await post('composeExtension/query', query([{ name: 'q', value: '40005' }]));
    expect(ids(r.body)[0]).toBe('etax-40005/kode-terpakai');
    const all = ids((await post('composeExtension/query', query([{ name: 'q', value: 'efaktur' }], { skip: 0, count: 6 }))).body);
    expect(all).toHaveLength(6);
    const page2 = ids((await post('composeExtension/query', query([{ name: 'q', value: 'efaktur' }], { skip: 3, count: 3 }))).body);
    expect(page2).toEqual(all.slice(3, 6));
  });

  it('returns an empty result list when nothing matches', async () => {
    const r = await post('composeExtension/query', query([{ name: 'q', value: 'qwxzvbnm' }]));
    expect(r.status).toBe(200);
    expect(r.body.composeExtension).toMatchObject({ type: 'result', attachmentLayout: 'list', attachments: [] });
  });

  it('selectItem returns the full card; the initial run lists the most used answers first', async () => {
    const initial = () => post('composeExtension/query', query([{ name: 'initialRun', value: 'true' }]));
    const before = await initial();
    expect(before.status).toBe(200);
    expectResultShape(before.body);
    expect(ids(before.body)).toHaveLength(10);
    const target = mustGet('sertel-browser');
    expect(ids(before.body)[0]).not.toBe(target.id);

    // The agent taps a search result: Teams sends the preview's tap value as composeExtension/selectItem.
    const search = await post('composeExtension/query', query([{ name: 'q', value: 'sertifikat elektronik browser' }]));
    const tapped = search.body.composeExtension.attachments!.find((a) => a.preview?.content.tap?.value.id === target.id);
    expect(tapped).toBeDefined();
    const sel = await post('composeExtension/selectItem', tapped!.preview!.content.tap!.value);
    expect(sel.status).toBe(200);
    expect(sel.body.composeExtension.type).toBe('result');
    expect(sel.body.composeExtension.attachmentLayout).toBe('list');
    expect(sel.body.composeExtension.attachments).toHaveLength(1);
    expect(sel.body.composeExtension.attachments![0]).toMatchObject({ contentType: 'application/vnd.microsoft.card.adaptive', content: target.card });
    expect(sel.replies).toHaveLength(0);

    const after = await initial();
    expect(ids(after.body)[0]).toBe(target.id);

    // Another answer used twice overtakes it.
    const other = mustGet('40001');
    await post('composeExtension/selectItem', { id: other.id });
    await post('composeExtension/selectItem', { id: other.id });
    const later = await initial();
    expect(ids(later.body).slice(0, 2)).toEqual([other.id, target.id]);

    // An empty query (the user cleared the search box) also shows the most used.
    const empty = await post('composeExtension/query', query([{ name: 'q', value: '' }]));
    expect(ids(empty.body).slice(0, 2)).toEqual([other.id, target.id]);
  });

  it('selectItem with an unknown id answers with a message, not an error', async () => {
    const r = await post('composeExtension/selectItem', { id: 'tidak-ada/sama-sekali' });
    expect(r.status).toBe(200);
    expect(r.body.composeExtension).toMatchObject({ type: 'message' });
    expect(r.body.composeExtension.text).toMatch(/tidak ditemukan/i);
  });
});

// ---------------------------------------------------------------------------------------------
// 5. The agent HTTP API
// ---------------------------------------------------------------------------------------------

interface ApiItem {
  id: string;
  code: string;
  title: string;
  tags: string[];
  intent?: string;
  match?: 'code' | 'title' | 'body';
  score?: number;
}

describe('canned answers: HTTP API', () => {
  const KEY = 'agent-key-for-answers-tests-0123456789';
  let off: TestBot;
  let on: TestBot;
  beforeAll(async () => {
    off = await startBot();
    on = await startBot({ AGENT_API_KEY: KEY });
  }, T);
  afterAll(async () => {
    await off?.stop();
    await on?.stop();
  });

  const get = (bot: TestBot, p: string, headers: Record<string, string> = { authorization: `Bearer ${KEY}` }) => fetch(`${bot.url}${p}`, { headers });

  it('is off (404) without AGENT_API_KEY', async () => {
    for (const p of ['/api/answers', '/api/answers?q=reset', '/api/answers/reset', '/api/answers/reset-aplikasi/reset-prosedur']) {
      const r = await get(off, p);
      expect(r.status, p).toBe(404);
      const body = (await r.json()) as { error: string };
      expect(body.error).toMatch(/AGENT_API_KEY/);
      expect(JSON.stringify(body)).not.toContain('Cara reset');
    }
  });

  it('needs the right agent key (401 otherwise)', async () => {
    for (const p of ['/api/answers?q=reset', '/api/answers/reset', '/api/answers/reset-aplikasi/reset-prosedur']) {
      const none = await get(on, p, {});
      expect(none.status, p).toBe(401);
      expect(none.headers.get('www-authenticate')).toMatch(/^Bearer/);
      expect(JSON.stringify(await none.json())).not.toContain('Cara reset');
      expect((await get(on, p, { authorization: 'Bearer wrong-key-wrong-key-wrong' })).status, p).toBe(401);
      expect((await get(on, p, { 'x-agent-key': 'wrong-key-wrong-key-wrong' })).status, p).toBe(401);
      expect((await get(on, p, { authorization: `Basic ${Buffer.from(`x:${KEY}`).toString('base64')}` })).status, p).toBe(401);
      expect((await get(on, p, { authorization: `Bearer ${KEY}` })).status, p).toBe(200);
      expect((await get(on, p, { 'x-agent-key': KEY })).status, p).toBe(200);
    }
  });

  it('GET /api/answers?q= returns ranked items with the kind of match', async () => {
    const r = await get(on, `/api/answers?q=${encodeURIComponent('40005')}`);
    expect(r.status).toBe(200);
    const body = (await r.json()) as { query: string; items: ApiItem[] };
    expect(body.query).toBe('40005');
    expect(body.items[0]).toMatchObject({ id: 'etax-40005/kode-terpakai', code: '40005', match: 'code', intent: 'etax-40005' });
    expect(body.items.map((i) => i.id)).toEqual(index.search('40005', 20).map((h) => h.answer.id));

    const rank = { code: 3, title: 2, body: 1 } as const;
    for (const q of ['lupa password', 'npwp tdk muncul', 'reset', 'pindah kpp']) {
      const res = (await (await get(on, `/api/answers?q=${encodeURIComponent(q)}`, { 'x-agent-key': KEY })).json()) as { items: ApiItem[] };
      expect(res.items.length, q).toBeGreaterThan(0);
      const ranks = res.items.map((i) => rank[i.match!]);
      expect(ranks.every((x) => x !== undefined), q).toBe(true);
      expect(ranks.every((x, i) => i === 0 || ranks[i - 1]! >= x), q).toBe(true);
      for (const i of res.items) {
        expect(i.score, q).toBeGreaterThanOrEqual(0);
        expect(i.score, q).toBeLessThanOrEqual(1);
        expect(i).not.toHaveProperty('markdown'); // summaries only
      }
    }
    const pw = (await (await get(on, '/api/answers?q=lupa%20password')).json()) as { items: ApiItem[] };
    expect(pw.items[0]!.match).toBe('title');
    expect(new Set(pw.items.slice(0, 2).map((i) => i.code))).toEqual(new Set(['lupa-pw', 'lupa-pw-enofa']));
    const npwp = (await (await get(on, '/api/answers?q=npwp%20tdk%20muncul')).json()) as { items: ApiItem[] };
    expect(npwp.items[0]).toMatchObject({ code: 'npwp-web', match: 'title' });
    expect(npwp.items.some((i) => i.match === 'body')).toBe(true);
    const reset = (await (await get(on, '/api/answers?q=reset')).json()) as { items: ApiItem[] };
    expect(reset.items.slice(0, 2).map((i) => [i.code, i.match])).toEqual([
      ['reset', 'code'],
      ['enofa-reset', 'code'],
    ]);
    expect(reset.items[0]!.score).toBe(1);
  });

  it('GET /api/answers without q lists every answer; nonsense lists none', async () => {
    const all = (await (await get(on, '/api/answers')).json()) as { items: ApiItem[] };
    expect(all.items.map((i) => i.id).sort()).toEqual(index.answers.map((a) => a.id).sort());
    const none = (await (await get(on, '/api/answers?q=qwxzvbnm')).json()) as { items: ApiItem[] };
    expect(none.items).toEqual([]);
  });

  it('GET /api/answers/:id returns one answer with both renderings, by code or by id', async () => {
    const expected = JSON.parse(JSON.stringify(mustGet('reset'))) as CannedAnswer;
    for (const p of ['/api/answers/reset', '/api/answers/reset-aplikasi/reset-prosedur', '/api/answers/RESET', '/api/answers/%2Freset', '/api/answers/reset-aplikasi%2Freset-prosedur']) {
      const r = await get(on, p);
      expect(r.status, p).toBe(200);
      const a = (await r.json()) as CannedAnswer;
      expect(a, p).toEqual(expected);
      expect(a.markdown).toMatch(/^1\. /m);
      expect(a.card).toMatchObject({ type: 'AdaptiveCard', version: '1.4' });
    }
    const k = (await (await get(on, '/api/answers/kontak', { 'x-agent-key': KEY })).json()) as CannedAnswer;
    expect(k.id).toBe('kontak');
    expect(k.card.type).toBe('AdaptiveCard');
  });

  it('answers 404 for an unknown answer (also for odd ids)', async () => {
    for (const p of ['/api/answers/tidak-ada', '/api/answers/reset-aplikasi/tidak-ada', '/api/answers/tidak-ada/reset-prosedur', '/api/answers/%25', '/api/answers/100%25%20x', '/api/answers/%E0%A4%A']) {
      const r = await get(on, p);
      expect(r.status, p).toBe(404);
    }
  });
});

// ---------------------------------------------------------------------------------------------
// 6. The command-line tool
// ---------------------------------------------------------------------------------------------

describe('canned answers: CLI (npm run answers)', () => {
  const run = (...args: string[]) =>
    spawnSync('npx', ['tsx', 'src/cli/answers.ts', ...args], {
      cwd: path.resolve('.'),
      encoding: 'utf8',
      env: { ...process.env, INTENTS_DIR: INTENTS, NODE_OPTIONS: '' },
      timeout: 60_000,
    });

  it('prints the best answers for a question with their short codes and copy-ready Markdown', () => {
    const r = run('lupa password');
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^\/lupa-pw\s{2}/m);
    expect(r.stdout).toMatch(/^\/lupa-pw-enofa\s{2}/m);
    expect(r.stdout).toContain('(id: lupa-password/desktop)');
    // Copy-ready: the whole Markdown of the answer, unchanged.
    expect(r.stdout).toContain(mustGet('lupa-pw').markdown);
    expect(r.stdout).toContain(mustGet('lupa-pw-enofa').markdown);
    const headers = r.stdout.match(/^\/[a-z0-9-]+ {2}.*\(id: [^)]+\)$/gm) ?? [];
    expect(headers.length).toBeGreaterThanOrEqual(2);
    expect(headers.length).toBeLessThanOrEqual(3);
    expect(headers[0]).toMatch(/^\/lupa-pw(-enofa)? /);
  }, 60_000);

  it('prints exactly the answer of a /short code', () => {
    const r = run('/reset');
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain('/reset  Cara reset aplikasi client e-Faktur desktop  (id: reset-aplikasi/reset-prosedur)');
    expect(r.stdout).toContain(mustGet('reset').markdown);
    expect(r.stdout.match(/\(id: [^)]+\)$/gm)).toHaveLength(1);
  }, 60_000);

  it('exits 1 when nothing matches', () => {
    const r = run('qwxzvbnm');
    expect(r.status).toBe(1);
    expect(r.stdout).toContain('No canned answer matches "qwxzvbnm"');
  }, 60_000);

  it('exits 1 for an unknown /short code, suggesting near codes instead of printing other answers', () => {
    const r = run('/resett');
    expect(r.status).toBe(1);
    expect(r.stdout).toContain('No canned answer has the short code "/resett"');
    expect(r.stdout).toContain('/reset');
    expect(r.stdout).not.toContain(mustGet('reset').markdown);
  }, 60_000);

  it('lists every short code without an argument', () => {
    const r = run();
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain(`${index.answers.length} canned answers:`);
    for (const a of index.answers) expect(r.stdout).toMatch(new RegExp(`^  /${a.code.replace(/-/g, '\\-')} +${a.title.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`, 'm'));
  }, 60_000);
});
