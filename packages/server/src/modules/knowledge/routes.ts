import {
  AddAsSimilarRequest,
  Article,
  ArticleQuery,
  ConversationMessageParams,
  CreateArticleRequest,
  CreateCategoryRequest,
  CreateFaqFromQuestionRequest,
  CreateFaqRequest,
  ErrorBody,
  Faq,
  FaqExportQuery,
  FaqImportRequest,
  FaqImportResult,
  FaqQuery,
  KnowledgeCategory,
  NoContent,
  SuggestionsResponse,
  SuggestionUsedRequest,
  UnansweredQuery,
  UnansweredQuestion,
  UpdateArticleRequest,
  UpdateCategoryRequest,
  UpdateFaqRequest,
  WorkspaceEntityParams,
  WidgetArticleQuery,
  WidgetArticles,
  WorkspaceParams,
  page,
} from '@huiliu/contracts';
import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { AppContext } from '../../platform/context.js';
import { recordAudit } from '../audit/service.js';
import { memberOf } from '../auth/access.js';
import { getConversation, lastCustomerText } from '../conversations/queries.js';
import { notFound } from '../../platform/errors.js';
import { findEnabledInboxByKey } from '../inboxes/service.js';
import { workspaces } from '../workspaces/schema.js';
import { eq } from 'drizzle-orm';
import { searchPublicArticles } from './help-center.js';
import { addAsSimilar, createFaqFromQuestion, listUnanswered } from './learning.js';
import { knowledgeIndexes } from './live-index.js';
import { kbSuggestionUses } from './schema.js';
import {
  articleView,
  categoryView,
  createArticle,
  createCategory,
  createFaq,
  deleteArticle,
  deleteCategory,
  deleteFaq,
  faqView,
  getArticle,
  getFaq,
  listArticles,
  listCategories,
  listFaqs,
  updateArticle,
  updateCategory,
  updateFaq,
} from './service.js';
import { applyImport, exportFaqs, planImport, readCsv, readJson } from './transfer.js';

const errors = { '4xx': ErrorBody };
const tags = ['knowledge'];
const base = '/workspaces/:workspaceId/knowledge';

