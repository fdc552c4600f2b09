import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import { and, eq, inArray, sql } from 'drizzle-orm';
import { badRequest } from '../../platform/errors.js';
import type { Executor } from '../users/service.js';
import { notifyKnowledgeChanged } from './live-index.js';
import { allFaqs, cleanSimilar, listCategories } from './service.js';
import { kbCategories, kbFaqs } from './schema.js';

/**
 * FAQ import and export in the shape service teams keep them: columns 标准问 (question),
 * 相似问 (similar questions, `|`-separated, or one per row with the 标准问 repeated), 答案
 * (answer), 分类 (category); English headers work too. A bad row is reported with its row
 * number and reason; the good rows are kept.
 */

export interface ImportRow {
  /** Spreadsheet row (CSV, header = 1) or array position from 1 (JSON). */
  row: number;
  question: string;
  similar: string[];
  answer: string;
  category: string;
}

export interface RowError {
  row: number;
  reason: string;
}

const HEADERS: Record<string, keyof Omit<ImportRow, 'row'>> = {
  标准问: 'question',
  标准问题: 'question',
  问题: 'question',
  question: 'question',
  'standard question': 'question',
  相似问: 'similar',
  相似问题: 'similar',
  similar: 'similar',
  'similar question': 'similar',
  'similar questions': 'similar',
  similarquestions: 'similar',
  答案: 'answer',
  回答: 'answer',
  answer: 'answer',
  分类: 'category',
  类别: 'category',
  category: 'category',
};

const MAX_QUESTION = 500;
const MAX_ANSWER = 20_000;
const MAX_CATEGORY = 100;

const headerKey = (header: string) =>
  HEADERS[
    header
      .trim()
      .replace(/^\uFEFF/, '')
      .toLowerCase()
  ];
const splitSimilar = (value: string) =>
  value
    .split('|')
    .map((part) => part.trim())
    .filter(Boolean);

/** Reads a CSV file into rows; unreadable records and rows with a problem become errors. */
export function readCsv(content: string): { rows: ImportRow[]; errors: RowError[] } {
  const errors: RowError[] = [];
  let records: string[][];
  try {
    records = parse(content, {
      bom: true,
      relax_column_count: true,
      skip_empty_lines: true,
      skip_records_with_error: true,
      on_skip: (error) => {
        if (error) errors.push({ row: Number(error.records ?? 0) + 1, reason: `unreadable CSV: ${error.message}` });
        return undefined;
      },
    }) as string[][];
  } catch (error) {
    throw badRequest(`the file is not readable as CSV: ${(error as Error).message}`);
  }
  const [header, ...data] = records;
  if (!header) throw badRequest('the CSV file is empty');
  const columns = header.map(headerKey);
  if (!columns.includes('question') || !columns.includes('answer'))
    throw badRequest(
      'the CSV header needs the columns 标准问 (question) and 答案 (answer); 相似问 (similar) and 分类 (category) are optional',
    );
  const rows: ImportRow[] = [];
  data.forEach((record, i) => {
    const row = i + 2;
    const value = (key: keyof Omit<ImportRow, 'row'>) => {
      const at = columns.indexOf(key);
      return at >= 0 ? (record[at] ?? '').trim() : '';
    };
    if (record.length > header.length && record.slice(header.length).some((cell) => cell.trim() !== '')) {
      errors.push({ row, reason: `${record.length} columns where the header has ${header.length}` });
      return;
    }
    rows.push({
      row,
      question: value('question'),
      similar: splitSimilar(value('similar')),
      answer: value('answer'),
      category: value('category'),
    });
  });
  return { rows, errors };
}

