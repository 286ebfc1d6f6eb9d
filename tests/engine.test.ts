/**
 * The flow engine and the turn decision on the fixture catalog (tests/fixtures/catalog): the rules of
 * a turn — picks, checks, remedies, redirects, hand-offs, commands, fallbacks, follow-ups, asides —
 * independent of the live content in intents/, so an editor's change there breaks nothing here.
 * What a turn leads to is read from its neutral outcome; wording is read from the fixture catalog.
 */
import { describe, expect, it } from 'vitest';
import { newFlowState, reviveFlowState, type FlowState, type Reply, type TurnResult } from '../src/flow/engine.js';
import { FIXTURE_CATALOG, loadFixtureCore } from './helpers/fixtures.js';

const core = loadFixtureCore();
const { engine, catalog } = core;
const m = catalog.bot.messages;

/** A conversation on the engine alone: the state is carried from turn to turn, as the bot layer does. */
class Chat {
  state: FlowState;
  constructor(state?: FlowState) {
    this.state = state ?? engine.welcome().state;
  }
  say(text: string): TurnResult {
    const r = engine.turn(this.state, { text });
    // The state must survive the store (JSON) unchanged.
    this.state = reviveFlowState(JSON.parse(JSON.stringify(r.state)));
    return r;
  }
}

const texts = (replies: Reply[]) => replies.flatMap((r) => (r.kind === 'text' || r.kind === 'choices' ? [r.text] : []));
const choices = (r: TurnResult) => {
  const last = r.replies.filter((x) => x.kind === 'choices').at(-1);
  return last?.kind === 'choices' ? last.options.map((o) => o.label) : [];
};
const answers = (r: TurnResult) => r.replies.flatMap((x) => (x.kind === 'answer' ? [`${x.intent}/${x.nodeId}`] : []));
const labelsOf = (intent: string, node: string) => {
  const n = catalog.intents.get(intent)!.nodes[node]!;
  if (n.type !== 'question') throw new Error(`${intent}/${node} is not a question`);
  return n.choices.map((c) => c.label);
};
const CHECK = [m.checkSolvedLabel, m.checkUnsolvedLabel];
const CONFIRM = [m.escalateYesLabel, m.escalateNoLabel];

describe('the fixture catalog', () => {
  it('loads on its own, with role intents whose ids differ from the live ones', () => {
    expect(FIXTURE_CATALOG).toMatch(/tests[/\\]fixtures[/\\]catalog$/);
    expect(catalog.bot.roles).toEqual({ person: 'petugas', aside: 'lanjutan', menu: 'salam', thanks: 'makasih' });
    expect([...catalog.intents.keys()].sort()).toEqual(['lanjutan', 'makasih', 'none', 'petugas', 'printer', 'salam', 'wifi']);
  });
});

describe('welcome and the menu (role "menu")', () => {
  it('welcomes with the menu question of the menu role, asked with the short menu prompt', () => {
    const r = engine.welcome();
    expect(r.outcome).toMatchObject({ kind: 'menu', intent: 'salam', node: 'menu' });
    expect(texts(r.replies)).toEqual([m.welcome, m.menuPrompt]);
    expect(choices(r)).toEqual(labelsOf('salam', 'menu'));
  });

  it('a menu pick starts the topic; a choice can lead straight to a node of another intent', () => {
    let c = new Chat();
    expect(c.say('1').outcome).toMatchObject({ kind: 'question', intent: 'printer', node: 'penyebab', decision: 'option' });
    c = new Chat();
    const r = c.say('Hubungi petugas'); // the exact label
    expect(r.outcome).toMatchObject({ kind: 'handoff', intent: 'petugas', node: 'sambung' });
    expect(r.replies.at(-1)).toMatchObject({ kind: 'handoff', trigger: 'user-request' });
  });
});

