import type { PERMISSIONS } from '@huiliu/contracts';
import type { Role } from '../lib/api';

/**
 * Who may create and change shared views and macros, copied from the contracts' table because
 * the console bundles no zod: `satisfies` turns any drift from that table into a type error.
 */
const SHARE_ROLES = ['admin', 'supervisor'] as const satisfies (typeof PERMISSIONS)['tickets.share'];

export function mayShare(role: Role): boolean {
  return (SHARE_ROLES as readonly Role[]).includes(role);
}
