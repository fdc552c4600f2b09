import { z } from 'zod';
import { Id, Timestamp } from './common.js';
import { Attachment, ChannelKind } from './conversations.js';

/**
 * Which public replies a review policy holds. Every listed condition must hold; within one, any
 * listed value. A policy with no condition at all holds every public reply of the workspace.
 */
export const ReviewConditions = z.object({
  /** Replies written by these agents (e.g. trainees). */
  authorIds: z.array(Id).max(200).optional(),
  /** Replies written by members of any of these teams. */
  authorTeamIds: z.array(Id).max(50).optional(),
  /** Replies on these channel kinds. */
  channels: z.array(ChannelKind).max(10).optional(),
  /** Replies whose text contains any of these words (case-insensitive), e.g. 退款, refund. */
  keywords: z.array(z.string().trim().min(1).max(100)).max(100).optional(),
  /** Replies whose text matches this regular expression (case-insensitive). */
  pattern: z
    .string()
    .min(1)
    .max(500)
    .refine((value) => {
      try {
        new RegExp(value, 'iu');
        return true;
      } catch {
        return false;
      }
    }, 'pattern: not a valid regular expression')
    .optional(),
});
export type ReviewConditions = z.infer<typeof ReviewConditions>;

const policyFields = {
  name: z.string().trim().min(1).max(100),
  description: z.string().max(1000),
  enabled: z.boolean(),
  conditions: ReviewConditions,
  /** Agents of this team may decide the replies this policy holds (admins and supervisors always may). */
  reviewerTeamId: Id.nullable(),
};

export const ReviewPolicy = z.object({
  id: Id,
  ...policyFields,
  /** First match wins, lowest position first. */
  position: z.number().int(),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});
export type ReviewPolicy = z.infer<typeof ReviewPolicy>;

export const CreateReviewPolicyRequest = z.object({
  ...policyFields,
  description: policyFields.description.default(''),
  enabled: policyFields.enabled.default(true),
  conditions: ReviewConditions.default({}),
  reviewerTeamId: policyFields.reviewerTeamId.default(null),
});

export const UpdateReviewPolicyRequest = z
  .object(policyFields)
  .partial()
  .refine((value) => Object.keys(value).length > 0, 'nothing to update');

/** The policies' new order: every policy id of the workspace, first match first. */
export const ReorderReviewPoliciesRequest = z.object({ ids: z.array(Id).min(1).max(200) });

export const ReviewStatus = z.enum(['pending', 'approved', 'rejected']);
export type ReviewStatus = z.infer<typeof ReviewStatus>;

export const ReplyReview = z.object({
  id: Id,
  status: ReviewStatus,
  /** A conversation reply or a public ticket reply (which also goes out on the ticket's conversation). */
  subjectType: z.enum(['conversation', 'ticket']),
  conversationId: Id,
  ticketId: Id.nullable(),
  ticketNumber: z.number().int().nullable(),
  channel: ChannelKind,
  authorId: Id.nullable(),
  authorName: z.string().nullable(),
  /** What the author wrote; kept for audit when a reviewer edits it. */
  originalText: z.string(),
  /** What went (or goes) out: the original, or the reviewer's edit. */
  text: z.string(),
  edited: z.boolean(),
  attachments: z.array(Attachment),
  policyId: Id.nullable(),
  policyName: z.string(),
  /** Why the policy held it: the conditions that matched. */
  reason: z.record(z.string(), z.unknown()),
  decidedById: Id.nullable(),
  decidedByName: z.string().nullable(),
  decidedAt: Timestamp.nullable(),
  rejectionReason: z.string().nullable(),
  /** The channel message an approval sent. */
  messageId: Id.nullable(),
  createdAt: Timestamp,
});
export type ReplyReview = z.infer<typeof ReplyReview>;

export const ReviewQuery = z.object({
  status: ReviewStatus.optional(),
  conversationId: Id.optional(),
  ticketId: Id.optional(),
  /** `me`: the caller's own held replies (an author's view). */
  authorId: z.union([Id, z.literal('me')]).optional(),
});

export const ApproveReviewRequest = z.object({}).default({});
export const ApproveWithEditRequest = z.object({
  text: z.string().trim().min(1, 'the edited reply is empty').max(10_000, 'a message is at most 10,000 characters'),
});
export const RejectReviewRequest = z.object({
  reason: z.string().trim().min(1, 'say why, so the author can fix it').max(2000),
});

/** A reply that a policy held instead of sending (202 from the reply routes). */
export const HeldReply = z.object({ held: z.literal(true), review: ReplyReview });
export type HeldReply = z.infer<typeof HeldReply>;

/** `review:changed` on `/agent`: ids and status only; consoles refetch through the API. */
export interface ReviewChangedEvent {
  reviewId: string;
  status: ReviewStatus;
  conversationId: string;
  ticketId: string | null;
  authorId: string | null;
}