describe('a question, an answer with a check, remedies and the hand-off', () => {
  it("a clear message routes to the topic's first question with its choices", () => {
    const r = new Chat().say('printer tidak bisa mencetak');
    expect(r.outcome).toMatchObject({ kind: 'question', intent: 'printer', node: 'penyebab', decision: 'switch' });
    expect(r.classification).toMatchObject({ intent: 'printer', decision: 'route' });
    expect(choices(r)).toEqual(labelsOf('printer', 'penyebab'));
  });

  it.each([
    ['a typed number', '1'],
    ['an ordinal', 'yang pertama'],
    ['the exact label', 'Kertas macet'],
    ['a synonym in a sentence', 'kertasnya nyangkut di dalam'],
  ])('%s picks the option: the answer, then the check with the labels of _bot.yaml', (_how, text) => {
    const c = new Chat();
    c.say('printer tidak bisa mencetak');
    const r = c.say(text);
    expect(r.outcome).toMatchObject({ kind: 'check', intent: 'printer', node: 'macet', decision: 'option' });
    expect(answers(r)).toEqual(['printer/macet']);
    expect(texts(r.replies).at(-1)).toBe(m.checkQuestion);
    expect(choices(r)).toEqual(CHECK);
    expect(c.state.path.slice(-2)).toEqual(['printer/penyebab', 'printer/macet']);
  });

  it('"sudah" at the check closes warmly and records a solved outcome', () => {
    const c = new Chat();
    c.say('printer tidak bisa mencetak');
    c.say('1');
    const r = c.say('sudah');
    expect(r.outcome.kind).toBe('closed');
    expect(texts(r.replies)).toEqual([m.solved]);
    expect(r.events).toContainEqual({ type: 'outcome', intent: 'printer', node: 'macet', code: 'printer-macet', solved: true });
    expect(c.state.prompt).toBeUndefined();
  });

  it('thanks at the check counts as solved (role "thanks")', () => {
    const c = new Chat();
    c.say('printer tidak bisa mencetak');
    c.say('1');
    const r = c.say('makasih');
    expect(r.events).toContainEqual(expect.objectContaining({ type: 'outcome', node: 'macet', solved: true }));
  });

  it('"belum" follows onUnsolved to the next remedy; the last one offers a person; "ya" hands off (procedure-failed)', () => {
    const c = new Chat();
    c.say('printer tidak bisa mencetak');
    c.say('1');
    let r = c.say('belum');
    expect(r.outcome).toMatchObject({ kind: 'check', intent: 'printer', node: 'reset' });
    expect(r.events).toContainEqual(expect.objectContaining({ type: 'outcome', node: 'macet', solved: false }));
    r = c.say('belum juga');
    expect(r.outcome.kind).toBe('confirm');
    expect(texts(r.replies).at(-1)).toBe(m.escalateConfirm);
    expect(choices(r)).toEqual(CONFIRM);
    r = c.say('ya');
    expect(r.outcome.kind).toBe('handoff');
    expect(r.replies.at(-1)).toMatchObject({ kind: 'handoff', trigger: 'procedure-failed' });
    expect(r.events).toContainEqual({ type: 'handoff', trigger: 'procedure-failed', intent: 'printer' });
  });

  it('declining the offer closes politely, without a hand-off', () => {
    const c = new Chat();
    c.say('printer tidak bisa mencetak');
    c.say('1');
    c.say('belum');
    c.say('belum');
    const r = c.say('tidak usah');
    expect(texts(r.replies)).toEqual([m.escalateDeclined]);
    expect(r.replies.some((x) => x.kind === 'handoff')).toBe(false);
  });

  it("a choice that redirects to another intent lands on that intent's start", () => {
    const c = new Chat();
    c.say('printer tidak bisa mencetak');
    const r = c.say('3');
    expect(r.outcome).toMatchObject({ kind: 'check', intent: 'wifi', node: 'cek' });
    expect(c.state.path.slice(-2)).toEqual(['printer/penyebab', 'wifi/cek']);
  });

  it('a message that already names the option skips the question, says what was understood, and shows the note once', () => {
    const c = new Chat();
    const r = c.say('lampu printer berkedip merah');
    expect(r.outcome).toMatchObject({ kind: 'check', intent: 'printer', node: 'lampu' });
    expect(texts(r.replies)).toContain(m.understood.replace('{choice}', 'Lampu berkedip merah'));
    expect(texts(r.replies)).toContain(catalog.bot.coretaxNote);
    expect(r.events).toContainEqual(expect.objectContaining({ type: 'prefilled', intent: 'printer', node: 'penyebab' }));
    c.say('daftar topik');
    c.say('1');
    const again = c.say('Lampu berkedip merah');
    expect(answers(again)).toEqual(['printer/lampu']);
    expect(texts(again.replies)).not.toContain(catalog.bot.coretaxNote);
  });
});

describe('requests for a person (role "person")', () => {
  it("in the middle of a procedure: the person intent's hand-off node, and the check counts as not solved", () => {
    const c = new Chat();
    c.say('printer tidak bisa mencetak');
    c.say('1');
    const r = c.say('saya mau bicara dengan petugas');
    expect(r.outcome).toMatchObject({ kind: 'handoff', intent: 'petugas', node: 'sambung', decision: 'person' });
    expect(r.events).toContainEqual(expect.objectContaining({ type: 'outcome', node: 'macet', solved: false }));
    expect(r.events).toContainEqual({ type: 'handoff', trigger: 'user-request', intent: 'printer' });
  });

  it('a question for the contacts is answered, not handed off', () => {
    const c = new Chat();
    const r = c.say('nomor telepon bagian IT berapa');
    expect(r.replies.some((x) => x.kind === 'handoff')).toBe(false);
    expect(answers(r)).toEqual(['petugas/kontak']);
  });
});

