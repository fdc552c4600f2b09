/**
 * Unsent replies and notes, one per conversation and user, kept in this browser: an agent who
 * opens another conversation or reloads finds the half-written text where they left it — and in
 * the mode it was written in, so a note never comes back as a reply to the customer.
 */
export interface Draft {
  text: string;
  mode: 'reply' | 'note';
}

/** Drafts older than this are dropped when read, so the store does not only grow. */
const KEEP_MS = 7 * 24 * 3600_000;
const key = (userId: string, conversationId: string) => `huiliu.draft.${userId}.${conversationId}`;

export function readDraft(userId: string, conversationId: string): Draft | null {
  try {
    const stored = JSON.parse(localStorage.getItem(key(userId, conversationId)) ?? 'null') as (Draft & { savedAt: number }) | null;
    if (!stored || typeof stored.text !== 'string' || Date.now() - stored.savedAt > KEEP_MS) return null;
    return { text: stored.text, mode: stored.mode === 'note' ? 'note' : 'reply' };
  } catch {
    return null;
  }
}

/** Saves the draft; an empty one is removed. */
export function writeDraft(userId: string, conversationId: string, draft: Draft): void {
  try {
    if (draft.text.trim() === '') localStorage.removeItem(key(userId, conversationId));
    else localStorage.setItem(key(userId, conversationId), JSON.stringify({ ...draft, savedAt: Date.now() }));
  } catch {
    // Storage full or blocked (private mode): the draft simply is not kept.
  }
}
