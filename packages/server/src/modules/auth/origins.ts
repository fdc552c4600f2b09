import type { Config } from '../../config.js';

const originOf = (url: string): string | null => {
  try {
    return new URL(url).origin;
  } catch {
    return null;
  }
};

/**
 * Whether a browser page at `origin` may use the agent's cookie on the socket: pages served by
 * Huiliu itself (the Origin names the host the request came to), the configured PUBLIC_URL, and
 * ALLOWED_ORIGINS. No Origin at all is not a browser (scripts, the SDK), which holds no victim's cookie.
 */
export function originAllowed(
  origin: string | undefined,
  host: string | undefined,
  config: Pick<Config, 'publicUrl' | 'ALLOWED_ORIGINS'>,
): boolean {
  if (origin === undefined) return true;
  const parsed = originOf(origin);
  if (!parsed) return false;
  if (host && new URL(parsed).host === host.toLowerCase()) return true;
  const allowed = [config.publicUrl, ...(config.ALLOWED_ORIGINS ?? [])].map(originOf);
  return allowed.includes(parsed);
}