describe('commands come from _bot.yaml', () => {
  it('a cancel word of the fixture ("urungkan") cancels the question and shows the menu', () => {
    const c = new Chat();
    c.say('printer tidak bisa mencetak');
    const r = c.say('urungkan');
    expect(r.events).toContainEqual({ type: 'decision', decision: 'cancel' });
    expect(texts(r.replies)[0]).toBe(m.cancelled);
    expect(r.outcome).toMatchObject({ kind: 'menu', intent: 'salam' });
    expect(c.say('sudah').events).not.toContainEqual(expect.objectContaining({ type: 'outcome' })); // no check is open
  });

  it('a menu word of the fixture ("daftar topik") shows the menu from anywhere', () => {
    const c = new Chat();
    c.say('printer tidak bisa mencetak');
    c.say('1');
    const r = c.say('daftar topik');
    expect(r.outcome).toMatchObject({ kind: 'menu', intent: 'salam', node: 'menu', decision: 'menu' });
    expect(choices(r)).toEqual(labelsOf('salam', 'menu'));
  });

  it('an empty message gets its line and the menu', () => {
    const r = new Chat().say('   ');
    expect(texts(r.replies)[0]).toBe(m.emptyMessage);
    expect(r.outcome.kind).toBe('menu');
  });
});

describe('not understood', () => {
  it('out of scope: the fallback with Menu and a person; twice in a row a person is offered; "ya" hands off (fallbacks)', () => {
    const c = new Chat();
    let r = c.say('resep rendang padang');
    expect(r.outcome).toMatchObject({ kind: 'fallback', intent: 'none', decision: 'fallback' });
    expect(texts(r.replies)).toEqual([m.fallback]);
    expect(choices(r)).toEqual([m.menuLabel, m.agentLabel]);
    expect(r.events).toContainEqual(expect.objectContaining({ type: 'fallback' }));
    r = c.say('jadwal kereta ke bandung');
    expect(r.outcome.kind).toBe('confirm');
    expect(texts(r.replies)).toEqual([m.fallbackRepeated]);
    r = c.say('ya');
    expect(r.replies.at(-1)).toMatchObject({ kind: 'handoff', trigger: 'fallbacks' });
  });

  it('an out-of-scope pointer says where to go instead; one that names a topic leads there', () => {
    const pointed = new Chat().say('menu kantin hari ini apa');
    const pointer = catalog.bot.outOfScope.pointers.find((p) => p.topic === 'kantin')!;
    expect(texts(pointed.replies)).toEqual([pointer.text, m.afterPointer]);
    const led = new Chat().say('kabel lan');
    expect(led.outcome).toMatchObject({ intent: 'wifi', node: 'cek' });
  });

  it('an unclear reply to a question re-asks with a short hint and the same options, then offers a person', () => {
    const c = new Chat();
    c.say('printer tidak bisa mencetak');
    let r = c.say('qwerty zxcv');
    expect(r.outcome).toMatchObject({ kind: 'fallback', intent: 'printer', node: 'penyebab', decision: 'reask' });
    expect(texts(r.replies)).toEqual([m.reaskHint]);
    expect(choices(r)).toEqual(labelsOf('printer', 'penyebab'));
    r = c.say('asdf jkl');
    expect(r.outcome.kind).toBe('confirm');
    expect(r.replies.at(-1)).toMatchObject({ kind: 'choices', text: m.fallbackRepeated });
  });

  it('an unsure classification asks which topic is meant, ending with "none of these"; picking one starts it', () => {
    // Which message leaves the model unsure moves with the model; the rule under test is what follows.
    // Candidates: short words, then one topic's words joined with another's.
    const halves = (id: string) => catalog.intents.get(id)!.examples.map((e) => e.split(' ').slice(0, 2).join(' '));
    const candidates = [
      'sudah',
      'belum',
      'kenapa ya',
      'koneksi printer putus',
      'petugas printer',
      ...halves('printer').flatMap((p) => halves('wifi').map((w) => `${p} ${w}`)),
    ];
    const unsure = candidates.find((t) => core.matcher.classify(t).decision === 'did-you-mean');
    expect(unsure, 'some short message leaves the model unsure').toBeDefined();
    const c = new Chat();
    const r = c.say(unsure!);
    expect(r.outcome.kind).toBe('did-you-mean');
    const offered = choices(r);
    expect(offered.at(-1)).toBe(m.noneOfThese);
    expect(offered.length).toBeGreaterThanOrEqual(2);
    const first = catalog.intents.get(r.classification!.intent)!;
    expect(offered[0]).toBe(first.title);
    const next = c.say('1');
    expect(next.outcome.intent).toBe(first.id);
    expect(next.events).toContainEqual(expect.objectContaining({ type: 'did-you-mean', picked: first.id }));
  });

  it('with one topic to offer, asks a yes/no question: "iya" takes the topic, "bukan" does not', () => {
    const halves = (id: string) => catalog.intents.get(id)!.examples.map((e) => e.split(' ').slice(0, 2).join(' '));
    const words = [...new Set([...halves('printer'), ...halves('wifi'), 'kenapa ya', 'sudah', 'belum', 'tolong'])];
    const candidates = [...words, ...words.flatMap((a) => words.map((b) => `${a} ${b}`))];
    const single = candidates.find((t) => {
      const cls = core.matcher.classify(t);
      return cls.decision === 'did-you-mean' && cls.alternatives.length === 0;
    });
    expect(single, 'some short message leaves the model unsure about one topic').toBeDefined();
    const yes = new Chat();
    const r = yes.say(single!);
    expect(r.outcome.kind).toBe('did-you-mean');
    expect(choices(r)).toEqual([catalog.intents.get(r.classification!.intent)!.title, m.notThisOne]);
    expect(yes.say('iya').outcome.intent).toBe(r.classification!.intent);
    const no = new Chat();
    no.say(single!);
    expect(no.say('bukan').outcome.kind).toBe('fallback');
  });
});

