/**
 * Canned answers for agents (src/answers/): the index — every answer node of intents/ (plus the
 * contacts) with a unique short code, Markdown and an Adaptive Card — and ranked search: short codes,
 * then titles, then bodies; typos still find the answer. In chat: answers-chat.test.ts; the agent HTTP
 * API and the command-line tool: answers-api.test.ts.
 */
import { describe, expect, it } from 'vitest';
import type { AnswerHit } from '../src/answers/index.js';
import { answerNodes, cardElements, cardTexts, codes, core, index, mustGet } from './helpers/answers.js';

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
    expect(byCode?.title).toBe(answerNodes.find((n) => n.id === 'reset-aplikasi/reset-prosedur')!.node.title);
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

  it('renders each answer as Markdown: bold title (unless heading: false), text, numbered steps in order, note', () => {
    let withSteps = 0;
    for (const { id, node } of answerNodes) {
      const md = mustGet(id).markdown;
      expect(md.startsWith(`**${node.title}**\n\n`), id).toBe(node.heading);
      if (!node.heading) expect(md.startsWith('**'), id).toBe(false);
      if (id === 'terima-kasih/tutup') expect(node.heading, 'the closing thanks has no heading').toBe(false);
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
    // Markdown inside a step (bold names of menus and sites) is kept as written.
    const bold = answerNodes
      .flatMap(({ id, node }) => (node.steps ?? []).map((step, i) => ({ id, line: `${i + 1}. ${step.trim()}` })))
      .filter((x) => x.line.includes('**'));
    expect(bold.length).toBeGreaterThan(5);
    for (const { id, line } of bold) expect(mustGet(id).markdown.split('\n'), id).toContain(line);
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
