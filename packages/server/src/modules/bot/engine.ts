import type { BotSettings, MessagePayload } from '@huiliu/contracts';
import { and, desc, eq, isNotNull, lt, sql, type SQL } from 'drizzle-orm';
import type { AppContext } from '../../platform/context.js';
import type { Database } from '../../platform/db/pool.js';
import { handOffConversation, resolveConversation } from '../conversations/commands.js';
import { publishMessage } from '../conversations/events.js';
import { registerInboundHook, type Received } from '../conversations/inbound.js';
import { messages } from '../conversations/schema.js';
import type { ConversationRow } from '../conversations/views.js';
import { appendMessage, type Appended } from '../conversations/write-path.js';
import { recordUnanswered } from '../knowledge/learning.js';
import { knowledgeIndexes, type WorkspaceKnowledge } from '../knowledge/live-index.js';
import { normalizeText } from '../knowledge/retrieval/index.js';
import type { FaqRow } from '../knowledge/service.js';
import { teamOpenNow } from '../routing/closed-reply.js';
import type { Executor } from '../users/service.js';
import { botEvents, botSessions } from './schema.js';
import { agentsAvailable } from '../routing/presence.js';
import { getBotSettings } from './settings.js';
import { smallTalkKind, smallTalkReply } from './small-talk.js';

type Language = 'zh' | 'en';
type Intent = { faqId: string; categoryId: string | null; category: string | null };
type SessionRow = typeof botSessions.$inferSelect;

const TEXT = {
  zh: {
    didYouMean: '您是不是想问：',
    noneOfThese: '都不是',
    helpful: '这个回答解决您的问题了吗？',
    up: '👍 解决了',
    down: '👎 没解决',
    glad: '很高兴能帮到您！如还有其他问题，随时问我。',
    sorry: '抱歉没能帮到您。请换个说法描述一下您的问题，或输入“转人工”联系人工客服。',
    transferring: '正在为您转接人工客服，请稍候……',
    closed: '现在是非工作时间，人工客服暂时不在线。请留言（问题和联系方式），我们上班后会第一时间回复您。',
    nobodyOnline: '人工客服暂时都不在线。请留言（问题和联系方式），我们会尽快回复您。',
    attachment: '已收到您的文件，正在为您转接人工客服。',
  },
  en: {
    didYouMean: 'Did you mean:',
    noneOfThese: 'None of these',
    helpful: 'Did this solve your problem?',
    up: '👍 Yes',
    down: '👎 No',
    glad: 'Glad I could help! Ask me anything else any time.',
    sorry: 'Sorry I could not help. Please describe your question differently, or type "agent" to talk to a person.',
    transferring: 'Connecting you to an agent, one moment please…',
    closed:
      'We are outside business hours and no agent is available. Leave a message (your question and how to reach you) and we will reply as soon as we are back.',
    nobodyOnline: 'No agent is online right now. Leave a message (your question and how to reach you) and we will reply as soon as we can.',
    attachment: 'Thanks for the file; connecting you to an agent.',
  },
} as const;

/** Consecutive failures (👎, "none of these", an unsure answer) after which the bot hands off. */
const MAX_FAILURES = 2;

const botActor = (settings: BotSettings) => ({ type: 'bot' as const, id: null, name: settings.name });

/** The option of the bot's last prompt the customer picked: by label, by number ("2"), or by value. */
export function pickOption(payload: MessagePayload | null | undefined, text: string): MessagePayload['options'][number] | undefined {
  if (!payload) return undefined;
  const typed = normalizeText(text).trim();
  if (!typed) return undefined;
  const number = /^\d{1,2}$/.test(typed) ? Number(typed) : NaN;
  if (number >= 1 && number <= payload.options.length) return payload.options[number - 1];
  return payload.options.find((option) => normalizeText(option.label).trim() === typed || option.value === text.trim());
}

/** A hand-off keyword: the whole message, or inside it (Chinese), or as a word (Latin). */
export function asksForHuman(text: string, keywords: readonly string[]): boolean {
  const typed = normalizeText(text).trim();
  return keywords.some((keyword) => {
    const wanted = normalizeText(keyword).trim();
    if (!wanted) return false;
    if (typed === wanted) return true;
    if (/^[a-z0-9 ]+$/.test(wanted)) return new RegExp(`(^|[^a-z0-9])${wanted.replace(/ /g, '\\s+')}([^a-z0-9]|$)`).test(typed);
    return typed.includes(wanted) && typed.length <= wanted.length + 8;
  });
}

export function keywordRuleFor(text: string, rules: BotSettings['keywordRules']): BotSettings['keywordRules'][number] | undefined {
  const typed = normalizeText(text).trim();
  return rules.find((rule) => {
    if (rule.match === 'regex') {
      try {
        return new RegExp(rule.pattern, 'iu').test(text);
      } catch {
        return false;
      }
    }
    const pattern = normalizeText(rule.pattern).trim();
    return rule.match === 'exact' ? typed === pattern : pattern !== '' && typed.includes(pattern);
  });
}

