// Type-only imports: the contracts package (and zod) never enter the bundle.
import type { Attachment, Message, WidgetConfig, WidgetConversation, VisitorSession } from '@huiliu/contracts';
import type { z } from 'zod';

export type { Attachment, Message };
export type Config = z.infer<typeof WidgetConfig>;
export type Conversation = z.infer<typeof WidgetConversation>;
export type Session = z.infer<typeof VisitorSession>;
export type Ack<T> = { ok: true; data: T } | { ok: false; error: { code: string; message: string } };

export interface Identity {
  userId: string;
  timestamp: number;
  signature: string;
  name?: string;
  email?: string;
  phone?: string;
}
