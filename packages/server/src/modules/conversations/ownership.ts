import { roleHas } from '@huiliu/contracts';
import { forbidden } from '../../platform/errors.js';
import type { MemberContext } from '../auth/access.js';

/**
 * A member without `conversations.manage_others` acts only on conversations that are theirs or
 * nobody's: one agent cannot answer, close or take over a colleague's customer. Checked on the
 * locked row, so an assignment racing the request cannot slip between check and change.
 */
export function assertMayHandle(member: MemberContext, conversation: { assigneeId: string | null }): void {
  if (roleHas(member.role, 'conversations.manage_others')) return;
  if (conversation.assigneeId === null || (member.userId !== null && conversation.assigneeId === member.userId)) return;
  throw forbidden('this conversation is assigned to a colleague; ask them or a supervisor to transfer it to you');
}