/**
 * One bot turn, inside the inbound transaction (the conversation row is locked): reads the
 * customer's message and answers, asks back, or hands off. Every bot message is an `out`
 * message with senderType `bot`, so it reaches the customer through the outbox and the
 * channel's connector like an agent's reply, and the agent sees the whole transcript.
 */
export async function botTurn(ctx: Pick<AppContext, 'db' | 'pool' | 'logger'>, tx: Executor, received: Received): Promise<Appended[]> {
  const conversation = received.conversation;
  // Once an agent has written in the conversation, the bot keeps quiet.
  if (conversation.state !== 'bot' || received.duplicate || conversation.firstResponseAt) return [];
  const workspaceId = conversation.workspaceId;
  const settings = await getBotSettings(tx, workspaceId, conversation.inboxId);
  if (!settings.enabled) return [];
  const language: Language = String(conversation.context.language ?? 'zh')
    .toLowerCase()
    .startsWith('en')
    ? 'en'
    : 'zh';
  const words = TEXT[language];
  const out: Appended[] = [];
  let current: ConversationRow = conversation;

  const say = async (text: string, payload: MessagePayload | null = null) => {
    const appended = await appendMessage(
      tx,
      workspaceId,
      conversation.id,
      { kind: 'out', text, payload, senderType: 'bot', senderName: settings.name },
      current,
    );
    current = appended.conversation;
    out.push(appended);
  };
  const event = (values: Omit<typeof botEvents.$inferInsert, 'workspaceId' | 'conversationId'>) =>
    tx.insert(botEvents).values({ workspaceId, conversationId: conversation.id, ...values });

  await tx
    .insert(botSessions)
    .values({ conversationId: conversation.id, workspaceId, inboxId: conversation.inboxId })
    .onConflictDoNothing();
  const [session] = (await tx.select().from(botSessions).where(eq(botSessions.conversationId, conversation.id))) as [SessionRow];
  const updateSession = (change: { [K in keyof typeof botSessions.$inferInsert]?: (typeof botSessions.$inferInsert)[K] | SQL }) =>
    tx.update(botSessions).set(change).where(eq(botSessions.conversationId, conversation.id));

  const handOff = async (reason: string, intent: Intent | null) => {
    const open = await teamOpenNow(tx, current.teamId);
    // Nobody to take it (closed, or no agent online): the widget offers its leave-a-message form.
    const staffed = open && (await agentsAvailable(tx, workspaceId));
    if (staffed) await say(words.transferring);
    else await say(open ? words.nobodyOnline : words.closed, { type: 'leave_message', options: [] });
    const appended = await handOffConversation(tx, workspaceId, conversation.id, { reason, intent: intent ?? session.intent ?? null });
    current = appended.conversation;
    out.push(appended);
    await updateSession({ handoffReason: reason, handedOffAt: sql`now()` });
    await event({ type: 'handoff', reason, faqId: (intent ?? session.intent)?.faqId ?? null });
  };
  const intentOf = (knowledge: WorkspaceKnowledge, faq: FaqRow): Intent => ({
    faqId: faq.id,
    categoryId: faq.categoryId,
    category: knowledge.categoryName(faq.categoryId),
  });
  const answer = async (knowledge: WorkspaceKnowledge, faq: FaqRow, query: string, confidence: number | null) => {
    await say(faq.answer);
    await say(words.helpful, {
      type: 'vote',
      options: [
        { label: words.up, value: 'up' },
        { label: words.down, value: 'down' },
      ],
    });
    await updateSession({ lastQuery: query, intent: intentOf(knowledge, faq) });
    await event({ type: 'answer', faqId: faq.id, confidence, query });
  };
  const fail = async (reason: string) => {
    const failures = session.failures + 1;
    await updateSession({ failures });
    if (failures >= MAX_FAILURES) await handOff(reason, null);
    return failures >= MAX_FAILURES;
  };

  if (received.created && settings.greeting) {
    await say(
      settings.greeting,
      settings.menu.length ? { type: 'menu', options: settings.menu.map((label) => ({ label, value: label })) } : null,
    );
  }
  const message = received.message;
  let text = message.text.trim();
  if (!text) {
    await handOff('attachment', null);
    return out;
  }

  // An answer to the bot's last question: a vote, a "did you mean" choice, a menu button.
  const [previous] = await tx
    .select({ payload: messages.payload })
    .from(messages)
    .where(
      and(
        eq(messages.conversationId, conversation.id),
        eq(messages.senderType, 'bot'),
        isNotNull(messages.payload),
        lt(messages.seq, message.seq),
      ),
    )
    .orderBy(desc(messages.seq))
    .limit(1);
  const prompt = previous?.payload ?? null;
  const picked = pickOption(prompt, text);
  const knowledge = await knowledgeIndexes(ctx).get(workspaceId);
  if (prompt && picked) {
    if (prompt.type === 'vote') {
      const helpful = picked.value === 'up';
      await event({ type: 'vote', helpful, faqId: session.intent?.faqId ?? null, query: session.lastQuery });
      if (helpful) {
        await updateSession({ failures: 0 });
        await say(words.glad);
        const resolved = await resolveConversation(tx, workspaceId, conversation.id, botActor(settings), { disposition: 'bot_resolved' });
        current = resolved.conversation;
        out.push(resolved);
        return out;
      }
      if (session.lastQuery) await recordUnanswered(tx, workspaceId, session.lastQuery, 'downvoted');
      if (!(await fail('repeated_failure'))) await say(words.sorry);
      return out;
    }
    if (prompt.type === 'choices') {
      const faq = knowledge.faqs.get(picked.value);
      if (!faq) {
        if (session.lastQuery) await recordUnanswered(tx, workspaceId, session.lastQuery, 'unanswered');
        if (!(await fail('repeated_failure'))) await say(words.sorry);
        return out;
      }
      await updateSession({ failures: 0 });
      await answer(knowledge, faq, session.lastQuery ?? text, null);
      return out;
    }
    // A menu button asks its label as a question.
    await event({ type: 'menu', query: picked.value });
    text = picked.value;
  }

  if (asksForHuman(text, settings.handoffKeywords)) {
    await handOff('requested', null);
    return out;
  }

  const rule = keywordRuleFor(text, settings.keywordRules);
  if (rule) {
    await event({ type: 'keyword', query: text, reason: rule.pattern });
    if (rule.reply) await say(rule.reply);
    if (rule.handoff) await handOff('keyword', null);
    return out;
  }

  // "你好", "在吗", "谢谢", "好的": answered as what they are, never a failure nor a hand-off.
  const chat = smallTalkKind(text);
  if (chat) {
    await event({ type: 'small_talk', query: text, reason: chat });
    // A first "你好" was just answered by the greeting; saying hello twice reads like a machine.
    if (!(chat === 'greeting' && received.created && settings.greeting)) await say(smallTalkReply(settings, chat, language));
    return out;
  }

  const decision = knowledge.decide(text, settings.thresholds);
  const top = decision.hits[0];
  if (decision.kind === 'answer' && top) {
    await answer(knowledge, top.faq, text, top.hit.confidence);
    return out;
  }
  if (decision.kind === 'clarify') {
    const choices = decision.candidates
      .map((candidate) => decision.hits.find((entry) => entry.hit.id === candidate.id)?.faq)
      .filter((faq): faq is FaqRow => faq !== undefined);
    await updateSession({ lastQuery: text, intent: top ? intentOf(knowledge, top.faq) : null });
    await event({ type: 'clarify', query: text, faqId: top?.faq.id ?? null, confidence: top?.hit.confidence ?? null });
    // Unsure twice in a row is a failure to help: a person takes over.
    if (await fail('repeated_failure')) {
      await recordUnanswered(tx, workspaceId, text, 'low_confidence');
      return out;
    }
    await say(words.didYouMean, {
      type: 'choices',
      options: [...choices.map((faq) => ({ label: faq.question, value: faq.id })), { label: words.noneOfThese, value: 'none' }],
    });
    return out;
  }
  await recordUnanswered(tx, workspaceId, text, top ? 'low_confidence' : 'unanswered');
  await handOff(top ? 'low_confidence' : 'unanswered', top ? intentOf(knowledge, top.faq) : null);
  return out;
}

