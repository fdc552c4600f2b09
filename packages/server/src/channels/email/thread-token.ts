import { constantTimeEqual, type SecretBox } from '../../platform/secrets.js';

/**
 * The token every reply's subject carries, `[#<number>-<mac>]`: the number is for people, the
 * MAC (48 bits of an HMAC of the conversation id under the server's key) is what lets a reply
 * whose headers were stripped find its conversation. Conversation numbers are sequential, so a
 * number alone would let anyone write themselves into another customer's thread.
 */
const TOKEN = /\[#(\d{1,15})-([0-9a-f]{12})\]/i;
/** Any token-like mention, including the bare `[#123]` Huiliu used to send. */
const MENTION = /\[#(\d{1,15})(?:-[0-9a-z]*)?\]/i;
/** Strips every token from a subject before a new one is added. */
export const ANY_TOKEN = /\s*\[#\d{1,15}(?:-[0-9a-z]*)?\]\s*/gi;

function macOf(secrets: SecretBox, conversationId: string): string {
  return secrets.mac('email-thread', conversationId).subarray(0, 6).toString('hex');
}

export function threadToken(secrets: SecretBox, conversation: { id: string; number: number }): string {
  return `[#${conversation.number}-${macOf(secrets, conversation.id)}]`;
}

/** The conversation number a subject mentions, and the MAC beside it when it has the signed form. */
export function tokenInSubject(subject: string): { number: number; mac: string | null } | null {
  const signed = subject.match(TOKEN);
  if (signed) return { number: Number(signed[1]), mac: signed[2]!.toLowerCase() };
  const mention = subject.match(MENTION);
  return mention ? { number: Number(mention[1]), mac: null } : null;
}

export function tokenMatches(secrets: SecretBox, conversationId: string, mac: string): boolean {
  return constantTimeEqual(macOf(secrets, conversationId), mac.toLowerCase());
}
