import { Spin } from 'antd';
import { useEffect, useRef, useState, type KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { Conversation } from '../lib/api';
import { slashProviders, type SlashSuggestion } from './composer-extensions';

/** The `/word` the caret is in: a `/` at the start of a line or after a space (so URLs and "1/2" do not open it). */
export function slashAt(text: string, caret: number): { start: number; query: string } | null {
  const match = /(?:^|\s)\/([^\s/]{0,100})$/u.exec(text.slice(0, caret));
  if (!match) return null;
  const query = match[1] ?? '';
  return { start: caret - query.length - 1, query };
}

interface Options {
  conversation: Conversation;
  workspaceId: string;
  enabled: boolean;
  /** Puts the chosen text in place of the `/word` (from `start` to the caret). */
  replace: (start: number, end: number, text: string) => void;
  onError: (error: unknown) => void;
}

/**
 * The `/` popup of the composer: asks the registered providers (canned responses) for what the
 * agent types after the `/`, lets them choose with ↑/↓ and Enter (or Tab, or a click), Esc closes.
 */
export function useSlashMenu({ conversation, workspaceId, enabled, replace, onError }: Options) {
  const { t } = useTranslation();
  const [slash, setSlash] = useState<{ start: number; query: string; caret: number } | null>(null);
  // With the query they answer: the previous list stays up while the next one loads.
  const [found, setFound] = useState<{ query: string; items: SlashSuggestion[] } | null>(null);
  const items = found?.items ?? null;
  const [active, setActive] = useState(0);
  const [dismissed, setDismissed] = useState<number | null>(null);
  // Read at ask time: a live update to the conversation must not ask again and reset the choice.
  const current = useRef(conversation);
  current.current = conversation;
  const open = enabled && slash !== null && dismissed !== slash.start && slashProviders.length > 0;
  const query = open ? slash.query : null;

  useEffect(() => {
    if (query === null) {
      setFound(null);
      return;
    }
    let stale = false;
    // A short pause, so a fast typist asks once for the word, not once per letter.
    const timer = setTimeout(() => {
      void Promise.all(slashProviders.map((provider) => provider(query, current.current, workspaceId).catch(() => []))).then((lists) => {
        if (stale) return;
        setFound({ query, items: lists.flat().slice(0, 8) });
        setActive(0);
      });
    }, 120);
    return () => {
      stale = true;
      clearTimeout(timer);
    };
  }, [query, conversation.id, workspaceId]);

  /** Call with the text and caret after every change or caret move. */
  const track = (text: string, caret: number) => {
    const found = slashAt(text, caret);
    setSlash(found ? { ...found, caret } : null);
    if (!found) setDismissed(null);
  };

  const choose = async (item: SlashSuggestion) => {
    if (!slash) return;
    const { start, caret } = slash;
    setSlash(null);
    setFound(null);
    try {
      replace(start, caret, item.resolve ? await item.resolve() : item.text);
    } catch (error) {
      onError(error);
    }
  };

  /** True when the key was the menu's (the composer must not send on this Enter). */
  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>): boolean => {
    if (!open || !items) return false;
    if (event.key === 'Escape') {
      setDismissed(slash.start);
      return true;
    }
    if (items.length === 0) return false;
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      const step = event.key === 'ArrowDown' ? 1 : -1;
      setActive((current) => (current + step + items.length) % items.length);
      return true;
    }
    if ((event.key === 'Enter' || event.key === 'Tab') && !event.shiftKey && !event.nativeEvent.isComposing) {
      const item = items[active];
      if (item) void choose(item);
      return true;
    }
    return false;
  };

  const popup = open ? (
    <div
      role="listbox"
      id="slash-menu"
      aria-label={t('composerAssist.slashTitle')}
      data-testid="slash-menu"
      data-query={found?.query}
      style={{ border: '1px solid #d9d9d9', borderRadius: 6, marginBottom: 6, maxHeight: 220, overflowY: 'auto', background: 'white' }}
    >
      {items === null ? (
        <div style={{ padding: '6px 10px' }}>
          <Spin size="small" />
        </div>
      ) : items.length === 0 ? (
        <div style={{ padding: '6px 10px', color: '#8c8c8c' }}>{t('composerAssist.slashNone', { query: slash.query })}</div>
      ) : (
        items.map((item, index) => (
          <div
            key={item.key}
            id={`slash-option-${index}`}
            role="option"
            aria-selected={index === active}
            onMouseDown={(event) => event.preventDefault()}
            onMouseEnter={() => setActive(index)}
            onClick={() => void choose(item)}
            style={{
              padding: '6px 10px',
              cursor: 'pointer',
              background: index === active ? '#e6f4ff' : undefined,
              whiteSpace: 'nowrap',
              overflow: 'hidden',
              textOverflow: 'ellipsis',
            }}
          >
            <strong>{item.label}</strong> <span style={{ color: '#8c8c8c' }}>{item.text}</span>
          </div>
        ))
      )}
      <div style={{ padding: '2px 10px', fontSize: 12, color: '#bfbfbf', borderTop: '1px solid #f5f5f5' }}>
        {t('composerAssist.slashHint')}
      </div>
    </div>
  ) : null;

  return { track, onKeyDown, popup, activeId: open && items?.length ? `slash-option-${active}` : undefined, open };
}
