/**
 * `npm run --silent topic-map > map.md`: what a writer of blind conversation tests may know — every
 * topic's title, description and conversation nodes (questions with their choices and where each
 * leads; answers with their steps, whether a check follows, where "not solved" leads, the follow-ups
 * read at that check) — and nothing they must not: no examples, keywords, patterns or synonyms, so
 * the conversations they write are not shaped by what the model was trained on.
 *
 * Give it to the writer together with the behaviour statement in the README ("Writing blind
 * conversation tests"); the conversation sets v11 and v12 were written from an earlier version.
 */
import { loadCoreForCli } from './load.js';
import type { FlowNode } from '../catalog/schema.js';

const flat = (s: string, max = 220) => {
  const t = s.replace(/\s+/g, ' ').trim();
  return t.length > max ? `${t.slice(0, max - 1)}…` : t;
};

function node(id: string, n: FlowNode): string[] {
  switch (n.type) {
    case 'question':
      return [`- node \`${id}\` (question): ${flat(n.text)}`, ...n.choices.map((c) => `    - choice "${c.label}" → ${c.goto}`)];
    case 'answer': {
      const out = [
        // A node with `next` goes on to it at once (the engine asks no check there), whatever `check` says.
        `- node \`${id}\` (answer: "${n.title}"; ${n.next ? `no check: the bot goes straight on to node ${n.next}` : n.check ? 'then the check "is the problem solved?"' : 'no check follows: the topic ends here'})`,
      ];
      if (n.steps?.length) out.push(`    steps: ${n.steps.map((s) => flat(s, 140)).join(' | ')}`);
      if (n.check && !n.next) out.push(`    not solved → ${n.onUnsolved}${n.onUnsolved === '@escalate' ? ' (the bot offers a person: kind confirm)' : ''}`);
      for (const f of n.followUps) {
        const what = [...(f.says ?? []).map((x) => `"${x}"`), ...(f.codes ?? [])].join(', ');
        out.push(`    read at this check: ${what} → ${f.goto}`);
      }
      return out;
    }
    default:
      return [`- node \`${id}\` (${n.type})${'text' in n && n.text ? `: ${flat(n.text)}` : ''}`];
  }
}

const core = loadCoreForCli();
const out = ['# Topic map of the e-Faktur helpdesk bot (npm run topic-map; no examples)', ''];
for (const i of core.catalog.intents.values()) {
  out.push(`## intent: ${i.id} — ${i.title}`, flat(i.description, 600), `first node: ${i.start ?? '(none: out of scope, the bot falls back)'}`, '');
  for (const [id, n] of Object.entries(i.nodes)) out.push(...node(id, n));
  out.push('');
}
process.stdout.write(`${out.join('\n')}\n`);
