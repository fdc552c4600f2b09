import {
  fieldIssues,
  ticketFieldValueSchema,
  ticketFieldValuesSchema,
  type StaleField,
  type TicketFieldOption,
  type TicketFieldValues,
} from '@huiliu/contracts';

import { AppError, notFound, unprocessable } from '../../../platform/errors.js';
import type { Executor } from '../../users/service.js';
import { getForm, listFields, type TicketFieldRow } from './service.js';

/** A field write the definitions refuse: 400 naming each field, nothing stored. */
function invalidFields(issues: { field: string; message: string }[]) {
  const text = issues.map((issue) => `${issue.field}: ${issue.message}`).join('; ');
  return new AppError(400, 'invalid_fields', `invalid ticket fields: ${text}`, issues);
}

export interface FieldWrite {
  workspaceId: string;
  /** The form in force after the write (null: no form, nothing required). */
  formId: string | null;
  /** The values sent (a patch: only these keys change). */
  values: Record<string, unknown>;
  /** The values already stored (kept as they are for keys not written). */
  stored: TicketFieldValues;
  /** Check every required field of the form (creating, or choosing another form); else only that none is cleared. */
  checkAllRequired: boolean;
}

/**
 * Validates a write against the CURRENT active definitions, with the zod schema built by the
 * contracts (the console runs the same one), and returns the values to store. Stored values of
 * keys not written are kept even if their definition changed or went away.
 */
export async function validateFieldWrite(
  db: Executor,
  write: FieldWrite,
): Promise<{ values: TicketFieldValues; written: TicketFieldRow[] }> {
  // Most tickets (chats, emails) carry no fields: no need to load the definitions.
  if (!write.formId && Object.keys(write.values).length === 0) return { values: { ...write.stored }, written: [] };
  const active = await listFields(db, write.workspaceId, false);
  let required: string[] = [];
  if (write.formId) {
    const form = await getForm(db, write.workspaceId, write.formId);
    const keyOf = new Map(active.map((field) => [field.id, field.key]));
    // An archived field on a form is not asked for any more.
    required = form.fields.filter((entry) => entry.required && keyOf.has(entry.fieldId)).map((entry) => keyOf.get(entry.fieldId)!);
  }
  const asked = write.checkAllRequired ? required : required.filter((key) => key in write.values);
  const parsed = ticketFieldValuesSchema(active, asked).safeParse(write.values);
  if (!parsed.success) throw invalidFields(fieldIssues(parsed.error));
  const values: TicketFieldValues = { ...write.stored };
  for (const [key, value] of Object.entries(parsed.data)) {
    if (value === null || value === undefined) delete values[key];
    else values[key] = value;
  }
  if (write.checkAllRequired) {
    const missing = required.filter((key) => values[key] === undefined);
    if (missing.length) throw invalidFields(missing.map((field) => ({ field, message: 'required' })));
  }
  const written = active.filter((field) => field.key in write.values);
  return { values, written };
}

/** A form chosen for a new write must be this workspace's and not archived. */
export async function assertUsableForm(db: Executor, workspaceId: string, formId: string): Promise<void> {
  const form = await getForm(db, workspaceId, formId).catch(() => {
    throw notFound('ticket form');
  });
  if (form.archivedAt) throw unprocessable(`the ticket form "${form.name}" is archived; choose another form`);
}

function optionLabels(options: TicketFieldOption[], chosen: Set<string>): string[] {
  return options.flatMap((option) => [
    ...(chosen.has(option.value) ? [option.value, option.label['zh-CN'], option.label.en] : []),
    ...optionLabels(option.children ?? [], chosen),
  ]);
}

/** The words a field's value should be found by: the value itself and, for choices, their labels in both languages. */
export function searchableText(fields: TicketFieldRow[], values: TicketFieldValues): string {
  const parts: string[] = [];
  for (const field of fields) {
    const value = values[field.key];
    if (value === undefined || value === null || typeof value === 'boolean') continue;
    if (field.type === 'dropdown' || field.type === 'multiselect' || field.type === 'cascader') {
      const chosen = new Set(Array.isArray(value) ? value : [String(value)]);
      parts.push(...optionLabels(field.options, chosen));
    } else parts.push(String(value));
  }
  return parts.join(' ');
}

/** Stored values the current definitions would refuse: shown as they are, marked as no longer defined. */
export async function staleFields(db: Executor, workspaceId: string, values: TicketFieldValues): Promise<StaleField[]> {
  const keys = Object.keys(values);
  if (keys.length === 0) return [];
  const fields = await listFields(db, workspaceId);
  const byKey = new Map(fields.map((field) => [field.key, field]));
  const stale: StaleField[] = [];
  for (const key of keys) {
    const field = byKey.get(key);
    if (!field) stale.push({ key, reason: 'field_missing', message: 'this field is no longer defined' });
    else if (field.archivedAt) stale.push({ key, reason: 'field_archived', message: 'this field is archived' });
    else {
      const checked = ticketFieldValueSchema(field).safeParse(values[key]);
      if (!checked.success)
        stale.push({ key, reason: 'not_valid', message: `no longer valid: ${checked.error.issues[0]?.message ?? 'invalid'}` });
    }
  }
  return stale;
}
