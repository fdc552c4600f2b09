import { WidgetError } from './errors.js';
import type { Attachment, Config, Identity, Session } from './types.js';
import { visitorContext } from './visitor-context.js';

async function parse<T>(request: Promise<Response>): Promise<T> {
  let response: Response;
  try {
    response = await request;
  } catch {
    throw new WidgetError('network', 'could not reach the server');
  }
  const body = (await response.json().catch(() => null)) as (T & { error?: { code?: string; message?: string } }) | null;
  if (!response.ok) {
    const fallbackCode = response.status === 429 ? 'rate_limited' : response.status === 413 ? 'attachment_too_large' : 'unknown';
    throw new WidgetError(body?.error?.code ?? fallbackCode, body?.error?.message ?? `HTTP ${response.status}`);
  }
  return body as T;
}

/** The widget's HTTP calls; the chat itself goes over the socket. */
export function createApi(origin: string, inboxKey: string) {
  return {
    config: () => parse<Config>(fetch(`${origin}/api/v1/widget/config?inboxKey=${encodeURIComponent(inboxKey)}`)),

    startSession: (visitorToken: string | null, identity: Identity | undefined) =>
      parse<Session>(
        fetch(`${origin}/api/v1/widget/sessions`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({
            inboxKey,
            ...(visitorToken ? { visitorToken } : {}),
            ...(identity ? { identity } : {}),
            context: visitorContext(),
          }),
        }),
      ),

    articles: (query: string) =>
      parse<{ articles: { id: string; title: string; url: string }[] }>(
        fetch(`${origin}/api/v1/widget/articles?inboxKey=${encodeURIComponent(inboxKey)}&q=${encodeURIComponent(query)}`),
      ),

    requestCode: (visitorToken: string, email: string) =>
      parse<{ sentTo: string; expiresAt: string }>(
        fetch(`${origin}/api/v1/widget/identity/code`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-visitor-token': visitorToken },
          body: JSON.stringify({ kind: 'email', value: email }),
        }),
      ),

    verifyCode: (visitorToken: string, email: string, code: string) =>
      parse<{ customerId: string; merged: boolean }>(
        fetch(`${origin}/api/v1/widget/identity/verify`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-visitor-token': visitorToken },
          body: JSON.stringify({ kind: 'email', value: email, code }),
        }),
      ),

    portalLink: (visitorToken: string) =>
      parse<{ url: string; expiresAt: string }>(
        fetch(`${origin}/api/v1/widget/portal-link`, { method: 'POST', headers: { 'x-visitor-token': visitorToken } }),
      ),

    upload: (visitorToken: string, file: File) => {
      const form = new FormData();
      form.append('file', file, file.name);
      return parse<Attachment>(
        fetch(`${origin}/api/v1/widget/attachments`, { method: 'POST', headers: { 'x-visitor-token': visitorToken }, body: form }),
      );
    },
  };
}

export type Api = ReturnType<typeof createApi>;
