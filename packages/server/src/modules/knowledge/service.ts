import type { z } from 'zod';
import type {
  CreateArticleRequest,
  CreateCategoryRequest,
  CreateFaqRequest,
  UpdateArticleRequest,
  UpdateCategoryRequest,
  UpdateFaqRequest,
} from '@huiliu/contracts';
import { and, asc, eq, ilike, inArray, or, sql, type SQL } from 'drizzle-orm';
import { badRequest, conflict, notFound } from '../../platform/errors.js';
import { keyset, toPage } from '../../platform/http/pagination.js';
import type { Executor } from '../users/service.js';
import { notifyKnowledgeChanged } from './live-index.js';
import { Segmenter } from './retrieval/index.js';
import { stemEnglish } from './retrieval/stemmer.js';
import { kbArticles, kbCategories, kbFaqs } from './schema.js';

export type CategoryRow = typeof kbCategories.$inferSelect;
export type ArticleRow = typeof kbArticles.$inferSelect;
export type FaqRow = typeof kbFaqs.$inferSelect;

const iso = (date: Date | null) => date?.toISOString() ?? null;

export const categoryView = (row: CategoryRow) => ({
  id: row.id,
  name: row.name,
  description: row.description,
  position: row.position,
  createdAt: row.createdAt.toISOString(),
});

export const articleView = (row: ArticleRow) => ({
  id: row.id,
  title: row.title,
  body: row.body,
  categoryId: row.categoryId,
  status: row.status,
  visibility: row.visibility,
  createdAt: row.createdAt.toISOString(),
  updatedAt: row.updatedAt.toISOString(),
});

export const faqView = (row: FaqRow) => ({
  id: row.id,
  question: row.question,
  similarQuestions: row.similarQuestions,
  answer: row.answer,
  categoryId: row.categoryId,
  terms: row.terms,
  enabled: row.enabled,
  validFrom: iso(row.validFrom),
  validTo: iso(row.validTo),
  createdAt: row.createdAt.toISOString(),
  updatedAt: row.updatedAt.toISOString(),
});

function isUnique(error: unknown, constraint: string): boolean {
  const cause = ((error as { cause?: unknown })?.cause ?? error) as { code?: string; constraint?: string };
  return cause?.code === '23505' && cause.constraint === constraint;
}

/** Refuses a category id that is not this workspace's (404, as for any foreign id). */
export async function assertCategory(db: Executor, workspaceId: string, categoryId: string | null | undefined): Promise<void> {
  if (!categoryId) return;
  const [row] = await db
    .select({ id: kbCategories.id })
    .from(kbCategories)
    .where(and(eq(kbCategories.workspaceId, workspaceId), eq(kbCategories.id, categoryId)));
  if (!row) throw notFound('category');
}

// ---- categories

export async function listCategories(db: Executor, workspaceId: string) {
  return db
    .select()
    .from(kbCategories)
    .where(eq(kbCategories.workspaceId, workspaceId))
    .orderBy(asc(kbCategories.position), asc(kbCategories.name));
}

export async function createCategory(db: Executor, workspaceId: string, input: z.infer<typeof CreateCategoryRequest>) {
  try {
    const [row] = await db
      .insert(kbCategories)
      .values({ workspaceId, ...input })
      .returning();
    return row!;
  } catch (error) {
    if (isUnique(error, 'kb_categories_workspace_name_unique')) throw conflict('a category with this name already exists');
    throw error;
  }
}

export async function updateCategory(db: Executor, workspaceId: string, id: string, input: z.infer<typeof UpdateCategoryRequest>) {
  try {
    const [row] = await db
      .update(kbCategories)
      .set(input)
      .where(and(eq(kbCategories.workspaceId, workspaceId), eq(kbCategories.id, id)))
      .returning();
    if (!row) throw notFound('category');
    await notifyKnowledgeChanged(db, workspaceId, 'all');
    return row;
  } catch (error) {
    if (isUnique(error, 'kb_categories_workspace_name_unique')) throw conflict('a category with this name already exists');
    throw error;
  }
}

