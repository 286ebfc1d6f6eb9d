/**
 * Messages to a user outside their own turn (an agent joined, wrote, left; the wait timed out), from
 * any instance: the ticket keeps the conversation reference the channel gave.
 */
import type { ConversationReference } from 'botbuilder';
import type { BotContent } from '../catalog/schema.js';
import type { Outgoing } from '../conversation/types.js';
import type { Ticket } from '../handoff/tickets.js';
import type { HelpdeskAdapter } from './adapter.js';
import { renderOutgoing } from './render.js';

export function userDelivery(adapter: HelpdeskAdapter, appId: string | undefined, bot: () => BotContent) {
  return async (ticket: Ticket, out: Outgoing[]): Promise<void> => {
    const reference = ticket.reference as Partial<ConversationReference> | undefined;
    if (!reference?.conversation || !reference.serviceUrl) throw new Error(`ticket ${ticket.ref} has no conversation reference`);
    const { activities } = renderOutgoing(bot(), reference.channelId, out);
    await adapter.continueConversationAsync(appId ?? '', reference, async (ctx) => {
      await ctx.sendActivities(activities);
    });
  };
}
