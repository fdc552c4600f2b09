import { z } from 'zod';
import { Id, Timestamp } from './common.js';
import { TicketPriority, TicketSort, TicketStatus, TicketType } from './tickets.js';

/**
 * Saved ticket views, macros and bulk actions. The filter below is the one contract for "which
 * tickets": a saved view stores it, the list endpoint builds it from its query string, a bulk
 * action may name a view instead of ids.
 */

const Tag = z.string().trim().min(1).max(50);

/** `me` is whoever looks at the view (so one shared "my open" view serves every agent); `none` is unassigned. */
export const AssigneeMatch = z.union([Id, z.enum(['me', 'none'])]);
export type AssigneeMatch = z.infer<typeof AssigneeMatch>;

/**
 * "Older than" conditions: `created` / `updated` age, or how long the ticket has been in its
 * current `status` (e.g. on_hold for more than a day: waiting on tier 2 too long).
 */
export const TicketAgeCondition = z.discriminatedUnion('field', [
  z.object({ field: z.literal('status'), status: TicketStatus, olderThanHours: z.number().positive().max(87_600) }),
  z.object({ field: z.enum(['created', 'updated']), olderThanHours: z.number().positive().max(87_600) }),
]);
export type TicketAgeCondition = z.infer<typeof TicketAgeCondition>;

/** Each key narrows; several values of one key are alternatives (status new OR open). Tags: all must be present. */
export const TicketFilter = z
  .object({
    status: z.array(TicketStatus).min(1).max(6).optional(),
    priority: z.array(TicketPriority).min(1).max(4).optional(),
    type: z.array(TicketType).min(1).max(4).optional(),
    assignee: z.array(AssigneeMatch).min(1).max(50).optional(),
    /** A team id, or `none` for tickets without a team. */
    team: z
      .array(z.union([Id, z.literal('none')]))
      .min(1)
      .max(50)
      .optional(),
    tags: z.array(Tag).min(1).max(10).optional(),
    age: z.array(TicketAgeCondition).min(1).max(5).optional(),
    q: z.string().trim().min(1).max(200).optional(),
  })
  .strict();
export type TicketFilter = z.infer<typeof TicketFilter>;

export const SavedView = z.object({
  id: Id,
  name: z.string(),
  /** Shared views are seen by every agent of the workspace; personal ones by their owner only. */
  shared: z.boolean(),
  ownerId: Id.nullable(),
  filter: TicketFilter,
  sort: TicketSort,
  position: z.number().int(),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});
export type SavedView = z.infer<typeof SavedView>;

const ViewName = z.string().trim().min(1).max(80);

export const CreateSavedViewRequest = z.object({
  name: ViewName,
  /** Shared views need `tickets.share` (admins, supervisors). */
  shared: z.boolean().default(false),
  filter: TicketFilter,
  sort: TicketSort.default('newest'),
  position: z.number().int().min(0).max(10_000).default(0),
});
export type CreateSavedViewRequest = z.infer<typeof CreateSavedViewRequest>;

export const UpdateSavedViewRequest = z
  .object({
    name: ViewName,
    shared: z.boolean(),
    filter: TicketFilter,
    sort: TicketSort,
    position: z.number().int().min(0).max(10_000),
  })
  .partial()
  .refine((value) => Object.keys(value).length > 0, 'nothing to update');
export type UpdateSavedViewRequest = z.infer<typeof UpdateSavedViewRequest>;

export const SavedViewCounts = z.object({
  items: z.array(z.object({ viewId: Id, count: z.number().int() })),
});

/** What one click of a macro (or one bulk action) does to a ticket, in this order. */
export const MacroAction = z.discriminatedUnion('type', [
  /** `me` is the agent who applies the macro. */
  z.object({ type: z.literal('assignee'), assigneeId: z.union([Id, z.literal('me')]).nullable() }),
  z.object({ type: z.literal('team'), teamId: Id.nullable() }),
  z.object({ type: z.literal('status'), status: TicketStatus.exclude(['closed']) }),
  z.object({ type: z.literal('priority'), priority: TicketPriority }),
  z.object({ type: z.literal('tags_add'), tags: z.array(Tag).min(1).max(30) }),
  z.object({ type: z.literal('tags_remove'), tags: z.array(Tag).min(1).max(30) }),
  /** A custom field value by key (null clears it), validated like any field write. */
  z.object({ type: z.literal('field'), key: z.string().min(1).max(64), value: z.unknown() }),
  z.object({ type: z.literal('note'), text: z.string().trim().min(1).max(20_000) }),
  /** A public reply; `{{ticket.number}}`, `{{requester.name}}`, `{{agent.name}}`… are filled by the server. */
  z.object({ type: z.literal('reply'), text: z.string().trim().min(1).max(20_000) }),
]);
export type MacroAction = z.infer<typeof MacroAction>;

