/**
 * Canned answers for agents: every answer node in `intents/` (and the contacts) with a stable id, a
 * short code, a title, tags, and two renderings (Markdown chat text and an Adaptive Card as plain
 * JSON). Search uses the bot's own normaliser and fuzzy matching; short-code matches rank first,
 * then titles, then bodies (as Chatwoot ranks canned responses).
 */
import { fill } from '../catalog/fill.js';
import Fuse from 'fuse.js';
import type { Catalog } from '../catalog/load.js';
import type { AnswerNode, BotContent } from '../catalog/schema.js';
import type { Normaliser } from '../nlu/normalise.js';

export interface CannedAnswer {
  /** Stable id: `<intent>/<node>` (or `kontak`). */
  id: string;
  code: string;
  title: string;
  tags: string[];
  intent?: string;
  /** Chat text (Markdown). */
  markdown: string;
  /** Adaptive Card (JSON), rendered the same way everywhere. */
  card: Record<string, unknown>;
}

export interface AnswerHit {
  answer: CannedAnswer;
  /** 3 = short code, 2 = title, 1 = body. */
  tier: 1 | 2 | 3;
  score: number;
}

const CARD_BASE = { type: 'AdaptiveCard', $schema: 'http://adaptivecards.io/schemas/adaptive-card.json', version: '1.4' };

