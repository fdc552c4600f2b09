import type { AutomationAction } from '@huiliu/contracts';
import { and, eq, isNull } from 'drizzle-orm';
import { notFound } from '../../platform/errors.js';
import { writeOutbox } from '../../platform/outbox/outbox.js';
import type { Realtime } from '../../platform/realtime.js';
import { rooms } from '../../platform/realtime.js';
import type { SecretBox } from '../../platform/secrets.js';
import { createCallbackTask, publishCallbackChanged } from '../callbacks/service.js';
import { publishMessage } from '../conversations/events.js';
import type { ConversationRow } from '../conversations/views.js';
import { teamMembers } from '../teams/schema.js';
import { addTicketComment } from '../tickets/commands/add-comment.js';
import { escalateTicket } from '../tickets/commands/escalate.js';
import { updateTicket } from '../tickets/commands/update-ticket.js';
import { publishTicketChanged } from '../tickets/history.js';
import { loadTicket } from '../tickets/queries.js';
import { applyActions } from '../tickets/views-macros/commands/apply-actions.js';
import { ticketMacros } from '../tickets/views-macros/schema.js';
import type { TicketActor, TicketRow } from '../tickets/views.js';
import type { TicketViewer } from '../tickets/visibility.js';
import type { Executor } from '../users/service.js';

/** What `{{…}}` variables in a reply, note or notification can name: the rule's ticket or conversation, its customer, the rule. */
export interface TemplateScope {
  ticket: TicketRow | null;
  conversation: ConversationRow | null;
  customerName: string | null;
  automationName: string;
}

/**
 * Fills `{{ticket.number}}`, `{{ticket.subject}}`, `{{ticket.status}}`, `{{ticket.priority}}`, `{{ticket.type}}`,
 * `{{ticket.fields.<key>}}`, `{{conversation.number}}`, `{{conversation.priority}}`, `{{customer.name}}`,
 * `{{automation.name}}`; anything else (a ticket variable in a conversation rule) becomes empty.
 */
export function renderTemplate(template: string, scope: TemplateScope): string {
  return template.replace(/\{\{\s*([\w.]+)\s*\}\}/gu, (_, path: string) => {
    const [head, name, key] = path.split('.');
    const ticket = scope.ticket;
    if (head === 'ticket' && ticket && name === 'fields' && key) {
      const value = ticket.fields[key];
      return value === undefined || value === null ? '' : Array.isArray(value) ? value.join(', ') : String(value);
    }
    if (head === 'ticket' && ticket && name && ['number', 'subject', 'status', 'priority', 'type'].includes(name))
      return String(ticket[name as 'number' | 'subject' | 'status' | 'priority' | 'type']);
    if (head === 'conversation' && scope.conversation && (name === 'number' || name === 'priority'))
      return String(scope.conversation[name]);
    if (head === 'customer' && name === 'name') return scope.customerName ?? '';
    if (head === 'automation' && name === 'name') return scope.automationName;
    return '';
  });
}

/** A line for the log and the dry-run: what the action does (or would do) to this ticket. */
export function summarize(action: AutomationAction, scope: TemplateScope): string {
  switch (action.kind) {
    case 'set_status':
      return `status → ${action.status}`;
    case 'set_priority':
      return `priority → ${action.priority}`;
    case 'set_type':
      return `type → ${action.type}`;
    case 'set_team':
      return `team → ${action.teamId ?? 'none'}`;
    case 'set_assignee':
      return `assignee → ${action.assigneeId ?? 'none'}`;
    case 'set_tags':
      return `tags ${[...action.add.map((tag) => `+${tag}`), ...action.remove.map((tag) => `-${tag}`)].join(' ')}`;
    case 'set_field':
      return `field ${action.key} → ${JSON.stringify(action.value)}`;
    case 'send_reply':
      return `reply to customer: ${renderTemplate(action.text, scope)}`;
    case 'add_note':
      return `internal note: ${renderTemplate(action.text, scope)}`;
    case 'notify':
      return `notify ${action.userId ? `agent ${action.userId}` : `team ${action.teamId ?? '?'}`}: ${renderTemplate(action.text, scope)}`;
    case 'escalate':
      return `escalate to team ${action.teamId}: ${action.reason}`;
    case 'webhook':
      return `webhook POST ${action.url}`;
    case 'apply_macro':
      return `apply macro ${action.macroId}`;
    case 'create_ticket':
      return `create a ticket${action.priority ? ` (${action.priority})` : ''}${action.teamId ? ` for team ${action.teamId}` : ''}`;
    case 'create_callback':
      return `callback task (${action.channel}, due in ${action.dueMinutes} business minutes${action.teamId ? `, team ${action.teamId}` : ''}): ${renderTemplate(action.reason, scope)}`;
  }
}

export interface ActionContext {
  db: Executor;
  realtime: Realtime;
  secrets: SecretBox;
  viewer: TicketViewer;
  actor: TicketActor;
  automationId: string;
  scope: TemplateScope;
  /** Broadcasts that must wait for the commit. */
  afterCommit: (() => void)[];
  /** What started the rule, sent along with a webhook. */
  trigger: { type: string; key: string };
}

/**
 * Does one action through the ticket commands an agent's action uses, so each writes the same
 * rows and history events (with the automation as actor). Throws with a reason when it cannot.
 */
