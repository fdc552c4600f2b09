import type { HeldReply, ReplyReview, ReviewChangedEvent } from '@huiliu/contracts';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { io } from 'socket.io-client';
import { api, type Page } from '../lib/api';
import { useSession } from '../lib/session';
import './locales';

export type { ReplyReview };

export const reviewKeys = {
  all: (workspaceId: string) => ['reviews', workspaceId] as const,
  list: (workspaceId: string, query: Record<string, string | undefined>) => ['reviews', workspaceId, 'list', query] as const,
};

export interface ReviewFilter {
  status?: ReplyReview['status'];
  authorId?: 'me';
  conversationId?: string;
  ticketId?: string;
}

/** Held replies: the queue, an author's own, or those of one conversation or ticket (the API decides who sees which). */
export function useReviews(filter: ReviewFilter, enabled = true) {
  const { workspaceId } = useSession();
  return useQuery({
    queryKey: reviewKeys.list(workspaceId, { ...filter }),
    queryFn: () => api.get<Page<ReplyReview>>(`/workspaces/${workspaceId}/reviews`, { ...filter, limit: 200 }),
    enabled,
  });
}

/** What a reply route answered: a stored message, or (202) the review a policy put it in. */
export function isHeld(value: unknown): value is HeldReply {
  return typeof value === 'object' && value !== null && (value as { held?: unknown }).held === true;
}

/**
 * `review:changed` carries ids only: the review lists on screen refetch. Its own socket, so the
 * review queue and the ticket page stay live outside the inbox (the inbox's socket does the same).
 */
export function useReviewUpdates(onChange?: (event: ReviewChangedEvent) => void) {
  const { workspaceId } = useSession();
  const client = useQueryClient();
  useEffect(() => {
    const socket = io('/agent', { withCredentials: true, transports: ['websocket', 'polling'] });
    const refresh = () => void client.invalidateQueries({ queryKey: reviewKeys.all(workspaceId) });
    socket.on('review:changed', (event: ReviewChangedEvent) => {
      refresh();
      onChange?.(event);
    });
    // Events sent while the socket was down are lost: every (re)connection refetches.
    socket.on('connect', refresh);
    return () => {
      socket.close();
    };
  }, [client, workspaceId, onChange]);
}
