import { renderMacroText, type MacroAction, type MacroValues, type UpdateTicketRequest } from '@huiliu/contracts';
import { AppError } from '../../../../platform/errors.js';
import type { Appended } from '../../../conversations/write-path.js';
import { getCustomer } from '../../../customers/service.js';
import { findUserById, type Executor } from '../../../users/service.js';
import { getWorkspace } from '../../../workspaces/service.js';
import { addTicketComment } from '../../commands/add-comment.js';
import { assertNotClosed } from '../../commands/guards.js';
import { updateTicket } from '../../commands/update-ticket.js';
import { loadTicket } from '../../queries.js';
import type { TicketActor, TicketRow } from '../../views.js';
import type { TicketViewer } from '../../visibility.js';

export interface ApplyActionsInput {
  viewer: TicketViewer;
  actor: TicketActor;
  ticketId: string;
  actions: MacroAction[];
}

export interface Applied {
  ticket: TicketRow;
  /** False when the ticket already was as the actions want it (no event was written). */
  changed: boolean;
  /** Public replies' channel messages, to publish after commit. */
  messages: Appended[];
}

/** The field part of the actions as one ticket update (tags relative to the ticket's current ones). */
function changeOf(ticket: TicketRow, actions: MacroAction[], actor: TicketActor): UpdateTicketRequest {
  const change: Record<string, unknown> = {};
  let tags = ticket.tags;
  const fields: Record<string, unknown> = {};
  for (const action of actions) {
    switch (action.type) {
      case 'assignee':
        if (action.assigneeId === 'me' && !actor.id)
          throw new AppError(422, 'no_agent', 'an API token is nobody: “assign to me” needs an agent; assign to a named agent');
        change.assigneeId = action.assigneeId === 'me' ? actor.id : action.assigneeId;
        break;
      case 'team':
        change.teamId = action.teamId;
        break;
      case 'status':
        change.status = action.status;
        break;
      case 'priority':
        change.priority = action.priority;
        break;
      case 'tags_add':
        tags = [...new Set([...tags, ...action.tags])];
        break;
      case 'tags_remove':
        tags = tags.filter((tag) => !action.tags.includes(tag));
        break;
      case 'field':
        fields[action.key] = action.value ?? null;
        break;
      default:
        break;
    }
  }
  if (tags !== ticket.tags) change.tags = tags;
  if (Object.keys(fields).length) change.fields = fields;
  return change as UpdateTicketRequest;
}

/** The values of `{{…}}` for this ticket and agent, as the ticket will be once the macro ran. */
async function valuesFor(db: Executor, ticket: TicketRow, actor: TicketActor, change: UpdateTicketRequest): Promise<MacroValues> {
  const requester = await getCustomer(db, ticket.workspaceId, ticket.requesterId);
  const agent = actor.id ? await findUserById(db, actor.id) : undefined;
  const workspace = await getWorkspace(db, ticket.workspaceId);
  const identity = (kind: string) => requester.identities.find((item) => item.kind === kind)?.value ?? null;
  return {
    'ticket.number': `#${ticket.number}`,
    'ticket.subject': change.subject ?? ticket.subject,
    'ticket.status': change.status ?? ticket.status,
    'ticket.priority': change.priority ?? ticket.priority,
    'requester.name': requester.name,
    'requester.email': identity('email'),
    'requester.phone': identity('phone'),
    'agent.name': agent?.name ?? actor.name,
    'agent.email': agent?.email ?? null,
    'workspace.name': workspace.name,
  };
}

/** Fills a macro's notes and replies for one ticket, changing nothing (the console's preview). */
export async function previewActions(db: Executor, input: ApplyActionsInput) {
  const ticket = await loadTicket(db, input.viewer, input.ticketId);
  const change = changeOf(ticket, input.actions, input.actor);
  const values = await valuesFor(db, ticket, input.actor, change);
  const unknown = new Set<string>();
  const render = (text: string) => {
    const rendered = renderMacroText(text, values);
    rendered.unknownVariables.forEach((name) => unknown.add(name));
    return rendered.text;
  };
  return {
    replies: input.actions.flatMap((action) => (action.type === 'reply' ? [render(action.text)] : [])),
    notes: input.actions.flatMap((action) => (action.type === 'note' ? [render(action.text)] : [])),
    unknownVariables: [...unknown],
  };
}

/**
 * A macro (or a bulk action) on one ticket, in the caller's transaction: all of it or nothing.
 * Notes and replies go first, while the ticket is surely still the agent's to see (a macro that
 * hands it to another team could hide it from them); a reply carries the macro's status, so the
 * "answering opens it" rule does not undo it. The field changes are one ticket update, with the
 * same events as a single update from the ticket page.
 */
export async function applyActions(db: Executor, input: ApplyActionsInput): Promise<Applied> {
  const { actor, actions } = input;
  const before = await loadTicket(db, input.viewer, input.ticketId, true);
  assertNotClosed(before);
  const change = changeOf(before, actions, actor);
  const hasText = actions.some((action) => action.type === 'note' || action.type === 'reply');
  const values = hasText ? await valuesFor(db, before, actor, change) : {};
  const messages: Appended[] = [];
  let commented = false;
  for (const action of actions) {
    if (action.type !== 'note' && action.type !== 'reply') continue;
    const result = await addTicketComment(db, {
      viewer: input.viewer,
      actor,
      ticketId: before.id,
      text: renderMacroText(action.text, values).text,
      visibility: action.type === 'reply' ? 'public' : 'internal',
      ...(action.type === 'reply' && change.status && change.status !== 'closed' && { status: change.status }),
    });
    commented = true;
    if (result.message) messages.push(result.message);
  }
  let ticket = before;
  if (Object.keys(change).length) ticket = await updateTicket(db, { viewer: input.viewer, actor, ticketId: before.id, change });
  const after = commented || ticket !== before ? await loadTicket(db, { ...input.viewer, readAll: true }, before.id) : before;
  return { ticket: after, changed: commented || after.updatedAt.getTime() !== before.updatedAt.getTime(), messages };
}
