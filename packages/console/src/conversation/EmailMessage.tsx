import { DownloadOutlined, EllipsisOutlined, RedoOutlined } from '@ant-design/icons';
import type { EmailDetails } from '@huiliu/contracts';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { App, Button, Skeleton, Typography } from 'antd';
import { useCallback, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { z } from 'zod';
import { ApiError, api, type Conversation, type Message } from '../lib/api';
import { errorText } from '../lib/errors';
import { keys } from '../lib/live';
import { useSession } from '../lib/session';

type Email = z.infer<typeof EmailDetails>;

const QUOTE_ID = 'huiliu-quoted';

/**
 * The document shown in the iframe. Defence in depth on top of the server's sanitising: the
 * frame is sandboxed without `allow-scripts` and its own CSP forbids scripts, so nothing in a
 * customer's email can run; `allow-same-origin` only lets the console size the frame and fold
 * the quote (the frame cannot run code to abuse it).
 */
function documentOf(html: string): string {
  return `<!doctype html><html><head><meta charset="utf-8"><meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'"><base target="_blank"><style>
body{margin:0;display:flow-root;font:14px/1.6 -apple-system,BlinkMacSystemFont,'Segoe UI','PingFang SC','Microsoft YaHei',sans-serif;color:#1f1f1f;word-break:break-word}
img{max-width:100%;height:auto}table{max-width:100%}
#${QUOTE_ID}{display:none;color:#595959;border-left:3px solid #d9d9d9;padding-left:8px;margin-top:8px}
body.quoted-open #${QUOTE_ID}{display:block}
</style></head><body>${html}</body></html>`;
}

const normalise = (text: string) => text.replace(/\s+/g, ' ').trim();

/**
 * Moves the quoted history of the rendered HTML into one hidden block: from the element that
 * starts with the quote's first line (the attribution "On … wrote:", "-----Original Message-----",
 * "在 … 写道：") or else the first blockquote, to the end of the body. Returns whether a quote was found.
 */
function foldQuote(doc: Document, quotedText: string): boolean {
  if (doc.getElementById(QUOTE_ID)) return true;
  const firstLine = normalise(quotedText.split('\n').find((line) => line.trim() && !line.trim().startsWith('>')) ?? '');
  let start: Node | null = null;
  if (firstLine) {
    const walker = doc.createTreeWalker(doc.body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const text = normalise(node.textContent ?? '');
      // The attribution may be split over several nodes ("On …, Name <" + a link + "> wrote:").
      if (text.includes(firstLine.slice(0, 40)) || (text.length >= 8 && firstLine.startsWith(text.slice(0, 40)))) {
        start = node;
        break;
      }
    }
  }
  start ??= doc.querySelector('blockquote');
  if (!start) return false;
  // Start at the outermost element the quote begins (so the attribution folds with it), but never
  // one with content before the quote, such as a layout table around the whole mail.
  const head = normalise(start.textContent ?? '').slice(0, 20);
  let from: Node = start;
  while (from.parentElement && from.parentElement !== doc.body && normalise(from.parentElement.textContent ?? '').startsWith(head))
    from = from.parentElement;
  const range = doc.createRange();
  range.setStartBefore(from);
  range.setEndAfter(doc.body.lastChild!);
  const wrapper = doc.createElement('div');
  wrapper.id = QUOTE_ID;
  wrapper.append(range.extractContents());
  doc.body.append(wrapper);
  return true;
}

function HtmlBody({ email, quoteOpen, onQuote }: { email: Email; quoteOpen: boolean; onQuote: (found: boolean) => void }) {
  const { t } = useTranslation();
  const frame = useRef<HTMLIFrameElement>(null);
  const [height, setHeight] = useState(60);

  const layout = useCallback(() => {
    const doc = frame.current?.contentDocument;
    if (!doc?.body) return;
    doc.body.classList.toggle('quoted-open', quoteOpen);
    // The body's own height (flow-root keeps its children's margins inside): the frame shrinks again when the quote folds.
    setHeight(Math.min(Math.max(Math.ceil(doc.body.getBoundingClientRect().height), 24), 2000));
  }, [quoteOpen]);

  useEffect(layout, [layout]);

  return (
    <iframe
      ref={frame}
      title={t('email.bodyTitle', { subject: email.subject })}
      data-testid="email-html"
      sandbox="allow-same-origin allow-popups allow-popups-to-escape-sandbox"
      referrerPolicy="no-referrer"
      srcDoc={documentOf(email.html ?? '')}
      style={{ width: '100%', border: 0, height, display: 'block', background: 'white' }}
      onLoad={() => {
        const doc = frame.current?.contentDocument;
        if (doc?.body) onQuote(email.quotedText ? foldQuote(doc, email.quotedText) : false);
        layout();
        // Images change the height once they arrive.
        doc?.querySelectorAll('img').forEach((image) => image.addEventListener('load', layout));
      }}
    />
  );
}

/** An email message: subject, sender and recipients, the body (HTML in a sandboxed frame), the quoted history folded, the original as .eml. */
export function EmailMessage({ conversation, message }: { conversation: Conversation; message: Message }) {
  const { t } = useTranslation();
  const { workspaceId } = useSession();
  const [quoteOpen, setQuoteOpen] = useState(false);
  const [htmlQuote, setHtmlQuote] = useState(false);
  const base = `/workspaces/${workspaceId}/conversations/${conversation.id}/messages/${message.id}`;
  const details = useQuery({
    queryKey: ['email', workspaceId, message.id, message.delivery],
    queryFn: () => api.get<Email>(`${base}/email`),
    // An outgoing reply has its email side once it was handed to the SMTP server.
    retry: false,
    staleTime: Infinity,
  });

  if (details.isPending) return <Skeleton active title={false} paragraph={{ rows: 2 }} style={{ minWidth: 240 }} />;
  // No email side (yet): an outgoing reply not sent yet, or a note-like message. Show it as text.
  if (details.isError) {
    if (details.error instanceof ApiError && details.error.status === 404)
      return message.text ? <span data-testid="message-text">{message.text}</span> : null;
    return <Typography.Text type="danger">{errorText(t, details.error)}</Typography.Text>;
  }
  const email = details.data;
  const hasQuote = email.quotedText.trim().length > 0;
  const recipients = (label: string, list: string[]) =>
    list.length > 0 && (
      <div>
        <Typography.Text type="secondary">{label}</Typography.Text> {list.join(', ')}
      </div>
    );
  return (
    <div data-testid="email" style={{ whiteSpace: 'normal', width: 560, maxWidth: '100%' }}>
      <div style={{ fontSize: 12, borderBottom: '1px solid rgba(0,0,0,0.06)', paddingBottom: 6, marginBottom: 6 }}>
        <Typography.Text strong data-testid="email-subject" style={{ fontSize: 14, display: 'block' }}>
          {email.subject || t('email.noSubject')}
        </Typography.Text>
        {email.from && (
          <div>
            <Typography.Text type="secondary">{t('email.from')}</Typography.Text> {email.from}
          </div>
        )}
        {recipients(t('email.to'), email.to)}
        <div data-testid="email-cc">{recipients(t('email.cc'), email.cc)}</div>
        {email.autoSubmitted && <Typography.Text type="warning">{t('email.automatic')}</Typography.Text>}
      </div>
      {email.html ? (
        <HtmlBody email={email} quoteOpen={quoteOpen} onQuote={setHtmlQuote} />
      ) : (
        <div data-testid="email-text" style={{ whiteSpace: 'pre-wrap' }}>
          {message.text}
        </div>
      )}
      {hasQuote && !email.html && quoteOpen && (
        <div
          data-testid="email-quoted"
          style={{ whiteSpace: 'pre-wrap', color: '#595959', borderLeft: '3px solid #d9d9d9', paddingLeft: 8, marginTop: 8 }}
        >
          {email.quotedText}
        </div>
      )}
      <div style={{ display: 'flex', gap: 12, alignItems: 'center', marginTop: 6, fontSize: 12 }}>
        {hasQuote && (email.html ? htmlQuote : true) && (
          <Button
            size="small"
            type="text"
            icon={<EllipsisOutlined />}
            data-testid="email-quote-toggle"
            aria-expanded={quoteOpen}
            onClick={() => setQuoteOpen((open) => !open)}
          >
            {quoteOpen ? t('email.hideQuoted') : t('email.showQuoted')}
          </Button>
        )}
        {email.rawAvailable && (
          <a href={`/api/v1${base}/eml`} download data-testid="email-eml">
            <DownloadOutlined /> {t('email.downloadEml')}
          </a>
        )}
      </div>
    </div>
  );
}

/** Sends a reply that failed permanently (a bounce, a refused recipient) again, after the cause was fixed. */
export function RetryDelivery({ conversation, message }: { conversation: Conversation; message: Message }) {
  const { t } = useTranslation();
  const { workspaceId } = useSession();
  const client = useQueryClient();
  const { message: toast } = App.useApp();
  const [busy, setBusy] = useState(false);
  if (message.kind !== 'out' || message.delivery !== 'failed') return null;
  const retry = async () => {
    setBusy(true);
    try {
      const updated = await api.post<Message>(`/workspaces/${workspaceId}/conversations/${conversation.id}/messages/${message.id}/retry`);
      client.setQueryData<Message[]>(keys.messages(workspaceId, conversation.id), (old) =>
        old?.map((item) => (item.id === updated.id ? updated : item)),
      );
    } catch (error) {
      void toast.error(errorText(t, error));
    } finally {
      setBusy(false);
    }
  };
  return (
    <div data-testid="delivery-failure" style={{ fontSize: 12, marginTop: 2, maxWidth: '72%', textAlign: 'end' }}>
      <Typography.Text type="danger">{t('conversation.failed', { reason: message.failureReason ?? t('common.unknown') })}</Typography.Text>
      <Button
        size="small"
        type="link"
        danger
        icon={<RedoOutlined />}
        loading={busy}
        onClick={() => void retry()}
        data-testid="retry-delivery"
      >
        {t('email.retry')}
      </Button>
    </div>
  );
}
