/** Where the widget comes from and which inbox it serves: read from its own <script> tag. */
export interface Embed {
  /** The Huiliu server, e.g. https://support.example.com (the origin of the script's src). */
  origin: string;
  inboxKey: string;
}

/**
 * Must run while the script is being evaluated: `document.currentScript` is null afterwards
 * (for example in a DOMContentLoaded callback), and then only the attribute search is left.
 */
export function readEmbed(): Embed | null {
  const current = document.currentScript;
  const script =
    current instanceof HTMLScriptElement && current.dataset.inboxKey
      ? current
      : document.querySelector<HTMLScriptElement>('script[data-inbox-key]');
  const inboxKey = script?.dataset.inboxKey?.trim();
  if (!script || !inboxKey || !script.src) return null;
  return { origin: new URL(script.src, location.href).origin, inboxKey };
}
