import { dictionary } from '@zxcvbn-ts/language-common';
import { AppError } from '../../platform/errors.js';

/**
 * The ~50,000 most common passwords of public breach corpora, as zxcvbn-ts ships and maintains
 * them (MIT). Only the length check lives in the contracts: this list stays out of the browser bundles.
 */
const COMMON = new Set(dictionary['passwords-common'].map((password) => password.toLowerCase()));

/** Lower case with spaces, dots, dashes and underscores gone: "Wang.Lei 2024" and "wanglei2024" compare alike. */
const squeeze = (value: string) => value.toLowerCase().replace(/[\s._-]+/g, '');

/** Parts of the user's identity too short to matter on their own are ignored (a two-letter name is in many words). */
const MIN_IDENTITY_PART = 4;

/** Why the password is refused, or null. The length is checked by the contracts' `Password` schema already. */
export function passwordProblem(password: string, user: { email: string; name?: string }): string | null {
  const squeezed = squeeze(password);
  if (COMMON.has(password.toLowerCase()) || COMMON.has(squeezed)) {
    return 'this password is one of the most common ones and is guessed first; choose another';
  }
  const email = user.email.toLowerCase();
  const local = email.split('@')[0] ?? '';
  // Whole and in words: "xiaoming wang 88" describes Wang Xiaoming as much as "wangxiaoming" does.
  const words = `${local} ${user.name ?? ''}`.split(/[\s._+-]+/);
  const identity = [email, local, user.name ?? '', ...words].map(squeeze).filter((part) => part.length >= MIN_IDENTITY_PART);
  if (identity.some((part) => squeezed.includes(part))) return 'the password must not contain your email address or name';
  return null;
}

/** Refuses a new password that breaks the policy, with a 400 that says why. */
export function assertPasswordAllowed(password: string, user: { email: string; name?: string }): void {
  const problem = passwordProblem(password, user);
  if (problem) throw new AppError(400, 'weak_password', problem);
}
