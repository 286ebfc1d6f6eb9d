import { copyFileSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import YAML from 'yaml';
import { describe, expect, it } from 'vitest';
import { answerBubbles, BUBBLE_MAX_CHARS } from '../src/answers/index.js';
import { CatalogError, REQUIRED_INTENTS, loadCatalog } from '../src/catalog/load.js';
import { intentsDir } from './helpers/fixtures.js';

function problemsOf(dir: string): string[] {
  try {
    loadCatalog(dir, { requireFixedIntents: false });
  } catch (err) {
    expect(err).toBeInstanceOf(CatalogError);
    return (err as CatalogError).problems;
  }
  return [];
}

const tiny = (extra = '') => `id: tiny
title: Topik kecil
description: Fixture
examples: [contoh satu, contoh dua]
start: a
nodes:
  a:
    type: question
    text: Pilih
    choices:
      - { label: Satu, goto: b }
      - { label: Dua, goto: "@escalate" }
  b:
    type: answer
    code: tiny-b
    title: Jawaban B
    text: Isi jawaban.
${extra}`;

describe('the real catalog in intents/', () => {
  const catalog = loadCatalog('intents');

  it('fits a chat: every answer goes out in bubbles of at most 1,500 characters', () => {
    const over: string[] = [];
    for (const intent of catalog.intents.values())
      for (const [id, node] of Object.entries(intent.nodes)) {
        if (node.type !== 'answer') continue;
        for (const b of answerBubbles(node)) if (b.length > BUBBLE_MAX_CHARS) over.push(`${intent.id}/${id}: ${b.length}`);
      }
    expect(over).toEqual([]);
  });

  it('follow-ups point at real nodes, and a bad one stops start-up with its path', () => {
    const bad = tiny().replace(
      '    text: Isi jawaban.',
      '    text: Isi jawaban.\n    followUps:\n      - codes: [ETAX-40005]\n        goto: intent:etax-40005#tidak-ada',
    );
    const p = problemsOf(intentsDir({ 'tiny.yaml': bad }));
    expect(p).toContainEqual(
      expect.stringMatching(/tiny\.yaml: nodes\.b\.followUps\[0\]\.goto: (unknown intent "etax-40005"|intent "etax-40005" has no node "tidak-ada")/),
    );
    const empty = tiny().replace('    text: Isi jawaban.', '    text: Isi jawaban.\n    followUps:\n      - goto: "@end"');
    expect(problemsOf(intentsDir({ 'tiny.yaml': empty }))).toContainEqual(
      expect.stringMatching(/tiny\.yaml: nodes\.b\.followUps\[0\]: a follow-up needs "codes" or "says"/),
    );
  });

  it('loads, validates and has every fixed intent', () => {
    for (const id of REQUIRED_INTENTS) expect(catalog.intents.has(id), id).toBe(true);
  });

  it('has rich examples for every in-scope intent', () => {
    for (const intent of catalog.intents.values()) {
      expect(intent.examples.length, intent.id).toBeGreaterThanOrEqual(intent.id === 'none' ? 100 : 30);
    }
  });

  it('every intent except none has a conversation; short codes are unique', () => {
    const codes = new Set<string>();
    for (const intent of catalog.intents.values()) {
      if (intent.id !== 'none') expect(intent.start, intent.id).toBeTruthy();
      for (const node of Object.values(intent.nodes)) {
        if (node.type !== 'answer') continue;
        expect(codes.has(node.code), node.code).toBe(false);
        codes.add(node.code);
      }
    }
  });

  it("never ships the seed's garbled words to users", () => {
    // Spun words from the knowledge file's glossary (§1); every user-facing string in intents/ is scanned.
    const spun = [
      /\bstanding\b/i,
      /\bconsumer\b/i,
      /\bshopper\b/i,
      /profile? person/i,
      /sertifikat person/i,
      /daftarkan person/i,
      /serial quantity/i,
      /internet e-?faktur/i,
      /net e-?faktur/i,
      /replace e-?faktur/i,
      /contact heart/i,
      /buyer service/i,
      /privateness/i,
      /native database/i,
      /SE-20\/PJ\/2020/,
      /free of charge/i,
      /electronic mail/i,
      /laptop computer/i,
      /net protect/i,
      /utility programming/i,
      /help system/i,
      /actual time/i,
      /masukan knowledge/i,
      /verifikasi knowledge/i,
      /multi person/i,
      /multi firm/i,
      /powering enterprise/i,
      /efaktur\.pajak\.go\.id\/login.*web e-?faktur/i,
      /KeyChain Acces\b/,
    ];
    const strings: Array<{ file: string; text: string }> = [];
    const walk = (file: string, v: unknown) => {
      if (typeof v === 'string') strings.push({ file, text: v });
      else if (Array.isArray(v)) v.forEach((x) => walk(file, x));
      else if (v && typeof v === 'object') Object.entries(v).forEach(([k, x]) => k !== 'examples' && k !== 'keywords' && k !== 'patterns' && walk(file, x));
    };
    for (const f of readdirSync('intents').filter((f) => f.endsWith('.yaml') && f !== '_lexicon.yaml')) {
      walk(f, YAML.parse(readFileSync(path.join('intents', f), 'utf8')));
    }
    expect(strings.length).toBeGreaterThan(100);
    const hits = strings.flatMap(({ file, text }) => spun.filter((re) => re.test(text)).map((re) => `${file}: ${re} in "${text.slice(0, 80)}"`));
    expect(hits).toEqual([]);
  });
});

describe('catalog validation', () => {
  it('accepts a valid new intent dropped in as a file', () => {
    const dir = intentsDir({ 'tiny.yaml': tiny() });
    const c = loadCatalog(dir, { requireFixedIntents: false });
    expect(c.intents.get('tiny')?.title).toBe('Topik kecil');
  });

  it('reports file, path and reason for schema problems, all at once', () => {
    const dir = intentsDir({
      'bad.yaml': 'id: Bad Id\ntitle: X\nexamples: []\n',
      'other.yaml': tiny().replace('id: tiny', 'id: other').replace('tiny-b', 'other-b').replace('type: answer', 'type: answr'),
    });
    const p = problemsOf(dir);
    expect(p.some((x) => /^intents-\w+\/bad\.yaml: id: use lowercase/.test(x))).toBe(true);
    expect(p.some((x) => /bad\.yaml: title: /.test(x))).toBe(true);
    expect(p.some((x) => /bad\.yaml: description: /.test(x))).toBe(true);
    expect(p.some((x) => /other\.yaml: nodes\.b\.type: /.test(x))).toBe(true);
  });

  it('reports YAML syntax errors with a line number', () => {
    const p = problemsOf(intentsDir({ 'broken.yaml': 'id: broken\ntitle: [unclosed\n' }));
    expect(p.some((x) => /broken\.yaml: line \d+:/.test(x))).toBe(true);
  });

  it('rejects unknown nodes and intents in targets', () => {
    const p = problemsOf(intentsDir({ 'tiny.yaml': tiny().replace('goto: b', 'goto: missing').replace('"@escalate"', 'intent:nowhere') }));
    expect(p).toContainEqual(expect.stringMatching(/tiny\.yaml: nodes\.a\.choices\[0\]\.goto: unknown node "missing"/));
    expect(p).toContainEqual(expect.stringMatching(/tiny\.yaml: nodes\.a\.choices\[1\]\.goto: unknown intent "nowhere"/));
  });

  it('rejects an out-of-scope pointer into a topic that does not exist, and one with both text and goto', () => {
    const bot = YAML.parse(readFileSync('intents/_bot.yaml', 'utf8'));
    bot.outOfScope.pointers = [{ topic: 'hilang', says: ['hilang'], goto: 'intent:nowhere' }];
    let p = problemsOf(intentsDir({ 'tiny.yaml': tiny(), '_bot.yaml': YAML.stringify(bot) }));
    expect(p).toContainEqual(expect.stringMatching(/_bot\.yaml: outOfScope\.pointers\[0\]\.goto: unknown intent "nowhere"/));
    bot.outOfScope.pointers = [
      { topic: 'hilang', says: ['hilang'] },
      { topic: 'dua', says: ['dua'], goto: 'intent:tiny', text: 'x' },
    ];
    p = problemsOf(intentsDir({ 'tiny.yaml': tiny(), '_bot.yaml': YAML.stringify(bot) }));
    expect(p).toContainEqual(expect.stringMatching(/_bot\.yaml: outOfScope\.pointers\[0\]: a pointer needs exactly one of "text" or "goto"/));
    expect(p).toContainEqual(expect.stringMatching(/_bot\.yaml: outOfScope\.pointers\[1\]: a pointer needs exactly one of "text" or "goto"/));
  });

  /** The real content folder with one file's YAML edited: the problems loading it reports. */
  const problemsWithEdited = (file: string, edit: (doc: Record<string, Record<string, unknown>>) => void): string[] => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'intents-edited-'));
    for (const f of readdirSync('intents')) copyFileSync(path.join('intents', f), path.join(dir, f));
    const doc = YAML.parse(readFileSync(path.join('intents', file), 'utf8'));
    edit(doc);
    writeFileSync(path.join(dir, file), YAML.stringify(doc));
    try {
      loadCatalog(dir);
      return [];
    } catch (err) {
      return (err as CatalogError).problems;
    }
  };

  it('roles must name intents of the catalog (the real content folder with one role changed)', () => {
    const problems = problemsWithEdited('_bot.yaml', (bot) => (bot.roles!.person = 'petugas-manusia'));
    expect(problems).toEqual([expect.stringMatching(/_bot\.yaml: roles\.person: unknown intent "petugas-manusia"/)]);
  });

  it('polite frames must name intents of the catalog and a share between 0 and 1 (the real content folder, frames changed)', () => {
    const withFrames = (share: number) =>
      problemsWithEdited('_lexicon.yaml', (lexicon) => Object.assign(lexicon.frames!, { except: ['sapaan', 'salam-penutup'], share }));
    expect(withFrames(2)).toEqual([expect.stringMatching(/_lexicon\.yaml: frames\.share: /)]);
    expect(withFrames(0.5)).toEqual([expect.stringMatching(/_lexicon\.yaml: frames\.except\[1\]: unknown intent "salam-penutup"/)]);
  });

  it('rejects unreachable nodes', () => {
    const p = problemsOf(intentsDir({ 'tiny.yaml': tiny(`  orphan:\n    type: answer\n    code: orphan\n    title: Yatim piatu\n    text: x\n`) }));
    expect(p).toContainEqual(expect.stringMatching(/nodes\.orphan: unreachable from start node "a"/));
  });

  it('rejects a loop without an exit and a cycle of "next" links', () => {
    const loop = `id: loop
title: Putaran
description: Fixture
examples: [putar putar]
start: a
nodes:
  a:
    type: question
    text: Pilih
    choices:
      - { label: Ke B, goto: b }
      - { label: Ke A, goto: a }
  b:
    type: answer
    code: loop-b
    title: Jawaban B
    text: x
    onSolved: a
    onUnsolved: a
`;
    const chain = `id: chain
title: Rantai
description: Fixture
examples: [rantai]
start: a
nodes:
  a: { type: answer, code: chain-a, title: Rantai A, text: x, next: b }
  b: { type: answer, code: chain-b, title: Rantai B, text: y, next: a }
`;
    const p = problemsOf(intentsDir({ 'loop.yaml': loop, 'chain.yaml': chain }));
    expect(p).toContainEqual(expect.stringMatching(/loop\.yaml: nodes\.a: part of a loop without an exit/));
    expect(p).toContainEqual(expect.stringMatching(/chain\.yaml: nodes\.\w\.next: "next" links form a cycle/));
  });

  it('rejects a choice without a target, duplicate short codes, bad regexes and a missing fixed intent', () => {
    const noTarget = tiny().replace('- { label: Satu, goto: b }', '- { label: Satu }');
    const dup = tiny().replace('id: tiny', 'id: twin').replace('tiny-b', 'regex-b').replace('[contoh satu, contoh dua]', '[kembar]');
    const badRe =
      tiny().replace('id: tiny', 'id: regex').replace('tiny-b', 'regex-b').replace('[contoh satu, contoh dua]', '[pola]') + 'patterns: ["(unclosed"]\n';
    const p = problemsOf(intentsDir({ 'tiny.yaml': noTarget, 'twin.yaml': dup, 'regex.yaml': badRe }));
    expect(p).toContainEqual(expect.stringMatching(/tiny\.yaml: nodes\.a\.choices\[0\]\.goto: /));
    expect(p).toContainEqual(expect.stringMatching(/twin\.yaml: nodes\.b\.code: short code "regex-b" is already used by .*regex\.yaml/));
    expect(p).toContainEqual(expect.stringMatching(/regex\.yaml: patterns\[0\]: not a valid regular expression/));
    expect(() => loadCatalog(intentsDir({ 'tiny.yaml': tiny() }))).toThrow(/intent "reset-aplikasi" is required/);
  });

  it('rejects an id that does not match its file name and an example shared by two intents', () => {
    const a = tiny();
    const b = tiny().replace('id: tiny', 'id: tiny2').replace('tiny-b', 'tiny2-b');
    const p1 = problemsOf(intentsDir({ 'wrong-name.yaml': tiny() }));
    expect(p1).toContainEqual(expect.stringMatching(/wrong-name\.yaml: id: "tiny" must match the file name/));
    const p = problemsOf(intentsDir({ 'tiny.yaml': a, 'tiny2.yaml': b }));
    expect(p).toContainEqual(expect.stringMatching(/tiny2\.yaml: examples\[0\]: "contoh satu" is also an example of "tiny"/));
  });
});
