import { render } from 'preact';
import { createApi } from './api.js';
import { ChatClient } from './chat-client.js';
import { readEmbed, type Embed } from './embed.js';
import { visitorTokenKey } from './storage.js';
import { STYLES } from './styles.js';
import type { Identity } from './types.js';
import { App } from './ui/App.js';

/** The page's handle on the widget, after the script has loaded. */
export interface HuiliuApi {
  open(): void;
  close(): void;
  /** The host site signed the visitor in (see README): continue the chat as that user. */
  identify(identity: Identity): void;
}

declare global {
  interface Window {
    HuiliuSettings?: { identity?: Identity };
    Huiliu?: HuiliuApi;
  }
}

function boot(embed: Embed): void {
  if (document.getElementById('huiliu-widget')) return;
  const client = new ChatClient(
    createApi(embed.origin, embed.inboxKey),
    embed.origin,
    visitorTokenKey(embed.inboxKey),
    window.HuiliuSettings?.identity,
  );

  const host = document.createElement('div');
  host.id = 'huiliu-widget';
  document.body.appendChild(host);
  const shadow = host.attachShadow({ mode: 'open' });
  const style = document.createElement('style');
  style.textContent = STYLES;
  shadow.appendChild(style);
  const mount = document.createElement('div');
  shadow.appendChild(mount);
  render(<App client={client} />, mount);

  window.Huiliu = {
    open: () => client.setPanelOpen(true),
    close: () => client.setPanelOpen(false),
    identify: (identity) => client.identify(identity),
  };
  // Coming back to the tab counts as reading what arrived meanwhile.
  document.addEventListener('visibilitychange', () => client.markRead());

  void client.loadConfig();
  // A returning visitor reconnects at once, so replies sent while they were away show up (and
  // count on the badge); a signed-in user starts at once, while the host's signature is fresh.
  if (client.shouldStartEarly) void client.start().catch(() => undefined);
}

// Read now: `document.currentScript` is only set while this script runs.
const embed = readEmbed();
if (window.Huiliu) {
  // The snippet was pasted twice: one widget is enough.
} else if (!embed) {
  console.warn('[huiliu] the widget script needs a src and a data-inbox-key attribute');
} else if (document.readyState === 'loading') {
  document.addEventListener('DOMContentLoaded', () => boot(embed));
} else {
  boot(embed);
}
