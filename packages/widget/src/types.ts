// Type-only imports: the contracts package (and zod) never enter the bundle.
import type {
  SignedIdentity,
  VisitorContext,
  VisitorSession,
  WidgetConfig,
  WidgetConversation,
  WidgetHistory,
  WidgetServerEvents,
} from '@huiliu/contracts';
import type { z } from 'zod';

export type { Attachment, DeliveryState, Message, WidgetAck as Ack } from '@huiliu/contracts';
export type Config = z.infer<typeof WidgetConfig>;
export type Conversation = z.infer<typeof WidgetConversation>;
export type Session = z.infer<typeof VisitorSession>;
export type History = z.infer<typeof WidgetHistory>;
export type Identity = z.input<typeof SignedIdentity>;
export type VisitorContextData = z.input<typeof VisitorContext>;
export type PreChatField = Config['preChatForm']['fields'][number];

/** Payloads the server pushes on the `/widget` namespace. */
export type MessageEvent = z.infer<typeof WidgetServerEvents.message>;
export type MessageStatusEvent = z.infer<typeof WidgetServerEvents.messageStatus>;
export type TypingEvent = z.infer<typeof WidgetServerEvents.typing>;
export type ConversationEvent = z.infer<typeof WidgetServerEvents.conversation>;
export type QueueEvent = z.infer<typeof WidgetServerEvents.queue>;
