/**
 * Turns the flow engine's neutral replies into Bot Framework activities for a channel:
 *  - text as Markdown (reads well in Teams and Web Chat);
 *  - procedures as a numbered Markdown list in `text` (every channel reads it, screen readers too);
 *  - choices as suggested actions, plus a numbered list so "2" or "yang kedua" make sense; on Teams,
 *    which shows at most three suggested actions, more choices become an Adaptive Card with buttons;
 *  - the contacts as an Adaptive Card with the same content in `text` for channels without cards.
 */
import { ActionTypes, CardFactory, type Activity, type Attachment } from 'botbuilder';
import { answerBubbles, BUBBLE_MAX_CHARS, contactsCardJson, contactsMarkdown } from '../answers/index.js';
import type { BotContent } from '../catalog/schema.js';
import type { Outgoing } from '../conversation/types.js';

export type OutActivity = Partial<Activity>;

/** Channels that render Adaptive Cards. */
const CARD_CHANNELS = new Set(['msteams', 'webchat', 'directline', 'emulator', 'test-cards']);
const TEAMS_MAX_SUGGESTED = 3;
/** Channels whose client is Web Chat, which renders Markdown on a message that carries suggested actions. */
const MARKDOWN_WITH_BUTTONS = new Set(['webchat', 'directline']);

export { answerMarkdown, contactsMarkdown, escapeMarkdown } from '../answers/index.js';

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

/** The contacts once: a card where cards render (its text says the same), Markdown elsewhere. */
export function contactsActivity(bot: BotContent, channelId: string | undefined, ref?: string): OutActivity {
  return supportsCards(channelId) ? { type: 'message', attachments: [contactsCard(bot, ref)] } : textActivity(contactsMarkdown(bot));
}

/** What a turn sends: the activities in order, and the hand-off context for hubs (an event, see helpdesk-bot.ts). */
export interface Rendered {
  activities: OutActivity[];
  handoff?: Extract<Outgoing, { kind: 'handoff-context' }>;
}

/**
 * The service's replies for this channel: short texts together, a procedure in bubbles of at most
 * 1,500 characters. A question with buttons (the check included) rides with the text before it where
 * the client renders Markdown on a message with suggested actions (Web Chat: one message fewer per
 * turn, and the chat page scrolls to the start of the reply); elsewhere it is a short message of its
 * own, since the Agents Playground as Teams shows Markdown raw on such messages (microsoft/Agents#475).
 */
export function renderOutgoing(bot: BotContent, channel: string | undefined, replies: Outgoing[]): Rendered {
  const activities: OutActivity[] = [];
  let handoff: Rendered['handoff'];
  let pending: string[] = [];
  const flushText = () => {
    if (pending.length) activities.push(textActivity(pending.join('\n\n')));
    pending = [];
  };
  for (const r of replies) {
    switch (r.kind) {
      case 'text':
        if (r.from) {
          // A live agent's message: its own activity, shown with the agent's name.
          flushText();
          activities.push({ ...textActivity(r.text), from: { id: 'agent', name: r.from, role: 'bot' } });
        } else pending.push(r.text);
        break;
      case 'answer': {
        const bubbles = answerBubbles(r.node);
        // What came before (the Coretax note, "understood") rides with the first bubble when it fits.
        if (pending.length && pending.join('\n\n').length + bubbles[0]!.length + 2 > BUBBLE_MAX_CHARS) flushText();
        pending.push(bubbles[0]!);
        for (const b of bubbles.slice(1)) {
          flushText();
          pending.push(b);
        }
        break;
      }
      case 'contacts':
        flushText();
        activities.push(contactsActivity(bot, channel, r.ref));
        break;
      case 'choices': {
        const prompt = choicesActivity(channel, r.text, r.labels);
        // Short plain lines before a question ("Mohon maaf, saya belum menangkap…") stay with it on every
        // channel; a procedure or any Markdown only where Markdown renders beside buttons (see above).
        const before = pending.join('\n\n');
        const joins =
          !prompt.attachments?.length &&
          !!before &&
          (MARKDOWN_WITH_BUTTONS.has(channel ?? '')
            ? before.length + (prompt.text ?? '').length + 2 <= BUBBLE_MAX_CHARS
            : before.length <= 300 && !/[*_`]/.test(before));
        if (joins) {
          prompt.text = `${before}\n\n${prompt.text}`;
          pending = [];
        } else flushText();
        activities.push(prompt);
        break;
      }
      case 'handoff-context':
        handoff = r;
        break;
    }
  }
  flushText();
  return { activities, handoff };
}
