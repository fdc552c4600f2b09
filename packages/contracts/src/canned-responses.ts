import { z } from 'zod';
import { Id, Timestamp } from './common.js';

/**
 * Canned responses (快捷回复): text an agent inserts by typing `/` and its shortcut. The text may
 * hold variables such as `{{customer.name}}`, filled in for the conversation at hand.
 */

/** What a shortcut may look like: no spaces or slashes, stored lower-cased; Chinese is fine. */
export const CannedShortcut = z
  .string()
  .trim()
  .min(1)
  .max(32)
  .regex(/^[^\s/{}]+$/u, 'no spaces, slashes or braces, e.g. greeting or 问候')
  .transform((value) => value.toLowerCase());

export const CannedResponse = z.object({
  id: Id,
  shortcut: z.string(),
  title: z.string(),
  text: z.string(),
  /** Only this team's members see it (admins and supervisors see all); null: everyone. */
  teamId: Id.nullable(),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});
export type CannedResponse = z.infer<typeof CannedResponse>;

export const CreateCannedResponseRequest = z.object({
  shortcut: CannedShortcut,
  title: z.string().trim().min(1).max(100),
  text: z.string().trim().min(1).max(5000),
  teamId: Id.nullable().default(null),
});

export const UpdateCannedResponseRequest = z
  .object({
    shortcut: CannedShortcut,
    title: z.string().trim().min(1).max(100),
    text: z.string().trim().min(1).max(5000),
    teamId: Id.nullable(),
  })
  .partial()
  .refine((value) => Object.keys(value).length > 0, 'nothing to update');

export const CannedResponseQuery = z.object({
  q: z.string().max(100).optional().describe('Search shortcut, title and text'),
  teamId: Id.optional().describe('Only this team’s responses (and the ones for everyone)'),
});

export const RenderCannedResponseRequest = z.object({ conversationId: Id });

export const RenderedCannedResponse = z.object({
  text: z.string(),
  /** Variables in the text that Huiliu does not know; they are left in the text as written. */
  unknownVariables: z.array(z.string()),
});

export * from './canned-text.js';
