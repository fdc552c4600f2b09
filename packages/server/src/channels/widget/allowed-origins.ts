import { AppError } from '../../platform/errors.js';

/**
 * Whether a page at `origin` may run an inbox's chat. An empty list allows any site. A request
 * without an Origin comes from no browser page on another site (a same-origin load, a server,
 * curl) and is not what the list guards: it stops other sites from embedding the chat, not
 * clients that can forge any header anyway. Huiliu's own pages (the demo, the help center) are
 * always allowed.
 */
export function originAllowed(patterns: readonly string[], origin: string | undefined, ownOrigin: string): boolean {
  if (patterns.length === 0 || !origin) return true;
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return false;
  }
  const candidate = url.origin;
  if (candidate === new URL(ownOrigin).origin) return true;
  return patterns.map(withoutDefaultPort).some((pattern) => {
    if (!pattern.includes('://*.')) return pattern === candidate;
    const [scheme, rest] = pattern.split('://*.') as [string, string];
    // `https://*.example.com` is every subdomain of example.com, on the scheme (and port) given.
    const host = candidate.slice(scheme.length + 3);
    return candidate.startsWith(`${scheme}://`) && host.endsWith(`.${rest}`);
  });
}

/** As browsers send it: `https://shop.example.com:443` is `https://shop.example.com`. */
function withoutDefaultPort(pattern: string): string {
  if (pattern.startsWith('https://')) return pattern.replace(/:443$/, '');
  return pattern.replace(/:80$/, '');
}

/** 403 with the reason a site's developer needs when their page is not on the inbox's list. */
export function assertOriginAllowed(patterns: readonly string[], origin: string | undefined, ownOrigin: string): void {
  if (!originAllowed(patterns, origin, ownOrigin))
    throw new AppError(403, 'origin_not_allowed', `this chat does not run on ${origin}; add the site to the inbox's allowed sites`);
}
