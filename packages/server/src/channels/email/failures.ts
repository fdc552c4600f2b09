import pg from 'pg';

/**
 * SQLSTATE classes about the moment rather than the message (connection lost, serialization or
 * deadlock, out of resources, lock not available, shutting down, system I/O, internal): the
 * same message may well be stored on the next try.
 */
const TRANSIENT_SQLSTATE_CLASSES = new Set(['08', '40', '53', '55', '57', '58', 'XX']);

/**
 * Why storing a message failed for good, or null when trying again may succeed. A permanent
 * failure would fail the same way on every try and, on IMAP, hold up every later message of
 * the mailbox, so it is kept as a failed import instead: the database refusing the message's
 * data (a value it cannot hold, a limit, a constraint), or our code not coping with it.
 */
export function permanentFailure(error: unknown): string | null {
  let current: unknown = error;
  for (let depth = 0; current && depth < 5; depth += 1) {
    if (current instanceof pg.DatabaseError && current.code)
      return TRANSIENT_SQLSTATE_CLASSES.has(current.code.slice(0, 2))
        ? null
        : `the database refused it (${current.code}): ${current.message}`;
    current = (current as { cause?: unknown }).cause;
  }
  if (error instanceof TypeError || error instanceof RangeError) return `it could not be processed: ${error.message}`;
  return null;
}
