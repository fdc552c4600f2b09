import { useEffect, useRef, useState } from 'preact/hooks';
import type { ChatClient, ShownMessage } from './chat';
import { t } from './i18n';
import { lang } from './i18n';
import { Linkified } from './linkify';
import type { Attachment, Config } from './types';

function useChat(client: ChatClient) {
  const [state, setState] = useState(client.state);
  useEffect(() => client.subscribe(() => setState(client.state)), [client]);
  return state;
}

const ChatIcon = () => (
  <svg viewBox="0 0 24 24" aria-hidden="true">
    <path d="M12 3C6.5 3 2 6.9 2 11.7c0 2.6 1.3 4.9 3.4 6.5L4.6 22l4.2-2.3c1 .3 2.1.4 3.2.4 5.5 0 10-3.9 10-8.7S17.5 3 12 3z" />
  </svg>
);

export function App({ client, requestOpen }: { client: ChatClient; requestOpen: { current: (open: boolean) => void } }) {
  const state = useChat(client);
  const [open, setOpen] = useState(false);
  requestOpen.current = (value) => toggle(value);

  const toggle = (value: boolean) => {
    setOpen(value);
    client.panelOpen = value;
    if (value) {
      void client
        .connect()
        .then(() => client.markRead())
        .catch((error: Error) => (client.state = { ...client.state, error: error.message }));
    }
  };

  const config = state.config;
  if (!config) return null;
  return (
    <div style={`--hl-color: ${/^#[0-9a-f]{6}$/i.test(config.color) ? config.color : '#1677ff'}`}>
      {open && <Panel client={client} config={config} onClose={() => toggle(false)} />}
      <button
        class={`launcher${open ? ' open' : ''}`}
        aria-label={open ? t('close') : t('open')}
        aria-expanded={open}
        onClick={() => toggle(!open)}
      >
        <ChatIcon />
        {!open && state.unread > 0 && <span class="badge">{state.unread}</span>}
      </button>
    </div>
  );
}

function Panel({ client, config, onClose }: { client: ChatClient; config: Config; onClose: () => void }) {
  const state = useChat(client);
  const bodyRef = useRef<HTMLDivElement>(null);
  useEffect(() => {
    bodyRef.current?.scrollTo({ top: bodyRef.current.scrollHeight });
  }, [state.messages.length, state.agentTyping]);

  const conversation = state.conversation;
  const open = conversation && conversation.state !== 'resolved';
  const showPreChat = !open && state.messages.length === 0 && config.preChatForm.enabled && config.online;
  const showOffline = !open && !config.online;
  const showCsat = conversation?.state === 'resolved' && config.csatEnabled && !conversation.csat;

  return (
    <section class="panel" role="dialog" aria-label={config.name}>
      <div class="header">
        <h2>{config.name}</h2>
        <button aria-label={t('close')} onClick={onClose}>
          ×
        </button>
      </div>
      {!state.connected && state.messages.length > 0 && <div class="notice">{t('reconnecting')}</div>}
      <div class="body" ref={bodyRef} aria-live="polite">
        <div class="greeting">{config.greeting[lang]}</div>
        {state.messages.map((shown) => (
          <MessageRow key={shown.key} shown={shown} client={client} />
        ))}
        {showPreChat && <PreChatForm client={client} config={config} />}
        {showOffline && <OfflineForm client={client} config={config} />}
        {showCsat && <Csat client={client} />}
      </div>
      {state.queue && conversation?.state === 'queued' && (
        <div class="notice" role="status">
          {t('queued', { ahead: String(state.queue.position - 1) }) +
            (state.queue.estimatedWaitSeconds !== null
              ? t('queuedWait', { minutes: String(Math.max(1, Math.round(state.queue.estimatedWaitSeconds / 60))) })
              : '')}
        </div>
      )}
      {state.agentTyping && <div class="typing">{t('typing')}</div>}
      {state.error && (
        <div class="error" role="alert">
          {t('error') + state.error}
        </div>
      )}
      {!showPreChat && !showOffline && <Composer client={client} config={config} />}
    </section>
  );
}

