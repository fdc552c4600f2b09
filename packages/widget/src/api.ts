import type { Attachment, Config, Identity, Session } from './types';

export class ApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

async function parse<T>(response: Response): Promise<T> {
  const body = (await response.json().catch(() => null)) as (T & { error?: { code: string; message: string } }) | null;
  if (!response.ok) throw new ApiError(body?.error?.code ?? 'http_error', body?.error?.message ?? `HTTP ${response.status}`);
  return body as T;
}

/** The widget's few HTTP calls; everything else is on the socket. */
export function createApi(origin: string, inboxKey: string) {
  return {
    config: () => fetch(`${origin}/api/v1/widget/config?inboxKey=${encodeURIComponent(inboxKey)}`).then((r) => parse<Config>(r)),
    session: (visitorToken: string | null, identity: Identity | undefined) =>
      fetch(`${origin}/api/v1/widget/sessions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          inboxKey,
          ...(visitorToken ? { visitorToken } : {}),
          ...(identity ? { identity } : {}),
          context: {
            pageUrl: location.href.slice(0, 2000),
            pageTitle: document.title.slice(0, 500),
            referrer: document.referrer.slice(0, 2000),
            userAgent: navigator.userAgent.slice(0, 1000),
            language: navigator.language,
            screen: `${screen.width}x${screen.height}`,
            timezone: Intl.DateTimeFormat().resolvedOptions().timeZone,
          },
        }),
      }).then((r) => parse<Session>(r)),
    upload: (visitorToken: string, file: File) => {
      const form = new FormData();
      form.append('file', file, file.name);
      return fetch(`${origin}/api/v1/widget/attachments`, {
        method: 'POST',
        headers: { 'x-visitor-token': visitorToken },
        body: form,
      }).then((r) => parse<Attachment>(r));
    },
  };
}

export type Api = ReturnType<typeof createApi>;
