import { renderCannedText, type CannedValues, type Role } from '@huiliu/contracts';
import { and, eq, inArray, isNull, or, sql, type SQL } from 'drizzle-orm';
import { notFound } from '../../platform/errors.js';
import { keyset, toPage } from '../../platform/http/pagination.js';
import { getConversation } from '../conversations/queries.js';
import { getCustomer } from '../customers/service.js';
import { assertTeamsInWorkspace } from '../teams/service.js';
import { teamMembers } from '../teams/schema.js';
import { findUserById, type Executor } from '../users/service.js';
import { getWorkspace } from '../workspaces/service.js';
import { cannedResponses } from './schema.js';

type CannedRow = typeof cannedResponses.$inferSelect;

export const cannedView = (row: CannedRow) => ({
  id: row.id,
  shortcut: row.shortcut,
  title: row.title,
  text: row.text,
  teamId: row.teamId,
  createdAt: row.createdAt.toISOString(),
  updatedAt: row.updatedAt.toISOString(),
});

/** Who is asking: agents see the responses for everyone and for their own teams; others see all. */
export interface Reader {
  role: Role;
  userId: string | null;
}

async function visibility(db: Executor, workspaceId: string, reader: Reader): Promise<SQL | undefined> {
  if (reader.role !== 'agent' || !reader.userId) return undefined;
  const mine = db
    .select({ teamId: teamMembers.teamId })
    .from(teamMembers)
    .where(and(eq(teamMembers.workspaceId, workspaceId), eq(teamMembers.userId, reader.userId)));
  return or(isNull(cannedResponses.teamId), inArray(cannedResponses.teamId, mine));
}

const escapeLike = (value: string) => `%${value.replace(/[\\%_]/g, (char) => `\\${char}`)}%`;

export async function listCanned(
  db: Executor,
  workspaceId: string,
  reader: Reader,
  filter: { cursor?: string; limit: number; q?: string; teamId?: string },
) {
  const page = keyset(cannedResponses, filter.cursor);
  const conditions: (SQL | undefined)[] = [
    eq(cannedResponses.workspaceId, workspaceId),
    page.where,
    await visibility(db, workspaceId, reader),
  ];
  if (filter.teamId) conditions.push(or(isNull(cannedResponses.teamId), eq(cannedResponses.teamId, filter.teamId)));
  if (filter.q?.trim()) {
    const pattern = escapeLike(filter.q.trim());
    conditions.push(
      sql`(${cannedResponses.shortcut} ilike ${pattern} or ${cannedResponses.title} ilike ${pattern} or ${cannedResponses.text} ilike ${pattern})`,
    );
  }
  const rows = await db
    .select()
    .from(cannedResponses)
    .where(and(...conditions))
    .orderBy(...page.orderBy)
    .limit(filter.limit + 1);
  return toPage(rows, filter.limit, cannedView);
}

export async function getCanned(db: Executor, workspaceId: string, id: string, reader?: Reader) {
  const [row] = await db
    .select()
    .from(cannedResponses)
    .where(
      and(
        eq(cannedResponses.workspaceId, workspaceId),
        eq(cannedResponses.id, id),
        reader ? await visibility(db, workspaceId, reader) : undefined,
      ),
    );
  if (!row) throw notFound('canned response');
  return row;
}

export async function createCanned(
  db: Executor,
  workspaceId: string,
  input: { shortcut: string; title: string; text: string; teamId: string | null },
  createdBy: string | null,
) {
  if (input.teamId) await assertTeamsInWorkspace(db, workspaceId, [input.teamId]);
  const [row] = await db
    .insert(cannedResponses)
    .values({ workspaceId, ...input, createdBy })
    .returning();
  return row!;
}

export async function updateCanned(
  db: Executor,
  workspaceId: string,
  id: string,
  input: Partial<{ shortcut: string; title: string; text: string; teamId: string | null }>,
) {
  if (input.teamId) await assertTeamsInWorkspace(db, workspaceId, [input.teamId]);
  const [row] = await db
    .update(cannedResponses)
    .set({ ...input, updatedAt: sql`now()` })
    .where(and(eq(cannedResponses.workspaceId, workspaceId), eq(cannedResponses.id, id)))
    .returning();
  if (!row) throw notFound('canned response');
  return row;
}

export async function deleteCanned(db: Executor, workspaceId: string, id: string) {
  const [row] = await db
    .delete(cannedResponses)
    .where(and(eq(cannedResponses.workspaceId, workspaceId), eq(cannedResponses.id, id)))
    .returning();
  if (!row) throw notFound('canned response');
  return row;
}

/** The values a canned response's variables take in one conversation, for one agent. */
export async function cannedValuesFor(
  db: Executor,
  workspaceId: string,
  conversationId: string,
  agentId: string | null,
): Promise<CannedValues> {
  const { row: conversation } = await getConversation(db, workspaceId, conversationId);
  const customer = await getCustomer(db, workspaceId, conversation.customerId);
  const agent = agentId ? await findUserById(db, agentId) : undefined;
  const workspace = await getWorkspace(db, workspaceId);
  const identity = (kind: string) => customer.identities.find((item) => item.kind === kind)?.value ?? null;
  return {
    'customer.name': customer.name,
    'customer.email': identity('email'),
    'customer.phone': identity('phone'),
    'agent.name': agent?.name ?? null,
    'agent.email': agent?.email ?? null,
    'conversation.id': conversation.id,
    'conversation.number': conversation.number,
    'workspace.name': workspace.name,
  };
}

export async function renderCanned(db: Executor, workspaceId: string, id: string, reader: Reader, conversationId: string) {
  const row = await getCanned(db, workspaceId, id, reader);
  return renderCannedText(row.text, await cannedValuesFor(db, workspaceId, conversationId, reader.userId));
}
