import type {
  CreateTicketFieldRequest,
  CreateTicketFormRequest,
  TicketField,
  TicketForm,
  UpdateTicketFieldRequest,
  UpdateTicketFormRequest,
} from '@huiliu/contracts';
import { and, asc, eq, inArray, isNotNull, isNull, sql } from 'drizzle-orm';
import type { z } from 'zod';
import { AppError, notFound, unprocessable } from '../../../platform/errors.js';
import type { Executor } from '../../users/service.js';
import { ticketFields, ticketForms } from './schema.js';

export type TicketFieldRow = typeof ticketFields.$inferSelect;
export type TicketFormRow = typeof ticketForms.$inferSelect;

export function fieldView(row: TicketFieldRow): TicketField {
  return {
    id: row.id,
    key: row.key,
    type: row.type,
    label: row.label,
    options: row.options,
    pattern: row.pattern,
    visibleToCustomer: row.visibleToCustomer,
    archived: row.archivedAt !== null,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

export function formView(row: TicketFormRow): TicketForm {
  return {
    id: row.id,
    name: row.name,
    fields: row.fields,
    archived: row.archivedAt !== null,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

const archivedFilter = (column: typeof ticketFields.archivedAt | typeof ticketForms.archivedAt, archived?: boolean) =>
  archived === undefined ? undefined : archived ? isNotNull(column) : isNull(column);

export function listFields(db: Executor, workspaceId: string, archived?: boolean) {
  return db
    .select()
    .from(ticketFields)
    .where(and(eq(ticketFields.workspaceId, workspaceId), archivedFilter(ticketFields.archivedAt, archived)))
    .orderBy(asc(ticketFields.createdAt), asc(ticketFields.id));
}

export async function getField(db: Executor, workspaceId: string, id: string): Promise<TicketFieldRow> {
  const [row] = await db
    .select()
    .from(ticketFields)
    .where(and(eq(ticketFields.workspaceId, workspaceId), eq(ticketFields.id, id)));
  if (!row) throw notFound('ticket field');
  return row;
}

export async function createField(db: Executor, workspaceId: string, input: CreateTicketFieldRequest) {
  const [existing] = await db
    .select({ id: ticketFields.id })
    .from(ticketFields)
    .where(and(eq(ticketFields.workspaceId, workspaceId), eq(ticketFields.key, input.key)));
  // An archived field still owns its key: its values on old tickets are read by it.
  if (existing) throw new AppError(409, 'conflict', `a ticket field with the key "${input.key}" already exists (perhaps archived)`);
  const [row] = await db
    .insert(ticketFields)
    .values({ workspaceId, ...input, pattern: input.type === 'regex' ? input.pattern : null })
    .returning();
  return row!;
}

export async function updateField(db: Executor, workspaceId: string, id: string, change: z.infer<typeof UpdateTicketFieldRequest>) {
  const current = await getField(db, workspaceId, id);
  const choices = ['dropdown', 'multiselect', 'cascader'].includes(current.type);
  if (change.options && !choices) throw unprocessable(`a ${current.type} field has no options`);
  if (change.options && choices && change.options.length === 0) throw unprocessable(`a ${current.type} field needs options`);
  if (change.options && current.type !== 'cascader' && change.options.some((option) => option.children?.length))
    throw unprocessable('only a cascader field has nested options');
  if (change.pattern !== undefined && current.type !== 'regex') throw unprocessable('only a regex field has a pattern');
  const { archived, ...rest } = change;
  const [row] = await db
    .update(ticketFields)
    .set({
      ...rest,
      ...(archived === undefined ? {} : { archivedAt: archived ? (current.archivedAt ?? sql`now()`) : null }),
      updatedAt: sql`now()`,
    })
    .where(eq(ticketFields.id, current.id))
    .returning();
  return { before: current, after: row! };
}

export function listForms(db: Executor, workspaceId: string, archived?: boolean) {
  return db
    .select()
    .from(ticketForms)
    .where(and(eq(ticketForms.workspaceId, workspaceId), archivedFilter(ticketForms.archivedAt, archived)))
    .orderBy(asc(ticketForms.createdAt), asc(ticketForms.id));
}

export async function getForm(db: Executor, workspaceId: string, id: string): Promise<TicketFormRow> {
  const [row] = await db
    .select()
    .from(ticketForms)
    .where(and(eq(ticketForms.workspaceId, workspaceId), eq(ticketForms.id, id)));
  if (!row) throw notFound('ticket form');
  return row;
}

/** Every field a form lists is this workspace's; another workspace's id is "not found". */
async function assertFormFields(db: Executor, workspaceId: string, fields: { fieldId: string }[], previous: { fieldId: string }[] = []) {
  if (fields.length === 0) return;
  const rows = await db
    .select({ id: ticketFields.id, key: ticketFields.key, archivedAt: ticketFields.archivedAt })
    .from(ticketFields)
    .where(
      and(
        eq(ticketFields.workspaceId, workspaceId),
        inArray(
          ticketFields.id,
          fields.map((field) => field.fieldId),
        ),
      ),
    );
  if (rows.length !== new Set(fields.map((field) => field.fieldId)).size) throw notFound('ticket field');
  // An archived field may stay on a form it was on, but is not added to one.
  const added = rows.find((row) => row.archivedAt && !previous.some((field) => field.fieldId === row.id));
  if (added) throw unprocessable(`the field "${added.key}" is archived; restore it before adding it to a form`);
}

export async function createForm(db: Executor, workspaceId: string, input: z.infer<typeof CreateTicketFormRequest>) {
  await assertFormFields(db, workspaceId, input.fields);
  const [row] = await db.insert(ticketForms).values({ workspaceId, name: input.name, fields: input.fields }).returning();
  return row!;
}

export async function updateForm(db: Executor, workspaceId: string, id: string, change: z.infer<typeof UpdateTicketFormRequest>) {
  const current = await getForm(db, workspaceId, id);
  if (change.fields) await assertFormFields(db, workspaceId, change.fields, current.fields);
  const { archived, ...rest } = change;
  const [row] = await db
    .update(ticketForms)
    .set({
      ...rest,
      ...(archived === undefined ? {} : { archivedAt: archived ? (current.archivedAt ?? sql`now()`) : null }),
      updatedAt: sql`now()`,
    })
    .where(eq(ticketForms.id, current.id))
    .returning();
  return { before: current, after: row! };
}