/** Escapes user- or agent-provided text before it is placed into Markdown. */
export function escapeMarkdown(text: string): string {
  return text.replace(/([\\`*_{}[\]()#+\-.!|<>~])/g, '\\$1');
}

type Rendered = Pick<AnswerNode, 'title' | 'heading' | 'text' | 'steps' | 'note'>;

/**
 * An answer's parts, in order: the bold title (unless `heading: false`, a short conversational reply)
 * with the text, the numbered steps, the note.
 */
function answerParts(node: Rendered): string[] {
  const intro = [node.heading ? `**${node.title}**` : '', node.text?.trim() ?? ''].filter(Boolean).join('\n\n');
  const steps = (node.steps ?? []).map((s, i) => `${i + 1}. ${s.trim()}`).join('\n');
  return [intro, steps, node.note?.trim() ?? ''].filter(Boolean);
}

export function answerMarkdown(node: Rendered): string {
  return answerParts(node).join('\n\n');
}

/** A chat bubble's budget: longer messages make a phone user scroll up past step 1. */
export const BUBBLE_MAX_CHARS = 1500;

/**
 * An answer as chat bubbles of at most BUBBLE_MAX_CHARS: the whole answer when it fits, else the
 * introduction ("Sebelum mulai", …) and the steps and note in their own bubbles; a part that is still
 * too long is cut at paragraph (or step) boundaries.
 */
export function answerBubbles(node: Rendered): string[] {
  const parts = answerParts(node);
  const whole = parts.join('\n\n');
  if (whole.length <= BUBBLE_MAX_CHARS) return [whole];
  const out: string[] = [];
  for (const part of parts) {
    const last = out.at(-1);
    if (last !== undefined && last.length + part.length + 2 <= BUBBLE_MAX_CHARS) out[out.length - 1] = `${last}\n\n${part}`;
    else out.push(...splitAt(part, BUBBLE_MAX_CHARS));
  }
  return out;
}

/** Cuts a text at blank lines, then at line breaks, so no piece is longer than `max`. */
function splitAt(text: string, max: number): string[] {
  if (text.length <= max) return [text];
  const pieces: string[] = [];
  let cur = '';
  for (const block of text.split(/(?<=\n)/)) {
    if (cur && cur.length + block.length > max) {
      pieces.push(cur.trimEnd());
      cur = '';
    }
    cur += block;
  }
  if (cur.trim()) pieces.push(cur.trimEnd());
  return pieces;
}

export function answerCardJson(node: Pick<AnswerNode, 'title' | 'text' | 'steps' | 'note'>): Record<string, unknown> {
  const body: unknown[] = [{ type: 'TextBlock', text: node.title, weight: 'Bolder', size: 'Medium', wrap: true }];
  if (node.text) body.push({ type: 'TextBlock', text: node.text.trim(), wrap: true });
  node.steps?.forEach((s, i) => {
    body.push({
      type: 'ColumnSet',
      spacing: 'Small',
      columns: [
        { type: 'Column', width: 'auto', items: [{ type: 'TextBlock', text: `${i + 1}.`, weight: 'Bolder' }] },
        { type: 'Column', width: 'stretch', items: [{ type: 'TextBlock', text: s.trim(), wrap: true }] },
      ],
    });
  });
  if (node.note) body.push({ type: 'TextBlock', text: node.note.trim(), wrap: true, isSubtle: true, spacing: 'Medium' });
  return { ...CARD_BASE, body };
}

export function contactsMarkdown(bot: BotContent): string {
  const c = bot.contacts;
  const lines = c.channels.map((ch) => `- ${ch.label}: ${ch.value}`);
  return `**${c.title}**\n\n${lines.join('\n')}\n\n${fill(c.hoursLabel, { hours: c.hours })}. ${c.hoursNote}`;
}

export function contactsCardJson(bot: BotContent, ref?: string): Record<string, unknown> {
  const c = bot.contacts;
  const body: unknown[] = [{ type: 'TextBlock', text: c.title, weight: 'Bolder', size: 'Medium', wrap: true }];
  if (ref) body.push({ type: 'TextBlock', text: fill(c.referenceLabel, { ref }), weight: 'Bolder', color: 'Accent', wrap: true });
  body.push({ type: 'FactSet', facts: c.channels.map((ch) => ({ title: ch.label, value: ch.value })) });
  body.push({ type: 'TextBlock', text: fill(c.hoursLabel, { hours: c.hours }), wrap: true });
  body.push({ type: 'TextBlock', text: c.hoursNote, wrap: true, isSubtle: true, size: 'Small' });
  const actions = c.channels.filter((ch) => ch.url && /^https:\/\//.test(ch.url)).map((ch) => ({ type: 'Action.OpenUrl', title: ch.label, url: ch.url }));
  return { ...CARD_BASE, body, actions };
}

const plain = (md: string) => md.replace(/[*_`#>]/g, '');

export class AnswerIndex {
  readonly answers: CannedAnswer[];
  private readonly byId = new Map<string, CannedAnswer>();
  private readonly byCode = new Map<string, CannedAnswer>();
  private readonly codeFuse: Fuse<CannedAnswer>;
  private readonly titleFuse: Fuse<{ a: CannedAnswer; text: string }>;
  private readonly bodyFuse: Fuse<{ a: CannedAnswer; text: string }>;
  /** Normalised title, title + tags, and body per answer id (computed once). */
  private readonly normalised = new Map<string, { title: string; titleTags: string; body: string }>();

  /** The wording of short-code replies (`_bot.yaml: canned`). */
  readonly words: Catalog['bot']['canned'];

  constructor(
    catalog: Catalog,
    private readonly normaliser: Normaliser,
  ) {
    this.words = catalog.bot.canned;
    const answers: CannedAnswer[] = [];
    for (const intent of catalog.intents.values()) {
      for (const [nodeId, node] of Object.entries(intent.nodes)) {
        if (node.type !== 'answer') continue;
        answers.push({
          id: `${intent.id}/${nodeId}`,
          code: node.code,
          title: node.title,
          tags: [...node.tags, intent.id],
          intent: intent.id,
          markdown: answerMarkdown(node),
          card: answerCardJson(node),
        });
      }
    }
    if (!answers.some((a) => a.code === 'kontak')) {
      answers.push({
        id: 'kontak',
        code: 'kontak',
        title: catalog.bot.contacts.title,
        tags: ['kring pajak', 'kontak', 'petugas'],
        markdown: contactsMarkdown(catalog.bot),
        card: contactsCardJson(catalog.bot),
      });
    }
    this.answers = answers;
    for (const a of answers) {
      this.byId.set(a.id, a);
      this.byCode.set(a.code, a);
    }
    const norm = (s: string) => this.normaliser.normalise(s, { authored: true }).text;
    for (const a of answers) {
      const title = norm(a.title);
      this.normalised.set(a.id, { title, titleTags: `${title} ${norm(a.tags.join(' '))}`, body: norm(plain(a.markdown)) });
    }
    const n = (a: CannedAnswer) => this.normalised.get(a.id)!;
    this.codeFuse = new Fuse(answers, { keys: ['code'], threshold: 0.3, includeScore: true, ignoreLocation: true });
    this.titleFuse = new Fuse(
      answers.map((a) => ({ a, text: n(a).titleTags })),
      { keys: ['text'], threshold: 0.35, includeScore: true, ignoreLocation: true, useExtendedSearch: false },
    );
    this.bodyFuse = new Fuse(
      answers.map((a) => ({ a, text: n(a).body })),
      { keys: ['text'], threshold: 0.3, includeScore: true, ignoreLocation: true, minMatchCharLength: 3 },
    );
  }

  get(idOrCode: string): CannedAnswer | undefined {
    return this.byId.get(idOrCode) ?? this.byCode.get(idOrCode.replace(/^\//, '').toLowerCase());
  }

  /** Ranked search; an empty query returns `[]` (callers show the most used answers instead). */
  search(query: string, limit = 10): AnswerHit[] {
    const q = query.trim().replace(/^\/+/, '').toLowerCase().slice(0, 200);
    if (!q) return [];
    const hits = new Map<string, AnswerHit>();
    const add = (a: CannedAnswer, tier: 1 | 2 | 3, score: number) => {
      const prev = hits.get(a.id);
      if (!prev || prev.tier < tier || (prev.tier === tier && prev.score > score)) hits.set(a.id, { answer: a, tier, score });
    };
    const exact = this.byCode.get(q);
    if (exact) add(exact, 3, 0);
    for (const a of this.answers) if (a.code.startsWith(q)) add(a, 3, 0.05 + (a.code.length - q.length) / 100);
    if (!q.includes(' ')) for (const r of this.codeFuse.search(q)) add(r.item, 3, 0.2 + (r.score ?? 1));
    const nq = this.normaliser.normalise(q).text || q;
    // Words in any order: every query word should appear (fuzzily) in the title or tags.
    const words = nq.split(' ').filter((w) => w.length >= 2);
    for (const r of this.titleFuse.search(nq)) add(r.item.a, 2, r.score ?? 1);
    if (words.length > 1) {
      for (const a of this.answers) {
        const { title, titleTags: t } = this.normalised.get(a.id)!;
        const hit = words.filter((w) => t.includes(w)).length;
        // Words found in the title itself outrank words found only in the tags (which include the
        // intent id: "lupa password" must not rank "Lupa passphrase ..." above "Lupa password ...").
        const inTitle = words.filter((w) => title.includes(w)).length;
        if (hit === words.length) add(a, 2, 0.1 - (0.05 * inTitle) / words.length);
      }
    }
    for (const r of this.bodyFuse.search(nq)) add(r.item.a, 1, r.score ?? 1);
    if (words.length > 1) {
      for (const a of this.answers) {
        const b = this.normalised.get(a.id)!.body;
        if (words.every((w) => b.includes(w))) add(a, 1, 0.1);
      }
    }
    return [...hits.values()].sort((x, y) => y.tier - x.tier || x.score - y.score).slice(0, limit);
  }
}
