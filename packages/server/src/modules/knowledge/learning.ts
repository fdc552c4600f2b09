import { and, desc, eq, sql } from 'drizzle-orm';
import { notFound } from '../../platform/errors.js';
import type { Executor } from '../users/service.js';
import { normalizeText } from './retrieval/index.js';
import { kbUnanswered } from './schema.js';
import { createFaq, getFaq, updateFaq } from './service.js';

export type UnansweredReason = 'unanswered' | 'low_confidence' | 'downvoted';
type UnansweredRow = typeof kbUnanswered.$inferSelect;

/** Normalised text, so "怎么退货？" and "怎么退货" count as one question. */
export function questionKey(text: string): string {
  return normalizeText(text).replace(/\s+/g, ' ').trim();
}

/** Counts a question the bot could not answer well (the learning loop's input). */
export async function recordUnanswered(db: Executor, workspaceId: string, text: string, reason: UnansweredReason): Promise<void> {
  const normalized = questionKey(text);
  if (!normalized) return;
  await db
    .insert(kbUnanswered)
    .values({ workspaceId, normalized, text: text.trim().slice(0, 500), reasons: { [reason]: 1 } })
    .onConflictDoUpdate({
      target: [kbUnanswered.workspaceId, kbUnanswered.normalized],
      set: {
        count: sql`${kbUnanswered.count} + 1`,
        reasons: sql`${kbUnanswered.reasons} || jsonb_build_object(${reason}::text, coalesce((${kbUnanswered.reasons} ->> ${reason}::text)::int, 0) + 1)`,
        lastSeenAt: sql`now()`,
      },
    });
}

export const unansweredView = (row: UnansweredRow) => ({
  id: row.id,
  text: row.text,
  normalized: row.normalized,
  count: row.count,
  reasons: row.reasons,
  status: row.status,
  faqId: row.faqId,
  lastSeenAt: row.lastSeenAt.toISOString(),
});

export async function listUnanswered(db: Executor, workspaceId: string, query: { status: 'open' | 'handled'; limit: number }) {
  const rows = await db
    .select()
    .from(kbUnanswered)
    .where(and(eq(kbUnanswered.workspaceId, workspaceId), eq(kbUnanswered.status, query.status)))
    .orderBy(desc(kbUnanswered.count), desc(kbUnanswered.lastSeenAt))
    .limit(query.limit);
  return rows.map(unansweredView);
}

async function getUnanswered(db: Executor, workspaceId: string, id: string) {
  const [row] = await db
    .select()
    .from(kbUnanswered)
    .where(and(eq(kbUnanswered.workspaceId, workspaceId), eq(kbUnanswered.id, id)))
    .for('update');
  if (!row) throw notFound('question');
  return row;
}

async function markHandled(db: Executor, id: string, faqId: string) {
  const [row] = await db.update(kbUnanswered).set({ status: 'handled', faqId }).where(eq(kbUnanswered.id, id)).returning();
  return unansweredView(row!);
}

/** One click: the question becomes a similar question of an existing FAQ. */
export async function addAsSimilar(db: Executor, workspaceId: string, id: string, faqId: string) {
  const question = await getUnanswered(db, workspaceId, id);
  const faq = await getFaq(db, workspaceId, faqId);
  await updateFaq(db, workspaceId, faq.id, { similarQuestions: [...faq.similarQuestions, question.text] });
  return markHandled(db, id, faq.id);
}

/** One click: a new FAQ whose standard question is this question (or the edited text given). */
export async function createFaqFromQuestion(
  db: Executor,
  workspaceId: string,
  id: string,
  input: { answer: string; question?: string; categoryId: string | null },
) {
  const question = await getUnanswered(db, workspaceId, id);
  const standard = input.question ?? question.text;
  const faq = await createFaq(db, workspaceId, {
    question: standard,
    similarQuestions: standard === question.text ? [] : [question.text],
    answer: input.answer,
    categoryId: input.categoryId,
    terms: [],
    enabled: true,
    validFrom: null,
    validTo: null,
  });
  return { question: await markHandled(db, id, faq.id), faq };
}
