/**
 * The normaliser, the matcher's decisions, and the command-line contract (`classify`, `eval`),
 * including the development-set bar.
 */
import { spawn } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import YAML from 'yaml';
import { describe, expect, it } from 'vitest';
import { loadCore } from '../src/core.js';
import { evaluate, type LabelledLine } from '../src/nlu/evaluate.js';
import { stem } from '../src/nlu/normalise.js';
import { BaselineClassifier } from '../src/eval/baseline.js';
import { chooseBaselineThreshold, slipVariants } from '../src/eval/classifier-report.js';

const core = loadCore('intents');
const norm = (t: string) => core.matcher.normaliser.normalise(t);
const read = (f: string) =>
  readFileSync(f, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as LabelledLine & { kind?: string });
const tune = read('tests/data/dev-v2-tune.jsonl');
const test = read('tests/data/dev-v2-test.jsonl');
const v4 = read('tests/data/dev-v4.jsonl');
// The choosing set since 2026-12-02 evening (npm run eval -- --choose): kept out of the examples too.
const v5 = read('tests/data/dev-v5.jsonl');
const v6 = read('tests/data/dev-v6.jsonl');
// Written blind on 2026-12-02 (night); held out: for the final figure only.
const v7 = read('tests/data/dev-v7.jsonl');
// Written blind on 2026-12-02 (late): dev-v8 chooses, dev-v9 is held out.
const v8 = read('tests/data/dev-v8.jsonl');
const v9 = read('tests/data/dev-v9.jsonl');
// Written blind on 2026-12-03 (afternoon) by a tenth writer; held out.
const v10 = read('tests/data/dev-v10.jsonl');

function run(args: string[], input?: string): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', ...args]);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (status) => resolve({ status, stdout, stderr }));
    child.stdin.end(input ?? '');
  });
}

describe('normaliser', () => {
  it('maps slang and abbreviations', () => {
    expect(norm('min efak gw blm registrasi trs gmn').text).toBe('admin efaktur saya belum registrasi terus bagaimana');
    expect(norm('lupa pw').text).toBe('lupa password');
    expect(norm('Kata Sandi e-Faktur').text).toBe('password efaktur');
    expect(norm('sertel gk bs diimport').text).toMatch(/^sertifikat elektronik tidak bisa/);
  });

  it('drops a code the message says it is not about, unless it is also named plainly', () => {
    expect(norm('ada error kodenya ETAX tapi bukan 40005').codes).toEqual([]);
    expect(norm('error 40002, bukan 40005').codes).toEqual(['etax40002']);
    expect(norm('selain ETAX-40005 muncul juga ETAX-40005 lagi').codes).toEqual(['etax40005']);
    expect(norm('bukan cuma 40005').codes).toEqual(['etax40005']); // not only 40005: still about it
    expect(norm('muncul 40005 bukan?').codes).toEqual(['etax40005']); // the question tag comes after it
  });

  it('recognises error codes however they are typed', () => {
    for (const t of ['ETAX-40005', 'etax40005', 'etax 40005', 'etx-40005', 'E-TAX 40005', 'error 40005', 'ＥＴＡＸ－４０００５'])
      expect(norm(t).codes, t).toEqual(['etax40005']);
    expect(norm('ETAXSERVICE-20017').codes).toEqual(['etaxservice20017']);
    expect(norm('ETAX-API-10056').codes).toEqual(['etaxapi10056']);
    expect(norm('harga 40.005 rupiah tahun 2024').codes).toEqual([]);
  });

  it('collapses repeated letters, splits words run together, corrects typos', () => {
    expect(norm('tolonggggg').text).toBe('tolong');
    expect(norm('lupapassword').text).toBe('lupa password');
    expect(norm('statusaplikasibelumregistrasi').tokens).toEqual(expect.arrayContaining(['status', 'aplikasi', 'belum', 'registrasi']));
    expect(norm('registarsi').text).toBe('registrasi');
  });

  it('leaves everyday words alone that look like others (each was once "repaired" into a word that changed the reading)', () => {
    // berada→berapa made a statement a question, mudah→sudah a yes, kotak→kontak the contacts, pulang→ulang a retry.
    const words = ['berada', 'mudah', 'kotak', 'pulang', 'tekan', 'dikit', 'barusan', 'kejadian', 'senang', 'kementerian', 'soalnya', 'rupanya'];
    expect(words.map((w) => norm(w).text)).toEqual(words);
    // Any common Indonesian word the examples lack (the language's word list, src/nlu/common-words.ts).
    const common = ['sisa', 'kanan', 'kalah', 'indah', 'pohon', 'detik', 'buku', 'cinta', 'kiri', 'malu'];
    expect(common.map((w) => norm(w).text)).toEqual(common);
    // Slips are still repaired.
    expect(['registarsi', 'pasword', 'sertifkat'].map((w) => norm(w).text)).toEqual(['registrasi', 'password', 'sertifikat']);
  });

  it('strips Indonesian affixes with their sound changes, and leaves look-alikes alone', () => {
    expect(['mereset', 'direset', 'mengupdate', 'registrasinya', 'menerima', 'memakai'].map(stem)).toEqual([
      'reset',
      'reset',
      'update',
      'registrasi',
      'terima',
      'pakai',
    ]);
    expect(['service', 'sebagai', 'keluar', 'keychain', 'berhasil'].map(stem)).toEqual(['service', 'sebagai', 'keluar', 'keychain', 'berhasil']);
  });

  it('never throws and bounds its work on hostile input', () => {
    const t0 = performance.now();
    expect(norm('a'.repeat(100_000)).tokens.length).toBeLessThanOrEqual(1);
    expect(norm('\u0000\u202e😀\u200b').tokens).toEqual([]);
    expect(performance.now() - t0).toBeLessThan(100);
  });
});

