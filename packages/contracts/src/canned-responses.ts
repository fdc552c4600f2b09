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

/** The variables a canned response may use. */
export const CANNED_VARIABLES = [
  'customer.name',
  'customer.email',
  'customer.phone',
  'agent.name',
  'agent.email',
  'conversation.id',
  'conversation.number',
  'workspace.name',
] as const;
export type CannedVariable = (typeof CANNED_VARIABLES)[number];
export type CannedValues = Partial<Record<CannedVariable, string | number | null | undefined>>;

const VARIABLE = /\{\{\s*([A-Za-z_][\w]*(?:\.[A-Za-z_][\w]*)*)\s*\}\}/g;

/**
 * Fills a canned response's variables. Known variables without a value become empty; unknown
 * ones stay exactly as written, so the agent sees them before sending. Pure: the console may
 * render on its own with the values it has, and the server renders the same way.
 */
export function renderCannedText(text: string, values: CannedValues): { text: string; unknownVariables: string[] } {
  const unknown = new Set<string>();
  const rendered = text.replace(VARIABLE, (whole, name: string) => {
    if (!(CANNED_VARIABLES as readonly string[]).includes(name)) {
      unknown.add(name);
      return whole;
    }
    const value = values[name as CannedVariable];
    return value === null || value === undefined ? '' : String(value);
  });
  return { text: rendered, unknownVariables: [...unknown] };
}
