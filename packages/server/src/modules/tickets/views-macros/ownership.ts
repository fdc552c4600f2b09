import { roleHas } from '@huiliu/contracts';
import { and, eq, isNull, or, type SQL } from 'drizzle-orm';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';
import { AppError, forbidden } from '../../../platform/errors.js';
import type { MemberContext } from '../../auth/access.js';

/**
 * Views and macros are shared (owner null, seen by everyone, changed with tickets.share) or
 * personal (seen and changed by their owner only; someone else's is "not found").
 */
export function readableBy(member: MemberContext, columns: { workspaceId: AnyPgColumn; ownerId: AnyPgColumn }): SQL {
  return and(
    eq(columns.workspaceId, member.workspaceId),
    member.userId ? or(isNull(columns.ownerId), eq(columns.ownerId, member.userId)) : isNull(columns.ownerId),
  )!;
}

/** May this member write a shared (owner null) or personal thing, or make it so. */
export function assertMayOwn(member: MemberContext, shared: boolean): void {
  if (shared && !roleHas(member.role, 'tickets.share'))
    throw forbidden('only admins and supervisors share views and macros with everyone; make it personal');
  if (!shared && !member.userId)
    throw new AppError(422, 'personal_needs_user', 'an API token has no personal views or macros; set shared: true');
}
