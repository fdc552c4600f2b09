import { render } from 'preact';
import { createApi } from './api';
import { App } from './App';
import { ChatClient } from './chat';
import { STYLES } from './styles';
import type { Identity } from './types';

declare global {
  interface Window {
    HuiliuSettings?: { identity?: Identity };
    Huiliu?: { open(): void; close(): void; identify(identity: Identity): void };
  }
}

/** Finds our own <script> tag: it tells the server origin and the inbox. */
function ownScript(): HTMLScriptElement | null {
  const current = document.currentScript as HTMLScriptElement | null;
  if (current?.dataset.inboxKey) return current;
  return document.querySelector<HTMLScriptElement>('script[data-inbox-key]');
}

function boot(): void {
  const script = ownScript();
  const inboxKey = script?.dataset.inboxKey;
  if (!script || !inboxKey) {
    console.warn('[huiliu] the widget script needs a data-inbox-key attribute');
    return;
  }
  const origin = new URL(script.src, location.href).origin;
  const api = createApi(origin, inboxKey);
  const client = new ChatClient(api, origin, `huiliu:${inboxKey}:visitor`, window.HuiliuSettings?.identity);

  const host = document.createElement('div');
  host.id = 'huiliu-widget';
  document.body.appendChild(host);
  const root = host.attachShadow({ mode: 'open' });
  const style = document.createElement('style');
  style.textContent = STYLES;
  root.appendChild(style);
  const mount = document.createElement('div');
  root.appendChild(mount);

  const requestOpen = { current: (_open: boolean) => undefined as void };
  render(<App client={client} requestOpen={requestOpen} />, mount);
  window.Huiliu = {
    open: () => requestOpen.current(true),
    close: () => requestOpen.current(false),
    identify: (identity) => client.identify(identity),
  };
  document.addEventListener('visibilitychange', () => client.markRead());
  void client.loadConfig();
  // A returning visitor reconnects at once, so agent replies that came while away show up.
  if (client.visitorToken) void client.connect().catch(() => undefined);
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', boot);
else boot();