describe('classifier decisions', () => {
  it.each([
    ['min efak gw statusnya blm registrasi trs', 'reset-aplikasi'],
    ['lupa pw', 'lupa-password'],
    ['etax40005 gmn solusinya', 'etax-40005'],
    ['company kami relocate ke KPP lain', 'pindah-kpp'],
    ['NPWP GAK MUNCUL DI WEB EFAKTUR', 'npwp-tidak-muncul'],
    [
      'Selamat siang. Kemarin komputer kantor kena virus dan sekarang aplikasi efaktur minta registrasi ulang, statusnya belum registrasi. Bagaimana cara mengatasinya?',
      'reset-aplikasi',
    ],
  ])('routes "%s" to %s', (text, intent) => {
    const c = core.matcher.classify(text);
    expect(c.intent).toBe(intent);
    expect(c.decision).not.toBe('fallback');
  });

  it.each(['lupa EFIN', 'kode aktivasi windows', 'login coretax gagal', 'berapa tarif ppn sekarang', 'resep nasi goreng'])(
    'rejects the near-miss "%s"',
    (text) => {
      expect(core.matcher.classify(text)).toMatchObject({ intent: 'none', decision: 'fallback' });
    },
  );

  it('reports confidence in 0..1 and ranked alternatives', () => {
    const c = core.matcher.classify('aktivasi');
    expect(c.score).toBeGreaterThan(0);
    expect(c.score).toBeLessThanOrEqual(1);
    for (let i = 1; i < c.ranked.length; i++) expect(c.ranked[i - 1]!.score).toBeGreaterThanOrEqual(c.ranked[i]!.score);
  });
});

