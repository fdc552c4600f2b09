import type { VisitorContextData } from './types.js';

/** What the agent sees about where the visitor is: the page, the browser, the screen, the time zone. */
export function visitorContext(): VisitorContextData {
  const timezone = (() => {
    try {
      return Intl.DateTimeFormat().resolvedOptions().timeZone;
    } catch {
      return undefined;
    }
  })();
  // Truncated to the server's limits: a very long URL must not cost the visitor their chat.
  return {
    pageUrl: location.href.slice(0, 2000),
    pageTitle: document.title.slice(0, 500),
    ...(document.referrer ? { referrer: document.referrer.slice(0, 2000) } : {}),
    userAgent: navigator.userAgent.slice(0, 1000),
    language: (navigator.language || '').slice(0, 35),
    screen: `${screen.width}x${screen.height}`.slice(0, 20),
    ...(timezone ? { timezone: timezone.slice(0, 64) } : {}),
  };
}
