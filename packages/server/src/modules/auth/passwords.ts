import { hash, verify } from '@node-rs/argon2';

// argon2id with the library defaults (19 MiB, t=2, p=1): OWASP's minimum recommendation.
export function hashPassword(password: string): Promise<string> {
  return hash(password);
}

/** A valid hash of a random password, so a login for an unknown email costs the same time. */
const dummyHash = hash('no-such-user-dummy-password');

export async function verifyPassword(passwordHash: string | undefined, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash ?? (await dummyHash), password);
  } catch {
    return false;
  }
}
