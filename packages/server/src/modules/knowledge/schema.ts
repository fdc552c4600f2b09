import { sql } from 'drizzle-orm';
import { boolean, index, integer, jsonb, pgTable, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { createdAt, primaryId, timestampMs } from '../../platform/db/columns.js';
import { workspaceIdColumn } from '../workspaces/schema.js';

export const kbCategories = pgTable(
  'kb_categories',
  {
    id: primaryId(),
    workspaceId: workspaceIdColumn(),
    name: text('name').notNull(),
    description: text('description').notNull().default(''),
    position: integer('position').notNull().default(100),
    createdAt: createdAt(),
  },
  (table) => [uniqueIndex('kb_categories_workspace_name_unique').on(table.workspaceId, table.name)],
);

/** Help-center articles (Markdown). `searchText` is the title and body segmented into words, for full-text search. */
export const kbArticles = pgTable(
  'kb_articles',
  {
    id: primaryId(),
    workspaceId: workspaceIdColumn(),
    title: text('title').notNull(),
    body: text('body').notNull().default(''),
    categoryId: uuid('category_id').references(() => kbCategories.id, { onDelete: 'set null' }),
    status: text('status', { enum: ['draft', 'published'] })
      .notNull()
      .default('draft'),
    visibility: text('visibility', { enum: ['public', 'internal'] })
      .notNull()
      .default('public'),
    searchText: text('search_text').notNull().default(''),
    createdAt: createdAt(),
    updatedAt: timestampMs('updated_at').notNull().defaultNow(),
  },
  (table) => [index('kb_articles_workspace_idx').on(table.workspaceId, table.status, table.visibility)],
);

/** FAQ entries: what the bot answers from and agent assist suggests. */
export const kbFaqs = pgTable(
  'kb_faqs',
  {
    id: primaryId(),
    workspaceId: workspaceIdColumn(),
    question: text('question').notNull(),
    similarQuestions: text('similar_questions')
      .array()
      .notNull()
      .default(sql`'{}'`),
    answer: text('answer').notNull(),
    categoryId: uuid('category_id').references(() => kbCategories.id, { onDelete: 'set null' }),
    terms: text('terms')
      .array()
      .notNull()
      .default(sql`'{}'`),
    enabled: boolean('enabled').notNull().default(true),
    validFrom: timestampMs('valid_from'),
    validTo: timestampMs('valid_to'),
    createdAt: createdAt(),
    updatedAt: timestampMs('updated_at').notNull().defaultNow(),
  },
  (table) => [uniqueIndex('kb_faqs_workspace_question_unique').on(table.workspaceId, table.question)],
);

/** The learning loop: questions the bot could not answer, answered with low confidence, or got a 👎 for. */
export const kbUnanswered = pgTable(
  'kb_unanswered',
  {
    id: primaryId(),
    workspaceId: workspaceIdColumn(),
    normalized: text('normalized').notNull(),
    text: text('text').notNull(),
    count: integer('count').notNull().default(1),
    reasons: jsonb('reasons').$type<Record<string, number>>().notNull().default({}),
    status: text('status', { enum: ['open', 'handled'] })
      .notNull()
      .default('open'),
    faqId: uuid('faq_id').references(() => kbFaqs.id, { onDelete: 'set null' }),
    createdAt: createdAt(),
    lastSeenAt: timestampMs('last_seen_at').notNull().defaultNow(),
  },
  (table) => [uniqueIndex('kb_unanswered_workspace_text_unique').on(table.workspaceId, table.normalized)],
);

/** Agent assist: which suggested answer an agent used, for which conversation. */
export const kbSuggestionUses = pgTable(
  'kb_suggestion_uses',
  {
    id: primaryId(),
    workspaceId: workspaceIdColumn(),
    conversationId: uuid('conversation_id').notNull(),
    faqId: uuid('faq_id').references(() => kbFaqs.id, { onDelete: 'set null' }),
    userId: uuid('user_id'),
    query: text('query'),
    createdAt: createdAt(),
  },
  (table) => [index('kb_suggestion_uses_workspace_idx').on(table.workspaceId, table.createdAt)],
);
