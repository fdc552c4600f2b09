import { and, desc, eq, gt, inArray, isNull, or, sql, type SQL } from 'drizzle-orm';
import type { Executor } from '../../users/service.js';
import { hashToken, newToken } from '../../../platform/secrets.js';
import { conversations, messages } from '../../conversations/schema.js';
import { customerIdentities } from '../../customers/schema.js';
import { ticketComments, ticketConversations, tickets } from '../schema.js';
import type { TicketRow } from '../views.js';
import type { ThreadEntry } from './page.js';
import { portalLoginTokens, portalSessions } from './schema.js';

/** A sign-in link is good for one use within this time: long enough to open a mail, short enough to go stale. */
export const LINK_TTL_MINUTES = 15;
/** Links per address per window: a person asks again once or twice, a script targeting someone's inbox many times. */
export const LINKS_PER_EMAIL = { max: 3, windowMinutes: 15 } as const;
/** Link requests per IP per help center (on top of the public budget every /help/ route pays). */
export const LINK_REQUESTS_PER_IP = { max: 10, timeWindow: '10 minutes' } as const;
/** A portal session ends this long after sign-in; the customer asks for a new link then. */
export const SESSION_TTL_HOURS = 24;

export const normaliseEmail = (email: string) => email.trim().toLowerCase();

/** Who a portal session is: the holder of an address (proven by the mailed link) or a widget customer (proven by the widget). */
export interface PortalPrincipal {
  workspaceId: string;
  email: string | null;
  customerId: string | null;
}

/**
 * The tickets a portal customer may see, as a condition on `tickets`:
 * - an address holder sees the tickets whose requester has that address as a proven identity
 *   (`customer_identities`: the sender of an inbound mail, an OTP, the host's signature, an
 *   agent's entry), and the help-center requests typed with that address — their replies were
 *   mailed to it already, so its holder is who the agents answered;
 * - a widget customer sees the tickets they are the requester of.
 * A claim (what someone typed in a chat's pre-chat form) never widens this.
 */
export function portalScope(db: Executor, principal: PortalPrincipal): SQL {
  const parts: SQL[] = [];
  if (principal.customerId) parts.push(eq(tickets.requesterId, principal.customerId));
  if (principal.email) {
    const holders = db
      .select({ id: customerIdentities.customerId })
      .from(customerIdentities)
      .where(
        and(
          eq(customerIdentities.workspaceId, principal.workspaceId),
          eq(customerIdentities.kind, 'email'),
          eq(customerIdentities.value, principal.email),
        ),
      );
    const requests = db
      .select({ id: ticketConversations.ticketId })
      .from(ticketConversations)
      .innerJoin(conversations, eq(conversations.id, ticketConversations.conversationId))
      .where(
        and(
          eq(ticketConversations.workspaceId, principal.workspaceId),
          sql`${conversations.context} ? 'helpRequest'`,
          sql`lower(${conversations.context} -> 'leftMessage' ->> 'email') = ${principal.email}`,
        ),
      );
    parts.push(inArray(tickets.requesterId, holders), inArray(tickets.id, requests));
  }
  return and(eq(tickets.workspaceId, principal.workspaceId), parts.length ? or(...parts) : sql`false`)!;
}

/**
 * Records a link request and returns the token to mail, or why none may go out. The row is
 * written whether or not the address is known, so the limit counts every request for it.
 */
export async function issueLoginToken(
  db: Executor,
  input: { workspaceId: string; email?: string; customerId?: string; ip: string; now: Date },
): Promise<{ token: string; expiresAt: Date } | { limited: true }> {
  if (input.email) {
    const since = new Date(input.now.getTime() - LINKS_PER_EMAIL.windowMinutes * 60_000);
    // One request for the address at a time, so parallel requests cannot pass the count together.
    await db.execute(sql`select pg_advisory_xact_lock(hashtext(${`portal-link:${input.workspaceId}:${input.email}`}))`);
    const [row] = await db
      .select({ count: sql<number>`count(*)::int` })
      .from(portalLoginTokens)
      .where(
        and(
          eq(portalLoginTokens.workspaceId, input.workspaceId),
          eq(portalLoginTokens.email, input.email),
          gt(portalLoginTokens.createdAt, since),
        ),
      );
    if ((row?.count ?? 0) >= LINKS_PER_EMAIL.max) return { limited: true };
  }
  const token = newToken('hlp_');
  const expiresAt = new Date(input.now.getTime() + LINK_TTL_MINUTES * 60_000);
  await db.insert(portalLoginTokens).values({
    workspaceId: input.workspaceId,
    tokenHash: hashToken(token),
    email: input.email ?? null,
    customerId: input.customerId ?? null,
    ip: input.ip,
    expiresAt,
    createdAt: input.now,
  });
  return { token, expiresAt };
}

