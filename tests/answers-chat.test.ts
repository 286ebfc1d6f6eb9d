/**
 * Canned answers in chat (src/bot/canned.ts, src/bot/search-extension.ts): `/code` short codes through
 * the real protocol (Teams and Web Chat), bypassing the matcher, and the Teams search-based messaging
 * extension (compose extension) with real invoke payloads. Replies are compared with the index and the
 * wording of intents/_bot.yaml, never with literals.
 */
import { describe, expect, it } from 'vitest';
import { fill } from '../src/catalog/fill.js';
import { codes, core, index, mustGet } from './helpers/answers.js';
import type { Conversation, ReceivedActivity } from './helpers/harness.js';
import { useServer } from './helpers/server.js';

const W = core.catalog.bot.canned;

// ---------------------------------------------------------------------------------------------
// 3. Short codes in chat (through the protocol harness)
// ---------------------------------------------------------------------------------------------

describe('canned answers: /short codes in chat', () => {
  const server = useServer({ RATE_LIMIT_MESSAGES: '1000' });

  describe.each(['msteams', 'webchat'])('on %s', (channelId) => {
    const conv = () => server.conversation(channelId);

    it('control: plain "reset" goes to the matcher and asks for the cause', async () => {
      const c = conv();
      const r = await c.send('reset aplikasi efaktur');
      expect(r.status).toBe(200);
      expect(await server.step(c)).toMatchObject({ kind: 'question', at: 'reset-aplikasi/penyebab' });
      expect(server.turns(c)).toHaveLength(1);
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
      expect(server.turns(c)).toHaveLength(0);
      // The reply goes to the user's conversation.
      expect(reply.conversation?.id).toBe(c.id);
    });

    it('/jawab 40005 returns the ETAX-40005 answer', async () => {
      const c = conv();
      const r = await c.send('/jawab 40005');
      expect(r.replies).toHaveLength(1);
      expect(r.replies[0]!.text).toBe(mustGet('40005').markdown);
      expect(r.text).toContain('ETAX-40005');
      expect(server.turns(c)).toHaveLength(0);
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
      expect(server.turns(c)).toHaveLength(0);
    });

    it('/cari lupa password lists the matching answers, best first', async () => {
      const c = conv();
      const r = await c.send('/cari lupa password');
      expect(r.replies).toHaveLength(1);
      expect(r.text).toContain(fill(W.searchResults, { query: 'lupa password' }));
      const listed = [...r.text.matchAll(/^- `\/([a-z0-9-]+)`/gm)].map((m) => m[1]);
      expect(listed.length).toBeGreaterThanOrEqual(2);
      expect(listed.length).toBeLessThanOrEqual(8);
      expect(new Set(listed.slice(0, 2))).toEqual(new Set(['lupa-pw', 'lupa-pw-enofa']));
      expect(listed).toEqual(codes(index.search('lupa password', 8)));
      expect(server.turns(c)).toHaveLength(0);
    });

    it('an unknown /code says so and suggests near codes', async () => {
      const c = conv();
      const r = await c.send('/xyz');
      expect(r.replies).toHaveLength(1);
      expect(r.text).toContain(fill(W.unknownCode, { code: 'xyz' }));
      expect(server.turns(c)).toHaveLength(0);

      const typo = await c.send('/resett');
      expect(typo.text).toContain(fill(W.unknownCode, { code: 'resett' }));
      expect(typo.text).toContain('`/reset`');
      const lupa = await c.send('/lupapw');
      expect(lupa.text).toContain('`/lupa-pw`');
      expect(server.turns(c)).toHaveLength(0);
    });

    it('after a short code the conversation continues normally', async () => {
      const c = conv();
      await c.send('/kontak');
      await c.send('status aplikasi efaktur saya belum registrasi');
      expect(await server.step(c)).toMatchObject({ kind: 'question', at: 'reset-aplikasi/penyebab' });
      expect(server.turns(c)).toHaveLength(1);
    });
  });

  it('works in a Teams channel where the message starts with the bot @mention', async () => {
    const c = server.conversation('msteams');
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
    expect(server.turns(c)).toHaveLength(0);
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
  const server = useServer();

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

  const query = (parameters: Array<{ name: string; value: string }>, queryOptions = { skip: 0, count: 10 }) => ({
    commandId: 'cariJawaban',
    parameters,
    queryOptions,
  });

  async function post(name: string, value: unknown): Promise<{ status: number; body: ExtResponse; replies: ReceivedActivity[] }> {
    const c = server.conversation('msteams');
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
    expect(r.body.composeExtension.text).toBe(W.notFound);
  });
});
