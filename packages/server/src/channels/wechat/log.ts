import { and, desc, eq, lt, sql } from 'drizzle-orm';
import type { Executor } from '../../modules/users/service.js';
import { wechatAccounts, wechatCallLog } from './schema.js';

export interface CallRecord {
  direction: 'in' | 'out';
  operation: string;
  ok: boolean;
  errcode?: number | null;
  detail?: string;
}

const SECRET_PARAMS = /([?&](?:access_token|secret|corpsecret|appsecret)=)[^&\s"]*/gi;

/** Removes credentials from anything about to be logged. */
export function redact(text: string): string {
  return text.replace(SECRET_PARAMS, '$1***').slice(0, 2000);
}

/**
 * Appends one entry to an inbox's call log (and, for a failure, remembers it as the inbox's
 * last error). Logging never fails the call it describes.
 */
export async function logCall(db: Executor, workspaceId: string, inboxId: string, record: CallRecord): Promise<void> {
  const detail = redact(record.detail ?? '');
  try {
    await db.insert(wechatCallLog).values({
      workspaceId,
      inboxId,
      direction: record.direction,
      operation: record.operation,
      ok: record.ok,
      errcode: record.errcode ?? null,
      detail,
    });
    if (!record.ok) {
      await db
        .update(wechatAccounts)
        .set({ lastError: `${record.operation}: ${detail}`.slice(0, 500), lastErrorAt: sql`now()` })
        .where(eq(wechatAccounts.inboxId, inboxId));
    }
  } catch {
    // The log is for troubleshooting; losing an entry must not lose the message.
  }
}

export async function listCallLog(db: Executor, workspaceId: string, inboxId: string, query: { limit: number; before?: number }) {
  const rows = await db
    .select()
    .from(wechatCallLog)
    .where(
      and(
        eq(wechatCallLog.workspaceId, workspaceId),
        eq(wechatCallLog.inboxId, inboxId),
        query.before ? lt(wechatCallLog.id, query.before) : undefined,
      ),
    )
    .orderBy(desc(wechatCallLog.id))
    .limit(query.limit);
  return rows.map((row) => ({
    id: row.id,
    direction: row.direction,
    operation: row.operation,
    ok: row.ok,
    errcode: row.errcode,
    detail: row.detail,
    createdAt: row.createdAt.toISOString(),
  }));
}
