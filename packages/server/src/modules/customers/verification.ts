import { randomInt } from 'node:crypto';
import { and, desc, eq, gt, isNull, lt, sql } from 'drizzle-orm';
import type { Database } from '../../platform/db/pool.js';
import { AppError } from '../../platform/errors.js';
import type { OutgoingMail } from '../../platform/mailer.js';
import { constantTimeEqual, type SecretBox } from '../../platform/secrets.js';
import { mergeCustomers } from './merge.js';
import { identityVerificationCodes } from './schema.js';
import { addClaim, addIdentity, findCustomerIdByIdentity, normaliseIdentity } from './service.js';

/** How long a code is good for, and how many guesses it allows (a 6-digit code: 5 in a million). */
export const CODE_TTL_MINUTES = 10;
export const MAX_ATTEMPTS = 5;
/** Codes one customer may ask for in a quarter of an hour… */
export const CODES_PER_CUSTOMER = 3;
/** …and one address may receive in an hour, whoever asks: nobody mail-bombs a stranger through us. */
export const CODES_PER_ADDRESS = 5;

export interface VerificationDeps {
  db: Database;
  secrets: SecretBox;
  /** Sends the code; resolves false when the server has no way to send mail. */
  send(mail: OutgoingMail): Promise<boolean>;
}

interface Claimant {
  workspaceId: string;
  customerId: string;
}

const PURPOSE = 'identity-code';
const codeHash = (secrets: SecretBox, codeId: string, code: string) => secrets.mac(PURPOSE, `${codeId}:${code}`).toString('hex');

function codeMail(to: string, code: string): OutgoingMail {
  return {
    to,
    subject: `验证码 ${code} · Your verification code`,
    text: [
      `您的验证码是 ${code}，${CODE_TTL_MINUTES} 分钟内有效。请在聊天窗口中输入它，以确认这个邮箱属于您。`,
      '如果不是您本人操作，请忽略这封邮件。',
      '',
      `Your verification code is ${code}. It is valid for ${CODE_TTL_MINUTES} minutes: type it in the chat window to confirm this address is yours.`,
      'If you did not ask for it, ignore this mail.',
    ].join('\n'),
  };
}

const tooMany = (message: string, retryAfterSeconds: number) =>
  new AppError(429, 'too_many_codes', message, undefined, { 'retry-after': String(retryAfterSeconds) });

/**
 * Sends a one-time code to an address the customer says is theirs. Asking records the claim;
 * a newer code replaces an older one. Counted under a per-customer lock, so parallel requests
 * cannot exceed the limits.
 */
export async function requestIdentityCode(deps: VerificationDeps, who: Claimant, input: { kind: 'email'; value: string }) {
  const value = normaliseIdentity('email', input.value);
  if ((await findCustomerIdByIdentity(deps.db, who.workspaceId, 'email', value)) === who.customerId)
    throw new AppError(409, 'already_verified', 'this address is already verified for you');
  const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
  const row = await deps.db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`identity-code:${who.customerId}`}))`);
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`identity-code:${who.workspaceId}:${value}`}))`);
    const [mine] = await tx
      .select({ count: sql<number>`count(*)::int` })
      .from(identityVerificationCodes)
      .where(
        and(
          eq(identityVerificationCodes.customerId, who.customerId),
          gt(identityVerificationCodes.createdAt, sql`now() - interval '15 minutes'`),
        ),
      );
    if ((mine?.count ?? 0) >= CODES_PER_CUSTOMER) throw tooMany('you asked for several codes already; wait a few minutes', 900);
    const [theirs] = await tx
      .select({ count: sql<number>`count(*)::int` })
      .from(identityVerificationCodes)
      .where(
        and(
          eq(identityVerificationCodes.workspaceId, who.workspaceId),
          eq(identityVerificationCodes.kind, 'email'),
          eq(identityVerificationCodes.value, value),
          gt(identityVerificationCodes.createdAt, sql`now() - interval '1 hour'`),
        ),
      );
    if ((theirs?.count ?? 0) >= CODES_PER_ADDRESS) throw tooMany('this address received several codes already; try again later', 3600);
    await addClaim(tx, who.workspaceId, who.customerId, { kind: 'email', value, source: 'code_request' });
    await tx
      .update(identityVerificationCodes)
      .set({ consumedAt: sql`now()` })
      .where(
        and(
          eq(identityVerificationCodes.customerId, who.customerId),
          eq(identityVerificationCodes.value, value),
          isNull(identityVerificationCodes.consumedAt),
        ),
      );
    const [created] = await tx
      .insert(identityVerificationCodes)
      .values({
        workspaceId: who.workspaceId,
        customerId: who.customerId,
        kind: 'email',
        value,
        codeHash: 'pending',
        expiresAt: sql`now() + make_interval(mins => ${CODE_TTL_MINUTES})`,
      })
      .returning();
    // The hash binds the code to its row: a leaked table gives no code usable elsewhere.
    await tx
      .update(identityVerificationCodes)
      .set({ codeHash: codeHash(deps.secrets, created!.id, code) })
      .where(eq(identityVerificationCodes.id, created!.id));
    return created!;
  });
  let sent = false;
  try {
    sent = await deps.send(codeMail(value, code));
  } catch {
    throw new AppError(503, 'verification_unavailable', 'the code could not be sent just now; try again in a moment');
  } finally {
    // A code that never left is no code: it must not count as outstanding.
    if (!sent)
      await deps.db
        .update(identityVerificationCodes)
        .set({ consumedAt: sql`now()` })
        .where(eq(identityVerificationCodes.id, row.id));
  }
  if (!sent) throw new AppError(503, 'verification_unavailable', 'this server cannot send email (SMTP_URL is not configured)');
  return { sentTo: value, expiresAt: row.expiresAt.toISOString() };
}

