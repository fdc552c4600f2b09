import type { Attachment, DeliveryState, Message } from './types.js';

/** A message the visitor wrote that the server has not stored yet. */
export interface Outgoing {
  clientMessageId: string;
  text: string;
  /** Uploaded already (shown at once); `file` is still to be uploaded. */
  attachments: Attachment[];
  file?: File;
  preChat?: Record<string, string>;
}

/**
 * uploading/sending: in flight · waiting: a transient failure, resent by itself on reconnect ·
 * failed: the server refused it (the visitor may retry by hand).
 */
export type PendingStatus = 'uploading' | 'sending' | 'waiting' | 'failed';

export type Entry =
  | { type: 'stored'; key: string; message: Message }
  | { type: 'pending'; key: string; outgoing: Outgoing; status: PendingStatus; error: string | null };

const DELIVERY_RANK: Record<DeliveryState, number> = { failed: 0, sent: 1, delivered: 2, read: 3 };

/** Statuses only move forward: a late `delivered` must not undo `read`. */
export function strongerDelivery(current: DeliveryState, incoming: DeliveryState): DeliveryState {
  return DELIVERY_RANK[incoming] > DELIVERY_RANK[current] ? incoming : current;
}

/**
 * Order of a visitor's messages: by seq within a conversation; a visitor's conversations in an
 * inbox never overlap in time (one is open at a time), so across them the creation time decides.
 */
export function compareMessages(a: Message, b: Message): number {
  if (a.conversationId === b.conversationId) return a.seq - b.seq;
  if (a.createdAt !== b.createdAt) return a.createdAt < b.createdAt ? -1 : 1;
  return a.conversationId < b.conversationId ? -1 : 1;
}

/** Stable across the pending → stored switch, so the bubble is updated in place rather than replaced. */
const keyOf = (message: Message) => message.clientMessageId ?? message.id;

/**
 * Adds stored messages (live events, acks, history, sync): one entry per message id whatever
 * the path it came by, the visitor's pending copy replaced, everything in order.
 */
export function mergeMessages(entries: readonly Entry[], incoming: readonly Message[]): Entry[] {
  if (incoming.length === 0) return entries.slice();
  const stored = new Map<string, Message>();
  const pending: Entry[] = [];
  for (const entry of entries) {
    if (entry.type === 'stored') stored.set(entry.message.id, entry.message);
    else pending.push(entry);
  }
  const arrivedClientIds = new Set<string>();
  for (const message of incoming) {
    const known = stored.get(message.id);
    stored.set(message.id, known ? { ...message, delivery: strongerDelivery(known.delivery, message.delivery) } : message);
    if (message.clientMessageId) arrivedClientIds.add(message.clientMessageId);
  }
  const ordered: Entry[] = [...stored.values()].sort(compareMessages).map((message) => ({ type: 'stored', key: keyOf(message), message }));
  // Messages still on their way stay last, in the order they were written.
  for (const entry of pending) if (entry.type === 'pending' && !arrivedClientIds.has(entry.outgoing.clientMessageId)) ordered.push(entry);
  return ordered;
}

/** Applies a `message:status` event; false if the message is not here (yet). */
export function applyDelivery(entries: readonly Entry[], messageId: string, delivery: DeliveryState): Entry[] | null {
  const index = entries.findIndex((entry) => entry.type === 'stored' && entry.message.id === messageId);
  const entry = entries[index];
  if (!entry || entry.type !== 'stored') return null;
  const next = entries.slice();
  next[index] = { ...entry, message: { ...entry.message, delivery: strongerDelivery(entry.message.delivery, delivery) } };
  return next;
}

/** The highest seq held for a conversation: what `sync` asks to continue after. 0 when none. */
export function highestSeq(entries: readonly Entry[], conversationId: string): number {
  let highest = 0;
  for (const entry of entries) {
    if (entry.type === 'stored' && entry.message.conversationId === conversationId && entry.message.seq > highest)
      highest = entry.message.seq;
  }
  return highest;
}

/** Replies the visitor has not read yet: the launcher's badge after a reload. */
export function countUnreadReplies(entries: readonly Entry[]): number {
  return entries.filter((entry) => entry.type === 'stored' && entry.message.kind === 'out' && entry.message.delivery !== 'read').length;
}

export function updatePending(
  entries: readonly Entry[],
  clientMessageId: string,
  change: Partial<{ outgoing: Outgoing; status: PendingStatus; error: string | null }>,
): Entry[] {
  return entries.map((entry) =>
    entry.type === 'pending' && entry.outgoing.clientMessageId === clientMessageId ? { ...entry, ...change } : entry,
  );
}

export function findPending(entries: readonly Entry[], clientMessageId: string) {
  for (const entry of entries) if (entry.type === 'pending' && entry.outgoing.clientMessageId === clientMessageId) return entry;
  return undefined;
}
