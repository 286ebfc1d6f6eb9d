/**
 * The agents' Teams channel (issue 18, finding 1): only the configured channel of the configured
 * tenant, only with credentials; claims only from the registered conversation; the agent's shown name
 * from Teams' roster, not from the activity. Teams is simulated by a local channel server; its tokens
 * are signed by a local issuer the bot is pointed at (BOT_OPENID_METADATA).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FixedTokenCredentialsFactory, startTokenIssuer, TEST_APP_ID, type TokenIssuer } from './helpers/channel-auth.js';
import { Conversation, startBot, startChannel, type ChannelServer, type ReceivedActivity, type TestBot } from './helpers/harness.js';

const ALWAYS_OPEN = { AGENT_HOURS: '00:00-24:00', AGENT_DAYS: '1,2,3,4,5,6,7', RATE_LIMIT_MESSAGES: '1000' };
const REF = /KP-[2-9A-HJKMNP-Z]{6}/;
const TENANT = 'tenant-helpdesk';
const AGENTS_CHANNEL = '19:agents-channel@thread.tacv2';
const texts = (acts: ReceivedActivity[]) => acts.map((a) => a.text ?? '').join('\n');

function teamsActivity(
  channel: ChannelServer,
  conversationId: string,
  from: { id: string; name: string },
  extra: Record<string, unknown>,
  where = { tenant: TENANT, channel: AGENTS_CHANNEL },
) {
  return {
    type: 'message',
    id: `m-${Math.random().toString(36).slice(2)}`,
    channelId: 'msteams',
    serviceUrl: channel.url,
    from: { ...from, aadObjectId: `aad-${from.id}` },
    recipient: { id: '28:bot-id', name: 'Asisten e-Faktur' },
    conversation: { id: conversationId, conversationType: 'channel', tenantId: where.tenant, isGroup: true },
    channelData: { tenant: { id: where.tenant }, team: { id: '19:team@thread.tacv2' }, channel: { id: where.channel } },
    ...extra,
  };
}

async function post(bot: TestBot, activity: Record<string, unknown>, token?: string): Promise<number> {
  const r = await fetch(`${bot.url}/api/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(activity),
  });
  await r.arrayBuffer();
  return r.status;
}

describe("anonymous mode: nobody can become the agents' channel", () => {
  let bot: TestBot;
  let channel: ChannelServer;
  beforeAll(async () => {
    channel = await startChannel();
    bot = await startBot({ ...ALWAYS_OPEN });
  });
  afterAll(async () => {
    await bot.stop();
    await channel.close();
  });

  it('/daftar-agen from a fake Teams channel is refused; escalations are not sent there; "Ambil" claims nothing', async () => {
    const mallory = { id: '29:mallory', name: 'Petugas Resmi DJP' };
    expect(await post(bot, teamsActivity(channel, AGENTS_CHANNEL, mallory, { text: '/daftar-agen' }))).toBe(200);
    expect(texts(channel.received.get(AGENTS_CHANNEL) ?? [])).not.toMatch(/terdaftar sebagai kanal petugas/);
    expect(texts(channel.received.get(AGENTS_CHANNEL) ?? [])).toMatch(/hanya dapat digunakan di kanal petugas/);

    const user = new Conversation(bot.url, channel);
    const r = await user.send('saya ingin bicara dengan petugas');
    const ref = r.text.match(REF)![0];
    expect(JSON.stringify(channel.received.get(AGENTS_CHANNEL) ?? [])).not.toContain(ref);

    const before = channel.received.get(user.id)?.length ?? 0;
    await post(bot, teamsActivity(channel, `${AGENTS_CHANNEL};messageid=123`, mallory, { text: '', value: { action: 'ambil', ref } }));
    const after = texts((channel.received.get(user.id) ?? []).slice(before));
    expect(after).not.toMatch(/telah bergabung/);
    expect(after).not.toMatch(/Petugas Resmi DJP/);
  });
});

describe("with credentials and a configured agents' channel", () => {
  let bot: TestBot;
  let channel: ChannelServer;
  let issuer: TokenIssuer;
  beforeAll(async () => {
    issuer = await startTokenIssuer();
    channel = await startChannel();
    channel.members!.set('29:agent-rina', { id: '29:agent-rina', name: 'Rina Wijaya', aadObjectId: 'aad-29:agent-rina' });
    bot = await startBot(
      {
        ...ALWAYS_OPEN,
        MicrosoftAppId: TEST_APP_ID,
        MicrosoftAppPassword: 'not-used-offline',
        BOT_OPENID_METADATA: issuer.metadataUrl,
        AGENTS_TEAMS_TENANT: TENANT,
        AGENTS_TEAMS_CHANNEL: AGENTS_CHANNEL,
      },
      { credentialsFactory: new FixedTokenCredentialsFactory() },
    );
  });
  afterAll(async () => {
    await bot.stop();
    await channel.close();
    await issuer.close();
  });
  const send = (activity: Record<string, unknown>) => post(bot, activity, issuer.token(channel.url));

  it("another tenant or channel cannot register or claim; the configured one can, and the name shown is the roster's", async () => {
    const rina = { id: '29:agent-rina', name: 'Petugas Resmi DJP' }; // what the activity claims
    expect(
      await send(teamsActivity(channel, '19:other@thread.tacv2', rina, { text: '/daftar-agen' }, { tenant: TENANT, channel: '19:other@thread.tacv2' })),
    ).toBe(200);
    expect(await send(teamsActivity(channel, AGENTS_CHANNEL, rina, { text: '/daftar-agen' }, { tenant: 'other-tenant', channel: AGENTS_CHANNEL }))).toBe(200);
    expect(texts(channel.received.get('19:other@thread.tacv2') ?? [])).toMatch(/hanya dapat digunakan di kanal petugas/);
    expect(texts(channel.received.get(AGENTS_CHANNEL) ?? [])).not.toMatch(/terdaftar sebagai kanal petugas/);

    expect(await send(teamsActivity(channel, AGENTS_CHANNEL, rina, { text: '/daftar-agen' }))).toBe(200);
    expect(texts(channel.received.get(AGENTS_CHANNEL) ?? [])).toMatch(/terdaftar sebagai kanal petugas/);

    // A web-chat-like user on a loopback channel with a valid token escalates; the card reaches the agents' channel.
    const user = new Conversation(bot.url, channel);
    user.headers = () => ({ authorization: `Bearer ${issuer.token(channel.url)}` });
    await user.send('npwp tidak muncul di web efaktur');
    const r = await user.send('tolong sambungkan ke petugas');
    const ref = r.text.match(REF)![0];
    const card = (channel.received.get(AGENTS_CHANNEL) ?? []).find((a) => JSON.stringify(a.attachments ?? []).includes(ref));
    expect(card).toBeDefined();
    const thread = `${AGENTS_CHANNEL};messageid=${card!._id}`;

    // A claim from another channel of the same tenant is refused; from the card's thread it works.
    let mark = channel.received.get(user.id)?.length ?? 0;
    await send(
      teamsActivity(
        channel,
        '19:other@thread.tacv2;messageid=1',
        rina,
        { text: '', value: { action: 'ambil', ref } },
        { tenant: TENANT, channel: '19:other@thread.tacv2' },
      ),
    );
    expect(texts((channel.received.get(user.id) ?? []).slice(mark))).not.toMatch(/telah bergabung/);
    await send(teamsActivity(channel, thread, rina, { text: '', value: { action: 'ambil', ref } }));
    const joined = texts((channel.received.get(user.id) ?? []).slice(mark));
    expect(joined).toMatch(/Petugas \*\*Rina Wijaya\*\* telah bergabung/);
    expect(joined).not.toMatch(/Petugas Resmi DJP/);

    // The thread relays to the user under the roster's name; /selesai closes.
    mark = channel.received.get(user.id)?.length ?? 0;
    await send(teamsActivity(channel, thread, rina, { text: 'Coba tutup browser lalu buka kembali, ya.' }));
    const relayed = texts((channel.received.get(user.id) ?? []).slice(mark));
    expect(relayed).toMatch(/Coba tutup browser/);
    expect(relayed).toMatch(/Rina Wijaya/);
    expect(relayed).not.toMatch(/Petugas Resmi DJP/);
    mark = channel.received.get(user.id)?.length ?? 0;
    await send(teamsActivity(channel, thread, rina, { text: '/selesai' }));
    expect(texts((channel.received.get(user.id) ?? []).slice(mark))).toMatch(/telah mengakhiri percakapan/);
  });
});
