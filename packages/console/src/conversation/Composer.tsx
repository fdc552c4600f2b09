import { CloseOutlined, PaperClipOutlined, SendOutlined } from '@ant-design/icons';
import { App, Button, Input, Segmented, Space, Tag, Tooltip } from 'antd';
import type { TextAreaRef } from 'antd/es/input/TextArea';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, type Attachment, type Conversation, type Message } from '../lib/api';
import { errorText } from '../lib/errors';
import { fileSize } from '../lib/format';
import { useSession } from '../lib/session';
import { slashProviders, type SlashSuggestion } from './composer-extensions';
import { EmojiPicker } from './EmojiPicker';

type Mode = 'reply' | 'note';

const clientId = () => (crypto.randomUUID ? crypto.randomUUID() : `${Date.now()}-${Math.random().toString(36).slice(2)}`);

/** Reply or note: Enter sends, Shift+Enter starts a new line; attachments, emoji and `/` suggestions. */
export function Composer({ conversation, onSent }: { conversation: Conversation; onSent: (message: Message) => void }) {
  const { t } = useTranslation();
  const { workspaceId } = useSession();
  const { message: toast } = App.useApp();
  const [mode, setMode] = useState<Mode>('reply');
  const [text, setText] = useState('');
  const [attachments, setAttachments] = useState<Attachment[]>([]);
  const [uploading, setUploading] = useState<string | null>(null);
  const [sending, setSending] = useState(false);
  const [suggestions, setSuggestions] = useState<SlashSuggestion[]>([]);
  const box = useRef<TextAreaRef>(null);
  const file = useRef<HTMLInputElement>(null);
  const typingSent = useRef(0);
  const typingStop = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const resolved = conversation.state === 'resolved';
  const base = `/workspaces/${workspaceId}/conversations/${conversation.id}`;

  const setTyping = (typing: boolean) => void api.post(`${base}/typing`, { typing }).catch(() => undefined);
  useEffect(() => () => clearTimeout(typingStop.current), []);

  // `/…` at the start asks the registered providers (canned responses, when they land).
  useEffect(() => {
    const match = /^\/(\S*)$/.exec(text);
    if (!match || slashProviders.length === 0 || mode !== 'reply') {
      setSuggestions([]);
      return;
    }
    let stale = false;
    void Promise.all(slashProviders.map((provider) => provider(match[1] ?? '', conversation, workspaceId).catch(() => []))).then(
      (lists) => {
        if (!stale) setSuggestions(lists.flat().slice(0, 8));
      },
    );
    return () => {
      stale = true;
    };
  }, [text, mode, conversation, workspaceId]);

  const onChange = (value: string) => {
    setText(value);
    if (mode !== 'reply' || resolved) return;
    if (Date.now() - typingSent.current > 3000) {
      typingSent.current = Date.now();
      setTyping(true);
    }
    clearTimeout(typingStop.current);
    typingStop.current = setTimeout(() => {
      typingSent.current = 0;
      setTyping(false);
    }, 4000);
  };

  const send = async () => {
    const body = text.trim();
    if (sending || uploading) return;
    if (!body && (mode === 'note' || attachments.length === 0)) {
      void toast.warning(t('composer.empty'));
      return;
    }
    setSending(true);
    try {
      const sent =
        mode === 'note'
          ? await api.post<Message>(`${base}/notes`, { text: body, clientMessageId: clientId() })
          : await api.post<Message>(`${base}/messages`, {
              text: body,
              attachmentIds: attachments.map((item) => item.id),
              clientMessageId: clientId(),
            });
      onSent(sent);
      setText('');
      setAttachments([]);
      clearTimeout(typingStop.current);
      if (typingSent.current) {
        typingSent.current = 0;
        setTyping(false);
      }
    } catch (error) {
      void toast.error(errorText(t, error));
    } finally {
      setSending(false);
      box.current?.focus();
    }
  };

  const upload = async (chosen: File) => {
    setUploading(chosen.name);
    try {
      const form = new FormData();
      form.append('file', chosen);
      const stored = await api.post<Attachment>(`/workspaces/${workspaceId}/files`, form);
      setAttachments((current) => [...current, stored]);
    } catch (error) {
      void toast.error(t('composer.uploadFailed', { name: chosen.name, message: errorText(t, error) }));
    } finally {
      setUploading(null);
    }
  };

  const insert = (snippet: string) => {
    const area = box.current?.resizableTextArea?.textArea;
    const start = area?.selectionStart ?? text.length;
    const end = area?.selectionEnd ?? text.length;
    setText(text.slice(0, start) + snippet + text.slice(end));
    requestAnimationFrame(() => {
      area?.focus();
      area?.setSelectionRange(start + snippet.length, start + snippet.length);
    });
  };

  return (
    <div style={{ borderTop: '1px solid #f0f0f0', padding: '8px 12px', background: mode === 'note' ? '#fffbe6' : 'white' }}>
      <div style={{ display: 'flex', alignItems: 'center', gap: 8, marginBottom: 6 }}>
        <Segmented<Mode>
          size="small"
          value={mode}
          onChange={setMode}
          options={[
            { value: 'reply', label: t('composer.reply') },
            { value: 'note', label: t('composer.note') },
          ]}
        />
        <EmojiPicker onPick={insert} disabled={resolved && mode === 'reply'} />
        <Tooltip title={t('composer.attach')}>
          <Button
            type="text"
            icon={<PaperClipOutlined />}
            aria-label={t('composer.attach')}
            disabled={mode === 'note' || resolved}
            loading={!!uploading}
            onClick={() => file.current?.click()}
          />
        </Tooltip>
        <input
          ref={file}
          type="file"
          hidden
          data-testid="attach-input"
          onChange={(event) => {
            const chosen = event.target.files?.[0];
            event.target.value = '';
            if (chosen) void upload(chosen);
          }}
        />
        {uploading && <span style={{ fontSize: 12, color: '#8c8c8c' }}>{t('composer.uploading', { name: uploading })}</span>}
      </div>
      {attachments.length > 0 && (
        <Space wrap style={{ marginBottom: 6 }}>
          {attachments.map((item) => (
            <Tag
              key={item.id}
              closable
              closeIcon={<CloseOutlined aria-label={t('composer.removeAttachment')} />}
              onClose={() => setAttachments((current) => current.filter((other) => other.id !== item.id))}
            >
              <PaperClipOutlined /> {item.name} ({fileSize(item.size)})
            </Tag>
          ))}
        </Space>
      )}
      {suggestions.length > 0 && (
        <div role="listbox" style={{ border: '1px solid #f0f0f0', borderRadius: 6, marginBottom: 6, maxHeight: 200, overflowY: 'auto' }}>
          {suggestions.map((item) => (
            <div
              key={item.key}
              role="option"
              aria-selected={false}
              style={{ padding: '6px 10px', cursor: 'pointer' }}
              onClick={() => {
                setText(item.text);
                setSuggestions([]);
                box.current?.focus();
              }}
            >
              <strong>{item.label}</strong> <span style={{ color: '#8c8c8c' }}>{item.text}</span>
            </div>
          ))}
        </div>
      )}
      <div style={{ display: 'flex', gap: 8, alignItems: 'flex-end' }}>
        <Input.TextArea
          ref={box}
          id="reply-box"
          aria-label={mode === 'note' ? t('composer.note') : t('composer.label')}
          value={text}
          disabled={resolved && mode === 'reply'}
          placeholder={
            resolved && mode === 'reply'
              ? t('composer.resolved')
              : mode === 'note'
                ? t('composer.notePlaceholder')
                : t('composer.placeholder')
          }
          autoSize={{ minRows: 2, maxRows: 8 }}
          onChange={(event) => onChange(event.target.value)}
          onKeyDown={(event) => {
            if (event.key === 'Escape') (event.target as HTMLTextAreaElement).blur();
            if (event.key === 'Enter' && !event.shiftKey && !event.nativeEvent.isComposing) {
              event.preventDefault();
              void send();
            }
          }}
          maxLength={10_000}
        />
        <Button
          type="primary"
          icon={<SendOutlined />}
          loading={sending}
          disabled={resolved && mode === 'reply'}
          onClick={() => void send()}
          style={mode === 'note' ? { background: '#faad14' } : undefined}
        >
          {mode === 'note' ? t('composer.saveNote') : t('composer.send')}
        </Button>
      </div>
    </div>
  );
}
