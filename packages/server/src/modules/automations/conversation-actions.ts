import type { AutomationAction } from '@huiliu/contracts';
import { rooms } from '../../platform/realtime.js';
import { createCallbackTask, publishCallbackChanged } from '../callbacks/service.js';
import { assignConversation, setPriority, setTags } from '../conversations/commands.js';
import { publishMessage } from '../conversations/events.js';
import { appendMessage, lockConversation, type Appended } from '../conversations/write-path.js';
import { createTicketFromConversation } from '../tickets/commands/create-from-conversation.js';
import { publishTicketChanged } from '../tickets/history.js';
import { assertReferences } from '../tickets/references.js';
import { notifiedUsers, queueWebhook, renderTemplate, type ActionContext } from './actions.js';

/**
 * Does one action of a conversation rule through the commands an agent's action uses (assign,
 * transfer, tags, priority, reply, note, "turn into a ticket"), so it writes the same timeline
 * events and outbox rows, with the automation as actor. Throws with a reason when it cannot.
 */
export async function performConversationAction(action: AutomationAction, context: ActionContext): Promise<void> {
  const { db, viewer, actor } = context;
  const conversation = context.scope.conversation;
  if (!conversation) throw new Error('a conversation action needs a conversation');
  const workspaceId = viewer.workspaceId;
  const id = conversation.id;
  const published = (appended: Appended) => {
    if (!appended.duplicate) context.afterCommit.push(() => publishMessage(context.realtime, appended.conversation, appended.message));
  };
  switch (action.kind) {
    case 'set_priority':
      published(await setPriority(db, workspaceId, id, actor, action.priority));
      return;
    case 'set_team':
      // To a team's queue: the router offers it to that team's agents.
      published(await assignConversation(db, workspaceId, id, actor, { assigneeId: null, teamId: action.teamId }, { type: 'transferred' }));
      return;
    case 'set_assignee':
      published(await assignConversation(db, workspaceId, id, actor, { assigneeId: action.assigneeId }));
      return;
    case 'set_tags': {
      const current = await lockConversation(db, workspaceId, id);
      const tags = [...new Set([...current.tags.filter((tag) => !action.remove.includes(tag)), ...action.add])];
      published(await setTags(db, workspaceId, id, actor, tags));
      return;
    }
    case 'send_reply':
    case 'add_note': {
      const current = await lockConversation(db, workspaceId, id);
      if (action.kind === 'send_reply' && current.state === 'resolved') throw new Error('the conversation is resolved: no reply is sent');
      published(
        await appendMessage(
          db,
          workspaceId,
          id,
          {
            kind: action.kind === 'send_reply' ? 'out' : 'note',
            text: renderTemplate(action.text, context.scope),
            senderType: 'system',
            senderId: null,
            senderName: actor.name,
          },
          current,
        ),
      );
      return;
    }
    case 'notify': {
      const userIds = await notifiedUsers(db, workspaceId, action);
      const payload = {
        conversationId: id,
        number: conversation.number,
        automation: context.scope.automationName,
        text: renderTemplate(action.text, context.scope),
      };
      context.afterCommit.push(() => {
        for (const userId of userIds) context.realtime.agents.to(rooms.user(userId)).emit('automation:notify', payload);
      });
      return;
    }
    case 'webhook': {
      const current = await lockConversation(db, workspaceId, id);
      await queueWebhook(context, action, {
        conversation: {
          id: current.id,
          number: current.number,
          channel: current.channel,
          inboxId: current.inboxId,
          customerId: current.customerId,
          state: current.state,
          priority: current.priority,
          tags: current.tags,
          assigneeId: current.assigneeId,
          teamId: current.teamId,
        },
      });
      return;
    }
    case 'create_ticket': {
      if (action.teamId) await assertReferences(db, workspaceId, { teamId: action.teamId });
      const { ticket, notice } = await createTicketFromConversation(db, {
        workspaceId,
        conversationId: id,
        actor,
        ...(action.priority ? { priority: action.priority } : {}),
        ...(action.teamId !== undefined ? { teamId: action.teamId } : {}),
        notifyCustomer: action.notifyCustomer,
      });
      if (notice) published(notice);
      context.afterCommit.push(() => publishTicketChanged(context.realtime, [ticket]));
      return;
    }
    case 'create_callback': {
      // One task per rule, conversation and change: a redelivered event finds the task it made.
      const { task, created } = await createCallbackTask(db, {
        workspaceId,
        customerId: conversation.customerId,
        reason: renderTemplate(action.reason, context.scope),
        source: 'automation',
        sourceItem: `${context.automationId}:${id}:${context.trigger.key}`,
        conversationId: id,
        teamId: action.teamId ?? conversation.teamId,
        channel: action.channel,
        dueInMinutes: action.dueMinutes,
        now: new Date(),
      });
      if (created) context.afterCommit.push(() => publishCallbackChanged(context.realtime, [task]));
      return;
    }
    case 'set_status':
    case 'set_type':
    case 'set_field':
    case 'escalate':
    case 'apply_macro':
      throw new Error(`${action.kind} is a ticket action`);
  }
}