/**
 * Checks a code. Each guess is counted in the statement that admits it, so no burst of guesses
 * gets past the limit. The right code turns the claim into an identity proven by `otp`; when the
 * address already belongs to another customer, the claimant has now proven they are that
 * customer and is merged into them — only then.
 */
export async function verifyIdentityCode(
  deps: VerificationDeps,
  who: Claimant,
  input: { kind: 'email'; value: string; code: string },
): Promise<{ customerId: string; merged: boolean }> {
  const value = normaliseIdentity('email', input.value);
  const [latest] = await deps.db
    .select()
    .from(identityVerificationCodes)
    .where(and(eq(identityVerificationCodes.customerId, who.customerId), eq(identityVerificationCodes.value, value)))
    .orderBy(desc(identityVerificationCodes.createdAt))
    .limit(1);
  if (!latest) throw new AppError(400, 'no_code', 'ask for a code for this address first');
  const [counted] = await deps.db
    .update(identityVerificationCodes)
    .set({ attempts: sql`${identityVerificationCodes.attempts} + 1` })
    .where(
      and(
        eq(identityVerificationCodes.id, latest.id),
        isNull(identityVerificationCodes.consumedAt),
        lt(identityVerificationCodes.attempts, MAX_ATTEMPTS),
        gt(identityVerificationCodes.expiresAt, sql`now()`),
      ),
    )
    .returning();
  if (!counted) {
    // Read again: a parallel guess may have used up the attempts since the look-up above.
    const [now] = await deps.db.select().from(identityVerificationCodes).where(eq(identityVerificationCodes.id, latest.id));
    const current = now ?? latest;
    if (current.attempts >= MAX_ATTEMPTS) throw new AppError(429, 'too_many_attempts', 'too many wrong codes; ask for a new code');
    if (current.consumedAt) throw new AppError(400, 'code_used', 'this code was used or replaced; ask for a new code');
    throw new AppError(400, 'code_expired', `the code is older than ${CODE_TTL_MINUTES} minutes; ask for a new code`);
  }
  if (!constantTimeEqual(codeHash(deps.secrets, counted.id, input.code), counted.codeHash)) {
    const attemptsLeft = MAX_ATTEMPTS - counted.attempts;
    throw new AppError(400, 'code_invalid', 'the code is not right; check the mail', { attemptsLeft });
  }
  return deps.db.transaction(async (tx) => {
    const [used] = await tx
      .update(identityVerificationCodes)
      .set({ consumedAt: sql`now()` })
      .where(and(eq(identityVerificationCodes.id, counted.id), isNull(identityVerificationCodes.consumedAt)))
      .returning({ id: identityVerificationCodes.id });
    if (!used) throw new AppError(400, 'code_used', 'this code was used or replaced; ask for a new code');
    const owner = await addIdentity(tx, who.workspaceId, who.customerId, { kind: 'email', value, verifiedVia: 'otp' });
    if (owner === who.customerId) return { customerId: owner, merged: false };
    await mergeCustomers(tx, who.workspaceId, { sourceId: who.customerId, targetId: owner });
    return { customerId: owner, merged: true };
  });
}
