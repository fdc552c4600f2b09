import type { UpdateTicketRequest } from '@huiliu/contracts';
import { eq, sql } from 'drizzle-orm';
import { AppError, unprocessable } from '../../../platform/errors.js';
import type { Executor } from '../../users/service.js';
import { recordEvent, statusChange } from '../history.js';
import { loadTicket } from '../queries.js';
import { assertReferences } from '../references.js';
import { tickets } from '../schema.js';
import { searchTextOf } from '../search.js';
import type { TicketActor, TicketRow } from '../views.js';
import type { TicketViewer } from '../visibility.js';
import { assertNotClosed } from './guards.js';
import { solveLinkedIncidents } from '../links/solve-incidents.js';
import { assertUsableForm, searchableText, validateFieldWrite } from '../fields/values.js';

/** A change to a ticket's fields by an agent: each changed field is one event in its history. */
export interface UpdateTicketInput {
  viewer: TicketViewer;
  actor: TicketActor;
  ticketId: string;
  change: UpdateTicketRequest;
  /** Other tickets this change changed (incidents solved with their problem), for the after-commit broadcast. */
  changed?: TicketRow[];
}

const sameSet = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((value) => b.includes(value));

export async function updateTicket(db: Executor, input: UpdateTicketInput): Promise<TicketRow> {
  const { change, actor } = input;
  const current = await loadTicket(db, input.viewer, input.ticketId, true);
  await assertReferences(db, current.workspaceId, change);
  assertNotClosed(current);
  if (change.status === 'closed' && current.status !== 'solved')
    throw new AppError(409, 'not_solved', 'only a solved ticket can be closed; solve it first');
  const type = change.type ?? current.type;
  const dueAt = change.dueAt === undefined ? current.dueAt : change.dueAt ? new Date(change.dueAt) : null;
  if (dueAt && type !== 'task') throw unprocessable('a due date is for tasks only; set type to task or clear dueAt');

  const formChanged = change.formId !== undefined && change.formId !== current.formId;
  if (formChanged && change.formId) await assertUsableForm(db, current.workspaceId, change.formId);
  const fieldWrite =
    change.fields !== undefined || formChanged
      ? await validateFieldWrite(db, {
          workspaceId: current.workspaceId,
          formId: change.formId === undefined ? current.formId : change.formId,
          values: change.fields ?? {},
          stored: current.fields,
          // Another form asks for its required fields; within the same form only a write is checked.
          checkAllRequired: formChanged,
        })
      : null;

  const set: Record<string, unknown> = {};
  const others: string[] = [];
  const other = (field: string, value: unknown) => {
    set[field] = value;
    others.push(field);
  };
  // Old words may linger in the index after a change, which only widens recall.
  const newWords: string[] = [];
  if (change.subject !== undefined && change.subject !== current.subject) {
    set.subject = change.subject;
    newWords.push(searchTextOf(change.subject));
    others.push('subject');
  }
  if (formChanged) other('formId', change.formId);
  if (fieldWrite && JSON.stringify(fieldWrite.values) !== JSON.stringify(current.fields)) {
    other('fields', fieldWrite.values);
    const words = searchTextOf(searchableText(fieldWrite.written, fieldWrite.values));
    if (words) newWords.push(words);
  }
  if (newWords.length) set.searchText = sql`${newWords.join(' ')} || ' ' || ${tickets.searchText}`;
  if (change.type !== undefined && change.type !== current.type) other('type', change.type);
  if (change.dueAt !== undefined && (dueAt?.getTime() ?? null) !== (current.dueAt?.getTime() ?? null)) other('dueAt', dueAt);
  if (change.tags && !sameSet(change.tags, current.tags)) other('tags', [...new Set(change.tags)]);
  if (change.followerIds && !sameSet(change.followerIds, current.followerIds)) other('followerIds', [...new Set(change.followerIds)]);
  const statusChanged = change.status !== undefined && change.status !== current.status;
  if (statusChanged) Object.assign(set, statusChange(change.status!));
  const priorityChanged = change.priority !== undefined && change.priority !== current.priority;
  if (priorityChanged) set.priority = change.priority;
  const assigneeChanged = change.assigneeId !== undefined && change.assigneeId !== current.assigneeId;
  if (assigneeChanged) {
    set.assigneeId = change.assigneeId;
    // Someone took a new ticket: it is being worked on.
    if (change.assigneeId && current.status === 'new' && !statusChanged) Object.assign(set, statusChange('open'));
  }
  const teamChanged = change.teamId !== undefined && change.teamId !== current.teamId;
  if (teamChanged) set.teamId = change.teamId;
  if (Object.keys(set).length === 0) return current;

  const [row] = await db
    .update(tickets)
    .set({ ...set, updatedAt: sql`now()` })
    .where(eq(tickets.id, current.id))
    .returning();
  if (row!.status !== current.status) await recordEvent(db, current, actor, 'status_changed', { from: current.status, to: row!.status });
  if (priorityChanged) await recordEvent(db, current, actor, 'priority_changed', { from: current.priority, to: row!.priority });
  if (assigneeChanged) await recordEvent(db, current, actor, 'assignee_changed', { from: current.assigneeId, to: row!.assigneeId });
  if (teamChanged) await recordEvent(db, current, actor, 'team_changed', { from: current.teamId, to: row!.teamId });
  if (others.length) await recordEvent(db, current, actor, 'updated', { fields: others });
  // Always solved with the problem, whoever asked (a reply, a bulk action, a macro); `changed` only broadcasts.
  if (row!.status === 'solved' && current.status !== 'solved') {
    const incidents = await solveLinkedIncidents(db, row!, actor);
    input.changed?.push(...incidents);
  }
  return row!;
}