export async function deleteCategory(db: Executor, workspaceId: string, id: string) {
  const [row] = await db
    .delete(kbCategories)
    .where(and(eq(kbCategories.workspaceId, workspaceId), eq(kbCategories.id, id)))
    .returning({ id: kbCategories.id });
  if (!row) throw notFound('category');
  await notifyKnowledgeChanged(db, workspaceId, 'all');
}

// ---- articles

const segmenter = new Segmenter();

/** Chinese character pairs: they still match when jieba cut the query and the article differently (开发票 / 电子发票). */
function hanBigrams(text: string): string[] {
  const grams: string[] = [];
  for (const run of text.match(/\p{Script=Han}+/gu) ?? []) {
    const chars = [...run];
    for (let i = 0; i + 1 < chars.length; i++) grams.push(chars[i]! + chars[i + 1]!);
  }
  return grams;
}

/** Search terms of a text: its words (jieba for Chinese) and Chinese character pairs. */
function searchTerms(text: string): string[] {
  return [...segmenter.cut(text), ...hanBigrams(text)];
}

/**
 * The knowledge base's segmentation for other modules' full-text columns (tickets): the words of
 * a text (jieba for Chinese; English optionally stemmed, so "refunds" meets "refund") and, unless
 * asked not to, its Chinese character pairs — one jieba instance and one notion of a "word" for
 * every search. Index and query must be cut with the same options.
 */
export function searchWords(text: string, options: { bigrams?: boolean; stem?: boolean } = {}): string[] {
  const words = segmenter.cut(text).map((word) => (options.stem && !/\p{Script=Han}/u.test(word) ? stemEnglish(word) : word));
  return options.bigrams === false ? words : [...words, ...hanBigrams(text)];
}

/** Title and body as words and character pairs, so PostgreSQL's `simple` full text can match Chinese. */
export function segmentForSearch(text: string): string {
  return searchTerms(text).join(' ');
}

export async function listArticles(
  db: Executor,
  workspaceId: string,
  query: { categoryId?: string; status?: ArticleRow['status']; cursor?: string; limit: number },
) {
  const page = keyset({ createdAt: kbArticles.createdAt, id: kbArticles.id }, query.cursor);
  const rows = await db
    .select()
    .from(kbArticles)
    .where(
      and(
        eq(kbArticles.workspaceId, workspaceId),
        query.categoryId ? eq(kbArticles.categoryId, query.categoryId) : undefined,
        query.status ? eq(kbArticles.status, query.status) : undefined,
        page.where,
      ),
    )
    .orderBy(...page.orderBy)
    .limit(query.limit + 1);
  return toPage(rows, query.limit, articleView);
}

export async function getArticle(db: Executor, workspaceId: string, id: string) {
  const [row] = await db
    .select()
    .from(kbArticles)
    .where(and(eq(kbArticles.workspaceId, workspaceId), eq(kbArticles.id, id)));
  if (!row) throw notFound('article');
  return row;
}

export async function createArticle(db: Executor, workspaceId: string, input: z.infer<typeof CreateArticleRequest>) {
  await assertCategory(db, workspaceId, input.categoryId);
  const [row] = await db
    .insert(kbArticles)
    .values({ workspaceId, ...input, searchText: segmentForSearch(`${input.title}\n${input.body}`) })
    .returning();
  return row!;
}

export async function updateArticle(db: Executor, workspaceId: string, id: string, input: z.infer<typeof UpdateArticleRequest>) {
  await assertCategory(db, workspaceId, input.categoryId);
  const current = await getArticle(db, workspaceId, id);
  const title = input.title ?? current.title;
  const body = input.body ?? current.body;
  const [row] = await db
    .update(kbArticles)
    .set({ ...input, searchText: segmentForSearch(`${title}\n${body}`), updatedAt: sql`now()` })
    .where(and(eq(kbArticles.workspaceId, workspaceId), eq(kbArticles.id, id)))
    .returning();
  return row!;
}

