import type { ChannelConnector, DeliveryOutcome } from '../connector.js';
import { rooms, type Realtime } from '../../platform/realtime.js';
import { customerMessageView } from '../../modules/conversations/views.js';

const ACK_TIMEOUT_MS = 5_000;

/**
 * Widget outbound: the message goes to every open tab of the customer; it is `delivered` once
 * a tab acknowledges it. With no tab open it stays `sent`, and the visitor gets it from the
 * history when they come back.
 */
export function widgetConnector(realtime: Realtime): ChannelConnector {
  return {
    kind: 'widget',
    async deliver(conversation, message): Promise<DeliveryOutcome> {
      const payload = { conversationId: conversation.id, seq: message.seq, message: customerMessageView(message) };
      try {
        const acks = await realtime.visitors
          .to(rooms.customer(conversation.customerId))
          .timeout(ACK_TIMEOUT_MS)
          .emitWithAck('message', payload);
        return { delivery: acks.length > 0 ? 'delivered' : 'sent' };
      } catch {
        // Some tab did not answer in time; the others may have. Without an ack it stays `sent`.
        return { delivery: 'sent' };
      }
    },
  };
}
