/**
 * Multi-turn flows through the real protocol (the dialog layer end to end): typed and clicked
 * choices, every documented procedure, interruptions, topic switches and the Coretax note.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCatalog } from '../src/catalog/load.js';
import { Conversation, lastChoices, startBot, startChannel, type ChannelServer, type SendResult, type TestBot } from './helpers/harness.js';

let bot: TestBot;
let channel: ChannelServer;
beforeAll(async () => {
  channel = await startChannel();
  bot = await startBot({ RATE_LIMIT_MESSAGES: '1000' });
});
afterAll(async () => {
  await bot.stop();
  await channel.close();
});

const conv = () => new Conversation(bot.url, channel);
const MESSAGES = loadCatalog('intents').bot.messages;
const CHECK = /Apakah masalahnya sudah teratasi\?/;
const CORETAX = /sejak 1 Januari 2025 DJP menggunakan Coretax/;

/** Clicks a suggested action: Web Chat posts the action's value as the user's text. */
async function click(c: Conversation, prev: SendResult, label: RegExp | string): Promise<SendResult> {
  const choices = lastChoices(prev.replies);
  const found = choices.find((ch) => (typeof label === 'string' ? ch === label : label.test(ch)));
  expect(found, `no choice ${label} in [${choices.join(' | ')}]`).toBeTruthy();
  return c.send(found!);
}

describe('reset-aplikasi', () => {
  it('asks for the cause, gives the reset with its prerequisite, then the e-Nofa reset, then offers a person', async () => {
    const c = conv();
    let r = await c.send('min efak gw statusnya blm registrasi trs');
    expect(r.text).toMatch(/Belum Registrasi/);
    expect(lastChoices(r.replies)).toContain('Database rusak / kena virus');

    r = await c.send('1'); // typed number
    expect(r.text).toMatch(CORETAX);
    expect(r.text).toMatch(/Certificates-based authentication failed/);
    expect(r.text).toMatch(/\n8\. /); // eight numbered steps
    expect(r.text).toMatch(/Reset Aplikasi Client/);
    expect(r.text).toMatch(CHECK);

    r = await c.send('blm'); // typed "not yet"
    expect(r.text).toMatch(/Reset Aplikasi Client/);
    expect(r.text).toMatch(/16 digit/);
    expect(r.text).toMatch(/`db`/);
    expect(r.text).not.toMatch(CORETAX); // once per conversation
    expect(r.text).toMatch(CHECK);

    r = await click(c, r, 'Belum teratasi');
    expect(r.text).toMatch(/petugas/i);
    expect(lastChoices(r.replies)).toEqual(['Ya, hubungkan', 'Tidak, terima kasih']);

    r = await c.send('iya');
    expect(r.text).toMatch(/KP-[2-9A-HJKMNP-Z]{6}/);
    expect(r.text).toMatch(/1500200/);
  });

  it('"sudah update tapi tetap Belum Registrasi" has its own 8 steps; "sudah" closes warmly', async () => {
    const c = conv();
    await c.send('status aplikasi efaktur desktop belum registrasi');
    let r = await c.send('yang sudah update tapi tetap belum registrasi'); // fuzzy choice text
    expect(r.text).toMatch(/Daftarkan User/);
    expect(r.text).toMatch(/Register ETaxInvoice/);
    expect(r.text).toMatch(/\n8\. /);
    r = await c.send('sudah, berhasil');
    expect(r.text).toMatch(/senang bisa membantu/i);
  });

  it('"tidak tahu" explains the four causes and offers next steps; ETAX-40005 after the reset continues to the e-Nofa reset', async () => {
    const c = conv();
    let r = await c.send('efaktur belum registrasi');
    r = await click(c, r, 'Tidak tahu penyebabnya');
    expect(r.text).toMatch(/Database terkena virus/);
    expect(r.text).toMatch(/pindah Kantor Pelayanan Pajak/i);
    r = await click(c, r, 'Reset aplikasi e-Faktur');
    expect(r.text).toMatch(CHECK);
    r = await c.send('muncul etax 40005');
    expect(r.text).toMatch(/Reset Aplikasi Client/);
    expect(r.text).toMatch(/16 digit/);
  });
});

