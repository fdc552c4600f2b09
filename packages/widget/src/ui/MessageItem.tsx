import type { ChatClient } from '../chat-client.js';
import { formatBytes, formatTime } from '../format.js';
import { t, type StringKey } from '../i18n.js';
import type { Entry } from '../timeline.js';
import type { Message } from '../types.js';
import { AttachmentView } from './AttachmentView.js';
import { FileIcon } from './icons.js';
import { Linkified } from './Linkified.js';
import { RichText } from './RichText.js';

/** Timeline events a visitor is shown, in words. */
function eventText(message: Message): string | null {
  const type = message.event?.type;
  if (type === 'assigned') return message.senderName ? t('namedAssigned', { name: message.senderName }) : t('assigned');
  if (type === 'resolved') return t('resolved');
  if (type === 'reopened') return t('reopened');
  return null;
}

const DELIVERY_WORDS: Record<Message['delivery'], StringKey> = { sent: 'sent', delivered: 'delivered', read: 'read', failed: 'notSent' };

/** Ticks on every message of the visitor's (one: sent, two: delivered, coloured: read); the word on the latest. */
function Delivery({ state, spelledOut }: { state: Message['delivery']; spelledOut: boolean }) {
  const word = t(DELIVERY_WORDS[state]);
  return (
    <span class={`delivery ${state}`} title={word}>
      <span aria-hidden="true">{state === 'sent' ? ' ✓' : state === 'failed' ? ' !' : ' ✓✓'}</span>
      <span class={spelledOut ? '' : 'visually-hidden'}> {word}</span>
    </span>
  );
}

export function MessageItem({ entry, client, showDelivery }: { entry: Entry; client: ChatClient; showDelivery: boolean }) {
  const resolveUrl = (url: string) => client.absoluteUrl(url);
  if (entry.type === 'pending') {
    const { outgoing, status, error } = entry;
    return (
      <div class={`row mine${status === 'failed' ? ' failed' : ''}`}>
        {outgoing.text && (
          <div class="bubble">
            <Linkified text={outgoing.text} />
          </div>
        )}
        {outgoing.attachments.map((attachment) => (
          <AttachmentView key={attachment.id} attachment={attachment} resolveUrl={resolveUrl} />
        ))}
        {outgoing.file && (
          <span class="file">
            <FileIcon />
            <span class="file-name">{outgoing.file.name}</span>
            <span class="file-size">{formatBytes(outgoing.file.size)}</span>
          </span>
        )}
        <div class="meta" role={status === 'failed' ? 'alert' : undefined}>
          {status === 'uploading' && t('uploading')}
          {status === 'sending' && t('sending')}
          {status === 'waiting' && `${t('sending')} ${error ?? ''}`}
          {status === 'failed' && (
            <>
              <span class="error-text">
                {t('notSent')}: {error}
              </span>{' '}
              <button type="button" class="link" onClick={() => client.retry(outgoing.clientMessageId)}>
                {t('retry')}
              </button>
            </>
          )}
        </div>
      </div>
    );
  }

  const { message } = entry;
  if (message.kind === 'event') {
    const text = eventText(message);
    return text ? <div class="event">{text}</div> : null;
  }
  const mine = message.kind === 'in';
  return (
    <div class={`row ${mine ? 'mine' : 'theirs'}`} data-seq={message.seq}>
      {!mine && message.senderName && <div class="sender">{message.senderName}</div>}
      {message.text && (
        <div class="bubble">
          {message.senderType === 'bot' ? (
            <RichText text={message.text} resolveUrl={(url) => client.absoluteUrl(url)} />
          ) : (
            <Linkified text={message.text} />
          )}
        </div>
      )}
      {message.attachments.map((attachment) => (
        <AttachmentView key={attachment.id} attachment={attachment} resolveUrl={resolveUrl} />
      ))}
      {!mine && message.payload?.options.length ? (
        // The bot's buttons (menu, "did you mean" choices, 👍/👎): a click sends the label as a message.
        <div class={`choices ${message.payload.type}`} role="group">
          {message.payload.options.map((option) => (
            <button key={option.value} type="button" class="choice" onClick={() => client.send(option.label)}>
              {option.label}
            </button>
          ))}
        </div>
      ) : null}
      <div class="meta">
        <time dateTime={message.createdAt}>{formatTime(message.createdAt)}</time>
        {mine && <Delivery state={message.delivery} spelledOut={showDelivery} />}
      </div>
    </div>
  );
}
