import type { SlaChangedEvent } from '@huiliu/contracts';
import type { QueryClient } from '@tanstack/react-query';
import type { Socket } from 'socket.io-client';
import type { Conversation, Message, Page } from './api';
import { openLiveSocket } from './live-socket';
import { Store } from './store';

export type LiveStatus = 'connecting' | 'live' | 'down';

/** Whether the real-time connection is up. */
export const liveStatus = new Store<LiveStatus>('connecting');

/** Unread customer messages per conversation, counted since this browser last showed it. */
export const unread = new Store<Record<string, number>>(loadUnread());

/** Who is typing in which conversation (cleared after a few seconds without news). */
export const typing = new Store<Record<string, { name: string | null; from: 'customer' | 'agent'; until: number }>>({});

/** The conversation on screen, so its messages do not count as unread. */
export const openConversation = new Store<string | null>(null);

function loadUnread(): Record<string, number> {
  try {
    return JSON.parse(sessionStorage.getItem('huiliu.unread') ?? '{}') as Record<string, number>;
  } catch {
    return {};
  }
}

export function markSeen(conversationId: string): void {
  unread.update((counts) => {
    if (!counts[conversationId]) return counts;
    const { [conversationId]: _gone, ...rest } = counts;
    return rest;
  });
}
unread.subscribe(() => sessionStorage.setItem('huiliu.unread', JSON.stringify(unread.get())));

export const keys = {
  lists: (workspaceId: string) => ['conversations', workspaceId] as const,
  conversation: (workspaceId: string, id: string) => ['conversation', workspaceId, id] as const,
  messages: (workspaceId: string, id: string) => ['messages', workspaceId, id] as const,
  customer: (workspaceId: string, id: string) => ['customer', workspaceId, id] as const,
  customerConversations: (workspaceId: string, id: string) => ['customer-conversations', workspaceId, id] as const,
};

export interface LiveCallbacks {
  onAssignedToMe(conversation: Conversation): void;
  onCustomerMessage(conversation: Conversation | undefined, message: Message): void;
}

interface Pages {
  pages: Page<Conversation>[];
  pageParams: unknown[];
}

/** The conversation as a new message leaves it: last sequence, and the preview and times a customer or agent message sets. */
export function withMessage(conversation: Conversation, message: Message): Conversation {
  const visible = message.kind === 'in' || message.kind === 'out';
  return {
    ...conversation,
    lastSeq: Math.max(conversation.lastSeq, message.seq),
    ...(visible ? { lastMessagePreview: message.text || conversation.lastMessagePreview, lastMessageAt: message.createdAt } : {}),
    ...(message.kind === 'in'
      ? { lastCustomerMessageAt: message.createdAt, lastCustomerMessagePreview: message.text || conversation.lastCustomerMessagePreview }
      : {}),
  };
}

/** A delivery change; a failure carries its reason (for agents). */
type MessageStatusEvent = { conversationId: string; messageId: string; delivery: Message['delivery']; failureReason?: string | null };

/**
 * The console's one Socket.IO connection (`/agent`, authenticated by the session cookie). Events
 * are folded into the TanStack Query caches, so every screen updates without a reload; after a
 * reconnect everything is refetched to catch up on what was missed.
 */