describe('development sets', () => {
  const key = (s: string) =>
    s
      .toLowerCase()
      .replace(/[^\p{L}\p{N}]+/gu, ' ')
      .trim();
  const examples = new Set<string>();
  for (const f of readdirSync('intents').filter((f) => !f.startsWith('_')))
    for (const e of (YAML.parse(readFileSync(`intents/${f}`, 'utf8')) as { examples: unknown[] }).examples) examples.add(key(String(e)));
  // dev-v1, the dev-v2 tuning half and dev-v3 were the choosing sets; their lines are training examples since
  // 2026-12-02. The held-out sets must never be, nor the choosing sets while they choose.
  const sets = { 'dev-v2-test': test, 'dev-v4': v4, 'dev-v5': v5, 'dev-v6': v6, 'dev-v7': v7, 'dev-v8': v8, 'dev-v9': v9, 'dev-v10': v10 };

  it.each(Object.keys(sets))('%s is kept out: no line is also an example in intents/', (name) => {
    const lines = sets[name as keyof typeof sets];
    expect(lines.filter((l) => examples.has(key(l.text))).map((l) => l.text)).toEqual([]);
  });

  it('dev-v2 is large and varied: 700+ lines, 200+ out of scope of which 100+ near-misses, every topic in both halves', () => {
    const all = [...tune, ...test];
    expect(all.length).toBeGreaterThanOrEqual(700);
    expect(all.filter((l) => l.intent === 'none').length).toBeGreaterThanOrEqual(200);
    expect(all.filter((l) => l.kind === 'near-miss').length).toBeGreaterThanOrEqual(100);
    // Topics added after the set was written (the Coretax question) are in dev-v3 (now training) and dev-v4.
    const ids = [...core.catalog.intents.keys()].filter((id) => id !== 'era-coretax');
    for (const half of [tune, test]) expect(new Set(half.map((l) => l.intent))).toEqual(new Set(ids));
    expect(tune.filter((l) => test.some((t) => key(t.text) === key(l.text)))).toEqual([]);
  });

  it('dev-v4 is large and varied: 450+ lines, 150+ out of scope of which 90+ near-misses, every topic', () => {
    expect(v4.length).toBeGreaterThanOrEqual(450);
    expect(v4.filter((l) => l.intent === 'none').length).toBeGreaterThanOrEqual(150);
    expect(v4.filter((l) => l.kind === 'near-miss').length).toBeGreaterThanOrEqual(90);
    expect(new Set(v4.map((l) => l.intent))).toEqual(new Set(core.catalog.intents.keys()));
    expect(v4.filter((l) => test.some((t) => key(t.text) === key(l.text)))).toEqual([]);
  });

  // The newer held-out sets, each against every set written before it (dev-v9 lost ~80 lines to that check).
  it.each([
    { name: 'dev-v7', lines: v7, min: 700, none: 200, before: [tune, test, v4, v5, v6] },
    { name: 'dev-v9', lines: v9, min: 600, none: 200, before: [tune, test, v4, v5, v6, v7, v8] },
    // 720 written, 202 out of scope; 51 lines equal to an example or another set removed.
    { name: 'dev-v10', lines: v10, min: 650, none: 190, before: [tune, test, v4, v5, v6, v7, v8, v9] },
  ])('$name is large and varied: $min+ lines, $none+ out of scope, every topic, no line of another set', ({ lines, min, none, before }) => {
    expect(lines.length).toBeGreaterThanOrEqual(min);
    expect(lines.filter((l) => l.intent === 'none').length).toBeGreaterThanOrEqual(none);
    expect(new Set(lines.map((l) => l.intent))).toEqual(new Set(core.catalog.intents.keys()));
    const others = new Set(before.flat().map((l) => key(l.text)));
    expect(lines.filter((l) => others.has(key(l.text)))).toEqual([]);
  });

  // Bars a little under the measured figures (README, "The intent model"), so a regression fails here.
  it('dev-v2 test half bars, as written and with keyboard slips', () => {
    const r = evaluate(core.matcher, test);
    expect(r.inScope.accuracy).toBeGreaterThanOrEqual(0.97);
    expect(r.outOfScope.rejection).toBeGreaterThanOrEqual(0.96);
    expect(r.inScope.wrongIntentRate).toBeLessThanOrEqual(0.015);
    const s = evaluate(core.matcher, slipVariants(test));
    expect(s.inScope.accuracy).toBeGreaterThanOrEqual(0.95);
    expect(s.inScope.wrongIntentRate).toBeLessThanOrEqual(0.015);
  });

  it("dev-v4 bars (written blind on 2026-12-02; never used for choosing): issue 16's targets", () => {
    const r = evaluate(core.matcher, v4);
    expect(r.inScope.accuracy).toBeGreaterThanOrEqual(0.97);
    expect(r.outOfScope.rejection).toBeGreaterThanOrEqual(0.95);
    expect(r.inScope.wrongIntentRate).toBeLessThanOrEqual(0.01);
    const s = evaluate(core.matcher, slipVariants(v4));
    expect(s.inScope.accuracy).toBeGreaterThanOrEqual(0.94);
    expect(s.inScope.wrongIntentRate).toBeLessThanOrEqual(0.02);
  });

  // Measured on 2026-12-03 (afternoon), after the polite frames and the tenth writer's training lines
  // (README, "The intent model"): out-of-scope rejected and wrong-procedure lines, as counts.
  const HELD_OUT_FIGURES = [
    { name: 'dev-v2-test', lines: test, rejected: 133, wrong: 1 },
    { name: 'dev-v4', lines: v4, rejected: 164, wrong: 0 },
    { name: 'dev-v7', lines: v7, rejected: 222, wrong: 9 },
    { name: 'dev-v9', lines: v9, rejected: 208, wrong: 5 },
    { name: 'dev-v10', lines: v10, rejected: 191, wrong: 7 },
  ];
  // Trained and its threshold chosen once for the five sets (the choice is a cross-validation).
  let trainedBaseline: BaselineClassifier | undefined;
  const baselineModel = (): BaselineClassifier => {
    if (!trainedBaseline) {
      trainedBaseline = new BaselineClassifier(core.catalog);
      trainedBaseline.threshold = chooseBaselineThreshold(core.catalog); // as npm run eval chooses it
    }
    return trainedBaseline;
  };
  it.each(HELD_OUT_FIGURES)(
    '$name (held out): ahead of the baseline on in-scope lines and with slips; rejected and wrong held at their figures',
    ({ lines, rejected, wrong }) => {
      const baseline = baselineModel();
      const m = evaluate(core.matcher, lines);
      const b = evaluate(baseline, lines);
      expect(m.inScope.accuracy).toBeGreaterThanOrEqual(b.inScope.accuracy);
      expect(evaluate(core.matcher, slipVariants(lines)).inScope.accuracy).toBeGreaterThan(evaluate(baseline, slipVariants(lines)).inScope.accuracy);
      // Not claimed ahead everywhere (README, "The intent model"): the baseline, which leaves many more
      // in-scope lines unanswered, rejects up to five more out-of-scope lines on a set and sends up to two
      // fewer to a wrong procedure; the shipped model's counts are held where they were measured.
      expect(m.outOfScope.rejected).toBeGreaterThanOrEqual(rejected);
      expect(m.inScope.wrongIntent).toBeLessThanOrEqual(wrong);
      expect(m.outOfScope.rejection).toBeGreaterThanOrEqual(0.95);
    },
  );
  it("issue 16's wrong-procedure bars on the two older held-out sets; dev-v7 (lay descriptions of the screen) at its figures", () => {
    for (const lines of [test, v4]) {
      expect(evaluate(core.matcher, lines).inScope.wrongIntentRate).toBeLessThanOrEqual(0.01);
      expect(evaluate(core.matcher, slipVariants(lines)).inScope.wrongIntentRate).toBeLessThanOrEqual(0.02);
    }
    expect(evaluate(core.matcher, v7).inScope.wrongIntentRate).toBeLessThanOrEqual(0.02);
    expect(evaluate(core.matcher, slipVariants(v7)).inScope.wrongIntentRate).toBeLessThanOrEqual(0.025);
  });

  // Written here for this test (not from any set): the formal register's greeting and closing around a question.
  it.each([
    ['Selamat pagi, saya ingin bertanya mengenai kode aktivasi e-Faktur. Mohon bantuannya.', 'kode-aktivasi'],
    ['Selamat siang Bapak/Ibu, aplikasi e-Faktur kami statusnya belum registrasi. Mohon bantuannya, terima kasih.', 'reset-aplikasi'],
    ['Assalamualaikum, permisi mau tanya, sertifikat elektronik kami sudah kedaluwarsa. Terima kasih.', 'sertifikat-elektronik'],
    ['Selamat pagi, saya ingin bertanya cara lapor SPT Tahunan. Mohon bantuannya.', 'none'],
  ])('a polite frame does not outweigh what it asks: %s', (text, intent) => {
    expect(core.matcher.classify(text).intent).toBe(intent);
  });

  it('reads a message the same the first time and after its words are remembered', () => {
    const fresh = loadCore('intents').matcher;
    const lines = ['efakturrr sy statusnya blm registarsi trs', 'qwertyuiop zxcvb efaktur efaktur', 'lupa pasword sertel', 'resep nasi goreng kampung'];
    const first = lines.map((l) => Array.from(fresh.probabilities(l).probs));
    expect(lines.map((l) => Array.from(fresh.probabilities(l).probs))).toEqual(first);
    expect(lines.map((l) => Array.from(core.matcher.probabilities(l).probs))).toEqual(first);
  });

  it('is deterministic: the same content trains the same model', () => {
    const again = loadCore('intents').matcher;
    for (const l of test.slice(0, 60)) expect(Array.from(again.probabilities(l.text).probs)).toEqual(Array.from(core.matcher.probabilities(l.text).probs));
  });
});

