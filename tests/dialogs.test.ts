/**
 * Multi-turn flows through the real protocol (the dialog layer end to end) on the live content: typed
 * and clicked choices, every documented procedure, interruptions, topic switches and the Coretax note.
 * Each turn is checked by what it led to (kind of reply and `intent/node`, from the bot's turn log and
 * stored state) and by content read from intents/, never by a phrase: an editor may reword freely.
 */
import { describe, expect, it } from 'vitest';
import { labelTo, labelsOf, liveCatalog, showsAnswer } from './helpers/content.js';
import { lastChoices, type Conversation, type SendResult } from './helpers/harness.js';
import { useServer } from './helpers/server.js';

const server = useServer({ RATE_LIMIT_MESSAGES: '1000' });
const conv = () => server.conversation();
const bot = liveCatalog().bot;
const M = bot.messages;
const CHECK = [M.checkSolvedLabel, M.checkUnsolvedLabel];
const CONFIRM = [M.escalateYesLabel, M.escalateNoLabel];
const REF = /KP-[2-9A-HJKMNP-Z]{6}/;

/** Clicks a suggested action: Web Chat posts the action's value as the user's text. */
async function click(c: Conversation, prev: SendResult, label: string): Promise<SendResult> {
  const choices = lastChoices(prev.replies);
  expect(choices, `no choice "${label}" in [${choices.join(' | ')}]`).toContain(label);
  return c.send(label);
}

/** The turn led to `kind` at `at` (`intent/node`). */
async function expectStep(c: Conversation, kind: string, at?: string): Promise<void> {
  const step = await server.step(c);
  expect(step.kind, `${step.kind} at ${step.at}`).toBe(kind);
  if (at) expect(step.at).toBe(at);
}

describe('reset-aplikasi', () => {
  it('asks for the cause, gives the reset with its prerequisite, then the e-Nofa reset, then offers a person', async () => {
    const c = conv();
    let r = await c.send('min efak gw statusnya blm registrasi trs');
    await expectStep(c, 'question', 'reset-aplikasi/penyebab');
    expect(lastChoices(r.replies)).toEqual(labelsOf('reset-aplikasi/penyebab'));

    r = await c.send('1'); // typed number
    await expectStep(c, 'check', 'reset-aplikasi/reset-prosedur');
    expect(showsAnswer(r.text, 'reset-aplikasi/reset-prosedur')).toBe(true);
    expect(r.text).toContain(bot.coretaxNote);
    expect(lastChoices(r.replies)).toEqual(CHECK);

    r = await c.send('blm'); // typed "not yet"
    await expectStep(c, 'check', 'reset-aplikasi/reset-enofa');
    expect(showsAnswer(r.text, 'reset-aplikasi/reset-enofa')).toBe(true);
    expect(r.text).not.toContain(bot.coretaxNote); // once per conversation

    r = await click(c, r, M.checkUnsolvedLabel);
    await expectStep(c, 'confirm');
    expect(lastChoices(r.replies)).toEqual(CONFIRM);

    r = await c.send('iya');
    await expectStep(c, 'handoff');
    expect(r.text).toMatch(REF);
    expect(r.text).toContain(bot.contacts.channels[0]!.value);
  });

  it('"sudah update tapi tetap Belum Registrasi" has its own procedure; "sudah" closes warmly', async () => {
    const c = conv();
    await c.send('status aplikasi efaktur desktop belum registrasi');
    const r = await c.send('yang sudah update tapi tetap belum registrasi'); // fuzzy choice text
    await expectStep(c, 'check', 'reset-aplikasi/sudah-update');
    expect(showsAnswer(r.text, 'reset-aplikasi/sudah-update')).toBe(true);
    expect((await c.send('sudah, berhasil')).text).toContain(M.solved);
    await expectStep(c, 'closed');
  });

  it('"tidak tahu" explains the causes and offers next steps; ETAX-40005 after the reset is its follow-up', async () => {
    const c = conv();
    let r = await c.send('efaktur belum registrasi');
    r = await click(c, r, labelTo('reset-aplikasi/penyebab', 'penyebab-info'));
    await expectStep(c, 'question', 'reset-aplikasi/pilih-langkah');
    expect(showsAnswer(r.text, 'reset-aplikasi/penyebab-info')).toBe(true);
    await click(c, r, labelTo('reset-aplikasi/pilih-langkah', 'reset-prosedur'));
    await expectStep(c, 'check', 'reset-aplikasi/reset-prosedur');
    await c.send('muncul etax 40005');
    const step = await server.step(c);
    expect(step.decision).toBe('follow-up');
    expect(step.kind).toBe('check');
  });
});

