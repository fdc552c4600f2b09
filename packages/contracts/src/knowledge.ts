import { z } from 'zod';
import { Id, Timestamp } from './common.js';

/** Knowledge base: categories, articles (help center) and FAQ entries (what the bot answers from). */

export const KnowledgeCategory = z.object({
  id: Id,
  name: z.string(),
  description: z.string(),
  position: z.number().int(),
  createdAt: Timestamp,
});

export const CreateCategoryRequest = z.object({
  name: z.string().trim().min(1).max(100),
  description: z.string().max(1000).default(''),
  position: z.number().int().min(0).max(10_000).default(100),
});

export const UpdateCategoryRequest = z
  .object({
    name: z.string().trim().min(1).max(100),
    description: z.string().max(1000),
    position: z.number().int().min(0).max(10_000),
  })
  .partial()
  .refine((value) => Object.keys(value).length > 0, 'nothing to update');

export const ArticleStatus = z.enum(['draft', 'published']);
export const ArticleVisibility = z.enum(['public', 'internal']);

export const Article = z.object({
  id: Id,
  title: z.string(),
  /** Markdown. */
  body: z.string(),
  categoryId: Id.nullable(),
  status: ArticleStatus,
  visibility: ArticleVisibility,
  createdAt: Timestamp,
  updatedAt: Timestamp,
});

export const CreateArticleRequest = z.object({
  title: z.string().trim().min(1).max(200),
  body: z.string().max(100_000).default(''),
  categoryId: Id.nullable().default(null),
  status: ArticleStatus.default('draft'),
  visibility: ArticleVisibility.default('public'),
});

export const UpdateArticleRequest = z
  .object({
    title: z.string().trim().min(1).max(200),
    body: z.string().max(100_000),
    categoryId: Id.nullable(),
    status: ArticleStatus,
    visibility: ArticleVisibility,
  })
  .partial()
  .refine((value) => Object.keys(value).length > 0, 'nothing to update');

