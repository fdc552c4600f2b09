import { z } from 'zod';

export const Role = z.enum(['admin', 'supervisor', 'agent']);
export type Role = z.infer<typeof Role>;
export const ROLES = Role.options;

/**
 * The permission table: the one declarative place that says which role may do what.
 * Every route names one of these (or `public` / `authenticated`); the server refuses to
 * start if a route names none, and the role-matrix test is generated from this table.
 */
export const PERMISSIONS = {
  'workspace.read': ['admin', 'supervisor', 'agent'],
  'workspace.manage': ['admin'],
  'members.read': ['admin', 'supervisor', 'agent'],
  'members.manage': ['admin'],
  'teams.read': ['admin', 'supervisor', 'agent'],
  'teams.manage': ['admin', 'supervisor'],
  'tokens.manage': ['admin'],
  'audit.read': ['admin'],
  'inboxes.read': ['admin', 'supervisor', 'agent'],
  'inboxes.manage': ['admin'],
  'customers.read': ['admin', 'supervisor', 'agent'],
  'customers.manage': ['admin', 'supervisor', 'agent'],
  'customers.merge': ['admin', 'supervisor'],
  'customers.export': ['admin', 'supervisor'],
  'conversations.read': ['admin', 'supervisor', 'agent'],
  'conversations.reply': ['admin', 'supervisor', 'agent'],
  'conversations.manage': ['admin', 'supervisor', 'agent'],
  /** Reply to, resolve, reopen or reassign a conversation assigned to someone else (without it: only your own or unassigned ones). */
  'conversations.manage_others': ['admin', 'supervisor'],
  'conversations.export': ['admin', 'supervisor'],
  'presence.set': ['admin', 'supervisor', 'agent'],
  'routing.manage': ['admin', 'supervisor'],
  'canned.read': ['admin', 'supervisor', 'agent'],
  'canned.manage': ['admin', 'supervisor'],
  'dispositions.read': ['admin', 'supervisor', 'agent'],
  'dispositions.manage': ['admin', 'supervisor'],
  'wallboard.read': ['admin', 'supervisor'],
  'staffing.read': ['admin', 'supervisor'],
  /** Historical reports (docs/metrics.md) and their CSV. */
  'reports.read': ['admin', 'supervisor'],
  'knowledge.read': ['admin', 'supervisor', 'agent'],
  'knowledge.manage': ['admin', 'supervisor'],
  'calendars.read': ['admin', 'supervisor', 'agent'],
  'calendars.manage': ['admin', 'supervisor'],
  'sla.read': ['admin', 'supervisor', 'agent'],
  'sla.manage': ['admin', 'supervisor'],
  'tickets.read': ['admin', 'supervisor', 'agent'],
  'tickets.manage': ['admin', 'supervisor', 'agent'],
  /** Every ticket of the workspace; without it an agent sees their teams' tickets and those assigned to or created by them. */
  'tickets.read_all': ['admin', 'supervisor'],
  /** Define custom ticket fields and ticket forms. */
  'tickets.configure': ['admin'],
  /** See automations, dry-run them and read their execution log. */
  'automations.read': ['admin', 'supervisor'],
  'automations.manage': ['admin'],
  /** Create and change the workspace's shared ticket views and macros (personal ones need only tickets.manage). */
  'tickets.share': ['admin', 'supervisor'],
  /** See and work callback tasks (回访): without callbacks.read_all, an agent's own and their teams' ones. */
  'callbacks.read': ['admin', 'supervisor', 'agent'],
  'callbacks.manage': ['admin', 'supervisor', 'agent'],
  /** Every callback task of the workspace, and acting on anyone's. */
  'callbacks.read_all': ['admin', 'supervisor'],
  /** Which events create callback tasks, and their default due times. */
  'callbacks.configure': ['admin', 'supervisor'],
  /** See held replies (an agent: their own, and those their reviewer team may decide). */
  'reviews.read': ['admin', 'supervisor', 'agent'],
  /** Approve, edit or reject a held reply (an agent only as a member of the policy's reviewer team). */
  'reviews.decide': ['admin', 'supervisor', 'agent'],
  /** Define the review policies. */
  'reviews.manage': ['admin'],
} as const satisfies Record<string, readonly Role[]>;

export type Permission = keyof typeof PERMISSIONS;

/** Routes that need no workspace membership. */
export type RouteAccess = Permission | 'public' | 'authenticated';

export function roleHas(role: Role, permission: Permission): boolean {
  return (PERMISSIONS[permission] as readonly Role[]).includes(role);
}