export function connectLive(client: QueryClient, workspaceId: string, userId: string, callbacks: LiveCallbacks): Socket {
  // A session that is gone sends the console to the login page (RequireSession reads this).
  const socket = openLiveSocket({ onSessionGone: () => client.setQueryData(['me'], null) });
  const announced = new Set<string>();
  let refreshTimer: ReturnType<typeof setTimeout> | undefined;
  const refreshLists = () => {
    clearTimeout(refreshTimer);
    refreshTimer = setTimeout(() => void client.invalidateQueries({ queryKey: keys.lists(workspaceId) }), 250);
  };

  const knownConversation = (id: string): Conversation | undefined => {
    const detail = client.getQueryData<Conversation>(keys.conversation(workspaceId, id));
    if (detail) return detail;
    for (const [, data] of client.getQueriesData<Pages>({ queryKey: keys.lists(workspaceId) })) {
      for (const page of data?.pages ?? []) {
        const found = page.items.find((item) => item.id === id);
        if (found) return found;
      }
    }
    return undefined;
  };

  const patchConversation = (id: string, patch: (conversation: Conversation) => Conversation) => {
    client.setQueryData<Conversation>(keys.conversation(workspaceId, id), (old) => (old ? patch(old) : old));
    client.setQueriesData<Pages>({ queryKey: keys.lists(workspaceId) }, (old) =>
      old
        ? { ...old, pages: old.pages.map((page) => ({ ...page, items: page.items.map((item) => (item.id === id ? patch(item) : item)) })) }
        : old,
    );
  };

  socket.on('connect', () => {
    liveStatus.set('live');
    // Also on the first connection: a list fetched before the socket joined its rooms misses
    // what changed in between (a conversation assigned meanwhile would never appear).
    void client.invalidateQueries();
  });
  socket.on('disconnect', () => liveStatus.set('down'));
  // The server closes the socket when the agent's workspaces or role change; the new handshake joins the right rooms.
  socket.on('access_changed', () => socket.once('disconnect', () => socket.connect()));
  socket.on('connect_error', () => liveStatus.set('down'));

  socket.on('message', (event: { conversationId: string; seq: number; message: Message }) => {
    const { conversationId, message } = event;
    const messagesKey = keys.messages(workspaceId, conversationId);
    const cached = client.getQueryData<Message[]>(messagesKey);
    if (cached) {
      const last = cached.at(-1)?.seq ?? 0;
      if (cached.some((item) => item.id === message.id)) {
        // Already there (our own reply, added when the API answered).
      } else if (message.seq === last + 1 || message.seq > last) {
        if (message.seq > last + 1) void client.invalidateQueries({ queryKey: messagesKey });
        client.setQueryData<Message[]>(
          messagesKey,
          [...cached, message].sort((a, b) => a.seq - b.seq),
        );
      }
    }
    patchConversation(conversationId, (conversation) => withMessage(conversation, message));
    if (message.kind === 'in') {
      typing.update((all) => {
        if (!all[conversationId]) return all;
        const { [conversationId]: _gone, ...rest } = all;
        return rest;
      });
      const open = openConversation.get() === conversationId && document.visibilityState === 'visible';
      if (!open) unread.update((counts) => ({ ...counts, [conversationId]: (counts[conversationId] ?? 0) + 1 }));
      callbacks.onCustomerMessage(knownConversation(conversationId), message);
    }
    // Not listed yet, or a list fetch under way may have read the tables before this message.
    if (!knownConversation(conversationId) || client.isFetching({ queryKey: keys.lists(workspaceId) }) > 0) refreshLists();
  });

  socket.on('conversation', (event: { conversation: Conversation }) => {
    const incoming = event.conversation;
    const before = knownConversation(incoming.id);
    const merged = {
      ...incoming,
      customerName: incoming.customerName ?? before?.customerName ?? null,
      customerLabel: incoming.customerLabel ?? before?.customerLabel ?? null,
      // The event carries no SLA summary (lists compute it); keep the one shown until the refetch.
      sla: incoming.sla ?? before?.sla,
    };
    client.setQueryData<Conversation>(keys.conversation(workspaceId, incoming.id), (old) => (old ? merged : old));
    patchConversation(incoming.id, () => merged);
    refreshLists();
    void client.invalidateQueries({ queryKey: keys.customerConversations(workspaceId, incoming.customerId) });
    // A new assignment is announced once, however many events the conversation then has.
    if (incoming.assigneeId === userId && incoming.state !== 'resolved') {
      if (before?.assigneeId !== userId && !announced.has(incoming.id)) callbacks.onAssignedToMe(merged);
      announced.add(incoming.id);
    } else announced.delete(incoming.id);
  });

  // A clock started, was met, warned or breached: the lists' badges and the open conversation's clocks refetch.
  socket.on('sla:changed', (event: SlaChangedEvent) => {
    if (event.subjectType !== 'conversation') return;
    refreshLists();
    void client.invalidateQueries({ queryKey: [...keys.conversation(workspaceId, event.subjectId), 'sla'] });
  });

  // A reply held for review, approved or rejected: ids only; the review lists on screen refetch.
  socket.on('review:changed', () => void client.invalidateQueries({ queryKey: ['reviews', workspaceId] }));

  socket.on('message:status', (event: MessageStatusEvent) => {
    const messagesKey = keys.messages(workspaceId, event.conversationId);
    const cached = client.getQueryData<Message[]>(messagesKey);
    if (!cached) return;
    // A refetch in flight could answer with the state before this change: fetch again after it.
    if (!cached.some((message) => message.id === event.messageId) || client.isFetching({ queryKey: messagesKey }) > 0) {
      void client.invalidateQueries({ queryKey: messagesKey });
      return;
    }
    client.setQueryData<Message[]>(messagesKey, (old) =>
      old?.map((message) =>
        message.id === event.messageId ? { ...message, delivery: event.delivery, failureReason: event.failureReason ?? null } : message,
      ),
    );
  });

  socket.on('typing', (event: { conversationId: string; typing: boolean; from: 'customer' | 'agent'; name: string | null }) => {
    typing.update((all) => {
      const { [event.conversationId]: _old, ...rest } = all;
      return event.typing ? { ...rest, [event.conversationId]: { name: event.name, from: event.from, until: Date.now() + 6000 } } : rest;
    });
  });

  return socket;
}