describe('etax-40005', () => {
  it('"Tidak Dapat Menghubungi ETaxInvoice Server" gives the connection steps and names ETAX-40001', async () => {
    const c = conv();
    let r = await c.send('etax40005 gmn solusinya');
    expect(lastChoices(r.replies).length).toBeGreaterThanOrEqual(2);
    r = await click(c, r, /Tidak Dapat Menghubungi/);
    expect(r.text).toMatch(/ETAX-40001/);
    expect(r.text).toMatch(/Referensi > Setting Aplikasi/);
    expect(r.text).toMatch(/Adm(inistrasi)?\.? Sertifikat/);
    expect(r.text).toMatch(/kedaluwarsa/i);
  });

  it('an already-used activation code is explained with the PT AAA example', async () => {
    const c = conv();
    let r = await c.send('40005');
    expect(r.text).toMatch(/ETAX-40005/);
    r = await c.send('yang pertama'); // ordinal
    expect(r.text).toMatch(/PT AAA/);
    expect(r.text).toMatch(/satu kali/);
    expect(r.text).toMatch(/Reset Aplikasi Client/);
  });
});

describe('lupa-password', () => {
  it('desktop: the four "Lupa Password" steps with Serial Number = activation code', async () => {
    const c = conv();
    let r = await c.send('lupa pw');
    expect(lastChoices(r.replies).join('|')).toMatch(/desktop/i);
    r = await c.send('aplikasi desktop');
    expect(r.text).toMatch(/Serial Number/);
    expect(r.text).toMatch(/kode aktivasi/i);
    expect(r.text).toMatch(/\n4\. /);
  });

  it('e-Nofa / web: the e-Nofa password reset by e-mail; passphrase: cannot be reset', async () => {
    let c = conv();
    let r = await c.send('lupa password enofa'); // names the password: the question is skipped
    if (!/Lupa Password/.test(r.text)) r = await c.send('2');
    expect(r.text).toMatch(/Lupa Password/);
    expect(r.text).toMatch(/email/i);
    c = conv();
    await c.send('lupa password');
    r = await c.send('passphrase');
    expect(r.text).toMatch(/passphrase/i);
    expect(r.text).toMatch(/(tidak dapat|tidak bisa) di-?reset|revoke|dicabut/i);
  });
});

describe('other procedures', () => {
  it.each([
    ['company kami relocate ke KPP lain, efaktur gmn', /KPP/, /Reset Aplikasi Client|registrasi ulang/],
    ['cara aktivasi efaktur desktop pertama kali setelah jadi PKP', /Lokal Database/, /\n12\. /],
    ['gimana cara update efaktur ke versi terbaru', /versi terbaru/, /`?db`?/],
    ['kode aktivasi efaktur itu apa bedanya sama password pkp', /pos/i, /email/i],
    ['cara login web efaktur gimana', /web-efaktur\.pajak\.go\.id/, /Coretax/],
    ['npwp tidak muncul waktu login web efaktur', /Keychain Access/, /Web Protect/],
    ['gak bisa login web efaktur padahal password benar', /cookie/i, /diblokir/i],
  ])('%s', async (text, a, b) => {
    const c = conv();
    let r = await c.send(text);
    // Topics that start with a question: take the first option.
    if (!CHECK.test(r.text) && lastChoices(r.replies).length > 2) r = await c.send('1');
    expect(r.text).toMatch(a);
    expect(r.text).toMatch(b);
  });

  it('sertifikat-elektronik: every branch answers', async () => {
    for (const [label, expected] of [
      [/browser/i, /Manage certificates|Privacy and security/],
      [/Impor di aplikasi/i, /Administrasi Sertifikat|Adm\. Sertifikat/],
      [/Kedaluwarsa/i, /(2|dua) tahun|baru/i],
      [/passphrase/i, /passphrase/i],
      [/Certificates-based/i, /browser/i],
    ] as const) {
      const c = conv();
      const r = await c.send('sertel');
      const next = await click(c, r, label);
      expect(next.text).toMatch(expected);
      expect(next.text).toMatch(CHECK);
    }
  });
});

