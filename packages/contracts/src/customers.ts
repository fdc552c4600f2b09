import { z } from 'zod';
import { Id, Timestamp } from './common.js';

export const IdentityKind = z.enum(['visitor', 'email', 'phone', 'wechat_openid', 'wechat_unionid', 'external']);
export type IdentityKind = z.infer<typeof IdentityKind>;

export const CustomerTier = z.enum(['normal', 'vip']);

export const Identity = z.object({
  id: Id,
  kind: IdentityKind,
  value: z.string(),
  verified: z.boolean(),
  createdAt: Timestamp,
});

export const Customer = z.object({
  id: Id,
  name: z.string().nullable(),
  tier: CustomerTier,
  tags: z.array(z.string()),
  attributes: z.record(z.string(), z.unknown()),
  identities: z.array(Identity),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});
export type Customer = z.infer<typeof Customer>;

const Tag = z.string().trim().min(1).max(50);

export const UpdateCustomerRequest = z
  .object({
    name: z.string().trim().min(1).max(200).nullable(),
    tier: CustomerTier,
    tags: z.array(Tag).max(50),
    attributes: z.record(z.string().max(100), z.union([z.string().max(2000), z.number(), z.boolean(), z.null()])),
  })
  .partial()
  .refine((value) => Object.keys(value).length > 0, 'nothing to update');

export const CustomerQuery = z.object({
  q: z.string().max(200).optional().describe('Search by name or identity value'),
  identityKind: IdentityKind.optional(),
  identityValue: z.string().max(500).optional(),
});

export const MergeCustomersRequest = z.object({
  /** The customer that disappears into the one in the path. */
  sourceCustomerId: Id,
  /** Must be true: merging cannot be undone. */
  confirm: z.literal(true, { message: 'set confirm to true: a merge cannot be undone' }),
});

export { Tag };

/**
 * One entry of a customer's history (客户轨迹), newest first. Conversations now; tickets and calls
 * will use the same shape with their own `kind`.
 */
export const TimelineItem = z.object({
  kind: z.enum(['conversation', 'ticket', 'call']),
  id: Id,
  /** The human-friendly number (#1234). */
  number: z.number().int().nullable(),
  channel: z.enum(['widget', 'email', 'sms', 'wechat', 'wecom', 'api', 'voice']),
  inboxId: Id.nullable(),
  inboxName: z.string().nullable(),
  state: z.string(),
  /** A subject when the channel has one (email), else null. */
  subject: z.string().nullable(),
  /** The customer's first message, shortened. */
  preview: z.string().nullable(),
  startedAt: Timestamp,
  endedAt: Timestamp.nullable(),
  assigneeId: Id.nullable(),
  assigneeName: z.string().nullable(),
  teamId: Id.nullable(),
  disposition: z.string().nullable(),
});
