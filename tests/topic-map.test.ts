/**
 * `npm run topic-map` (src/cli/topic-map.ts), what writers of blind conversation tests are given: every
 * topic and node, where each choice leads, which answers have a check — and none of the examples,
 * the model is trained on (nor their lists of keywords and synonyms).
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { loadCore } from '../src/core.js';

const core = loadCore('intents');
const map = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/topic-map.ts'], { encoding: 'utf8', timeout: 60_000 }).stdout;

describe('topic map for blind writers', () => {
  it('names every topic and node, says which answers end without a check, and where "not solved" leads', () => {
    for (const i of core.catalog.intents.values()) {
      expect(map).toContain(`## intent: ${i.id} — ${i.title}`);
      for (const [id, n] of Object.entries(i.nodes)) {
        expect(map).toContain(`node \`${id}\``);
        if (n.type === 'answer' && !n.check && !n.next) expect(map).toMatch(new RegExp(`node \`${id}\` \\(answer: .*no check follows`));
        // An answer that goes straight on to another node asks no check there (two writers expected one).
        if (n.type === 'answer' && n.next)
          expect(map).toMatch(new RegExp(`node \`${id}\` \\(answer: [^\\n]*no check: the bot goes straight on to node ${n.next}\\)\\n(?!    not solved)`));
      }
    }
    expect(map).toContain('not solved → ');
  });

  it('holds none of the example sentences (short ones may equal a title or an error message; keywords and synonyms are phrases the procedures use too)', () => {
    const lower = map.toLowerCase();
    const leaked = [...core.catalog.intents.values()].flatMap((i) => i.examples.filter((t) => t.length >= 45 && lower.includes(t.toLowerCase())));
    expect(leaked).toEqual([]);
    expect(map).not.toMatch(/synonyms|examples:|keywords/);
  });
});
