import { createHmac } from 'node:crypto';
import { AppError } from '../../platform/errors.js';
import { constantTimeEqual } from '../../platform/secrets.js';

export interface SignedIdentity {
  userId: string;
  timestamp: number;
  signature: string;
}

/** Allowed clock difference between the host site's server and ours, for future timestamps. */
const CLOCK_SKEW_SECONDS = 60;

export function signIdentity(secret: string, userId: string, timestamp: number): string {
  return createHmac('sha256', secret).update(`${userId}${timestamp}`).digest('hex');
}

/**
 * Checks the host site's signature HMAC-SHA256(secret, userId + timestamp) in constant time,
 * and that it is fresh: a copied signature stops working after `maxAgeSeconds`.
 */
export function verifyIdentity(
  secret: string,
  identity: SignedIdentity,
  maxAgeSeconds: number,
  nowSeconds = Math.floor(Date.now() / 1000),
): void {
  const expected = signIdentity(secret, identity.userId, identity.timestamp);
  if (!constantTimeEqual(expected, identity.signature.toLowerCase())) {
    throw new AppError(401, 'identity_invalid', 'the identity signature does not match; sign userId + timestamp with the inbox secret');
  }
  const age = nowSeconds - identity.timestamp;
  if (age > maxAgeSeconds || age < -CLOCK_SKEW_SECONDS) {
    throw new AppError(
      401,
      'identity_expired',
      `the identity signature is older than ${maxAgeSeconds} seconds (or from the future); sign it again`,
    );
  }
}