function MessageRow({ shown, client }: { shown: ShownMessage; client: ChatClient }) {
  if (shown.pending) {
    const { pending } = shown;
    return (
      <div class="row mine">
        <div class="bubble">
          <Linkified text={pending.text || '📎'} />
        </div>
        {pending.failed ? (
          <div class="meta failed" role="button" tabIndex={0} onClick={() => void client.deliver(pending.clientMessageId)}>
            {t('failed')}
          </div>
        ) : (
          <div class="meta">{t('sending')}</div>
        )}
      </div>
    );
  }
  const message = shown.message!;
  if (message.kind === 'event') {
    const type = String(message.event?.type ?? '');
    const label = type === 'resolved' ? t('resolved') : type === 'assigned' ? t('assigned') : type === 'reopened' ? t('reopened') : null;
    return label ? <div class="event">{label}</div> : null;
  }
  const mine = message.kind === 'in';
  return (
    <div class={`row ${mine ? 'mine' : 'theirs'}`} data-seq={message.seq}>
      {message.text && (
        <div class="bubble">
          <Linkified text={message.text} />
        </div>
      )}
      {message.attachments.map((attachment) => (
        <AttachmentView key={attachment.id} attachment={attachment} origin={client} />
      ))}
      <div class="meta">
        {!mine && message.senderName ? `${message.senderName} · ` : ''}
        {new Date(message.createdAt).toLocaleTimeString(lang, { hour: '2-digit', minute: '2-digit' })}
        {mine && ` · ${t(message.delivery === 'failed' ? 'failed' : message.delivery)}`}
      </div>
    </div>
  );
}

function AttachmentView({ attachment, origin }: { attachment: Attachment; origin: ChatClient }) {
  const url = origin.absolute(attachment.url);
  if (attachment.contentType.startsWith('image/')) {
    return (
      <a class="attachment" href={url} target="_blank" rel="noopener noreferrer">
        <img src={url} alt={attachment.name} loading="lazy" />
      </a>
    );
  }
  return (
    <div class="attachment">
      <a class="file" href={url} target="_blank" rel="noopener noreferrer" download={attachment.name}>
        📄 {attachment.name} ({Math.ceil(attachment.size / 1024)} KB)
      </a>
    </div>
  );
}

function Composer({ client, config }: { client: ChatClient; config: Config }) {
  const [text, setText] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const fileRef = useRef<HTMLInputElement>(null);
  const submit = () => {
    const value = text.trim();
    if (!value) return;
    client.send(value);
    setText('');
  };
  const onFile = async (file: File | undefined) => {
    if (!file) return;
    setProblem(null);
    if (!config.attachments.contentTypes.includes(file.type)) return setProblem(t('fileType'));
    if (file.size > config.attachments.maxBytes)
      return setProblem(t('fileTooLarge', { size: `${Math.round(config.attachments.maxBytes / 1024 / 1024)} MB` }));
    try {
      client.send('', [await client.upload(file)]);
    } catch (error) {
      setProblem((error as Error).message);
    }
  };
  return (
    <>
      {problem && <div class="error">{problem}</div>}
      <div class="composer">
        <button class="icon" aria-label={t('attach')} onClick={() => fileRef.current?.click()}>
          📎
        </button>
        <input
          ref={fileRef}
          type="file"
          hidden
          accept={config.attachments.contentTypes.join(',')}
          onChange={(event) => {
            const input = event.currentTarget;
            void onFile(input.files?.[0]);
            input.value = '';
          }}
        />
        <textarea
          aria-label={t('placeholder')}
          placeholder={t('placeholder')}
          rows={1}
          value={text}
          maxLength={10_000}
          onInput={(event) => {
            setText(event.currentTarget.value);
            client.typing();
          }}
          onKeyDown={(event) => {
            if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
              event.preventDefault();
              submit();
            }
          }}
        />
        <button class="primary" onClick={submit} disabled={!text.trim()}>
          {t('send')}
        </button>
      </div>
    </>
  );
}