describe('etax-40005', () => {
  it('"Tidak Dapat Menghubungi ETaxInvoice Server" has its own answer', async () => {
    const c = conv();
    const r = await c.send('etax40005 gmn solusinya');
    await expectStep(c, 'question', 'etax-40005/pesan');
    await click(c, r, labelTo('etax-40005/pesan', 'server'));
    await expectStep(c, 'check', 'etax-40005/server');
  });

  it('an already-used activation code: "yang pertama" picks the first option', async () => {
    const c = conv();
    await c.send('40005');
    await expectStep(c, 'question', 'etax-40005/pesan');
    const r = await c.send('yang pertama'); // ordinal
    await expectStep(c, 'check', 'etax-40005/kode-terpakai');
    expect(showsAnswer(r.text, 'etax-40005/kode-terpakai')).toBe(true);
  });
});

describe('lupa-password', () => {
  it('desktop: "aplikasi desktop" answers the question', async () => {
    const c = conv();
    const r = await c.send('lupa pw');
    await expectStep(c, 'question', 'lupa-password/jenis');
    expect(lastChoices(r.replies)).toEqual(labelsOf('lupa-password/jenis'));
    await c.send('aplikasi desktop');
    await expectStep(c, 'check', 'lupa-password/desktop');
  });

  it('e-Nofa / web: the e-Nofa password reset; passphrase: its own answer', async () => {
    let c = conv();
    await c.send('lupa password enofa'); // names the password: the question may be skipped
    if ((await server.step(c)).kind === 'question') await c.send('2');
    await expectStep(c, 'check', 'lupa-password/enofa');
    c = conv();
    await c.send('lupa password');
    await c.send('passphrase');
    await expectStep(c, 'check', 'lupa-password/passphrase');
  });
});

describe('other procedures', () => {
  it.each([
    ['company kami relocate ke KPP lain, efaktur gmn', 'pindah-kpp/pindah'],
    ['cara aktivasi efaktur desktop pertama kali setelah jadi PKP', 'aktivasi-efaktur/aktivasi'],
    ['gimana cara update efaktur ke versi terbaru', 'update-efaktur/update'],
    ['kode aktivasi efaktur itu apa bedanya sama password pkp', 'kode-aktivasi/pengertian'],
    ['cara login web efaktur gimana', 'login-web-efaktur/web-login'],
    ['npwp tidak muncul waktu login web efaktur', 'npwp-tidak-muncul/npwp'],
    ['gak bisa login web efaktur padahal password benar', 'gagal-login-web/gagal'],
  ])('%s', async (text, at) => {
    const c = conv();
    let r = await c.send(text);
    // Topics that start with a question: take the first option.
    if ((await server.step(c)).kind === 'question') r = await c.send('1');
    await expectStep(c, 'check', at);
    expect(showsAnswer(r.text, at)).toBe(true);
  });

  it('sertifikat-elektronik: every branch answers', async () => {
    for (const node of ['browser', 'aplikasi', 'baru', 'passphrase', 'auth-failed']) {
      const c = conv();
      const r = await c.send('sertel');
      await expectStep(c, 'question', 'sertifikat-elektronik/sertel');
      await click(c, r, labelTo('sertifikat-elektronik/sertel', node));
      await expectStep(c, 'check', `sertifikat-elektronik/${node}`);
    }
  });
});

