import { z } from 'zod';
import { Id, PageQuery, Timestamp } from './common.js';

/** What created a callback task (回访); with its source item it names the trigger, so one trigger makes one task. */
export const CallbackSource = z.enum(['bot_unresolved', 'queue_abandoned', 'csat_negative', 'automation', 'agent']);
export type CallbackSource = z.infer<typeof CallbackSource>;

/** The automatic sources, each switched on or off per workspace. */
export const CallbackTrigger = z.enum(['bot_unresolved', 'queue_abandoned', 'csat_negative']);
export type CallbackTrigger = z.infer<typeof CallbackTrigger>;

export const CallbackChannel = z.enum(['phone', 'sms', 'email', 'wechat']);
export type CallbackChannel = z.infer<typeof CallbackChannel>;

export const CallbackStatus = z.enum(['open', 'done', 'cancelled']);
export type CallbackStatus = z.infer<typeof CallbackStatus>;

/** How one try to reach the customer went; `retry_at` carries when to try again (the task's new due time). */
export const CallbackOutcome = z.enum(['reached', 'not_reached', 'retry_at']);
export type CallbackOutcome = z.infer<typeof CallbackOutcome>;

export const CallbackAttempt = z.object({
  id: Id,
  outcome: CallbackOutcome,
  retryAt: Timestamp.nullable(),
  note: z.string(),
  channel: CallbackChannel,
  byId: Id.nullable(),
  byName: z.string().nullable(),
  at: Timestamp,
});
export type CallbackAttempt = z.infer<typeof CallbackAttempt>;

export const CallbackTask = z.object({
  id: Id,
  customerId: Id,
  customerName: z.string().nullable(),
  reason: z.string(),
  source: CallbackSource,
  sourceItem: z.string(),
  conversationId: Id.nullable(),
  ticketId: Id.nullable(),
  assigneeId: Id.nullable(),
  assigneeName: z.string().nullable(),
  teamId: Id.nullable(),
  channel: CallbackChannel,
  status: CallbackStatus,
  dueAt: Timestamp,
  overdue: z.boolean(),
  attemptCount: z.number().int(),
  outcomeNote: z.string(),
  attempts: z.array(CallbackAttempt),
  createdById: Id.nullable(),
  createdAt: Timestamp,
  closedAt: Timestamp.nullable(),
});
export type CallbackTask = z.infer<typeof CallbackTask>;

const Reason = z.string().trim().min(1).max(2000);
const Note = z.string().trim().max(2000);

export const CallbackTaskQuery = PageQuery.extend({
  /** `mine`: assigned to me; `team`: my teams' tasks nobody holds yet; `all` (default): every task I may see. */
  scope: z.enum(['mine', 'team', 'all']).default('all'),
  status: CallbackStatus.optional(),
  /** Only open tasks whose due time has passed. */
  overdue: z.enum(['true', 'false']).optional(),
  customerId: Id.optional(),
});
export type CallbackTaskQuery = z.infer<typeof CallbackTaskQuery>;

export const CreateCallbackTaskRequest = z.object({
  customerId: Id,
  reason: Reason,
  conversationId: Id.optional(),
  ticketId: Id.optional(),
  /** Without both: assigned to yourself. */
  assigneeId: Id.optional(),
  teamId: Id.optional(),
  channel: CallbackChannel.default('phone'),
  /** An exact due time; without it, `dueInMinutes` business minutes from now on the team's (or the workspace's) calendar. */
  dueAt: z.iso.datetime({ offset: true }).optional(),
  dueInMinutes: z.number().int().min(0).max(525_600).optional(),
});
export type CreateCallbackTaskRequest = z.infer<typeof CreateCallbackTaskRequest>;

/** Give the task to an agent, a team (nobody holding it), or both. */
export const AssignCallbackTaskRequest = z
  .object({ assigneeId: Id.nullable().optional(), teamId: Id.nullable().optional() })
  .refine((value) => value.assigneeId !== undefined || value.teamId !== undefined, 'send assigneeId, teamId or both');

export const CallbackAttemptRequest = z
  .object({
    outcome: CallbackOutcome,
    /** Required with `retry_at`: when to try again. */
    retryAt: z.iso.datetime({ offset: true }).optional(),
    channel: CallbackChannel.optional(),
    note: Note.default(''),
  })
  .refine((value) => value.outcome !== 'retry_at' || value.retryAt !== undefined, {
    message: 'retry_at needs retryAt, the time to try again',
    path: ['retryAt'],
  });

export const CompleteCallbackTaskRequest = z.object({ note: Note.default('') });
export const CancelCallbackTaskRequest = z.object({ note: Note.default('') });

export const CallbackTriggerSetting = z.object({
  enabled: z.boolean(),
  /** Business minutes from the trigger to the due time. */
  dueMinutes: z.number().int().min(0).max(525_600),
});

export const CallbackSettings = z.object({
  triggers: z.record(CallbackTrigger, CallbackTriggerSetting),
  /** The calendar due times run on when the task has no team with one; null: plain elapsed time. */
  calendarId: Id.nullable(),
  /** Where automatic tasks go; null: nobody in particular (supervisors see them). */
  teamId: Id.nullable(),
  /** A CSAT rating at or below this counts as negative (1–5 scale). */
  negativeCsatMax: z.number().int().min(1).max(4),
  channel: CallbackChannel,
});
export type CallbackSettings = z.infer<typeof CallbackSettings>;

export const DEFAULT_CALLBACK_SETTINGS: CallbackSettings = {
  triggers: {
    bot_unresolved: { enabled: true, dueMinutes: 240 },
    queue_abandoned: { enabled: true, dueMinutes: 60 },
    csat_negative: { enabled: true, dueMinutes: 480 },
  },
  calendarId: null,
  teamId: null,
  negativeCsatMax: 2,
  channel: 'phone',
};

export const UpdateCallbackSettingsRequest = z
  .object({
    triggers: z.partialRecord(CallbackTrigger, CallbackTriggerSetting.partial()),
    calendarId: Id.nullable(),
    teamId: Id.nullable(),
    negativeCsatMax: z.number().int().min(1).max(4),
    channel: CallbackChannel,
  })
  .partial()
  .refine((value) => Object.keys(value).length > 0, 'nothing to update');

/** The only callback broadcast (to the workspace room): who may see the task is the API's call, so clients refetch. */
export const CallbackChanged = z.object({ taskId: Id, status: CallbackStatus });