export async function deleteArticle(db: Executor, workspaceId: string, id: string) {
  const [row] = await db
    .delete(kbArticles)
    .where(and(eq(kbArticles.workspaceId, workspaceId), eq(kbArticles.id, id)))
    .returning({ id: kbArticles.id });
  if (!row) throw notFound('article');
}

/**
 * Full-text search over the segmented text: any of the query's words, best ranked first. The
 * query is cut exactly as the articles were, and an article also matches by its category's name
 * (segmented the same way): "退款" finds the articles filed under 退货退款 whatever their wording.
 */
export async function searchArticles(db: Executor, workspaceId: string, text: string, filter: SQL | undefined, limit = 20) {
  const words = [...new Set(searchTerms(text))].filter((word) => /[\p{L}\p{N}]/u.test(word)).slice(0, 40);
  if (words.length === 0) return [];
  const query = sql`websearch_to_tsquery('simple', ${words.map((word) => word.replaceAll('"', '')).join(' or ')})`;
  const vector = sql`to_tsvector('simple', ${kbArticles.searchText})`;
  const categories = await db
    .select({ id: kbCategories.id, name: kbCategories.name })
    .from(kbCategories)
    .where(eq(kbCategories.workspaceId, workspaceId));
  const wanted = new Set(words.map((word) => word.toLowerCase()));
  const inCategory = categories
    .filter((category) => searchTerms(category.name).some((term) => wanted.has(term.toLowerCase())))
    .map((category) => category.id);
  const matches = inCategory.length
    ? or(sql`${vector} @@ ${query}`, inArray(kbArticles.categoryId, inCategory))
    : sql`${vector} @@ ${query}`;
  return db
    .select()
    .from(kbArticles)
    .where(and(eq(kbArticles.workspaceId, workspaceId), filter, matches))
    .orderBy(sql`ts_rank(${vector}, ${query}) desc`, asc(kbArticles.title))
    .limit(limit);
}

// ---- FAQs

export async function listFaqs(
  db: Executor,
  workspaceId: string,
  query: { categoryId?: string; q?: string; cursor?: string; limit: number },
) {
  const page = keyset({ createdAt: kbFaqs.createdAt, id: kbFaqs.id }, query.cursor);
  const q = query.q?.trim();
  const rows = await db
    .select()
    .from(kbFaqs)
    .where(
      and(
        eq(kbFaqs.workspaceId, workspaceId),
        query.categoryId ? eq(kbFaqs.categoryId, query.categoryId) : undefined,
        q
          ? or(
              ilike(kbFaqs.question, `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`),
              sql`exists (select 1 from unnest(${kbFaqs.similarQuestions}) s where strpos(lower(s), lower(${q})) > 0)`,
            )
          : undefined,
        page.where,
      ),
    )
    .orderBy(...page.orderBy)
    .limit(query.limit + 1);
  return toPage(rows, query.limit, faqView);
}

export async function allFaqs(db: Executor, workspaceId: string) {
  return db.select().from(kbFaqs).where(eq(kbFaqs.workspaceId, workspaceId)).orderBy(asc(kbFaqs.createdAt), asc(kbFaqs.id));
}

export async function faqsByIds(db: Executor, workspaceId: string, ids: string[]) {
  if (ids.length === 0) return [];
  return db
    .select()
    .from(kbFaqs)
    .where(and(eq(kbFaqs.workspaceId, workspaceId), inArray(kbFaqs.id, ids)));
}

export async function getFaq(db: Executor, workspaceId: string, id: string) {
  const [row] = await db
    .select()
    .from(kbFaqs)
    .where(and(eq(kbFaqs.workspaceId, workspaceId), eq(kbFaqs.id, id)));
  if (!row) throw notFound('FAQ');
  return row;
}

