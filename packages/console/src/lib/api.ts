import type {
  AgentPresence,
  Conversation,
  CurrentUser,
  Customer,
  Inbox,
  InviteInfo,
  Member,
  Message,
  Team,
  Attachment,
} from '@huiliu/contracts';
import type { z } from 'zod';

export type { Conversation, CurrentUser, Customer, Message, Attachment };
export type MemberView = z.infer<typeof Member>;
export type TeamView = z.infer<typeof Team>;
export type InboxView = z.infer<typeof Inbox>;
export type PresenceView = z.infer<typeof AgentPresence>;
export type PresenceStatus = PresenceView['status'];
export type InviteView = z.infer<typeof InviteInfo>;
export type Role = CurrentUser['memberships'][number]['role'];
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** An error answer of the API (`{ error: { code, message } }`), or a network failure (status 0). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

type Query = Record<string, string | number | undefined | null>;

function withQuery(path: string, query?: Query): string {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query))
    if (value !== undefined && value !== null && value !== '') params.set(key, String(value));
  const text = params.toString();
  return text ? `${path}?${text}` : path;
}

/** The address of an API download (a CSV export): the browser fetches it with the session cookie. */
export const apiUrl = (path: string, query?: Query) => withQuery(`/api/v1${path}`, query);

export async function request<T>(
  method: string,
  path: string,
  body?: unknown,
  query?: Query,
  headers: Record<string, string> = {},
): Promise<T> {
  let response: Response;
  const init: RequestInit = { method, credentials: 'same-origin', headers };
  if (body instanceof FormData) init.body = body;
  else if (body !== undefined) {
    init.body = JSON.stringify(body);
    init.headers = { ...headers, 'content-type': 'application/json' };
  }
  try {
    response = await fetch(withQuery(`/api/v1${path}`, query), init);
  } catch {
    throw new ApiError(0, 'network', 'network');
  }
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  let data: unknown = undefined;
  try {
    data = text ? JSON.parse(text) : undefined;
  } catch {
    // Not JSON: a proxy's error page, for example.
  }
  if (!response.ok) {
    const error = (data as { error?: { code?: string; message?: string; details?: unknown } } | undefined)?.error;
    throw new ApiError(response.status, error?.code ?? 'http_error', error?.message ?? response.statusText, error?.details);
  }
  return data as T;
}

export const api = {
  get: <T>(path: string, query?: Query) => request<T>('GET', path, undefined, query),
  post: <T>(path: string, body?: unknown, headers?: Record<string, string>) => request<T>('POST', path, body ?? {}, undefined, headers),
  put: <T>(path: string, body?: unknown) => request<T>('PUT', path, body ?? {}),
  patch: <T>(path: string, body?: unknown) => request<T>('PATCH', path, body ?? {}),
};

/** Reads every page of a paginated list (members, teams, inboxes are short lists). */
export async function getAll<T>(path: string, query?: Query): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | null | undefined = undefined;
  for (let pages = 0; pages < 50; pages += 1) {
    const page: Page<T> = await api.get<Page<T>>(path, { ...query, limit: 200, cursor });
    items.push(...page.items);
    cursor = page.nextCursor;
    if (!cursor) break;
  }
  return items;
}

export interface SessionResponse {
  user: CurrentUser;
  tokenWorkspaceId: string | null;
}
