import type { CannedResponse, RenderedCannedResponse } from '@huiliu/contracts';
import type { z } from 'zod';
import { api, type Page } from '../lib/api';
import { registerSlashProvider } from '../conversation/composer-extensions';

type Rendered = z.infer<typeof RenderedCannedResponse>;

/** How well a response matches what follows the `/`: shortcuts first, as agents type them from memory. */
function rank(item: CannedResponse, query: string): number {
  const q = query.toLowerCase();
  if (!q) return 3;
  if (item.shortcut === q) return 0;
  if (item.shortcut.startsWith(q)) return 1;
  if (item.title.toLowerCase().includes(q)) return 2;
  return 3;
}

/**
 * Canned responses (快捷回复) behind `/` in the composer: searched by shortcut, title and text on
 * the server; the chosen one is rendered by the server for the conversation, so
 * `{{customer.name}}` and friends hold what the server knows at that moment.
 */
registerSlashProvider(async (query, conversation, workspaceId) => {
  const base = `/workspaces/${workspaceId}/canned-responses`;
  const found = await api.get<Page<CannedResponse>>(base, { q: query, limit: 20 });
  return found.items
    .map((item, index) => ({ item, index }))
    .sort((a, b) => rank(a.item, query) - rank(b.item, query) || a.index - b.index)
    .map(({ item }) => ({
      key: `canned-${item.id}`,
      label: `/${item.shortcut} · ${item.title}`,
      text: item.text,
      resolve: async () => (await api.post<Rendered>(`${base}/${item.id}/render`, { conversationId: conversation.id })).text,
    }));
});
