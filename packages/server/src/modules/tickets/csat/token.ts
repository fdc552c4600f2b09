import type { SecretBox } from '../../../platform/secrets.js';
import { constantTimeEqual } from '../../../platform/secrets.js';

/** How long the rating link in a solved email works. */
export const CSAT_LINK_DAYS = 30;

const TOKEN = /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\.([0-9]{1,12})\.([A-Za-z0-9_-]{43})$/;

const signed = (workspaceId: string, ticketId: string, expires: number) => `${workspaceId}:${ticketId}:${expires}`;

/**
 * The rating link's token: ticket id, expiry (Unix seconds) and an HMAC of both and the
 * workspace under the server's key. Nothing is stored for it: it cannot be guessed or altered
 * without the key, and the ticket's single rating column makes it single-use.
 */
export function csatToken(secrets: SecretBox, ticket: { id: string; workspaceId: string }, now: Date): string {
  const expires = Math.floor(now.getTime() / 1000) + CSAT_LINK_DAYS * 86_400;
  const mac = secrets.mac('ticket-csat', signed(ticket.workspaceId, ticket.id, expires)).toString('base64url');
  return `${ticket.id}.${expires}.${mac}`;
}

export type CsatTokenCheck = { ok: true; ticketId: string; expiresAt: Date } | { ok: false; reason: 'invalid' | 'expired' };

/** Checks a token for this workspace's help center, in constant time; the expiry is judged only once the signature holds. */
export function checkCsatToken(secrets: SecretBox, workspaceId: string, token: string, now: Date): CsatTokenCheck {
  const match = TOKEN.exec(token);
  if (!match) return { ok: false, reason: 'invalid' };
  const [, ticketId, expiresText, mac] = match;
  const expires = Number(expiresText);
  const expected = secrets.mac('ticket-csat', signed(workspaceId, ticketId!, expires)).toString('base64url');
  if (!constantTimeEqual(mac!, expected)) return { ok: false, reason: 'invalid' };
  if (expires * 1000 <= now.getTime()) return { ok: false, reason: 'expired' };
  return { ok: true, ticketId: ticketId!, expiresAt: new Date(expires * 1000) };
}
