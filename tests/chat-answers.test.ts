/**
 * Answers that fit a chat, through the real protocol: contacts without a ticket, out-of-scope
 * pointers, short bubbles (the check question on its own message on Teams), and a warning that names what
 * was pasted. Wording is read from intents/_bot.yaml, so an editor's rewording breaks nothing here.
 */
import { describe, expect, it } from 'vitest';
import { BUBBLE_MAX_CHARS } from '../src/answers/index.js';
import { liveCatalog, nodeAt } from './helpers/content.js';
import { lastChoices } from './helpers/harness.js';
import { useServer } from './helpers/server.js';

const server = useServer({ RATE_LIMIT_MESSAGES: '1000' });
const content = liveCatalog().bot;
const PHONE = content.contacts.channels[0]!.value;
const REF = /KP-[2-9A-HJKMNP-Z]{6}/;
const conv = (channelId = 'webchat') => server.conversation(channelId);
const messages = (r: { replies: Array<{ type: string }> }) =>
  r.replies.filter((a) => a.type === 'message') as Array<{ text?: string; suggestedActions?: unknown; attachments?: unknown[] }>;

describe('contacts are an answer', () => {
  it.each(['boleh minta kontak Kring Pajak?', 'alamat email DJP untuk keluhan?', 'nomor telepon kring pajak berapa'])(
    '"%s" gets the contacts and hours, no ticket and no queue',
    async (text) => {
      const c = conv();
      const r = await c.send(text);
      expect(r.text).toContain(PHONE);
      expect(r.text).toContain(content.contacts.hours);
      expect(r.text).not.toMatch(REF);
      // Once: a card on a channel with cards, not the same list again as text.
      const withContacts = messages(r).filter((m) => JSON.stringify(m).includes(PHONE));
      expect(withContacts).toHaveLength(1);
    },
  );

  it('a follow-up about opening hours is answered from the same contacts', async () => {
    const c = conv();
    await c.send('kontak kring pajak apa aja');
    const r = await c.send('jam berapa buka?');
    expect(r.text).toContain(content.contacts.hours);
    expect(r.text).not.toContain(content.messages.fallback.split('\n')[0]!);
  });

  it('only a request for a person hands off, with a reference', async () => {
    const r = await conv().send('tolong sambungkan ke petugas');
    expect(r.text).toMatch(REF);
  });
});

describe('out-of-scope pointers', () => {
  it('SPT Tahunan, EFIN and Coretax login get where to go instead, not the generic "I did not understand"', async () => {
    for (const [text, topic] of [
      ['cara lapor spt tahunan pribadi', 'spt-tahunan'],
      ['efin saya hilang', 'efin'],
      ['login coretax gagal terus', 'akun-coretax'],
    ] as const) {
      const r = await conv().send(text);
      const pointer = content.outOfScope.pointers.find((p) => p.topic === topic)!;
      expect(r.text, text).toContain(pointer.text!.trim().slice(0, 60));
      expect(r.text, text).not.toContain(content.messages.fallback.split('\n')[0]!);
    }
  });

  it('"apakah e-Faktur desktop masih boleh dipakai di era Coretax?" is answered from the Coretax context', async () => {
    const c = conv();
    await c.send('apakah e-Faktur desktop masih boleh dipakai di era Coretax?');
    expect((await server.step(c)).at).toBe('era-coretax/ketentuan');
  });
});

describe('the Coretax question', () => {
  it('is a topic of its own: answered in several registers, with the caveat that the sources conflict', async () => {
    for (const text of [
      'efaktur desktop msh bisa dipake gk sih skrg kan udh coretax',
      'Is e-Faktur desktop still allowed after Coretax?',
      'sekarang wajib coretax atau masih boleh pakai aplikasi efaktur',
    ]) {
      const c = conv();
      const r = await c.send(text);
      expect((await server.step(c)).at, text).toBe('era-coretax/ketentuan');
      expect(r.text, text).not.toContain(content.messages.fallback.split('\n')[0]!);
    }
  });

  it('activation: the note for PKP confirmed since 1 January 2025 comes first, before the steps', async () => {
    const r = await conv().send('cara aktivasi efaktur desktop pertama kali');
    const msgs = messages(r).map((m) => m.text ?? '');
    const own = nodeAt('aktivasi-efaktur/aktivasi');
    const noteText = own.type === 'answer' && typeof own.coretax === 'string' ? own.coretax : content.coretaxNote;
    const note = msgs.findIndex((m) => m.includes(noteText));
    const steps = msgs.findIndex((m) => /^1\. /m.test(m));
    expect(note).toBeGreaterThanOrEqual(0);
    expect(steps).toBeGreaterThan(note);
  });
});

describe('short bubbles', () => {
  it('on Teams a procedure arrives in bubbles of at most 1,500 characters and the check question with its buttons is a short message of its own', async () => {
    const c = conv('msteams');
    await c.send('efaktur belum registrasi');
    const r = await c.send('Database rusak / virus / ganti komputer');
    const msgs = messages(r);
    for (const m of msgs) expect((m.text ?? '').length).toBeLessThanOrEqual(BUBBLE_MAX_CHARS);
    const last = msgs.at(-1)!;
    expect(last.suggestedActions).toBeDefined();
    expect(last.text).toBe(content.messages.checkQuestion);
    expect(lastChoices(r.replies)).toEqual([content.messages.checkSolvedLabel, content.messages.checkUnsolvedLabel]);
    // The procedure itself carries no buttons (the Agents Playground shows Markdown raw on such messages).
    expect(msgs.filter((m) => /^1\. /m.test(m.text ?? '')).every((m) => !m.suggestedActions)).toBe(true);
  });

  it('in Web Chat the check question and its buttons ride with the last bubble of the steps, one message fewer', async () => {
    const c = conv('webchat');
    await c.send('efaktur belum registrasi');
    const r = await c.send('1');
    const msgs = messages(r);
    for (const m of msgs) expect((m.text ?? '').length).toBeLessThanOrEqual(BUBBLE_MAX_CHARS);
    const last = msgs.at(-1)!;
    expect(last.text).toMatch(/^1\. /m);
    expect(last.text!.endsWith(content.messages.checkQuestion)).toBe(true);
    expect(lastChoices(r.replies)).toEqual([content.messages.checkSolvedLabel, content.messages.checkUnsolvedLabel]);
    expect(msgs.filter((m) => m.suggestedActions)).toHaveLength(1);
  });
});

describe('the warning names what was pasted', () => {
  it('an NPWP is masked and the user is told it need not be shared; a password gets the change-your-password warning', async () => {
    let r = await conv().send('npwp kami 01.234.567.8-901.000, efaktur belum registrasi');
    expect(r.text).toContain(content.messages.identityWarning);
    expect(r.text).not.toContain(content.messages.secretWarning);
    r = await conv().send('password enofa saya Rahasia2024! tapi tetap gagal login web efaktur');
    expect(r.text).toContain(content.messages.secretWarning);
  });
});
