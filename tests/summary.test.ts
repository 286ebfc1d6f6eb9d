/** The hand-off summary's "steps tried" (procedures given, not side answers) and a ticket's path in words for agents. */
import { describe, expect, it } from 'vitest';
import { loadCore } from '../src/core.js';
import { pathInWords, stepsTried } from '../src/handoff/summary.js';

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
    const path = [
      'reset-aplikasi/reset-prosedur',
      `${aside}/${asideNode}`,
      `${scope.id}/${scopeNode}`,
      'reset-aplikasi/reset-prosedur',
      'reset-aplikasi/reset-enofa',
    ];
    expect(stepsTried(catalog, path)).toEqual([titleOf('reset-aplikasi', 'reset-prosedur'), titleOf('reset-aplikasi', 'reset-enofa')]);
  });
});

describe('path in words', () => {
  it('names answers by title and questions by their text, under the topic, and leaves out the menu', () => {
    const reset = catalog.intents.get('reset-aplikasi')!;
    const question = reset.nodes[reset.start!]!;
    const answer = reset.nodes['reset-enofa']!;
    const menu = catalog.bot.roles.menu;
    const words = pathInWords(catalog, [
      `${menu}/${catalog.intents.get(menu)!.start}`,
      `reset-aplikasi/${reset.start}`,
      'reset-aplikasi/reset-enofa',
      'gone/missing',
    ]);
    expect(words).toEqual([
      `${reset.title} › ${question.type === 'question' ? question.text.trim() : ''}`,
      `${reset.title} › ${answer.type === 'answer' ? answer.title : ''}`,
    ]);
  });
});
