import { useEffect, useRef } from 'preact/hooks';
import type { ComponentChildren } from 'preact';
import type { ChatClient } from '../chat-client.js';
import type { Entry } from '../timeline.js';
import { MessageItem } from './MessageItem.js';

/** Near enough to the bottom that a new message should scroll into view. */
const STICKY_BOTTOM_PX = 120;

/**
 * The scrolling conversation: greeting, messages, and whatever card comes after them (pre-chat,
 * offline, rating). Follows new messages unless the visitor has scrolled up to read.
 */
export function MessageList({
  client,
  entries,
  greeting,
  typing,
  children,
}: {
  client: ChatClient;
  entries: Entry[];
  greeting: string;
  typing: string | null;
  children?: ComponentChildren;
}) {
  const listRef = useRef<HTMLDivElement>(null);
  const wasNearBottom = useRef(true);
  const lastOwnStored = [...entries].reverse().find((entry) => entry.type === 'stored' && entry.message.kind === 'in');
  const lastEntry = entries[entries.length - 1];

  useEffect(() => {
    const list = listRef.current;
    if (list && (wasNearBottom.current || lastEntry?.type === 'pending')) list.scrollTop = list.scrollHeight;
  }, [entries.length, lastEntry?.key, typing, children]);

  return (
    <div
      class="messages"
      ref={listRef}
      role="log"
      aria-live="polite"
      tabIndex={0}
      onScroll={(event) => {
        const list = event.currentTarget;
        wasNearBottom.current = list.scrollHeight - list.scrollTop - list.clientHeight < STICKY_BOTTOM_PX;
      }}
    >
      {greeting && <div class="greeting">{greeting}</div>}
      {entries.map((entry) => (
        <MessageItem key={entry.key} entry={entry} client={client} showDelivery={entry === lastOwnStored} />
      ))}
      {typing && (
        <div class="typing" role="status">
          <span class="dots" aria-hidden="true">
            <i />
            <i />
            <i />
          </span>
          {typing}
        </div>
      )}
      {children}
    </div>
  );
}
