// Kept apart from the zod schemas so that browser bundles can use it without zod.
import { fillVariables } from './canned-text.js';

/** The variables a macro's reply or note may use; the server fills them per ticket. */
export const MACRO_VARIABLES = [
  'ticket.number',
  'ticket.subject',
  'ticket.status',
  'ticket.priority',
  'requester.name',
  'requester.email',
  'requester.phone',
  'agent.name',
  'agent.email',
  'workspace.name',
] as const;
export type MacroVariable = (typeof MACRO_VARIABLES)[number];
export type MacroValues = Partial<Record<MacroVariable, string | number | null | undefined>>;

/** Same rules as canned responses: known variables without a value become empty, unknown ones stay as written. */
export function renderMacroText(text: string, values: MacroValues) {
  return fillVariables(text, MACRO_VARIABLES, values);
}