/** Puts the bot on the inbound path of this application: new conversations on a bot inbox start with it. */
export function registerBot(ctx: Pick<AppContext, 'db' | 'pool' | 'logger' | 'realtime'>): void {
  const db = ctx.db as Database;
  registerInboundHook(db, {
    async prepare(inbound) {
      // A first build of the index (seconds for a large base) happens here, outside the
      // transaction: awaited inside, it would hold a pool connection and the conversation's
      // lock that long, and with every connection so held its own query could never run.
      await knowledgeIndexes(ctx)
        .get(inbound.inbox.workspaceId)
        .catch((error: unknown) => ctx.logger.warn({ err: error }, 'knowledge index not ready before the bot turn'));
    },
    async initialState(tx, inbox) {
      return (await getBotSettings(tx, inbox.workspaceId, inbox.id)).enabled ? 'bot' : undefined;
    },
    async afterMessage(tx, received) {
      if (received.conversation.state !== 'bot' || received.duplicate) return undefined;
      let written: Appended[] = [];
      const conversation = received.conversation;
      if (conversation.context.autoReply === false) {
        // Never answer a robot (RFC 3834: auto-replies, bounces, a sender over its rate limit): people decide.
        written = [await handOffConversation(tx, conversation.workspaceId, conversation.id, { reason: 'automatic_message', intent: null })];
      } else {
        try {
          // A savepoint: if the bot fails, the customer's message still stands (and waits for a person).
          written = await (tx as Database).transaction((savepoint) => botTurn(ctx, savepoint, received));
        } catch (error) {
          ctx.logger.error({ err: error, conversationId: conversation.id }, 'bot turn failed; handing off');
          written = [await handOffConversation(tx, conversation.workspaceId, conversation.id, { reason: 'bot_error', intent: null })];
        }
      }
      return () => {
        for (const appended of written) publishMessage(ctx.realtime, appended.conversation, appended.message);
      };
    },
  });
}