const MacroActions = z.array(MacroAction).min(1).max(20);

export const Macro = z.object({
  id: Id,
  name: z.string(),
  description: z.string(),
  shared: z.boolean(),
  ownerId: Id.nullable(),
  actions: z.array(MacroAction),
  archived: z.boolean(),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});
export type Macro = z.infer<typeof Macro>;

export const CreateMacroRequest = z.object({
  name: z.string().trim().min(1).max(80),
  description: z.string().trim().max(500).default(''),
  /** Shared macros need `tickets.share` (admins, supervisors). */
  shared: z.boolean().default(false),
  actions: MacroActions,
});
export type CreateMacroRequest = z.infer<typeof CreateMacroRequest>;

export const UpdateMacroRequest = z
  .object({
    name: z.string().trim().min(1).max(80),
    description: z.string().trim().max(500),
    shared: z.boolean(),
    actions: MacroActions,
    archived: z.boolean(),
  })
  .partial()
  .refine((value) => Object.keys(value).length > 0, 'nothing to update');
export type UpdateMacroRequest = z.infer<typeof UpdateMacroRequest>;

export const ApplyMacroRequest = z.object({ macroId: Id });

/** The reply a macro would send on this ticket, variables filled, before anything is applied. */
export const MacroPreview = z.object({
  replies: z.array(z.string()),
  notes: z.array(z.string()),
  unknownVariables: z.array(z.string()),
});

export const MAX_BULK_TICKETS = 500;

/** Either ids or a view (its tickets when the request arrives, at most 500); a macro, actions, or both (macro first). */
export const BulkTicketRequest = z
  .object({
    ticketIds: z.array(Id).min(1).max(MAX_BULK_TICKETS).optional(),
    viewId: Id.optional(),
    macroId: Id.optional(),
    actions: MacroActions.optional(),
  })
  .refine((value) => value.ticketIds !== undefined || value.viewId !== undefined, 'give ticketIds or a viewId')
  .refine((value) => value.macroId !== undefined || value.actions !== undefined, 'give a macroId or actions');
export type BulkTicketRequest = z.infer<typeof BulkTicketRequest>;

export const BulkTicketHeaders = z.object({
  'idempotency-key': z
    .string()
    .trim()
    .min(1)
    .max(200)
    .optional()
    .describe('A retry with the same key returns the first job (200) instead of starting another (202)'),
});

/** `changed`: the actions changed it; `unchanged`: it already was so; `failed`: see `error` (nothing of it changed). */
export const BulkItemOutcome = z.enum(['pending', 'changed', 'unchanged', 'failed']);

export const BulkJob = z.object({
  id: Id,
  status: z.enum(['running', 'done']),
  total: z.number().int(),
  processed: z.number().int(),
  changed: z.number().int(),
  failed: z.number().int(),
  macroId: Id.nullable(),
  createdAt: Timestamp,
  finishedAt: Timestamp.nullable(),
});
export type BulkJob = z.infer<typeof BulkJob>;

export const BulkJobDetail = BulkJob.extend({
  items: z.array(
    z.object({
      ticketId: Id,
      number: z.number().int(),
      outcome: BulkItemOutcome,
      error: z.object({ code: z.string(), message: z.string() }).nullable(),
    }),
  ),
});
export type BulkJobDetail = z.infer<typeof BulkJobDetail>;

/** Sent to the requesting agent's own room after each chunk: the bulk bar's progress. */
export const BulkProgress = BulkJob.pick({ id: true, status: true, total: true, processed: true, changed: true, failed: true });
export type BulkProgress = z.infer<typeof BulkProgress>;