describe('at an open prompt', () => {
  it('at a question, naming a topic that one of its options leads to picks that option', () => {
    const c = new Chat();
    c.say('printer tidak bisa mencetak');
    const r = c.say('wifi kantor putus');
    expect(r.outcome).toMatchObject({ kind: 'check', intent: 'wifi', node: 'cek', decision: 'option' });
    expect(c.state.choices.at(-1)).toBe(labelsOf('printer', 'penyebab')[2]);
  });

  it('at a check, a confident message about another topic switches; a "no" in it without a topic marker stays a no', () => {
    let c = new Chat();
    c.say('wifi kantor putus');
    let r = c.say('kertas nyangkut di printer');
    expect(r.outcome).toMatchObject({ intent: 'printer', decision: 'switch' });
    c = new Chat();
    c.say('wifi kantor putus');
    r = c.say('printer tidak bisa mencetak'); // "tidak bisa": the wifi steps did not help
    expect(r.outcome.kind).toBe('confirm');
    expect(r.events).toContainEqual(expect.objectContaining({ type: 'outcome', intent: 'wifi', node: 'cek', solved: false }));
    c = new Chat();
    c.say('wifi kantor putus');
    r = c.say('oh iya sekalian, printer tidak bisa mencetak'); // announced: a new topic, and the check failed
    expect(r.outcome).toMatchObject({ kind: 'question', intent: 'printer', node: 'penyebab', decision: 'switch' });
    expect(r.events).toContainEqual(expect.objectContaining({ type: 'outcome', intent: 'wifi', node: 'cek', solved: false }));
  });

  it("an error code named by the answer's follow-ups leads to its node", () => {
    const c = new Chat();
    c.say('printer tidak bisa mencetak');
    c.say('1');
    const r = c.say('sekarang muncul ETAX-10099');
    expect(r.outcome).toMatchObject({ kind: 'check', intent: 'printer', node: 'lampu', decision: 'follow-up' });
    expect(r.events).toContainEqual(expect.objectContaining({ type: 'outcome', node: 'macet', solved: false }));
  });

  it('a phrase follow-up may lead into another intent', () => {
    const c = new Chat();
    c.say('wifi kantor putus');
    const r = c.say('printer juga');
    expect(r.outcome).toMatchObject({ intent: 'printer', node: 'macet', decision: 'follow-up' });
  });

  it('a short factual question at a check is answered in passing (role "aside") and the check is asked again', () => {
    const c = new Chat();
    c.say('printer tidak bisa mencetak');
    c.say('1');
    const r = c.say('nomor seri printer ada di mana?');
    expect(r.events).toContainEqual({ type: 'decision', decision: 'aside' });
    expect(answers(r)).toEqual(['lanjutan/nomor-seri']);
    expect(texts(r.replies).at(-1)).toBe(m.checkAgain);
    expect(c.state.prompt).toMatchObject({ kind: 'check', intent: 'printer', node: 'macet' });
  });

  it('two short factual questions in one message at a check are both answered, and the check is asked again', () => {
    const c = new Chat();
    c.say('printer tidak bisa mencetak');
    c.say('1');
    const r = c.say('nomor seri printer ada di mana, terus ruang IT ada di lantai berapa?');
    expect(answers(r)).toEqual(['lanjutan/nomor-seri', 'lanjutan/ruang-it']);
    expect(texts(r.replies).at(-1)).toBe(m.checkAgain);
    expect(c.state.prompt).toMatchObject({ kind: 'check', intent: 'printer', node: 'macet' });
    // One of them asked is one answer.
    const one = new Chat();
    one.say('printer tidak bisa mencetak');
    one.say('1');
    expect(answers(one.say('ruang IT ada di lantai berapa?'))).toEqual(['lanjutan/ruang-it']);
  });

  it('a question at a check that nothing answers says so (not "answer yes or no"), and the check stays', () => {
    const c = new Chat();
    c.say('printer tidak bisa mencetak');
    c.say('1');
    const r = c.say('kabelnya warna apa?');
    expect(texts(r.replies).at(-1)).toBe(m.unansweredAtCheck);
    // Nor is a question with a yes word in it an answer ("bisa"): not "solved".
    const q = new Chat();
    q.say('printer tidak bisa mencetak');
    q.say('1');
    expect(q.say('kenapa bisa begitu?').outcome).toMatchObject({ kind: 'fallback', intent: 'printer', node: 'macet' });
    expect(c.state.prompt).toMatchObject({ kind: 'check', intent: 'printer', node: 'macet' });
  });

  it('at a check, "akan kami coba, terima kasih" is neither solved nor not: a line saying so, and the check stays', () => {
    const c = new Chat();
    c.say('printer tidak bisa mencetak');
    c.say('1');
    const r = c.say('Baik, akan kami coba. Terima kasih.');
    expect(texts(r.replies).at(-1)).toBe(m.willTry);
    expect(r.outcome).toMatchObject({ kind: 'check', intent: 'printer', node: 'macet' });
    expect(r.events.some((e) => e.type === 'outcome')).toBe(false);
    expect(c.say('sudah').outcome.kind).toBe('closed');
  });

  it('a thank-you alone at a question closes (role "thanks"), instead of counting as an unclear reply', () => {
    const c = new Chat();
    c.say('printer tidak bisa mencetak');
    const r = c.say('ok terima kasih');
    expect(r.outcome).toMatchObject({ intent: 'makasih' });
    expect(c.state.prompt).toBeUndefined();
  });

  it('the same sentence sent twice (a double submit) shows the question again instead of guessing', () => {
    const c = new Chat();
    c.say('printer tidak bisa mencetak');
    const r = c.say('printer tidak bisa mencetak');
    expect(r.events).toContainEqual({ type: 'decision', decision: 'repeat' });
    expect(r.outcome).toMatchObject({ kind: 'question', intent: 'printer', node: 'penyebab' });
  });
});

