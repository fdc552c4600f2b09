import { markdownToPlainText } from '@huiliu/contracts/markdown';
import type { SuggestionsResponse } from '@huiliu/contracts';
import { useQuery } from '@tanstack/react-query';
import type { z } from 'zod';
import { useConversation } from '../conversation/ConversationPane';
import { api } from '../lib/api';
import { useSession } from '../lib/session';

export type Suggestions = z.infer<typeof SuggestionsResponse>;
export type Suggestion = Suggestions['suggestions'][number];

/**
 * Knowledge-base matches for the customer's last message. The key holds the time of that
 * message (kept current by the live connection), so a new customer message asks again.
 */
export function useSuggestions(conversationId: string) {
  const { workspaceId } = useSession();
  const conversation = useConversation(conversationId);
  const lastCustomerMessageAt = conversation.data?.lastCustomerMessageAt ?? null;
  return useQuery({
    queryKey: ['suggestions', workspaceId, conversationId, lastCustomerMessageAt],
    queryFn: () => api.get<Suggestions>(`/workspaces/${workspaceId}/conversations/${conversationId}/suggestions`),
    enabled: conversation.isSuccess,
    staleTime: 5 * 60_000,
    // The last answer stays on screen while the next one loads.
    placeholderData: (previous) => previous,
  });
}

/**
 * FAQ answers are Markdown; the composer sends plain text, which the customer's channel shows as
 * written. Keep the words and the addresses (relative ones, like the help center's, made
 * absolute: on the customer's side they would be dead), drop the markup.
 */
export function answerAsText(markdown: string): string {
  return markdownToPlainText(markdown, (url) => new URL(url, window.location.origin).href);
}
