import { DEFAULT_CALLBACK_SETTINGS, type CallbackSettings, type CallbackTrigger } from '@huiliu/contracts';
import { eq, sql } from 'drizzle-orm';
import { getCalendar } from '../calendars/service.js';
import { getTeam } from '../teams/service.js';
import type { Executor } from '../users/service.js';
import { callbackSettings } from './schema.js';

/** The stored settings over the defaults: a setting never set reads as its default. */
export function withDefaults(stored: Partial<CallbackSettings>): CallbackSettings {
  const triggers = { ...DEFAULT_CALLBACK_SETTINGS.triggers };
  for (const key of Object.keys(triggers) as CallbackTrigger[]) triggers[key] = { ...triggers[key], ...stored.triggers?.[key] };
  return {
    triggers,
    calendarId: stored.calendarId ?? DEFAULT_CALLBACK_SETTINGS.calendarId,
    teamId: stored.teamId ?? DEFAULT_CALLBACK_SETTINGS.teamId,
    negativeCsatMax: stored.negativeCsatMax ?? DEFAULT_CALLBACK_SETTINGS.negativeCsatMax,
    channel: stored.channel ?? DEFAULT_CALLBACK_SETTINGS.channel,
  };
}

export async function loadCallbackSettings(db: Executor, workspaceId: string): Promise<CallbackSettings> {
  const [row] = await db.select().from(callbackSettings).where(eq(callbackSettings.workspaceId, workspaceId));
  return withDefaults(row?.settings ?? {});
}

export interface CallbackSettingsChange {
  triggers?: Partial<Record<CallbackTrigger, Partial<CallbackSettings['triggers'][CallbackTrigger]>>>;
  calendarId?: string | null;
  teamId?: string | null;
  negativeCsatMax?: number;
  channel?: CallbackSettings['channel'];
}

/** Only what is named changes; a calendar or team of another workspace is a 404. */
export async function updateCallbackSettings(db: Executor, workspaceId: string, change: CallbackSettingsChange): Promise<CallbackSettings> {
  if (change.calendarId) await getCalendar(db, workspaceId, change.calendarId);
  if (change.teamId) await getTeam(db, workspaceId, change.teamId);
  const [row] = await db.select().from(callbackSettings).where(eq(callbackSettings.workspaceId, workspaceId)).for('update');
  const stored = row?.settings ?? {};
  const triggers = { ...stored.triggers } as Partial<CallbackSettings['triggers']>;
  for (const [key, value] of Object.entries(change.triggers ?? {}) as [
    CallbackTrigger,
    Partial<CallbackSettings['triggers'][CallbackTrigger]>,
  ][])
    triggers[key] = { ...withDefaults(stored).triggers[key], ...value };
  const { triggers: _ignored, ...rest } = change;
  const next: Partial<CallbackSettings> = { ...stored, ...rest, triggers: triggers as CallbackSettings['triggers'] };
  await db
    .insert(callbackSettings)
    .values({ workspaceId, settings: next })
    .onConflictDoUpdate({ target: callbackSettings.workspaceId, set: { settings: next, updatedAt: sql`now()` } });
  return withDefaults(next);
}