export const ArticleQuery = z.object({
  categoryId: Id.optional(),
  status: ArticleStatus.optional(),
  cursor: z.string().max(512).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

const Question = z.string().trim().min(1).max(500);

export const Faq = z.object({
  id: Id,
  /** The standard question (标准问). */
  question: z.string(),
  /** Other ways customers ask it (相似问). */
  similarQuestions: z.array(z.string()),
  /** Markdown: rich text, images and links. */
  answer: z.string(),
  categoryId: Id.nullable(),
  /** Brand and product names segmentation must keep whole (user dictionary). */
  terms: z.array(z.string()),
  enabled: z.boolean(),
  validFrom: Timestamp.nullable(),
  validTo: Timestamp.nullable(),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});
export type Faq = z.infer<typeof Faq>;

const FaqFields = {
  question: Question,
  similarQuestions: z.array(Question).max(500),
  answer: z.string().trim().min(1).max(20_000),
  categoryId: Id.nullable(),
  terms: z.array(z.string().trim().min(2).max(50)).max(50),
  enabled: z.boolean(),
  validFrom: z.iso.datetime({ offset: true }).nullable(),
  validTo: z.iso.datetime({ offset: true }).nullable(),
};

export const CreateFaqRequest = z
  .object({
    question: FaqFields.question,
    similarQuestions: FaqFields.similarQuestions.default([]),
    answer: FaqFields.answer,
    categoryId: FaqFields.categoryId.default(null),
    terms: FaqFields.terms.default([]),
    enabled: FaqFields.enabled.default(true),
    validFrom: FaqFields.validFrom.default(null),
    validTo: FaqFields.validTo.default(null),
  })
  .describe('validFrom must be before validTo when both are set');

export const UpdateFaqRequest = z
  .object(FaqFields)
  .partial()
  .refine((value) => Object.keys(value).length > 0, 'nothing to update');

export const FaqQuery = z.object({
  categoryId: Id.optional(),
  q: z.string().max(200).optional().describe('Search the questions'),
  cursor: z.string().max(512).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

export const FaqImportRequest = z.object({
  format: z.enum(['csv', 'json']),
  /** The file's text. CSV columns: 标准问/question, 相似问/similar (`|`-separated, or one per row repeating the question), 答案/answer, 分类/category. */
  content: z.string().min(1).max(5_000_000),
  /** Create categories named in the file that do not exist yet (default true). */
  createCategories: z.boolean().default(true),
});

export const FaqImportResult = z.object({
  created: z.number().int(),
  updated: z.number().int(),
  /** Rows refused, each with its row number and why. CSV: as a spreadsheet shows it (the header is row 1); JSON: position in the array, from 1. */
  errors: z.array(z.object({ row: z.number().int(), reason: z.string() })),
});

export const FaqExportQuery = z.object({ format: z.enum(['csv', 'json']).default('json') });

/** Structured content of a bot message: buttons, "did you mean" choices, a helpfulness vote. */
export const MessagePayload = z.object({
  /** `leave_message`: nobody can take the chat now; the widget offers its leave-a-message form (no options). */
  type: z.enum(['choices', 'menu', 'vote', 'leave_message']),
  options: z.array(z.object({ label: z.string(), value: z.string() })).max(20),
});
export type MessagePayload = z.infer<typeof MessagePayload>;

export const KeywordRule = z.object({
  match: z.enum(['exact', 'contains', 'regex']),
  pattern: z
    .string()
    .min(1)
    .max(200)
    .refine((pattern) => {
      try {
        new RegExp(pattern);
        return true;
      } catch {
        return false;
      }
    }, 'not a valid regular expression'),
  /** What the bot says; with `handoff` true it then hands off. */
  reply: z.string().max(5000).default(''),
  handoff: z.boolean().default(false),
});

const SmallTalkReply = z.object({ zh: z.string().trim().min(1).max(500), en: z.string().trim().min(1).max(500) });

export const BotSettings = z.object({
  enabled: z.boolean().default(false),
  name: z.string().trim().min(1).max(50).default('小流'),
  greeting: z.string().max(1000).default('您好，我是智能助手小流，请问有什么可以帮您？输入“转人工”可联系人工客服。'),
  /** Buttons shown with the greeting; a click asks the label as a question. */
  menu: z.array(z.string().trim().min(1).max(50)).max(10).default([]),
  keywordRules: z.array(KeywordRule).max(100).default([]),
  handoffKeywords: z.array(z.string().trim().min(1).max(30)).max(30).default(['转人工', '人工', '人工客服', 'agent', 'human']),
  /** Confidence thresholds (0–1): answer from `answer`, offer choices from `clarify`, else hand off. */
  thresholds: z
    .object({ answer: z.number().min(0).max(1), clarify: z.number().min(0).max(1) })
    .refine((t) => t.clarify <= t.answer, 'clarify must not exceed answer')
    .default({ answer: 0.8, clarify: 0.42 }),
  /** A conversation still with the bot is resolved after this many quiet minutes (0: never). */
  idleResolveMinutes: z.number().int().min(0).max(1440).default(30),
  /** Replies to greetings, thanks and acknowledgements ("你好", "谢谢", "好的"): answered, never handed off. */
  smallTalk: z
    .object({
      greeting: SmallTalkReply,
      thanks: SmallTalkReply,
      ack: SmallTalkReply,
    })
    .default({
      greeting: {
        zh: '您好！请直接告诉我您的问题，比如“退款多久到账”。',
        en: 'Hello! Just tell me your question, e.g. "when will I get my refund".',
      },
      thanks: { zh: '不客气！还有其他问题随时问我。', en: 'You are welcome! Ask me anything else any time.' },
      ack: { zh: '好的。还有其他需要帮忙的吗？', en: 'OK. Is there anything else I can help with?' },
    }),
});
export type BotSettings = z.infer<typeof BotSettings>;

export const BotSettingsParams = z.object({ workspaceId: Id, inboxId: Id });

export const Suggestion = z.object({
  faqId: Id,
  question: z.string(),
  answer: z.string(),
  confidence: z.number(),
});

export const SuggestionsResponse = z.object({
  /** The customer message the suggestions are for (null when there is none). */
  query: z.string().nullable(),
  suggestions: z.array(Suggestion),
  /** True when the workspace has no FAQ at all: nothing could be suggested. */
  knowledgeBaseEmpty: z.boolean(),
});

export const SuggestionUsedRequest = z.object({ faqId: Id, query: z.string().max(2000).optional() });

export const UnansweredQuestion = z.object({
  id: Id,
  text: z.string(),
  normalized: z.string(),
  count: z.number().int(),
  reasons: z.record(z.string(), z.number().int()),
  status: z.enum(['open', 'handled']),
  faqId: Id.nullable(),
  lastSeenAt: Timestamp,
});

export const UnansweredQuery = z.object({
  status: z.enum(['open', 'handled']).default('open'),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

export const AddAsSimilarRequest = z.object({ faqId: Id });

export const CreateFaqFromQuestionRequest = z.object({
  answer: z.string().trim().min(1).max(20_000),
  question: Question.optional(),
  categoryId: Id.nullable().default(null),
});

export const BotMetricsQuery = z.object({
  days: z.coerce.number().int().min(1).max(365).default(30),
});

export const BotMetrics = z.object({
  since: Timestamp,
  conversations: z.number().int(),
  /** Resolved with no human involved. */
  contained: z.number().int(),
  containmentRate: z.number(),
  handoffs: z.number().int(),
  handoffRate: z.number(),
  handoffsByReason: z.record(z.string(), z.number().int()),
  answers: z.number().int(),
  votes: z.object({ up: z.number().int(), down: z.number().int() }),
  suggestionsUsed: z.number().int(),
});

/** The widget's article search before a chat starts (public, by inbox key). */
export const WidgetArticleQuery = z.object({
  inboxKey: z.string().min(8).max(100),
  q: z.string().trim().min(1).max(200),
});

export const WidgetArticles = z.object({
  articles: z.array(z.object({ id: Id, title: z.string(), url: z.string() })),
});
