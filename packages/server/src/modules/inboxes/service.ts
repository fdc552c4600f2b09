import { EmailSettingsPatch, WidgetSettings } from '@huiliu/contracts';
import { and, eq, inArray } from 'drizzle-orm';
import { AppError, notFound } from '../../platform/errors.js';
import type { SecretBox } from '../../platform/secrets.js';
import { emailSettingsView, storeEmailSettings, storedEmailSettings } from './email-settings.js';
import { keyset, toPage } from '../../platform/http/pagination.js';
import { newToken } from '../../platform/secrets.js';
import { assertTeamsInWorkspace } from '../teams/service.js';
import type { Executor } from '../users/service.js';
import { inboxes } from './schema.js';

export type InboxRow = typeof inboxes.$inferSelect;

/** A widget inbox's settings with every default filled in. */
export function widgetSettingsOf(row: InboxRow): WidgetSettings {
  return WidgetSettings.parse(row.settings);
}

export function inboxView(row: InboxRow, publicUrl: string) {
  return {
    id: row.id,
    kind: row.kind,
    name: row.name,
    publicKey: row.publicKey,
    defaultTeamId: row.defaultTeamId,
    enabled: row.enabled,
    settings: row.kind === 'widget' ? widgetSettingsOf(row) : row.kind === 'email' ? emailSettingsView(row.settings) : row.settings,
    embedSnippet: row.kind === 'widget' ? `<script src="${publicUrl}/widget.js" data-inbox-key="${row.publicKey}" async></script>` : null,
    createdAt: row.createdAt.toISOString(),
  };
}

export async function createInbox(
  db: Executor,
  workspaceId: string,
  input: { kind: InboxRow['kind']; name: string; defaultTeamId: string | null; settings: Record<string, unknown> },
  secrets?: SecretBox,
) {
  if (input.defaultTeamId) await assertTeamsInWorkspace(db, workspaceId, [input.defaultTeamId]);
  const [row] = await db
    .insert(inboxes)
    .values({
      workspaceId,
      ...input,
      settings: settingsFor(input.kind, input.settings, null, secrets),
      publicKey: newToken().slice(0, 24),
      secret: newToken(),
    })
    .returning();
  return row!;
}

/** The settings to store for an inbox of this kind: validated, defaults filled, secrets encrypted. */
function settingsFor(
  kind: InboxRow['kind'],
  input: Record<string, unknown>,
  previous: Record<string, unknown> | null,
  secrets: SecretBox | undefined,
): Record<string, unknown> {
  if (kind === 'widget') return WidgetSettings.parse({ ...previous, ...input });
  if (kind === 'email') {
    if (!secrets) throw new Error('email inbox settings need the secrets key');
    const parsed = EmailSettingsPatch.strip().safeParse(input);
    if (!parsed.success) throw new AppError(400, 'invalid_settings', 'these are not email inbox settings', parsed.error.issues);
    return { ...storeEmailSettings(parsed.data, previous ? storedEmailSettings(previous) : null, secrets) };
  }
  return { ...previous, ...input };
}

export async function getInbox(db: Executor, workspaceId: string, inboxId: string) {
  const [row] = await db
    .select()
    .from(inboxes)
    .where(and(eq(inboxes.workspaceId, workspaceId), eq(inboxes.id, inboxId)));
  if (!row) throw notFound('inbox');
  return row;
}

/** For public entry points (the widget): an enabled inbox by its public key. */
export async function findEnabledInboxByKey(db: Executor, publicKey: string, kind: InboxRow['kind']) {
  const [row] = await db
    .select()
    .from(inboxes)
    .where(and(eq(inboxes.publicKey, publicKey), eq(inboxes.kind, kind), eq(inboxes.enabled, true)));
  return row;
}

export async function listInboxes(db: Executor, workspaceId: string, query: { cursor?: string; limit: number }) {
  const page = keyset(inboxes, query.cursor);
  const rows = await db
    .select()
    .from(inboxes)
    .where(and(eq(inboxes.workspaceId, workspaceId), page.where))
    .orderBy(...page.orderBy)
    .limit(query.limit + 1);
  return toPage(rows, query.limit, (row) => row);
}

export async function updateInbox(
  db: Executor,
  workspaceId: string,
  inboxId: string,
  input: { name?: string; defaultTeamId?: string | null; enabled?: boolean; settings?: Record<string, unknown> },
  secrets?: SecretBox,
) {
  const current = await getInbox(db, workspaceId, inboxId);
  if (input.defaultTeamId) await assertTeamsInWorkspace(db, workspaceId, [input.defaultTeamId]);
  const settings = input.settings ? settingsFor(current.kind, input.settings, current.settings, secrets) : undefined;
  const [row] = await db
    .update(inboxes)
    .set({ ...input, ...(settings ? { settings } : {}) })
    .where(and(eq(inboxes.workspaceId, workspaceId), eq(inboxes.id, inboxId)))
    .returning();
  return row!;
}

export async function rotateInboxSecret(db: Executor, workspaceId: string, inboxId: string) {
  const [row] = await db
    .update(inboxes)
    .set({ secret: newToken() })
    .where(and(eq(inboxes.workspaceId, workspaceId), eq(inboxes.id, inboxId)))
    .returning();
  if (!row) throw notFound('inbox');
  return row;
}

export async function firstWidgetInbox(db: Executor, workspaceId: string) {
  const [row] = await db
    .select()
    .from(inboxes)
    .where(and(eq(inboxes.workspaceId, workspaceId), eq(inboxes.kind, 'widget'), eq(inboxes.enabled, true)))
    .orderBy(inboxes.createdAt)
    .limit(1);
  return row;
}

/** Throws 404 unless every id is an inbox of this workspace. */
export async function assertInboxesInWorkspace(db: Executor, workspaceId: string, inboxIds: string[]): Promise<void> {
  if (inboxIds.length === 0) return;
  const found = await db
    .select({ id: inboxes.id })
    .from(inboxes)
    .where(and(eq(inboxes.workspaceId, workspaceId), inArray(inboxes.id, inboxIds)));
  if (found.length !== new Set(inboxIds).size) throw notFound('inbox');
}
