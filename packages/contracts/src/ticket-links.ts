import { z } from 'zod';
import { Id } from './common.js';
import { TicketStatus, TicketType } from './tickets.js';

/**
 * Merging duplicate tickets and linking related ones (issue 17). The link types are named from
 * the ticket the request is about: on an incident, `{ type: "problem", ticketId }` says
 * "ticketId is my problem".
 */

export const MergeTicketsRequest = z.object({
  /** The duplicates to fold into the ticket in the path (the target). */
  sourceIds: z.array(Id).min(1).max(20),
  /** Tell each source's requester, on their channel, where their case went (default true). */
  notifyRequester: z.boolean().default(true),
  /**
   * Merging another customer's ticket is refused unless this is true (as Zendesk warns before
   * it): their conversations join the target, so they will read the target's public replies.
   */
  allowDifferentRequesters: z.boolean().default(false),
});
export type MergeTicketsRequest = z.infer<typeof MergeTicketsRequest>;

/** How another ticket relates to this one. */
export const TicketLinkType = z.enum(['related', 'parent', 'child', 'problem', 'incident']);
export type TicketLinkType = z.infer<typeof TicketLinkType>;

/** The stored kind: `parent_child` runs parent → child, `problem_incident` problem → incident. */
export const TicketLinkKind = z.enum(['related', 'parent_child', 'problem_incident']);
export type TicketLinkKind = z.infer<typeof TicketLinkKind>;

export const CreateTicketLinkRequest = z.object({
  type: TicketLinkType,
  ticketId: Id,
});
export type CreateTicketLinkRequest = z.infer<typeof CreateTicketLinkRequest>;

export const TicketLinkParams = z.object({ workspaceId: Id, id: Id, linkId: Id });

/** A link seen from one ticket: the other ticket, in short. */
export const TicketLink = z.object({
  id: Id,
  type: TicketLinkType,
  ticket: z.object({
    id: Id,
    number: z.number().int(),
    subject: z.string(),
    status: TicketStatus,
    type: TicketType,
  }),
  createdAt: z.string(),
});
export type TicketLink = z.infer<typeof TicketLink>;

export const TicketLinkList = z.object({ items: z.array(TicketLink) });

/** `ticket:notification`, to one agent's room: a ticket was assigned to them, or its customer replied. */
export const TicketNotification = z.object({
  kind: z.enum(['assigned', 'customer_replied']),
  ticketId: Id,
  number: z.number().int(),
  subject: z.string(),
  workspaceId: Id,
  at: z.string(),
});
export type TicketNotification = z.infer<typeof TicketNotification>;
