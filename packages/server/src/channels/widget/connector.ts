import type { ChannelConnector, DeliveryOutcome } from '../connector.js';
import type { AppContext } from '../../platform/context.js';
import { rooms } from '../../platform/realtime.js';
import { customerMessageView } from '../../modules/conversations/views.js';
import { replyByEmail } from './reply-by-email.js';

const ACK_TIMEOUT_MS = 5_000;

/**
 * Widget outbound: the message goes to every open tab of the customer; it is `delivered` once
 * a tab acknowledges it. With no tab open it stays `sent`, and the visitor gets it from the
 * history when they come back — and an agent's reply to a left message also goes by email.
 */
export function widgetConnector(ctx: Pick<AppContext, 'realtime' | 'db' | 'mailer' | 'logger' | 'config'>): ChannelConnector {
  return {
    kind: 'widget',
    async deliver(conversation, message): Promise<DeliveryOutcome> {
      const payload = { conversationId: conversation.id, seq: message.seq, message: customerMessageView(message) };
      let acks: unknown[] = [];
      try {
        acks = await ctx.realtime.visitors
          .to(rooms.customer(conversation.customerId))
          .timeout(ACK_TIMEOUT_MS)
          .emitWithAck('message', payload);
      } catch {
        // Some tab did not answer in time; the others may have. Without an ack it stays `sent`.
        return { delivery: 'sent' };
      }
      if (acks.length > 0) return { delivery: 'delivered' };
      // Nobody is on the widget to read it: a customer who left a message gets the reply by email.
      await replyByEmail(ctx, conversation, message);
      return { delivery: 'sent' };
    },
  };
}
