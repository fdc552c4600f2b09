import { z } from 'zod';
import { Id, Timestamp } from './common.js';

export const IdentityKind = z.enum(['visitor', 'email', 'phone', 'wechat_openid', 'wechat_unionid', 'external']);
export type IdentityKind = z.infer<typeof IdentityKind>;

export const CustomerTier = z.enum(['normal', 'vip']);

/** How an identity was proven (see docs/security.md, "Identity claims"). */
export const VerifiedVia = z.enum(['channel', 'hmac', 'otp', 'agent']);

export const Identity = z.object({
  id: Id,
  kind: IdentityKind,
  value: z.string(),
  /** False: a claim the customer typed — shown to agents, never used to find, merge or reach anyone. */
  verified: z.boolean(),
  verifiedVia: VerifiedVia.nullable(),
  createdAt: Timestamp,
});

export const Customer = z.object({
  id: Id,
  /** Readable number, the heart of the label of an anonymous customer. */
  number: z.number().int(),
  /** The name when known, else "访客 4821 · 上海 · Chrome". */
  label: z.string(),
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

const Contains = z.string().trim().min(1).max(200).optional();

export const CustomerQuery = z.object({
  q: z.string().max(200).optional().describe('Search by name or identity value'),
  identityKind: IdentityKind.optional(),
  identityValue: z.string().max(500).optional(),
  // The directory's fields: each narrows the list (all given must hold), matched as "contains", case-insensitive.
  name: Contains.describe('Name contains'),
  email: Contains.describe('An email address contains'),
  phone: Contains.describe('A phone number contains'),
  externalId: Contains.describe('An external (host-site) user id contains'),
  tag: z.string().trim().min(1).max(50).optional().describe('Has this tag exactly'),
  tier: CustomerTier.optional(),
});
export type CustomerQuery = z.infer<typeof CustomerQuery>;

/**
 * An agent records a customer's email or phone. Trusted by the workspace (verified via `agent`);
 * an address that already belongs to another customer is refused, never merged silently.
 */
export const AddIdentityRequest = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('email'), value: z.email().max(254) }),
  z.object({
    kind: z.literal('phone'),
    value: z
      .string()
      .trim()
      .regex(/^\+?[0-9][0-9 ()-]{4,30}$/, 'a phone number: digits, spaces, brackets or dashes, optionally starting with +'),
  }),
]);

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
  kind: z.enum(['conversation', 'ticket', 'call', 'callback']),
  id: Id,
  /** The human-friendly number (#1234). */
  number: z.number().int().nullable(),
  /** A ticket's source may also be the help center's request form (`web_form`). */
  channel: z.enum(['widget', 'email', 'sms', 'wechat', 'wecom', 'api', 'voice', 'web_form']),
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
