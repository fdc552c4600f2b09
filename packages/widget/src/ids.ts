/**
 * A client message id: the server's idempotency key, so a resend after a timeout or a
 * reconnect stores the message once. randomUUID needs a secure context (https), hence the fallback.
 */
export function newClientMessageId(): string {
  if (typeof crypto !== 'undefined' && typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const random = new Uint8Array(16);
  if (typeof crypto !== 'undefined' && typeof crypto.getRandomValues === 'function') crypto.getRandomValues(random);
  else for (let index = 0; index < random.length; index++) random[index] = Math.floor(Math.random() * 256);
  return `c-${Date.now().toString(36)}-${Array.from(random, (byte) => byte.toString(16).padStart(2, '0')).join('')}`;
}
