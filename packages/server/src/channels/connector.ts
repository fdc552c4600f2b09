import { ChannelKind as ChannelKindSchema, type Attachment, type ChannelKind, type IdentityKind } from '@huiliu/contracts';
import type { VerifiedVia } from '../modules/customers/schema.js';
import type { ConversationRow, MessageRow } from '../modules/conversations/views.js';
import type { inboxes } from '../modules/inboxes/schema.js';
import type { Appended } from '../modules/conversations/write-path.js';
import type { Executor } from '../modules/users/service.js';

export type InboxRow = typeof inboxes.$inferSelect;

/** What every connector turns its wire format into: the one shape the core accepts. */
export interface InboundMessage {
  inbox: InboxRow;
  /**
   * Who sent it, as the channel itself proves it (the mail's sender, the OpenID; `verifiedVia`
   * defaults to `channel`). Finds or creates the customer, so it must never be something the
   * sender merely typed: that is a claim (`addClaim`).
   */
  identity: { kind: IdentityKind; value: string; verifiedVia?: VerifiedVia };
  /** Channel-specific dedupe key (client message id, WeChat MsgId, Message-ID…). */
  idempotencyKey: string;
  clientMessageId?: string;
  text: string;
  attachments?: Attachment[];
  senderName?: string | null;
  /** Where the contact came from (page, device…); stored on a new conversation. */
  context?: Record<string, unknown>;
  preChat?: Record<string, string>;
  /** Known customer, when the connector already resolved one (e.g. a widget visitor). */
  customerId?: string;
  /**
   * Thread-style channels (email): the conversation this message replies to, instead of the
   * customer's open conversation. `conversationId: null` always starts a new conversation. A
   * resolved one reopens when it was resolved within `reopenWithinMs`, else a new conversation
   * starts with `context.previousConversationId` pointing at it.
   */
  thread?: { conversationId: string | null; reopenWithinMs: number };
  /**
   * For a person, not the bot (a left message): a new conversation starts in the human queue and
   * no inbound hook takes a turn on it.
   */
  humanOnly?: boolean;
  /** Runs inside the write transaction once the message is stored: the connector's own bookkeeping. */
  afterAppend?: (tx: Executor, appended: Appended) => Promise<ConversationRow | void>;
}

export type DeliveryOutcome = { delivery: 'sent' | 'delivered' } | { delivery: 'failed'; reason: string };

/**
 * A channel connector: the only code that knows a channel's wire format. Inbound, it builds an
 * InboundMessage and hands it to `receiveInbound`. Outbound, `deliver` is called from the
 * outbox for every agent or bot message on its channel — at least once, so it must be
 * idempotent by message id.
 */
export interface ChannelConnector {
  kind: ChannelKind;
  /** `retry`: an agent asked to send a failed message again, so send it even if it went out before. */
  deliver(conversation: ConversationRow, message: MessageRow, options?: { retry?: boolean }): Promise<DeliveryOutcome>;
  /** Lets go of what it keeps open (pooled connections) when the server stops. */
  close?(): Promise<void>;
}

export class ConnectorRegistry {
  private readonly byKind = new Map<ChannelKind, ChannelConnector>();

  register(connector: ChannelConnector): void {
    this.byKind.set(connector.kind, connector);
  }

  get(kind: ChannelKind): ChannelConnector | undefined {
    return this.byKind.get(kind);
  }

  /** The channel kinds this server can carry, in the contracts' order (what the console offers). */
  kinds(): ChannelKind[] {
    return ChannelKindSchema.options.filter((kind) => this.byKind.has(kind));
  }

  async close(): Promise<void> {
    await Promise.all([...this.byKind.values()].map((connector) => connector.close?.()));
  }
}
