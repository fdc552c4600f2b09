import { CloseOutlined, PaperClipOutlined, SendOutlined } from '@ant-design/icons';
import type { HeldReply } from '@huiliu/contracts';
import { useQueryClient } from '@tanstack/react-query';
import { App, Button, Input, Segmented, Space, Tag, Tooltip } from 'antd';
import type { TextAreaRef } from 'antd/es/input/TextArea';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, type Attachment, type Conversation, type Message } from '../lib/api';
import { errorText } from '../lib/errors';
import { fileSize } from '../lib/format';
import { usePreferences } from '../lib/preferences';
import { useSession } from '../lib/session';
import '../canned/slash-provider';
import { composerInserts } from './composer-extensions';
import { readDraft, writeDraft } from './drafts';
import { EmailCcLine } from './EmailCcLine';
import { EmojiPicker } from './EmojiPicker';
import { useSlashMenu } from './slash-menu';
import { isHeld, reviewKeys } from '../reviews/data';

type Mode = 'reply' | 'note';

const clientId = () => (crypto.randomUUID ? crypto.randomUUID() : `${Date.now()}-${Math.random().toString(36).slice(2)}`);

/**
 * Reply or note: Enter (or Ctrl/⌘+Enter, as the user prefers) sends; attachments, emoji and `/`
 * canned responses; what is not sent yet stays as the conversation's draft (drafts.ts).
 */
export function Composer({ conversation, onSent }: { conversation: Conversation; onSent: (message: Message) => void }) {
  const { t } = useTranslation();
  const { workspaceId, user } = useSession();
  const { message: toast } = App.useApp();
  const client = useQueryClient();
  const [draft] = useState(() => readDraft(user.id, conversation.id));
  const [mode, setMode] = useState<Mode>(draft?.mode ?? 'reply');
  const [text, setText] = useState(draft?.text ?? '');
  useEffect(() => writeDraft(user.id, conversation.id, { text, mode }), [user.id, conversation.id, text, mode]);
  const [attachments, setAttachments] = useState<Attachment[]>([]);
  /** Email only: the CC line (undefined: the server's reply-all default). */
  const [cc, setCc] = useState<string[] | undefined>();
  const [uploading, setUploading] = useState<string | null>(null);
  const [sending, setSending] = useState(false);
  const { enterToSend } = usePreferences();
  const box = useRef<TextAreaRef>(null);
  const file = useRef<HTMLInputElement>(null);
  const typingSent = useRef(0);
  const typingStop = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const resolved = conversation.state === 'resolved';
  const base = `/workspaces/${workspaceId}/conversations/${conversation.id}`;

  const setTyping = (typing: boolean) => void api.post(`${base}/typing`, { typing }).catch(() => undefined);
  useEffect(() => () => clearTimeout(typingStop.current), []);

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
          : await api.post<Message | HeldReply>(`${base}/messages`, {
              text: body,
              attachmentIds: attachments.map((item) => item.id),
              clientMessageId: clientId(),
              ...(conversation.channel === 'email' && cc ? { cc } : {}),
            });
      if (isHeld(sent)) {
        // A review policy held it: nothing reached the customer; it shows under the messages as awaiting review.
        void toast.info(t('reviews.held.submitted'));
        void client.invalidateQueries({ queryKey: reviewKeys.all(workspaceId) });
      } else onSent(sent);
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

  /** Puts `snippet` in place of text[start, end) (the selection when not given) and the caret after it. */
  const insert = (snippet: string, start?: number, end?: number) => {
    const area = box.current?.resizableTextArea?.textArea;
    const from = start ?? area?.selectionStart ?? text.length;
    const to = end ?? area?.selectionEnd ?? from;
    setText((current) => current.slice(0, from) + snippet + current.slice(to));
    requestAnimationFrame(() => {
      area?.focus();
      area?.setSelectionRange(from + snippet.length, from + snippet.length);
    });
  };

  const slash = useSlashMenu({
    conversation,
    workspaceId,
    enabled: mode === 'reply' && !resolved,
    replace: (start, end, snippet) => insert(snippet, start, end),
    onError: (error) => void toast.error(errorText(t, error)),
  });

  // Suggested answers (and other panels) hand text in here; it goes in at the caret of a reply.
  const insertRef = useRef(insert);
  insertRef.current = insert;
  useEffect(
    () =>
      composerInserts.subscribe(() => {
        const request = composerInserts.get();
        if (!request || request.conversationId !== conversation.id) return;
        composerInserts.set(null);
        setMode('reply');
        insertRef.current(request.text);
      }),
    [conversation.id],
  );

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
      {conversation.channel === 'email' && mode === 'reply' && !resolved && (
        <EmailCcLine conversation={conversation} value={cc} onChange={setCc} />
      )}
      {slash.popup}
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
                : enterToSend
                  ? t('composer.placeholder')
                  : t('composerAssist.placeholderCtrlEnter')
          }
          autoSize={{ minRows: 2, maxRows: 8 }}
          aria-controls={slash.open ? 'slash-menu' : undefined}
          aria-activedescendant={slash.activeId}
          onChange={(event) => {
            onChange(event.target.value);
            slash.track(event.target.value, event.target.selectionStart);
          }}
          onSelect={(event) => slash.track(event.currentTarget.value, event.currentTarget.selectionStart)}
          onKeyDown={(event) => {
            if (slash.onKeyDown(event)) {
              event.preventDefault();
              return;
            }
            if (event.key === 'Escape') (event.target as HTMLTextAreaElement).blur();
            if (event.key !== 'Enter' || event.nativeEvent.isComposing) return;
            // Enter-to-send (Shift+Enter: new line), or, when the user turned it off, Ctrl/⌘+Enter sends.
            const sends = enterToSend ? !event.shiftKey : event.ctrlKey || event.metaKey;
            if (sends) {
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