/** Similar questions without blanks, duplicates or the standard question itself. */
export function cleanSimilar(question: string, similar: readonly string[]): string[] {
  const seen = new Set([question.trim()]);
  const result: string[] = [];
  for (const raw of similar) {
    const text = raw.trim();
    if (!text || seen.has(text)) continue;
    seen.add(text);
    result.push(text);
  }
  return result;
}

function assertWindow(validFrom: Date | null, validTo: Date | null): void {
  if (validFrom && validTo && validFrom >= validTo) throw badRequest('validFrom must be before validTo');
}

const toDate = (value: string | null | undefined) => (value === undefined ? undefined : value === null ? null : new Date(value));

export async function createFaq(db: Executor, workspaceId: string, input: z.infer<typeof CreateFaqRequest>) {
  await assertCategory(db, workspaceId, input.categoryId);
  assertWindow(toDate(input.validFrom) ?? null, toDate(input.validTo) ?? null);
  try {
    const [row] = await db
      .insert(kbFaqs)
      .values({
        workspaceId,
        question: input.question,
        similarQuestions: cleanSimilar(input.question, input.similarQuestions),
        answer: input.answer,
        categoryId: input.categoryId,
        terms: [...new Set(input.terms)],
        enabled: input.enabled,
        validFrom: toDate(input.validFrom) ?? null,
        validTo: toDate(input.validTo) ?? null,
      })
      .returning();
    await notifyKnowledgeChanged(db, workspaceId, [row!.id]);
    return row!;
  } catch (error) {
    if (isUnique(error, 'kb_faqs_workspace_question_unique')) throw conflict('an FAQ with this standard question already exists');
    throw error;
  }
}

export async function updateFaq(db: Executor, workspaceId: string, id: string, input: z.infer<typeof UpdateFaqRequest>) {
  await assertCategory(db, workspaceId, input.categoryId);
  const current = await getFaq(db, workspaceId, id);
  const question = input.question ?? current.question;
  const validFrom = toDate(input.validFrom) === undefined ? current.validFrom : toDate(input.validFrom)!;
  const validTo = toDate(input.validTo) === undefined ? current.validTo : toDate(input.validTo)!;
  assertWindow(validFrom, validTo);
  try {
    const [row] = await db
      .update(kbFaqs)
      .set({
        ...(input.question !== undefined ? { question } : {}),
        ...(input.similarQuestions !== undefined || input.question !== undefined
          ? { similarQuestions: cleanSimilar(question, input.similarQuestions ?? current.similarQuestions) }
          : {}),
        ...(input.answer !== undefined ? { answer: input.answer } : {}),
        ...(input.categoryId !== undefined ? { categoryId: input.categoryId } : {}),
        ...(input.terms !== undefined ? { terms: [...new Set(input.terms)] } : {}),
        ...(input.enabled !== undefined ? { enabled: input.enabled } : {}),
        validFrom,
        validTo,
        updatedAt: sql`now()`,
      })
      .where(and(eq(kbFaqs.workspaceId, workspaceId), eq(kbFaqs.id, id)))
      .returning();
    await notifyKnowledgeChanged(db, workspaceId, [id]);
    return row!;
  } catch (error) {
    if (isUnique(error, 'kb_faqs_workspace_question_unique')) throw conflict('an FAQ with this standard question already exists');
    throw error;
  }
}

export async function deleteFaq(db: Executor, workspaceId: string, id: string) {
  const [row] = await db
    .delete(kbFaqs)
    .where(and(eq(kbFaqs.workspaceId, workspaceId), eq(kbFaqs.id, id)))
    .returning({ id: kbFaqs.id });
  if (!row) throw notFound('FAQ');
  await notifyKnowledgeChanged(db, workspaceId, [id]);
}