export const knowledgeRoutes = (ctx: AppContext): FastifyPluginAsyncZod =>
  async function (app) {
    // ---- categories
    app.get(
      `${base}/categories`,
      {
        config: { access: 'knowledge.read' },
        schema: {
          tags,
          summary: 'List knowledge categories',
          params: WorkspaceParams,
          response: { 200: z.array(KnowledgeCategory), ...errors },
        },
      },
      async (request) => (await listCategories(ctx.db, memberOf(request).workspaceId)).map(categoryView),
    );
    app.post(
      `${base}/categories`,
      {
        config: { access: 'knowledge.manage' },
        schema: {
          tags,
          summary: 'Create a category',
          params: WorkspaceParams,
          body: CreateCategoryRequest,
          response: { 201: KnowledgeCategory, ...errors },
        },
      },
      async (request, reply) =>
        reply.code(201).send(categoryView(await createCategory(ctx.db, memberOf(request).workspaceId, request.body))),
    );
    app.patch(
      `${base}/categories/:id`,
      {
        config: { access: 'knowledge.manage' },
        schema: {
          tags,
          summary: 'Change a category',
          params: WorkspaceEntityParams,
          body: UpdateCategoryRequest,
          response: { 200: KnowledgeCategory, ...errors },
        },
      },
      async (request) =>
        categoryView(await ctx.db.transaction((tx) => updateCategory(tx, memberOf(request).workspaceId, request.params.id, request.body))),
    );
    app.delete(
      `${base}/categories/:id`,
      {
        config: { access: 'knowledge.manage' },
        schema: {
          tags,
          summary: 'Delete a category (its articles and FAQs stay, uncategorised)',
          params: WorkspaceEntityParams,
          response: { 204: NoContent, ...errors },
        },
      },
      async (request, reply) => {
        await ctx.db.transaction((tx) => deleteCategory(tx, memberOf(request).workspaceId, request.params.id));
        return reply.code(204).send(null);
      },
    );

    // ---- articles
    app.get(
      `${base}/articles`,
      {
        config: { access: 'knowledge.read' },
        schema: {
          tags,
          summary: 'List articles',
          params: WorkspaceParams,
          querystring: ArticleQuery,
          response: { 200: page(Article), ...errors },
        },
      },
      async (request) => listArticles(ctx.db, memberOf(request).workspaceId, request.query),
    );
    app.post(
      `${base}/articles`,
      {
        config: { access: 'knowledge.manage' },
        schema: {
          tags,
          summary: 'Write an article (Markdown)',
          params: WorkspaceParams,
          body: CreateArticleRequest,
          response: { 201: Article, ...errors },
        },
      },
      async (request, reply) => reply.code(201).send(articleView(await createArticle(ctx.db, memberOf(request).workspaceId, request.body))),
    );
    app.get(
      `${base}/articles/:id`,
      {
        config: { access: 'knowledge.read' },
        schema: { tags, summary: 'Read an article', params: WorkspaceEntityParams, response: { 200: Article, ...errors } },
      },
      async (request) => articleView(await getArticle(ctx.db, memberOf(request).workspaceId, request.params.id)),
    );
    app.patch(
      `${base}/articles/:id`,
      {
        config: { access: 'knowledge.manage' },
        schema: {
          tags,
          summary: 'Change or publish an article',
          params: WorkspaceEntityParams,
          body: UpdateArticleRequest,
          response: { 200: Article, ...errors },
        },
      },
      async (request) =>
        articleView(await ctx.db.transaction((tx) => updateArticle(tx, memberOf(request).workspaceId, request.params.id, request.body))),
    );
    app.delete(
      `${base}/articles/:id`,
      {
        config: { access: 'knowledge.manage' },
        schema: { tags, summary: 'Delete an article', params: WorkspaceEntityParams, response: { 204: NoContent, ...errors } },
      },
      async (request, reply) => {
        await deleteArticle(ctx.db, memberOf(request).workspaceId, request.params.id);
        return reply.code(204).send(null);
      },
    );

    // ---- FAQs
    app.get(
      `${base}/faqs`,
      {
        config: { access: 'knowledge.read' },
        schema: {
          tags,
          summary: 'List FAQ entries',
          params: WorkspaceParams,
          querystring: FaqQuery,
          response: { 200: page(Faq), ...errors },
        },
      },
      async (request) => listFaqs(ctx.db, memberOf(request).workspaceId, request.query),
    );
    app.post(
      `${base}/faqs`,
      {
        config: { access: 'knowledge.manage' },
        schema: {
          tags,
          summary: 'Create an FAQ entry (标准问, 相似问, 答案); the bot uses it within a second',
          params: WorkspaceParams,
          body: CreateFaqRequest,
          response: { 201: Faq, ...errors },
        },
      },
      async (request, reply) => {
        const faq = await ctx.db.transaction(async (tx) => {
          const created = await createFaq(tx, memberOf(request).workspaceId, request.body);
          await recordAudit(tx, request, { action: 'faq.create', targetType: 'faq', targetId: created.id, after: faqView(created) });
          return created;
        });
        return reply.code(201).send(faqView(faq));
      },
    );
    app.get(
      `${base}/faqs/export`,
      {
        config: { access: 'knowledge.read' },
        schema: {
          tags,
          summary: 'Export every FAQ as CSV (标准问, 相似问, 答案, 分类) or JSON',
          params: WorkspaceParams,
          querystring: FaqExportQuery,
        },
      },
      async (request, reply) => {
        const format = request.query.format;
        const body = await exportFaqs(ctx.db, memberOf(request).workspaceId, format);
        return reply
          .type(format === 'csv' ? 'text/csv; charset=utf-8' : 'application/json; charset=utf-8')
          .header('content-disposition', `attachment; filename="faqs.${format}"`)
          .send(body);
      },
    );
    app.post(
      `${base}/faqs/import`,
      {
        config: { access: 'knowledge.manage' },
        schema: {
          tags,
          summary: 'Import FAQs from CSV or JSON: good rows are kept, bad rows reported with row number and reason',
          params: WorkspaceParams,
          body: FaqImportRequest,
          response: { 200: FaqImportResult, ...errors },
        },
      },
      async (request) => {
        const workspaceId = memberOf(request).workspaceId;
        const read = request.body.format === 'csv' ? readCsv(request.body.content) : readJson(request.body.content);
        const plan = planImport(read.rows);
        const result = await ctx.db.transaction(async (tx) => {
          const applied = await applyImport(
            tx,
            workspaceId,
            { faqs: plan.faqs, errors: [...read.errors, ...plan.errors] },
            request.body.createCategories,
          );
          await recordAudit(tx, request, {
            action: 'faq.import',
            targetType: 'faq',
            targetId: null,
            after: { created: applied.created, updated: applied.updated, refused: applied.errors.length },
          });
          return applied;
        });
        return result;
      },
    );
    app.get(
      `${base}/faqs/:id`,
      {
        config: { access: 'knowledge.read' },
        schema: { tags, summary: 'Read an FAQ entry', params: WorkspaceEntityParams, response: { 200: Faq, ...errors } },
      },
      async (request) => faqView(await getFaq(ctx.db, memberOf(request).workspaceId, request.params.id)),
    );
    app.patch(
      `${base}/faqs/:id`,
      {
        config: { access: 'knowledge.manage' },
        schema: {
          tags,
          summary: 'Change an FAQ entry',
          params: WorkspaceEntityParams,
          body: UpdateFaqRequest,
          response: { 200: Faq, ...errors },
        },
      },
      async (request) =>
        faqView(await ctx.db.transaction((tx) => updateFaq(tx, memberOf(request).workspaceId, request.params.id, request.body))),
    );
    app.delete(
      `${base}/faqs/:id`,
      {
        config: { access: 'knowledge.manage' },
        schema: { tags, summary: 'Delete an FAQ entry', params: WorkspaceEntityParams, response: { 204: NoContent, ...errors } },
      },
      async (request, reply) => {
        await ctx.db.transaction((tx) => deleteFaq(tx, memberOf(request).workspaceId, request.params.id));
        return reply.code(204).send(null);
      },
    );

    // ---- agent assist
    app.get(
      '/workspaces/:workspaceId/conversations/:id/suggestions',
      {
        config: { access: 'knowledge.read' },
        schema: {
          tags,
          summary: "Suggested answers for the customer's last message (agent assist)",
          params: ConversationMessageParams,
          response: { 200: SuggestionsResponse, ...errors },
        },
      },
      async (request) => {
        const workspaceId = memberOf(request).workspaceId;
        const { row } = await getConversation(ctx.db, workspaceId, request.params.id);
        const knowledge = await knowledgeIndexes(ctx).get(workspaceId);
        const query = await lastCustomerText(ctx.db, workspaceId, row.id);
        const hits = query ? knowledge.search(query, 3) : [];
        return {
          query,
          knowledgeBaseEmpty: knowledge.size === 0,
          suggestions: hits.map(({ faq, hit }) => ({
            faqId: faq.id,
            question: faq.question,
            answer: faq.answer,
            confidence: hit.confidence,
          })),
        };
      },
    );
    app.post(
      '/workspaces/:workspaceId/conversations/:id/suggestions/used',
      {
        config: { access: 'conversations.reply' },
        schema: {
          tags,
          summary: 'Record which suggested answer the agent used',
          params: ConversationMessageParams,
          body: SuggestionUsedRequest,
          response: { 204: NoContent, ...errors },
        },
      },
      async (request, reply) => {
        const member = memberOf(request);
        const { row } = await getConversation(ctx.db, member.workspaceId, request.params.id);
        const faq = await getFaq(ctx.db, member.workspaceId, request.body.faqId);
        await ctx.db.insert(kbSuggestionUses).values({
          workspaceId: member.workspaceId,
          conversationId: row.id,
          faqId: faq.id,
          userId: member.userId,
          query: request.body.query ?? null,
        });
        return reply.code(204).send(null);
      },
    );

    // ---- the widget's article search, before a chat starts
    app.get(
      '/widget/articles',
      {
        config: { access: 'public', rateLimit: { max: 60, timeWindow: '1 minute' } },
        schema: {
          tags: ['widget'],
          summary: "Search the help center's published public articles from the widget",
          querystring: WidgetArticleQuery,
          response: { 200: WidgetArticles, ...errors },
        },
      },
      async (request) => {
        const inbox = await findEnabledInboxByKey(ctx.db, request.query.inboxKey, 'widget');
        if (!inbox) throw notFound('chat (check the data-inbox-key of the widget script)');
        const [workspace] = await ctx.db.select({ slug: workspaces.slug }).from(workspaces).where(eq(workspaces.id, inbox.workspaceId));
        const found = await searchPublicArticles(ctx, inbox.workspaceId, request.query.q, 5);
        // Relative: the widget resolves it against the server it talks to.
        return {
          articles: found.map((row) => ({ ...row, url: `/help/${encodeURIComponent(workspace!.slug)}/articles/${row.id}` })),
        };
      },
    );

    // ---- learning loop
    app.get(
      `${base}/unanswered`,
      {
        config: { access: 'knowledge.manage' },
        schema: {
          tags,
          summary: 'Questions the bot could not answer, answered with low confidence or got 👎 for, most frequent first',
          params: WorkspaceParams,
          querystring: UnansweredQuery,
          response: { 200: z.array(UnansweredQuestion), ...errors },
        },
      },
      async (request) => listUnanswered(ctx.db, memberOf(request).workspaceId, request.query),
    );
    app.post(
      `${base}/unanswered/:id/add-to-faq`,
      {
        config: { access: 'knowledge.manage' },
        schema: {
          tags,
          summary: 'Add the question as a similar question of an FAQ, and mark it handled',
          params: WorkspaceEntityParams,
          body: AddAsSimilarRequest,
          response: { 200: UnansweredQuestion, ...errors },
        },
      },
      async (request) => ctx.db.transaction((tx) => addAsSimilar(tx, memberOf(request).workspaceId, request.params.id, request.body.faqId)),
    );
    app.post(
      `${base}/unanswered/:id/create-faq`,
      {
        config: { access: 'knowledge.manage' },
        schema: {
          tags,
          summary: 'Start a new FAQ from the question, and mark it handled',
          params: WorkspaceEntityParams,
          body: CreateFaqFromQuestionRequest,
          response: { 201: z.object({ question: UnansweredQuestion, faq: Faq }), ...errors },
        },
      },
      async (request, reply) => {
        const result = await ctx.db.transaction((tx) =>
          createFaqFromQuestion(tx, memberOf(request).workspaceId, request.params.id, request.body),
        );
        return reply.code(201).send({ question: result.question, faq: faqView(result.faq) });
      },
    );
  };
