import { assertUsableForm, searchableText, validateFieldWrite } from '../fields/values.js';
import type { TicketPriority, TicketSource, TicketStatus, TicketType } from '@huiliu/contracts';
import { and, eq } from 'drizzle-orm';
import { unprocessable } from '../../../platform/errors.js';
import type { Executor } from '../../users/service.js';
import { addComment, recordEvent } from '../history.js';
import { nextTicketNumber } from '../numbering.js';
import { assertReferences } from '../references.js';
import { tickets } from '../schema.js';
import { searchTextOf } from '../search.js';
import type { TicketActor, TicketRow } from '../views.js';

/** Everything a new ticket can start with; the caller runs it inside its transaction. */
export interface CreateTicketInput {
  workspaceId: string;
  actor: TicketActor;
  subject: string;
  requesterId: string;
  sourceChannel: TicketSource;
  priority?: TicketPriority;
  type?: TicketType;
  assigneeId?: string | null;
  teamId?: string | null;
  followerIds?: string[];
  tags?: string[];
  dueAt?: string | null;
  /** The first thread entry, an internal note (nothing is sent to the customer). */
  description?: string;
  /** An integration's retry key: the same key returns the first ticket. */
  idempotencyKey?: string | null;
  /** The closed ticket this one follows up. */
  followUpOfId?: string | null;
  /** The ticket form (its required fields must be filled). */
  formId?: string | null;
  /** Custom field values by key, validated against the current definitions. */
  fields?: Record<string, unknown>;
  /** Text that should be searchable from the start (a linked conversation's transcript). */
  extraSearchText?: string;
}

export interface CreatedTicket {
  ticket: TicketRow;
  /** False when the idempotency key matched an earlier ticket: nothing was stored. */
  created: boolean;
}

/** True for the error a concurrent create with the same Idempotency-Key causes. */
export function isTicketIdempotencyConflict(error: unknown): boolean {
  const cause = ((error as { cause?: unknown })?.cause ?? error) as { code?: string; constraint?: string };
  return cause?.code === '23505' && cause.constraint === 'tickets_workspace_idempotency_unique';
}

export async function findByIdempotencyKey(db: Executor, workspaceId: string, key: string) {
  const [row] = await db
    .select()
    .from(tickets)
    .where(and(eq(tickets.workspaceId, workspaceId), eq(tickets.idempotencyKey, key)));
  return row;
}

/**
 * Creates a ticket with the workspace's next number, its `created` event and the optional
 * description, in the caller's transaction. References are checked before anything is written.
 */
export async function createTicket(db: Executor, input: CreateTicketInput): Promise<CreatedTicket> {
  if (input.idempotencyKey) {
    const earlier = await findByIdempotencyKey(db, input.workspaceId, input.idempotencyKey);
    if (earlier) return { ticket: earlier, created: false };
  }
  await assertReferences(db, input.workspaceId, input);
  if (input.formId) await assertUsableForm(db, input.workspaceId, input.formId);
  const fields = await validateFieldWrite(db, {
    workspaceId: input.workspaceId,
    formId: input.formId ?? null,
    values: input.fields ?? {},
    stored: {},
    checkAllRequired: true,
  });
  const type = input.type ?? 'question';
  if (input.dueAt && type !== 'task') throw unprocessable('a due date is for tasks only; set type to task');
  const number = await nextTicketNumber(db, input.workspaceId);
  const status: TicketStatus = input.assigneeId ? 'open' : 'new';
  const [ticket] = await db
    .insert(tickets)
    .values({
      workspaceId: input.workspaceId,
      number,
      subject: input.subject,
      status,
      priority: input.priority ?? 'normal',
      type,
      requesterId: input.requesterId,
      assigneeId: input.assigneeId ?? null,
      teamId: input.teamId ?? null,
      followerIds: [...new Set(input.followerIds ?? [])],
      tags: [...new Set(input.tags ?? [])],
      dueAt: input.dueAt ? new Date(input.dueAt) : null,
      sourceChannel: input.sourceChannel,
      idempotencyKey: input.idempotencyKey ?? null,
      followUpOfId: input.followUpOfId ?? null,
      formId: input.formId ?? null,
      fields: fields.values,
      createdById: input.actor.type === 'agent' ? input.actor.id : null,
      searchText: [
        searchTextOf(input.subject),
        input.extraSearchText ? searchTextOf(input.extraSearchText) : '',
        searchTextOf(searchableText(fields.written, fields.values)),
      ]
        .join(' ')
        .trim(),
    })
    .returning();
  await recordEvent(db, ticket!, input.actor, 'created', {
    number,
    sourceChannel: input.sourceChannel,
    ...(input.followUpOfId ? { followUpOfId: input.followUpOfId } : {}),
  });
  if (input.description) await addComment(db, ticket!, input.actor, { visibility: 'internal', text: input.description });
  const [fresh] = await db.select().from(tickets).where(eq(tickets.id, ticket!.id));
  return { ticket: fresh!, created: true };
}
