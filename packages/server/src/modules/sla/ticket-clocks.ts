import type { SlaMetric } from '@huiliu/contracts';
import { eq } from 'drizzle-orm';
import { customers } from '../customers/schema.js';
import { tickets } from '../tickets/schema.js';
import type { Executor } from '../users/service.js';
import { followStatus, retargetClocks } from './adjust.js';
import { cancelClocks, everStarted, hasOpenClock, meetClocks, startClocks, type Subject } from './clocks.js';
import type { CaseFacts } from './policy-match.js';

/** What a ticket's history step tells its clocks (see tickets/history.ts `recordEvent`). */
export interface TicketClockEvent {
  ticketId: string;
  eventId: string;
  type: string;
  actorType: 'agent' | 'customer' | 'system';
  data: Record<string, unknown>;
  at: Date;
}

const DONE = new Set(['solved', 'closed']);
const RESPONSES: readonly SlaMetric[] = ['first_response', 'next_response'];
const WHILE_OPEN: readonly SlaMetric[] = ['first_response', 'next_response', 'periodic_update'];

async function ticketCase(db: Executor, ticketId: string) {
  const [row] = await db
    .select({ ticket: tickets, tier: customers.tier, tags: customers.tags })
    .from(tickets)
    .innerJoin(customers, eq(customers.id, tickets.requesterId))
    .where(eq(tickets.id, ticketId));
  if (!row) return undefined;
  const { ticket } = row;
  const facts: CaseFacts = {
    channel: ticket.sourceChannel,
    // A ticket belongs to no inbox of its own: a policy naming inboxes is for conversations.
    inboxId: '',
    priority: ticket.priority,
    customerTier: row.tier,
    customerTags: row.tags,
    ticket: { type: ticket.type, formId: ticket.formId, fields: ticket.fields },
  };
  const subject: Subject = { workspaceId: ticket.workspaceId, type: 'ticket', id: ticket.id };
  return { ticket, facts, subject };
}

/**
 * A ticket's clocks follow its history, in the same transaction as the step that changed it, at
 * the instant the step was recorded:
 * - created: first response, periodic update and resolution start;
 * - an agent's public reply meets the response clocks and the periodic update, and starts the
 *   next periodic update;
 * - a customer message while no reply is owed starts a next response (never touching the first
 *   response's clock: Zammad #5177);
 * - solved/closed meets the resolution and cancels the rest; reopening starts a new resolution;
 * - a status in the policy's pause statuses stops the clocks, leaving it resumes them;
 * - a priority change recomputes the running clocks from their start.
 */
export async function onTicketEvent(db: Executor, event: TicketClockEvent): Promise<void> {
  if (!HANDLED.has(event.type)) return;
  const found = await ticketCase(db, event.ticketId);
  if (!found) return;
  const { ticket, facts, subject } = found;
  const open = !DONE.has(ticket.status);

  if (event.type === 'created') {
    if (open) await startClocks(db, subject, facts, ['first_response', 'periodic_update', 'resolution'], 'opened', event.at);
  } else if (event.type === 'comment' && event.data.visibility === 'public') {
    if (event.actorType === 'agent') {
      await meetClocks(db, subject, WHILE_OPEN, event.at);
      if (open) await startClocks(db, subject, facts, ['periodic_update'], `comment:${String(event.data.commentId)}`, event.at);
    } else if (event.actorType === 'customer' && open) {
      // A reply is owed already (first or next), or none was ever started: nothing new starts.
      if (!(await hasOpenClock(db, subject, RESPONSES)) && (await everStarted(db, subject, 'first_response')))
        await startClocks(db, subject, facts, ['next_response'], `comment:${String(event.data.commentId)}`, event.at);
    }
  } else if (event.type === 'status_changed') {
    const from = String(event.data.from);
    if (DONE.has(ticket.status)) {
      await meetClocks(db, subject, ['resolution'], event.at);
      await cancelClocks(db, subject, WHILE_OPEN);
    } else if (DONE.has(from)) {
      await startClocks(db, subject, facts, ['resolution', 'periodic_update'], `reopened:${event.eventId}`, event.at);
    }
  } else if (event.type === 'priority_changed') {
    await retargetClocks(db, subject, ticket.priority, event.at);
  }
  if (open) await followStatus(db, subject, ticket.status, event.at);
}

const HANDLED = new Set(['created', 'comment', 'status_changed', 'priority_changed']);
