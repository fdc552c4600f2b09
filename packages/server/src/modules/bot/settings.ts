import { BotSettings } from '@huiliu/contracts';
import { and, eq, sql } from 'drizzle-orm';
import { getInbox } from '../inboxes/service.js';
import type { Executor } from '../users/service.js';
import { botSettings } from './schema.js';

/** An inbox's bot settings with every default filled in (a bot that was never set up is off). */
export async function getBotSettings(db: Executor, workspaceId: string, inboxId: string): Promise<BotSettings> {
  const [row] = await db
    .select({ settings: botSettings.settings })
    .from(botSettings)
    .where(and(eq(botSettings.workspaceId, workspaceId), eq(botSettings.inboxId, inboxId)));
  return BotSettings.parse(row?.settings ?? {});
}

export async function saveBotSettings(db: Executor, workspaceId: string, inboxId: string, settings: BotSettings): Promise<BotSettings> {
  await getInbox(db, workspaceId, inboxId);
  await db
    .insert(botSettings)
    .values({ workspaceId, inboxId, settings })
    .onConflictDoUpdate({ target: botSettings.inboxId, set: { settings, updatedAt: sql`now()` } });
  return settings;
}
