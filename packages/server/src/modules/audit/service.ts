import { and, eq, type SQL } from 'drizzle-orm';
import type { FastifyRequest } from 'fastify';
import { keyset, toPage } from '../../platform/http/pagination.js';
import type { Database } from '../../platform/db/pool.js';
import type { Executor } from '../users/service.js';
import { memberOf } from '../auth/access.js';
import { auditLog } from './schema.js';

export interface AuditEvent {
  action: string;
  targetType: string;
  targetId?: string | null;
  before?: unknown;
  after?: unknown;
}

/** Secrets never reach the audit log, whatever a caller passes in. */
const REDACTED_KEYS = new Set(['password', 'passwordHash', 'token', 'tokenHash', 'secret']);

function redact(value: unknown): unknown {
  if (value === undefined || value === null) return null;
  if (Array.isArray(value)) return value.map(redact);
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([key]) => !REDACTED_KEYS.has(key))
        .map(([key, inner]) => [key, redact(inner)]),
    );
  }
  return value;
}

/** Records an admin action in the caller's transaction, so the log and the change commit together. */
export async function recordAudit(db: Executor, request: FastifyRequest, event: AuditEvent): Promise<void> {
  const member = memberOf(request);
  await db.insert(auditLog).values({
    workspaceId: member.workspaceId,
    actorUserId: member.userId,
    actorTokenId: member.tokenId,
    action: event.action,
    targetType: event.targetType,
    targetId: event.targetId ?? null,
    before: redact(event.before),
    after: redact(event.after),
    ip: request.ip,
  });
}

/**
 * One entity created, changed or removed, and recorded in the audit log, in one transaction:
 * `change` returns the entity's view before (unless created) and after (unless removed).
 */
export async function audited<Change extends { before?: { id: string }; after?: { id: string } }>(
  db: Database,
  request: FastifyRequest,
  event: { action: string; targetType: string },
  change: (tx: Executor) => Promise<Change>,
): Promise<Change> {
  return db.transaction(async (tx) => {
    const changed = await change(tx);
    const { before, after } = changed;
    await recordAudit(tx, request, { ...event, targetId: (after ?? before)?.id, before, after });
    return changed;
  });
}

export async function listAudit(
  db: Executor,
  workspaceId: string,
  query: { cursor?: string; limit: number; action?: string; targetType?: string },
) {
  const page = keyset(auditLog, query.cursor);
  const filters: (SQL | undefined)[] = [
    eq(auditLog.workspaceId, workspaceId),
    page.where,
    query.action ? eq(auditLog.action, query.action) : undefined,
    query.targetType ? eq(auditLog.targetType, query.targetType) : undefined,
  ];
  const rows = await db
    .select()
    .from(auditLog)
    .where(and(...filters))
    .orderBy(...page.orderBy)
    .limit(query.limit + 1);
  return toPage(rows, query.limit, (row) => ({
    id: row.id,
    actorUserId: row.actorUserId,
    actorTokenId: row.actorTokenId,
    action: row.action,
    targetType: row.targetType,
    targetId: row.targetId,
    before: row.before ?? null,
    after: row.after ?? null,
    ip: row.ip,
    createdAt: row.createdAt.toISOString(),
  }));
}