describe('what a message carries', () => {
  it('a password gets the secret warning once; an NPWP only the identity note', () => {
    const c = new Chat();
    expect(texts(c.say('npwp 01.234.567.8-901.000 printer tidak bisa mencetak').replies)).toContain(m.identityWarning);
    const r = c.say('password saya Rahasia#2024x ditolak');
    expect(texts(r.replies)).toContain(m.secretWarning);
    expect(texts(c.say('password saya Rahasia#2024x lagi').replies)).not.toContain(m.secretWarning);
    expect(JSON.stringify(c.state)).not.toContain('Rahasia#2024x');
    expect(JSON.stringify(c.state)).not.toContain('01.234.567.8-901.000');
  });

  it('a message over the length limit gets a gentle note and is still answered', () => {
    const r = new Chat().say(`printer tidak bisa mencetak ${'x'.repeat(5000)}`);
    expect(texts(r.replies)[0]).toBe(m.tooLong);
    expect(r.replies.length).toBeGreaterThan(1);
  });

  it('a state from an older version or another shape starts fresh', () => {
    expect(reviveFlowState({ v: 1, path: ['printer/macet'] })).toEqual(newFlowState());
    expect(reviveFlowState('nonsense')).toEqual(newFlowState());
    const c = new Chat(reviveFlowState(undefined));
    expect(c.say('printer tidak bisa mencetak').outcome).toMatchObject({ intent: 'printer', node: 'penyebab' });
  });
});
