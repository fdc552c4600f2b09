import { and, desc, eq, inArray, or, sql } from 'drizzle-orm';
import { conversations, messages } from '../../modules/conversations/schema.js';
import { findCustomerIdByIdentity } from '../../modules/customers/service.js';
import type { Executor } from '../../modules/users/service.js';
import type { SecretBox } from '../../platform/secrets.js';
import type { InboxRow } from '../connector.js';
import type { ParsedEmail } from './parse.js';
import { emailMessages } from './schema.js';
import { tokenInSubject, tokenMatches } from './thread-token.js';

const OWN_MESSAGE_ID = /^huiliu\.([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})@/i;

/** The message id inside a Message-ID Huiliu generated (`huiliu.<message id>@<domain>`). */
export function ownMessageId(headerMessageId: string | null | undefined): string | null {
  return headerMessageId?.match(OWN_MESSAGE_ID)?.[1] ?? null;
}

/** Why a mail that points at a conversation was not added to it (shown to agents in the new one). */
export type RefusedThread = { conversationId: string; number: number; reason: 'not_participant' | 'unverified_token' };

export type ThreadDecision = { conversationId: string; refused: null } | { conversationId: null; refused: RefusedThread | null };

interface Candidate {
  id: string;
  number: number;
  customerId: string;
}

/**
 * Whether `address` belongs in the conversation: its customer's email identity, or an address
 * that was on its mail (a sender, or on To/CC of a mail in or out) — never this inbox itself,
 * whose address is on every inbound mail's To line.
 */
async function isParticipant(db: Executor, inbox: InboxRow, own: string[], conversation: Candidate, address: string): Promise<boolean> {
  if (own.includes(address)) return false;
  if ((await findCustomerIdByIdentity(db, inbox.workspaceId, 'email', address)) === conversation.customerId) return true;
  const [onMail] = await db
    .select({ id: emailMessages.id })
    .from(emailMessages)
    .where(
      and(
        eq(emailMessages.workspaceId, inbox.workspaceId),
        eq(emailMessages.conversationId, conversation.id),
        or(
          eq(emailMessages.fromAddress, address),
          sql`${address} = any(${emailMessages.toAddresses})`,
          sql`${address} = any(${emailMessages.ccAddresses})`,
        ),
      ),
    )
    .limit(1);
  return onMail !== undefined;
}

async function conversationOf(db: Executor, inbox: InboxRow, where: ReturnType<typeof eq>): Promise<Candidate | undefined> {
  const [row] = await db
    .select({ id: conversations.id, number: conversations.number, customerId: conversations.customerId })
    .from(conversations)
    .where(and(eq(conversations.workspaceId, inbox.workspaceId), eq(conversations.inboxId, inbox.id), where));
  return row;
}

/** The conversation the mail's In-Reply-To / References name, among the mail Huiliu received or sent on this inbox. */
async function byHeaders(db: Executor, inbox: InboxRow, mail: ParsedEmail): Promise<Candidate | undefined> {
  const candidates = [...new Set([mail.inReplyTo, ...[...mail.references].reverse()].filter((id): id is string => Boolean(id)))].slice(
    0,
    50,
  );
  if (candidates.length === 0) return undefined;
  const [known] = await db
    .select({ conversationId: emailMessages.conversationId })
    .from(emailMessages)
    .where(
      and(
        eq(emailMessages.workspaceId, inbox.workspaceId),
        eq(emailMessages.inboxId, inbox.id),
        inArray(emailMessages.headerMessageId, candidates),
      ),
    )
    .orderBy(desc(emailMessages.createdAt))
    .limit(1);
  if (known) return conversationOf(db, inbox, eq(conversations.id, known.conversationId));
  // One of ours whose record was not written (a crash right after sending): the id says which message.
  const ownIds = candidates.flatMap((id) => ownMessageId(id) ?? []);
  if (ownIds.length === 0) return undefined;
  const [own] = await db
    .select({ conversationId: messages.conversationId })
    .from(messages)
    .where(and(eq(messages.workspaceId, inbox.workspaceId), inArray(messages.id, ownIds)))
    .limit(1);
  return own ? conversationOf(db, inbox, eq(conversations.id, own.conversationId)) : undefined;
}

/**
 * The conversation a mail joins. Only what an outsider cannot guess threads it — a Message-ID
 * of the thread in In-Reply-To / References, or the signed subject token — and only when the
 * sender is a participant of that conversation. Anything else starts a new conversation; when
 * the mail pointed at an existing one, `refused` says which and why, for the agent to see.
 */
export async function findThread(
  db: Executor,
  secrets: SecretBox,
  inbox: InboxRow,
  own: string[],
  mail: ParsedEmail,
): Promise<ThreadDecision> {
  const sender = mail.from!.address;
  let refused: RefusedThread | null = null;
  const headed = await byHeaders(db, inbox, mail);
  if (headed) {
    if (await isParticipant(db, inbox, own, headed, sender)) return { conversationId: headed.id, refused: null };
    refused = { conversationId: headed.id, number: headed.number, reason: 'not_participant' };
  }
  const token = tokenInSubject(mail.subject);
  if (token) {
    const named = await conversationOf(db, inbox, eq(conversations.number, token.number));
    if (named && named.id !== refused?.conversationId) {
      if (!token.mac || !tokenMatches(secrets, named.id, token.mac))
        refused ??= { conversationId: named.id, number: named.number, reason: 'unverified_token' };
      else if (await isParticipant(db, inbox, own, named, sender)) return { conversationId: named.id, refused: null };
      else refused ??= { conversationId: named.id, number: named.number, reason: 'not_participant' };
    }
  }
  return { conversationId: null, refused };
}
