import type { CreateMacroRequest, Macro, MacroAction, UpdateMacroRequest } from '@huiliu/contracts';
import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import { AppError, notFound } from '../../../platform/errors.js';
import type { MemberContext } from '../../auth/access.js';
import type { Executor } from '../../users/service.js';
import { ticketFields } from '../fields/schema.js';
import { assertReferences } from '../references.js';
import { assertMayOwn, readableBy } from './ownership.js';
import { ticketMacros } from './schema.js';

export type MacroRow = typeof ticketMacros.$inferSelect;

export function macroView(row: MacroRow): Macro {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    shared: row.ownerId === null,
    ownerId: row.ownerId,
    actions: row.actions,
    archived: row.archived,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

/**
 * What a macro names must be this workspace's (another's agent or team is "not found"); field
 * keys must be defined. Values are checked per ticket when applied, against the definitions then.
 */
export async function assertUsableActions(db: Executor, workspaceId: string, actions: MacroAction[]): Promise<void> {
  for (const action of actions) {
    if (action.type === 'assignee' && action.assigneeId && action.assigneeId !== 'me')
      await assertReferences(db, workspaceId, { assigneeId: action.assigneeId });
    if (action.type === 'team' && action.teamId) await assertReferences(db, workspaceId, { teamId: action.teamId });
  }
  const keys = [...new Set(actions.flatMap((action) => (action.type === 'field' ? [action.key] : [])))];
  if (keys.length) {
    const rows = await db
      .select({ key: ticketFields.key })
      .from(ticketFields)
      .where(and(eq(ticketFields.workspaceId, workspaceId), inArray(ticketFields.key, keys)));
    const missing = keys.filter((key) => !rows.some((row) => row.key === key));
    if (missing.length)
      throw new AppError(400, 'unknown_field', `no ticket field with the key ${missing.join(', ')}; define it under ticket fields first`, {
        fields: missing,
      });
  }
}

export async function getMacro(db: Executor, member: MemberContext, id: string, lock = false): Promise<MacroRow> {
  const query = db
    .select()
    .from(ticketMacros)
    .where(and(readableBy(member, ticketMacros), eq(ticketMacros.id, id)));
  const [row] = lock ? await query.for('update') : await query;
  if (!row) throw notFound('macro');
  return row;
}

/** Shared macros first, then the member's own, by name. */
export function listMacros(db: Executor, member: MemberContext, archived?: boolean) {
  return db
    .select()
    .from(ticketMacros)
    .where(and(readableBy(member, ticketMacros), archived === undefined ? undefined : eq(ticketMacros.archived, archived)))
    .orderBy(sql`${ticketMacros.ownerId} is not null`, asc(ticketMacros.name), asc(ticketMacros.id));
}

export async function createMacro(db: Executor, member: MemberContext, input: CreateMacroRequest) {
  // Another workspace's ids are a 404 before anything else is judged.
  await assertUsableActions(db, member.workspaceId, input.actions);
  assertMayOwn(member, input.shared);
  const [row] = await db
    .insert(ticketMacros)
    .values({
      workspaceId: member.workspaceId,
      name: input.name,
      description: input.description,
      ownerId: input.shared ? null : member.userId,
      actions: input.actions,
    })
    .returning();
  return row!;
}

export async function updateMacro(db: Executor, member: MemberContext, id: string, change: UpdateMacroRequest) {
  const current = await getMacro(db, member, id, true);
  assertMayOwn(member, current.ownerId === null);
  if (change.shared !== undefined) assertMayOwn(member, change.shared);
  if (change.actions) await assertUsableActions(db, member.workspaceId, change.actions);
  const [row] = await db
    .update(ticketMacros)
    .set({
      ...(change.name !== undefined && { name: change.name }),
      ...(change.description !== undefined && { description: change.description }),
      ...(change.actions !== undefined && { actions: change.actions }),
      ...(change.archived !== undefined && { archived: change.archived }),
      ...(change.shared !== undefined && { ownerId: change.shared ? null : member.userId }),
      updatedAt: sql`now()`,
    })
    .where(eq(ticketMacros.id, current.id))
    .returning();
  return { before: current, after: row! };
}

/** A macro to apply: usable by the member and not archived. */
export async function usableMacro(db: Executor, member: MemberContext, id: string): Promise<MacroRow> {
  const macro = await getMacro(db, member, id);
  if (macro.archived) throw new AppError(422, 'macro_archived', `the macro “${macro.name}” is archived; restore it or choose another`);
  return macro;
}
