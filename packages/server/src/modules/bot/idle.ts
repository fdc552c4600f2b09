import { BotSettings } from '@huiliu/contracts';
import { and, eq, sql } from 'drizzle-orm';
import type { AppContext } from '../../platform/context.js';
import { publishMessage } from '../conversations/events.js';
import { resolveIdleBotConversation } from '../conversations/commands.js';
import { notLeftMessage } from '../conversations/left-message.js';
import { conversations } from '../conversations/schema.js';
import type { Appended } from '../conversations/write-path.js';
import { botSettings } from './schema.js';

const DEFAULT_IDLE_MINUTES = BotSettings.parse({}).idleResolveMinutes;
const BATCH = 500;

/**
 * Resolves the conversations the bot still has whose customer went quiet for their inbox's
 * `idleResolveMinutes`. Left open, they would count neither as contained nor as handed off, and a
 * customer's visit days later would land in a stale conversation. Publishes and returns what changed.
 */
export async function resolveIdleBotConversations({ db, realtime }: Pick<AppContext, 'db' | 'realtime'>): Promise<Appended[]> {
  const minutes = sql<number>`coalesce((${botSettings.settings}->>'idleResolveMinutes')::int, ${DEFAULT_IDLE_MINUTES})`;
  const idle = await db
    .select({ id: conversations.id, workspaceId: conversations.workspaceId, minutes })
    .from(conversations)
    .leftJoin(botSettings, eq(botSettings.inboxId, conversations.inboxId))
    .where(
      and(
        eq(conversations.state, 'bot'),
        sql`${minutes} > 0`,
        notLeftMessage,
        sql`coalesce(${conversations.lastMessageAt}, ${conversations.createdAt}) < now() - make_interval(mins => ${minutes})`,
      ),
    )
    .limit(BATCH);
  const changed: Appended[] = [];
  for (const row of idle) {
    const appended = await db.transaction((tx) => resolveIdleBotConversation(tx, row.workspaceId, row.id, row.minutes));
    if (!appended) continue;
    publishMessage(realtime, appended.conversation, appended.message);
    changed.push(appended);
  }
  return changed;
}
