/**
 * The conversation core stays free of the Bot Framework SDK and never reaches up into the bot or web
 * layers; outside src/bot/ nothing imports the SDK (so a move to the Microsoft 365 Agents SDK is a
 * change to src/bot/ only).
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

  it('only src/bot/ imports the Bot Framework SDK', () => {
    const offenders: string[] = [];
    for (const file of files('src').filter((f) => f.endsWith('.ts') && !f.startsWith(path.join('src', 'bot') + path.sep))) {
      for (const m of readFileSync(file, 'utf8').matchAll(/(?:from|import)\s*\(?\s*'([^']+)'/g)) {
        if (/^(botbuilder|botframework-(connector|schema|streaming))/.test(m[1]!)) offenders.push(`${file} imports ${m[1]}`);
      }
    }
    expect(offenders).toEqual([]);
  });
});