describe('menu, thanks, fallback', () => {
  it('a greeting shows the topic menu; clicking a topic starts it', async () => {
    const c = conv();
    const menu = `${bot.roles.menu}/${liveCatalog().intents.get(bot.roles.menu)!.start}`;
    const r = await c.send('halo');
    await expectStep(c, 'menu', menu);
    expect(lastChoices(r.replies)).toEqual(labelsOf(menu));
    await click(c, r, labelTo(menu, 'intent:lupa-password'));
    await expectStep(c, 'question', 'lupa-password/jenis');
  });

  it('thanks closes warmly', async () => {
    const c = conv();
    await c.send('makasih ya min, udah beres');
    const step = await server.step(c);
    expect(step.at?.split('/')[0]).toBe(bot.roles.thanks);
  });

  it('an out-of-scope question gets a fallback with the menu and a person; two in a row offer a person', async () => {
    const c = conv();
    let r = await c.send('berapa tarif PPh 21 karyawan tetap');
    await expectStep(c, 'fallback');
    expect(lastChoices(r.replies)).toEqual([M.menuLabel, M.agentLabel]);
    r = await c.send('cara bikin kue nastar');
    await expectStep(c, 'confirm');
    expect(lastChoices(r.replies)).toEqual(CONFIRM);
    r = await c.send('tidak');
    expect(r.text).toContain(M.escalateDeclined);
  });

  it('near-misses from other tax topics do not start an e-Faktur procedure', async () => {
    for (const text of ['lupa EFIN', 'kode aktivasi windows', 'login coretax gagal terus']) {
      const c = conv();
      const r = await c.send(text);
      expect(['fallback', 'did-you-mean'], text).toContain((await server.step(c)).kind);
      expect(
        r.replies.some((a) => /\n1\. /.test(a.text ?? '')),
        text,
      ).toBe(false);
    }
  });

  it('an ambiguous message asks which topic is meant, or asks the password question', async () => {
    // Whatever the scores, did-you-mean choices end with "none of these" and picking one starts it.
    const c = conv();
    const r = await c.send('password');
    const choices = lastChoices(r.replies);
    if (choices.includes(M.noneOfThese)) {
      await expectStep(c, 'did-you-mean');
      expect(choices.length).toBeGreaterThanOrEqual(2);
      await c.send('1');
      expect(['question', 'check', 'answer']).toContain((await server.step(c)).kind);
    } else {
      await expectStep(c, 'question', 'lupa-password/jenis');
    }
  });
});

describe('Teams rendering', () => {
  it('more than three choices become an Adaptive Card with rows of at most three buttons carrying plain data; three or fewer stay suggested actions', async () => {
    const c = server.conversation('msteams', `a:${Date.now()}`);
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
    await expectStep(c, 'check');
    expect(lastChoices(r.replies)).toEqual(CHECK);
  });
});

describe('interruptions and topic switches', () => {
  it('"menu", "batal" and "petugas" work in the middle of a procedure', async () => {
    let c = conv();
    await c.send('efaktur belum registrasi');
    let r = await c.send('menu');
    await expectStep(c, 'menu');
    expect(lastChoices(r.replies).length).toBeGreaterThanOrEqual(5);

    c = conv();
    await c.send('efaktur belum registrasi');
    await c.send('1');
    r = await c.send('batal');
    expect((await server.step(c)).decision).toBe('cancel');
    expect(r.text).toContain(M.cancelled);
    r = await c.send('sudah'); // no longer an answer to the check
    expect(r.text).not.toContain(M.solved);

    c = conv();
    await c.send('lupa pw');
    r = await c.send('saya mau bicara dengan petugas');
    await expectStep(c, 'handoff');
    expect(r.text).toMatch(REF);
  });

  it('a new confident question switches topic; an unclear answer re-asks without losing the place', async () => {
    const c = conv();
    await c.send('status efaktur belum registrasi');
    const r = await c.send('qwerty zxcv');
    await expectStep(c, 'fallback', 'reset-aplikasi/penyebab');
    expect((await server.step(c)).decision).toBe('reask');
    expect(r.text).toContain(M.reaskHint); // a short hint, not the welcome menu
    expect(r.text).not.toContain(M.welcome.split('\n')[0]!);
    expect(lastChoices(r.replies)).toEqual(labelsOf('reset-aplikasi/penyebab'));
    await c.send('npwp tidak muncul saat login web efaktur');
    await expectStep(c, 'check', 'npwp-tidak-muncul/npwp');
  });

  it('the same question sent twice (a double submit) asks again instead of guessing a branch', async () => {
    const c = conv();
    await c.send('status efaktur saya belum registrasi');
    await c.send('status efaktur saya belum registrasi');
    await expectStep(c, 'question', 'reset-aplikasi/penyebab');
    expect((await server.step(c)).decision).toBe('repeat');
  });

  it('a user who comes back later continues at the same step', async () => {
    const c = conv();
    await c.send('lupa password efaktur');
    // ... time passes; a fresh request in the same conversation ...
    const later = server.conversation('webchat', c.id);
    await later.send('desktop');
    await expectStep(later, 'check', 'lupa-password/desktop');
  });
});