describe('menu, thanks, fallback', () => {
  it('a greeting shows the topic menu; clicking a topic starts it', async () => {
    const c = conv();
    let r = await c.send('halo');
    const choices = lastChoices(r.replies);
    expect(choices.length).toBeGreaterThanOrEqual(5);
    r = await click(c, r, /Lupa password/i);
    expect(r.text).toMatch(/Password mana/i);
  });

  it('thanks closes warmly with an invitation to return', async () => {
    const r = await conv().send('makasih ya min, udah beres');
    expect(r.text).toMatch(/kembali|kapan saja|lagi/i);
  });

  it('an out-of-scope question gets an honest answer, the menu and a person; two in a row offer a person', async () => {
    const c = conv();
    let r = await c.send('berapa tarif PPh 21 karyawan tetap');
    expect(r.text).toMatch(/belum memahami|hanya dapat membantu|di luar cakupan/i);
    expect(lastChoices(r.replies)).toEqual(['Menu', 'Hubungi petugas']);
    r = await c.send('cara bikin kue nastar');
    expect(lastChoices(r.replies)).toEqual(['Ya, hubungkan', 'Tidak, terima kasih']);
    r = await c.send('tidak');
    expect(r.text).toMatch(/menu/i);
  });

  it('near-misses from other tax topics do not start an e-Faktur procedure', async () => {
    for (const text of ['lupa EFIN', 'kode aktivasi windows', 'login coretax gagal terus']) {
      const r = await conv().send(text);
      expect(r.text, text).not.toMatch(/\n1\. /);
      expect(r.text, text).toMatch(/belum memahami|hanya dapat membantu|Maksud Anda|di luar cakupan/i);
    }
  });

  it('an ambiguous message asks which topic is meant, with both titles', async () => {
    // Whatever the scores, did-you-mean choices end with "Bukan keduanya" and picking one starts it.
    const c = conv();
    const r = await c.send('password');
    const choices = lastChoices(r.replies);
    if (choices.includes('Bukan keduanya')) {
      expect(choices.length).toBeGreaterThanOrEqual(2);
      const next = await c.send('1');
      expect(next.text.length).toBeGreaterThan(20);
    } else {
      expect(r.text).toMatch(/Password mana/i);
    }
  });
});

describe('Teams rendering', () => {
  it('more than three choices become an Adaptive Card with rows of at most three buttons carrying plain data; three or fewer stay suggested actions', async () => {
    const c = new Conversation(bot.url, channel, 'msteams', `a:${Date.now()}`);
    let r = await c.send('halo');
    const card = r.replies.flatMap((a) => a.attachments ?? []).find((a) => a.contentType === 'application/vnd.microsoft.card.adaptive');
    const body = (card?.content as { body: Array<{ type: string; actions?: Array<{ type: string; title: string; data: { choice: string } }> }> }).body;
    const rows = body.filter((b) => b.type === 'ActionSet');
    const actions = rows.flatMap((b) => b.actions ?? []);
    expect(actions.length).toBeGreaterThan(6); // every topic visible, none folded behind "…"
    for (const row of rows) expect(row.actions!.length).toBeLessThanOrEqual(3);
    expect(actions[0]).toMatchObject({ type: 'Action.Submit', data: { choice: actions[0]!.title } });
    await c.sendValue({ choice: actions[0]!.data.choice }); // a card button posts its data as `value`
    r = await c.send('1');
    expect(r.text).toMatch(CHECK);
    expect(lastChoices(r.replies)).toEqual(['Sudah teratasi', 'Belum teratasi']);
  });
});

describe('interruptions and topic switches', () => {
  it('"menu", "batal" and "petugas" work in the middle of a procedure', async () => {
    let c = conv();
    await c.send('efaktur belum registrasi');
    let r = await c.send('menu');
    expect(lastChoices(r.replies).length).toBeGreaterThanOrEqual(5);

    c = conv();
    await c.send('efaktur belum registrasi');
    await c.send('1');
    r = await c.send('batal');
    expect(r.text).toMatch(/dibatalkan/);
    r = await c.send('sudah'); // no longer an answer to the check
    expect(r.text).not.toContain(MESSAGES.solved);

    c = conv();
    await c.send('lupa pw');
    r = await c.send('saya mau bicara dengan petugas');
    expect(r.text).toMatch(/KP-[2-9A-HJKMNP-Z]{6}/);
  });

  it('a new confident question switches topic; an unclear answer re-asks without losing the place', async () => {
    const c = conv();
    await c.send('status efaktur belum registrasi');
    let r = await c.send('qwerty zxcv');
    expect(r.text).toContain(MESSAGES.reaskHint); // a short hint, not the welcome menu
    expect(r.text).not.toContain(MESSAGES.welcome.split('\n')[0]!);
    expect(lastChoices(r.replies)).toContain('Database rusak / kena virus');
    r = await c.send('npwp tidak muncul saat login web efaktur');
    expect(r.text).toMatch(/Keychain Access/);
  });

  it('the same question sent twice (a double submit) asks again instead of guessing a branch', async () => {
    const c = conv();
    await c.send('status efaktur saya belum registrasi');
    const r = await c.send('status efaktur saya belum registrasi');
    expect(r.text).not.toMatch(CHECK);
    expect(lastChoices(r.replies)).toContain('Database rusak / kena virus');
  });

  it('a user who comes back later continues at the same step', async () => {
    const c = conv();
    await c.send('lupa password efaktur');
    // ... time passes; a fresh request in the same conversation ...
    const later = new Conversation(bot.url, channel, 'webchat', c.id);
    const r = await later.send('desktop');
    expect(r.text).toMatch(/Serial Number/);
  });
});
