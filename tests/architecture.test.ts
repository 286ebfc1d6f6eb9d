/**
 * The conversation core stays free of the Bot Framework SDK (so a move to the Microsoft 365 Agents
 * SDK is a change to src/bot/ and src/web/ only) and never reaches up into the bot or web layers.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const CORE = ['src/catalog', 'src/nlu', 'src/flow', 'src/conversation', 'src/privacy', 'src/answers', 'src/handoff', 'src/curation', 'src/core.ts'];

function files(p: string): string[] {
  if (statSync(p).isFile()) return [p];
  return readdirSync(p).flatMap((f) => files(path.join(p, f)));
}

describe('architecture', () => {
  it('the conversation core imports neither botbuilder nor the bot and web layers', () => {
    const offenders: string[] = [];
    for (const file of CORE.flatMap(files).filter((f) => f.endsWith('.ts'))) {
      for (const m of readFileSync(file, 'utf8').matchAll(/from\s+'([^']+)'/g)) {
        const spec = m[1]!;
        if (/^botbuilder|^botframework|^restify/.test(spec) || /\/(bot|web)\//.test(spec)) offenders.push(`${file} imports ${spec}`);
      }
    }
    expect(offenders).toEqual([]);
  });
});
