/**
 * Turns the flow engine's neutral replies into Bot Framework activities for a channel:
 *  - text as Markdown (reads well in Teams and Web Chat);
 *  - procedures as a numbered Markdown list in `text` (every channel reads it, screen readers too);
 *  - choices as suggested actions, plus a numbered list so "2" or "yang kedua" make sense; on Teams,
 *    which shows at most three suggested actions, more choices become an Adaptive Card with buttons;
 *  - the contacts as an Adaptive Card with the same content in `text` for channels without cards.
 */
import { ActionTypes, CardFactory, type Activity, type Attachment } from 'botbuilder';
import type { AnswerNode, BotContent } from '../catalog/schema.js';

export type OutActivity = Partial<Activity>;

/** Channels that render Adaptive Cards. */
const CARD_CHANNELS = new Set(['msteams', 'webchat', 'directline', 'emulator', 'test-cards']);
const TEAMS_MAX_SUGGESTED = 3;

/** Escapes user-provided text before it is placed into Markdown. */
export function escapeMarkdown(text: string): string {
  return text.replace(/([\\`*_{}[\]()#+\-.!|<>~])/g, '\\$1');
}

/** Markdown for an answer node: heading, paragraph, numbered steps, note. */
export function answerMarkdown(node: AnswerNode): string {
  const parts: string[] = [`**${node.title}**`];
  if (node.text) parts.push(node.text.trim());
  if (node.steps?.length) parts.push(node.steps.map((s, i) => `${i + 1}. ${s.trim()}`).join('\n'));
  if (node.note) parts.push(node.note.trim());
  return parts.join('\n\n');
}

/** Adaptive Card for an answer node (used by agents' canned answers and the compose extension). */
export function answerCard(node: AnswerNode): Attachment {
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
  return CardFactory.adaptiveCard({ type: 'AdaptiveCard', $schema: 'http://adaptivecards.io/schemas/adaptive-card.json', version: '1.4', body });
}

export function contactsMarkdown(bot: BotContent): string {
  const c = bot.contacts;
  const lines = c.channels.map((ch) => `- ${ch.label}: ${ch.value}`);
  return `**${c.title}**\n\n${lines.join('\n')}\n\nJam layanan: ${c.hours}. ${c.hoursNote}`;
}

export function contactsCard(bot: BotContent, ref?: string): Attachment {
  const c = bot.contacts;
  const body: unknown[] = [{ type: 'TextBlock', text: c.title, weight: 'Bolder', size: 'Medium', wrap: true }];
  if (ref) body.push({ type: 'TextBlock', text: `Nomor referensi: ${ref}`, weight: 'Bolder', color: 'Accent', wrap: true });
  body.push({ type: 'FactSet', facts: c.channels.map((ch) => ({ title: ch.label, value: ch.value })) });
  body.push({ type: 'TextBlock', text: `Jam layanan: ${c.hours}`, wrap: true });
  body.push({ type: 'TextBlock', text: c.hoursNote, wrap: true, isSubtle: true, size: 'Small' });
  const actions = c.channels.filter((ch) => ch.url && /^https:\/\//.test(ch.url)).map((ch) => ({ type: 'Action.OpenUrl', title: ch.label, url: ch.url }));
  return CardFactory.adaptiveCard({ type: 'AdaptiveCard', $schema: 'http://adaptivecards.io/schemas/adaptive-card.json', version: '1.4', body, actions });
}

export function supportsCards(channelId: string | undefined): boolean {
  return CARD_CHANNELS.has(channelId ?? '');
}

/** A prompt with options: suggested actions, or on Teams with more than three options a card with buttons. */
export function choicesActivity(channelId: string | undefined, text: string, labels: string[]): OutActivity {
  const numbered = labels.length > 2 ? `${text}\n\n${labels.map((l, i) => `${i + 1}. ${l}`).join('\n')}` : text;
  if (channelId === 'msteams' && labels.length > TEAMS_MAX_SUGGESTED) {
    const card = CardFactory.adaptiveCard({
      type: 'AdaptiveCard',
      $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
      version: '1.4',
      body: [{ type: 'TextBlock', text, wrap: true }],
      // imBack through Action.Submit: Teams posts the label as the user's message, like a suggested action.
      actions: labels.map((l) => ({ type: 'Action.Submit', title: l, data: { msteams: { type: 'imBack', value: l } } })),
    });
    return { type: 'message', text: '', attachments: [card], textFormat: 'markdown' };
  }
  return {
    type: 'message',
    text: numbered,
    textFormat: 'markdown',
    suggestedActions: { to: [], actions: labels.map((l) => ({ type: ActionTypes.ImBack, title: l, value: l })) },
  };
}

export function textActivity(text: string): OutActivity {
  return { type: 'message', text, textFormat: 'markdown' };
}