/** Reads a JSON array of FAQs (Chinese or English keys; similar questions as a list or `|`-separated). */
export function readJson(content: string): { rows: ImportRow[]; errors: RowError[] } {
  let data: unknown;
  try {
    data = JSON.parse(content);
  } catch (error) {
    throw badRequest(`the file is not valid JSON: ${(error as Error).message}`);
  }
  const list = Array.isArray(data) ? data : (data as { faqs?: unknown })?.faqs;
  if (!Array.isArray(list)) throw badRequest('the JSON file must be an array of FAQs (or an object with a "faqs" array)');
  const rows: ImportRow[] = [];
  const errors: RowError[] = [];
  list.forEach((item: unknown, i) => {
    const row = i + 1;
    if (!item || typeof item !== 'object' || Array.isArray(item)) {
      errors.push({ row, reason: 'not an object' });
      return;
    }
    const fields: Partial<Record<keyof Omit<ImportRow, 'row'>, unknown>> = {};
    for (const [key, value] of Object.entries(item)) {
      const field = headerKey(key);
      if (field) fields[field] = value;
    }
    const text = (value: unknown) => (typeof value === 'string' ? value.trim() : typeof value === 'number' ? String(value) : '');
    const similar = Array.isArray(fields.similar)
      ? fields.similar.filter((value): value is string => typeof value === 'string').map((value) => value.trim())
      : splitSimilar(text(fields.similar));
    rows.push({ row, question: text(fields.question), similar, answer: text(fields.answer), category: text(fields.category) });
  });
  return { rows, errors };
}

export interface PlannedFaq {
  question: string;
  similar: string[];
  answer: string;
  category: string;
}

/**
 * Checks each row and groups rows by standard question (one similar question per row is the
 * other common layout). A row with a problem is refused alone; the rest are kept.
 */
export function planImport(rows: ImportRow[]): { faqs: PlannedFaq[]; errors: RowError[] } {
  const errors: RowError[] = [];
  const groups = new Map<string, PlannedFaq & { firstRow: number }>();
  for (const row of rows) {
    const refuse = (reason: string) => errors.push({ row: row.row, reason });
    if (!row.question) {
      refuse('标准问 (question) is empty');
      continue;
    }
    if (row.question.length > MAX_QUESTION) {
      refuse(`标准问 (question) is longer than ${MAX_QUESTION} characters`);
      continue;
    }
    const tooLong = row.similar.find((question) => question.length > MAX_QUESTION);
    if (tooLong !== undefined) {
      refuse(`a 相似问 (similar question) is longer than ${MAX_QUESTION} characters`);
      continue;
    }
    if (row.answer.length > MAX_ANSWER) {
      refuse(`答案 (answer) is longer than ${MAX_ANSWER} characters`);
      continue;
    }
    if (row.category.length > MAX_CATEGORY) {
      refuse(`分类 (category) is longer than ${MAX_CATEGORY} characters`);
      continue;
    }
    const group = groups.get(row.question);
    if (!group) {
      groups.set(row.question, {
        question: row.question,
        similar: [...row.similar],
        answer: row.answer,
        category: row.category,
        firstRow: row.row,
      });
      continue;
    }
    if (row.answer && group.answer && row.answer !== group.answer) {
      refuse(`答案 (answer) differs from the one given for the same 标准问 in row ${group.firstRow}`);
      continue;
    }
    if (row.category && group.category && row.category !== group.category) {
      refuse(`分类 (category) differs from the one given for the same 标准问 in row ${group.firstRow}`);
      continue;
    }
    group.similar.push(...row.similar);
    group.answer ||= row.answer;
    group.category ||= row.category;
  }
  const faqs: PlannedFaq[] = [];
  for (const group of groups.values()) {
    if (!group.answer) {
      errors.push({ row: group.firstRow, reason: '答案 (answer) is empty' });
      continue;
    }
    faqs.push({
      question: group.question,
      similar: cleanSimilar(group.question, group.similar),
      answer: group.answer,
      category: group.category,
    });
  }
  errors.sort((a, b) => a.row - b.row);
  return { faqs, errors };
}

const BATCH = 500;