/** Whether the address has anything to show: decides only whether the link is mailed, never the answer. */
export async function hasPortalTickets(db: Executor, workspaceId: string, email: string): Promise<boolean> {
  const [row] = await db
    .select({ id: tickets.id })
    .from(tickets)
    .where(portalScope(db, { workspaceId, email, customerId: null }))
    .limit(1);
  return Boolean(row);
}

/**
 * Spends a link: the one statement that marks it used also checks it is unused and fresh, so
 * two clicks racing get one session between them. Returns the new session's token.
 */
export async function consumeLoginToken(
  db: Executor,
  workspaceId: string,
  token: string,
  now: Date,
): Promise<{ sessionToken: string; expiresAt: Date } | null> {
  const [used] = await db
    .update(portalLoginTokens)
    .set({ usedAt: now })
    .where(
      and(
        eq(portalLoginTokens.workspaceId, workspaceId),
        eq(portalLoginTokens.tokenHash, hashToken(token)),
        isNull(portalLoginTokens.usedAt),
        gt(portalLoginTokens.expiresAt, now),
      ),
    )
    .returning();
  if (!used) return null;
  const sessionToken = newToken('hlps_');
  const expiresAt = new Date(now.getTime() + SESSION_TTL_HOURS * 3_600_000);
  await db.insert(portalSessions).values({
    workspaceId,
    tokenHash: hashToken(sessionToken),
    email: used.email,
    customerId: used.customerId,
    expiresAt,
    createdAt: now,
  });
  return { sessionToken, expiresAt };
}

export async function findPortalSession(db: Executor, workspaceId: string, token: string, now: Date) {
  const [row] = await db
    .select()
    .from(portalSessions)
    .where(
      and(eq(portalSessions.workspaceId, workspaceId), eq(portalSessions.tokenHash, hashToken(token)), gt(portalSessions.expiresAt, now)),
    );
  return row;
}

export async function endPortalSession(db: Executor, workspaceId: string, token: string) {
  await db.delete(portalSessions).where(and(eq(portalSessions.workspaceId, workspaceId), eq(portalSessions.tokenHash, hashToken(token))));
}

/** The customer's tickets, newest first (at most 200: a portal page, not an export). */
export function portalTickets(db: Executor, principal: PortalPrincipal) {
  return db.select().from(tickets).where(portalScope(db, principal)).orderBy(desc(tickets.createdAt)).limit(200);
}

/** One of the customer's tickets by its number, or undefined — exactly as for a number that does not exist. */
export async function portalTicket(db: Executor, principal: PortalPrincipal, number: number, lock = false): Promise<TicketRow | undefined> {
  const query = db
    .select()
    .from(tickets)
    .where(and(portalScope(db, principal), eq(tickets.number, number)));
  const [row] = lock ? await query.for('update', { of: tickets }) : await query;
  return row;
}

/** How much of a long thread the portal shows: the newest entries. */
const THREAD_LIMIT = 500;

/**
 * The public thread as the customer lived it: the visible messages (in and out, never notes or
 * events) of every conversation linked to the ticket, and the public comments that are no
 * channel message (a portal reply on a ticket without a conversation). Internal notes never.
 */
export async function publicThread(db: Executor, ticket: TicketRow): Promise<ThreadEntry[]> {
  const linked = db
    .select({ id: ticketConversations.conversationId })
    .from(ticketConversations)
    .where(and(eq(ticketConversations.workspaceId, ticket.workspaceId), eq(ticketConversations.ticketId, ticket.id)));
  const said = await db
    .select({
      id: messages.id,
      senderType: messages.senderType,
      senderName: messages.senderName,
      text: messages.text,
      createdAt: messages.createdAt,
      attachments: messages.attachments,
    })
    .from(messages)
    .where(
      and(eq(messages.workspaceId, ticket.workspaceId), inArray(messages.conversationId, linked), inArray(messages.kind, ['in', 'out'])),
    )
    .orderBy(desc(messages.createdAt), desc(messages.seq))
    .limit(THREAD_LIMIT);
  const commented = await db
    .select()
    .from(ticketComments)
    .where(
      and(
        eq(ticketComments.workspaceId, ticket.workspaceId),
        eq(ticketComments.ticketId, ticket.id),
        eq(ticketComments.visibility, 'public'),
        isNull(ticketComments.messageId),
      ),
    )
    .orderBy(desc(ticketComments.createdAt))
    .limit(THREAD_LIMIT);
  const entries: ThreadEntry[] = [
    ...said.map((row) => ({
      id: row.id,
      authorType:
        row.senderType === 'customer' ? ('customer' as const) : row.senderType === 'agent' ? ('agent' as const) : ('system' as const),
      authorName: row.senderType === 'bot' ? row.senderName : row.senderType === 'agent' ? row.senderName : null,
      text: row.text,
      createdAt: row.createdAt,
      attachments: row.attachments,
    })),
    ...commented.map((row) => ({
      id: row.id,
      authorType: row.authorType,
      authorName: row.authorName,
      text: row.text,
      createdAt: row.createdAt,
      attachments: null,
    })),
  ];
  return entries.sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime()).slice(-THREAD_LIMIT);
}