function PreChatForm({ client, config }: { client: ChatClient; config: Config }) {
  const [values, setValues] = useState<Record<string, string>>({});
  const [text, setText] = useState('');
  const fields = config.preChatForm.fields;
  return (
    <form
      class="card"
      onSubmit={(event) => {
        event.preventDefault();
        if (!text.trim()) return;
        client.send(text.trim(), [], values);
      }}
    >
      <strong>{t('preChatTitle')}</strong>
      {fields.map((field) => (
        <label key={field.name}>
          {t(field.name)}
          {field.required ? ` (${t('required')})` : ''}
          {field.name === 'topic' && field.options?.length ? (
            <select required={field.required} onChange={(event) => setValues({ ...values, topic: event.currentTarget.value })}>
              <option value="" />
              {field.options.map((option) => (
                <option key={option}>{option}</option>
              ))}
            </select>
          ) : (
            <input
              type={(field.name === 'email' ? 'email' : field.name === 'phone' ? 'tel' : 'text') as 'text'}
              required={field.required}
              maxLength={200}
              onInput={(event) => setValues({ ...values, [field.name]: event.currentTarget.value })}
            />
          )}
        </label>
      ))}
      <label>
        {t('message')}
        <textarea required rows={3} maxLength={10_000} onInput={(event) => setText(event.currentTarget.value)} />
      </label>
      <button class="primary" type="submit">
        {t('start')}
      </button>
    </form>
  );
}

function OfflineForm({ client, config }: { client: ChatClient; config: Config }) {
  const [done, setDone] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const [values, setValues] = useState({ name: '', email: '', phone: '', text: '' });
  if (done) return <div class="thanks">{t('offlineThanks')}</div>;
  const set = (key: keyof typeof values) => (event: { currentTarget: { value: string } }) =>
    setValues({ ...values, [key]: event.currentTarget.value });
  return (
    <form
      class="card"
      onSubmit={async (event) => {
        event.preventDefault();
        if (!values.email && !values.phone) return setProblem(t('contactNeeded'));
        const result = await client.leaveMessage({
          text: values.text,
          ...(values.name ? { name: values.name } : {}),
          ...(values.email ? { email: values.email } : {}),
          ...(values.phone ? { phone: values.phone } : {}),
        });
        if (result.ok) setDone(true);
        else setProblem(result.error.message);
      }}
    >
      <strong>{t('offlineTitle')}</strong>
      <div>{config.offlineMessage[lang]}</div>
      {config.opensAt && (
        <div>
          {t('opensAt', {
            time: new Date(config.opensAt).toLocaleString(lang, {
              weekday: 'short',
              month: 'short',
              day: 'numeric',
              hour: '2-digit',
              minute: '2-digit',
            }),
          })}
        </div>
      )}
      <label>
        {t('name')}
        <input maxLength={100} onInput={set('name')} />
      </label>
      <label>
        {t('email')}
        <input type="email" maxLength={254} onInput={set('email')} />
      </label>
      <label>
        {t('phone')}
        <input type="tel" maxLength={40} onInput={set('phone')} />
      </label>
      <label>
        {t('message')}
        <textarea required rows={3} maxLength={10_000} onInput={set('text')} />
      </label>
      {problem && <div class="error">{problem}</div>}
      <button class="primary" type="submit">
        {t('leaveMessage')}
      </button>
    </form>
  );
}

function Csat({ client }: { client: ChatClient }) {
  const [rating, setRating] = useState(0);
  const [comment, setComment] = useState('');
  const [done, setDone] = useState(false);
  if (done) return <div class="thanks">{t('csatThanks')}</div>;
  return (
    <form
      class="card"
      onSubmit={async (event) => {
        event.preventDefault();
        if (!rating) return;
        const result = await client.rate(rating, comment);
        if (result.ok) setDone(true);
      }}
    >
      <strong>{t('csatTitle')}</strong>
      <div class="stars" role="radiogroup">
        {[1, 2, 3, 4, 5].map((value) => (
          <button
            type="button"
            key={value}
            class={value <= rating ? 'on' : ''}
            role="radio"
            aria-checked={value === rating}
            aria-label={`${value}`}
            onClick={() => setRating(value)}
          >
            ★
          </button>
        ))}
      </div>
      <textarea rows={2} maxLength={2000} placeholder={t('csatComment')} onInput={(event) => setComment(event.currentTarget.value)} />
      <button class="primary" type="submit" disabled={!rating}>
        {t('csatSubmit')}
      </button>
    </form>
  );
}