/** Stores the planned FAQs: new standard questions are created, known ones updated (similar questions merged). */
export async function applyImport(
  db: Executor,
  workspaceId: string,
  plan: { faqs: PlannedFaq[]; errors: RowError[] },
  createCategories: boolean,
): Promise<{ created: number; updated: number; errors: RowError[] }> {
  const categoryIds = new Map((await listCategories(db, workspaceId)).map((row) => [row.name, row.id]));
  const errors = [...plan.errors];
  const wanted = [...new Set(plan.faqs.map((faq) => faq.category).filter((name) => name && !categoryIds.has(name)))];
  if (wanted.length > 0 && createCategories) {
    const created = await db
      .insert(kbCategories)
      .values(wanted.map((name) => ({ workspaceId, name })))
      .onConflictDoNothing()
      .returning({ id: kbCategories.id, name: kbCategories.name });
    for (const row of created) categoryIds.set(row.name, row.id);
  }
  const faqs = plan.faqs.filter((faq) => {
    if (!faq.category || categoryIds.has(faq.category)) return true;
    errors.push({ row: 0, reason: `分类 (category) "${faq.category}" does not exist (question "${faq.question}")` });
    return false;
  });
  let created = 0;
  let updated = 0;
  for (let start = 0; start < faqs.length; start += BATCH) {
    const batch = faqs.slice(start, start + BATCH);
    const existing = await db
      .select({ id: kbFaqs.id, question: kbFaqs.question, similarQuestions: kbFaqs.similarQuestions })
      .from(kbFaqs)
      .where(
        and(
          eq(kbFaqs.workspaceId, workspaceId),
          inArray(
            kbFaqs.question,
            batch.map((faq) => faq.question),
          ),
        ),
      );
    const known = new Map(existing.map((row) => [row.question, row]));
    const rows = batch.map((faq) => ({
      workspaceId,
      question: faq.question,
      similarQuestions: cleanSimilar(faq.question, [...(known.get(faq.question)?.similarQuestions ?? []), ...faq.similar]),
      answer: faq.answer,
      categoryId: faq.category ? (categoryIds.get(faq.category) ?? null) : null,
    }));
    await db
      .insert(kbFaqs)
      .values(rows)
      .onConflictDoUpdate({
        target: [kbFaqs.workspaceId, kbFaqs.question],
        set: {
          similarQuestions: sql`excluded.similar_questions`,
          answer: sql`excluded.answer`,
          categoryId: sql`coalesce(excluded.category_id, ${kbFaqs.categoryId})`,
          updatedAt: sql`now()`,
        },
      });
    updated += known.size;
    created += batch.length - known.size;
  }
  if (faqs.length > 0) await notifyKnowledgeChanged(db, workspaceId, 'all');
  errors.sort((a, b) => a.row - b.row);
  return { created, updated, errors };
}

/** The workspace's FAQs as CSV (标准问, 相似问 `|`-separated, 答案, 分类) or JSON. */
export async function exportFaqs(db: Executor, workspaceId: string, format: 'csv' | 'json'): Promise<string> {
  const [faqs, categories] = await Promise.all([allFaqs(db, workspaceId), listCategories(db, workspaceId)]);
  const names = new Map(categories.map((row) => [row.id, row.name]));
  if (format === 'csv') {
    return stringify(
      faqs.map((faq) => [
        faq.question,
        faq.similarQuestions.join('|'),
        faq.answer,
        faq.categoryId ? (names.get(faq.categoryId) ?? '') : '',
      ]),
      { header: true, columns: ['标准问', '相似问', '答案', '分类'], bom: true },
    );
  }
  return JSON.stringify(
    faqs.map((faq) => ({
      question: faq.question,
      similarQuestions: faq.similarQuestions,
      answer: faq.answer,
      category: faq.categoryId ? (names.get(faq.categoryId) ?? null) : null,
      terms: faq.terms,
      enabled: faq.enabled,
      validFrom: faq.validFrom?.toISOString() ?? null,
      validTo: faq.validTo?.toISOString() ?? null,
    })),
    null,
    2,
  );
}