describe('command-line contract', () => {
  it('classify: one JSON object per input line, nothing else on stdout', async () => {
    const r = await run(['src/cli/classify.ts'], 'lupa pw\netax40005 gmn solusinya\nresep rendang\n\n');
    expect(r.status).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines).toHaveLength(4);
    const out = lines.map((l) => JSON.parse(l) as { text: string; intent: string; score: number; alternatives: Array<{ intent: string; score: number }> });
    expect(out[0]).toMatchObject({ text: 'lupa pw', intent: 'lupa-password' });
    expect(out[1]!.intent).toBe('etax-40005');
    expect(out[2]!.intent).toBe('none');
    for (const o of out) {
      expect(Object.keys(o).sort()).toEqual(['alternatives', 'intent', 'score', 'text']);
      expect(o.score).toBeGreaterThanOrEqual(0);
      expect(o.score).toBeLessThanOrEqual(1);
    }
  });

  it('eval: report, --json, and a non-zero exit below the bar', async () => {
    const text = await run(['src/cli/eval.ts', 'tests/data/dev-v1.jsonl', '--min-accuracy', '0.95', '--min-rejection', '0.9', '--max-wrong', '0.02']);
    expect(text.status).toBe(0);
    expect(text.stdout).toMatch(/in-scope accuracy/);
    expect(text.stdout).toMatch(/Confusion matrix/);
    expect(text.stdout).toMatch(/Misclassified/);
    const json = await run(['src/cli/eval.ts', 'tests/data/dev-v1.jsonl', '--json']);
    expect(JSON.parse(json.stdout).perIntent['lupa-password'].recall).toBeGreaterThan(0.8);
    const fail = await run(['src/cli/eval.ts', 'tests/data/dev-v1.jsonl', '--min-accuracy', '1.01']);
    expect(fail.status).toBe(1);
    expect(fail.stdout).toMatch(/FAIL in-scope accuracy/);
  });
});