export async function performAction(action: AutomationAction, context: ActionContext): Promise<void> {
  const { db, viewer, actor } = context;
  const ticket = context.scope.ticket;
  if (!ticket) throw new Error('a ticket action needs a ticket');
  const ticketId = ticket.id;
  const update = (change: Parameters<typeof updateTicket>[1]['change']) => updateTicket(db, { viewer, actor, ticketId, change });
  switch (action.kind) {
    case 'set_status':
      await update({ status: action.status });
      break;
    case 'set_priority':
      await update({ priority: action.priority });
      break;
    case 'set_type':
      await update({ type: action.type });
      break;
    case 'set_team':
      await update({ teamId: action.teamId });
      break;
    case 'set_assignee':
      await update({ assigneeId: action.assigneeId });
      break;
    case 'set_tags': {
      const current = await loadTicket(db, viewer, ticketId);
      const tags = [...new Set([...current.tags.filter((tag) => !action.remove.includes(tag)), ...action.add])];
      await update({ tags });
      break;
    }
    case 'set_field':
      await update({ fields: { [action.key]: action.value } as Record<string, never> });
      break;
    case 'send_reply':
    case 'add_note': {
      const result = await addTicketComment(db, {
        viewer,
        actor,
        ticketId,
        text: renderTemplate(action.text, context.scope),
        visibility: action.kind === 'send_reply' ? 'public' : 'internal',
      });
      const message = result.message;
      if (message) context.afterCommit.push(() => publishMessage(context.realtime, message.conversation, message.message));
      break;
    }
    case 'notify': {
      const userIds = await notifiedUsers(db, viewer.workspaceId, action);
      const payload = {
        ticketId: ticket.id,
        number: ticket.number,
        automation: context.scope.automationName,
        text: renderTemplate(action.text, context.scope),
      };
      context.afterCommit.push(() => {
        for (const userId of userIds) context.realtime.agents.to(rooms.user(userId)).emit('automation:notify', payload);
      });
      break;
    }
    case 'escalate':
      await escalateTicket(db, { viewer, actor, ticketId, teamId: action.teamId, reason: action.reason, summary: '' });
      break;
    case 'create_callback': {
      // One task per rule, ticket and change: a redelivered event finds the task it made.
      const { task, created } = await createCallbackTask(db, {
        workspaceId: viewer.workspaceId,
        customerId: ticket.requesterId,
        reason: renderTemplate(action.reason, context.scope),
        source: 'automation',
        sourceItem: `${context.automationId}:${ticket.id}:${context.trigger.key}`,
        ticketId: ticket.id,
        teamId: action.teamId ?? ticket.teamId,
        channel: action.channel,
        dueInMinutes: action.dueMinutes,
        now: new Date(),
      });
      if (created) context.afterCommit.push(() => publishCallbackChanged(context.realtime, [task]));
      break;
    }
    case 'webhook': {
      const current = await loadTicket(db, viewer, ticketId);
      await queueWebhook(context, action, {
        ticket: {
          id: current.id,
          number: current.number,
          subject: current.subject,
          status: current.status,
          priority: current.priority,
          tags: current.tags,
          assigneeId: current.assigneeId,
          teamId: current.teamId,
          fields: current.fields,
        },
      });
      break;
    }
    case 'apply_macro': {
      const macro = await sharedMacro(db, viewer.workspaceId, action.macroId);
      if (macro.archived) throw new Error(`the macro “${macro.name}” is archived`);
      const applied = await applyActions(db, { viewer, actor, ticketId, actions: macro.actions });
      for (const appended of applied.messages)
        context.afterCommit.push(() => publishMessage(context.realtime, appended.conversation, appended.message));
      break;
    }
    case 'create_ticket':
      throw new Error('create_ticket is a conversation action');
  }
  context.afterCommit.push(() => publishTicketChanged(context.realtime, [ticket]));
}

/** A macro an automation may apply: the workspace's and shared (an agent's personal macros are theirs alone). */
export async function sharedMacro(db: Executor, workspaceId: string, macroId: string) {
  const [macro] = await db
    .select()
    .from(ticketMacros)
    .where(and(eq(ticketMacros.workspaceId, workspaceId), eq(ticketMacros.id, macroId), isNull(ticketMacros.ownerId)));
  if (!macro) throw notFound('shared macro');
  return macro;
}

/** A webhook action's signed POST, written to the outbox in the rule's transaction; the secret stays sealed until delivery. */
export async function queueWebhook(
  context: Pick<ActionContext, 'db' | 'viewer' | 'automationId' | 'scope' | 'trigger'>,
  action: Extract<AutomationAction, { kind: 'webhook' }>,
  item: { ticket: Record<string, unknown> } | { conversation: Record<string, unknown> },
): Promise<void> {
  await writeOutbox(context.db, context.viewer.workspaceId, WEBHOOK_TOPIC, {
    url: action.url,
    sealedSecret: action.secret,
    firstAttemptAt: new Date().toISOString(),
    body: { automationId: context.automationId, automationName: context.scope.automationName, trigger: context.trigger, ...item },
  });
}

/** The agents an action notifies: the one named, or every member of the team. */
export async function notifiedUsers(db: Executor, workspaceId: string, action: Extract<AutomationAction, { kind: 'notify' }>) {
  const userIds = new Set<string>(action.userId ? [action.userId] : []);
  if (action.teamId) {
    const members = await db
      .select({ userId: teamMembers.userId })
      .from(teamMembers)
      .where(and(eq(teamMembers.workspaceId, workspaceId), eq(teamMembers.teamId, action.teamId)));
    for (const member of members) userIds.add(member.userId);
  }
  if (userIds.size === 0) throw new Error('nobody to notify: the team has no members');
  return userIds;
}

export const WEBHOOK_TOPIC = 'automation.webhook';
