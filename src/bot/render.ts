/**
 * Turns the flow engine's neutral replies into Bot Framework activities for a channel:
 *  - text as Markdown (reads well in Teams and Web Chat);
 *  - procedures as a numbered Markdown list in `text` (every channel reads it, screen readers too);
 *  - choices as suggested actions, plus a numbered list so "2" or "yang kedua" make sense; on Teams,
 *    which shows at most three suggested actions, more choices become an Adaptive Card with buttons;
 *  - the contacts as an Adaptive Card with the same content in `text` for channels without cards.
 */
import { ActionTypes, CardFactory, type Activity, type Attachment } from 'botbuilder';
import { contactsCardJson } from '../answers/index.js';
import type { BotContent } from '../catalog/schema.js';

export type OutActivity = Partial<Activity>;

/** Channels that render Adaptive Cards. */
const CARD_CHANNELS = new Set(['msteams', 'webchat', 'directline', 'emulator', 'test-cards']);
const TEAMS_MAX_SUGGESTED = 3;

/** Escapes user-provided text before it is placed into Markdown. */
export function escapeMarkdown(text: string): string {
  return text.replace(/([\\`*_{}[\]()#+\-.!|<>~])/g, '\\$1');
}

export { answerMarkdown, contactsMarkdown } from '../answers/index.js';

/** Wraps an Adaptive Card (plain JSON from the core) as a Bot Framework attachment. */
export function cardAttachment(card: Record<string, unknown>): Attachment {
  return CardFactory.adaptiveCard(card);
}

export function contactsCard(bot: BotContent, ref?: string): Attachment {
  return cardAttachment(contactsCardJson(bot, ref));
}

export function supportsCards(channelId: string | undefined): boolean {
  return CARD_CHANNELS.has(channelId ?? '');
}

/** A prompt with options: suggested actions, or on Teams with more than three options a card with buttons. */
export function choicesActivity(channelId: string | undefined, text: string, labels: string[]): OutActivity {
  const numbered = labels.length > 2 ? `${text}\n\n${labels.map((l, i) => `${i + 1}. ${l}`).join('\n')}` : text;
  if (channelId === 'msteams' && labels.length > TEAMS_MAX_SUGGESTED) {
    // Buttons carry plain data ({choice}) that the bot resolves itself: the `msteams: imBack` form
    // throws in the Agents Playground. Rows of at most three buttons in the body, because Teams shows
    // only six card-level actions and folds the rest behind "…".
    const rows: unknown[] = [];
    for (let i = 0; i < labels.length; i += 3) {
      rows.push({ type: 'ActionSet', actions: labels.slice(i, i + 3).map((l) => ({ type: 'Action.Submit', title: l, data: { choice: l } })) });
    }
    const card = CardFactory.adaptiveCard({
      type: 'AdaptiveCard',
      $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
      version: '1.4',
      body: [{ type: 'TextBlock', text, wrap: true }, ...rows],
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
