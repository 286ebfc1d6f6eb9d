/** The hand-off summary's "steps tried": procedures the user was given, not answers to side questions. */
import { describe, expect, it } from 'vitest';
import { loadCore } from '../src/core.js';
import { stepsTried } from '../src/handoff/summary.js';

const { catalog } = loadCore('intents');
const titleOf = (intent: string, node: string) => {
  const n = catalog.intents.get(intent)?.nodes[node];
  return n?.type === 'answer' ? n.title : undefined;
};

describe('steps tried', () => {
  it('lists the procedures given, once each, and leaves out side questions and the Coretax rules', () => {
    const aside = catalog.bot.roles.aside;
    const asideNode = Object.entries(catalog.intents.get(aside)!.nodes).find(([, n]) => n.type === 'answer')![0];
    const scope = [...catalog.intents.values()].find((i) => i.scope)!;
    const scopeNode = Object.entries(scope.nodes).find(([, n]) => n.type === 'answer')![0];
    const path = ['reset-aplikasi/reset-prosedur', `${aside}/${asideNode}`, `${scope.id}/${scopeNode}`, 'reset-aplikasi/reset-prosedur', 'reset-aplikasi/reset-enofa'];
    expect(stepsTried(catalog, path)).toEqual([titleOf('reset-aplikasi', 'reset-prosedur'), titleOf('reset-aplikasi', 'reset-enofa')]);
  });
});
