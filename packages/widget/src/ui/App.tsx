import { useEffect, useRef } from 'preact/hooks';
import type { ChatClient } from '../chat-client.js';
import { textColorOn, themeColor } from '../theme.js';
import { Launcher } from './Launcher.js';
import { Panel } from './Panel.js';
import { useChatState } from './use-chat-state.js';

const NARROW = '(max-width: 520px)';

export function App({ client }: { client: ChatClient }) {
  const state = useChatState(client);
  const launcherRef = useRef<HTMLButtonElement>(null);
  const panelRef = useRef<HTMLElement>(null);
  const inputRef = useRef<HTMLTextAreaElement>(null);
  // The panel is built on first open and then only hidden, so a half-written message survives closing it.
  const everOpened = useRef(false);
  /** Closed from inside the panel (close button, Escape): the keyboard user continues from the launcher. */
  const returnFocus = useRef(false);
  if (state.panelOpen) everOpened.current = true;

  // Focus follows the panel: into it when it opens, back to the launcher when it closes.
  useEffect(() => {
    if (!state.panelOpen) {
      // After the re-render: on a phone the launcher is hidden while the panel is open.
      if (returnFocus.current) launcherRef.current?.focus();
      returnFocus.current = false;
      return;
    }
    // On a phone, focusing the text box would throw up the keyboard over the conversation.
    const target = window.matchMedia?.(NARROW).matches
      ? panelRef.current
      : (inputRef.current ?? panelRef.current?.querySelector<HTMLElement>('input, select, textarea') ?? panelRef.current);
    target?.focus();
  }, [state.panelOpen]);

  const config = state.config;
  if (!config) return null;
  const color = themeColor(config.color);
  return (
    <div class="root" style={`--hl-color:${color};--hl-on-color:${textColorOn(color)}`}>
      {everOpened.current && (
        <Panel
          client={client}
          state={state}
          config={config}
          hidden={!state.panelOpen}
          onClose={() => {
            returnFocus.current = true;
            client.setPanelOpen(false);
          }}
          panelRef={panelRef}
          inputRef={inputRef}
        />
      )}
      <Launcher
        open={state.panelOpen}
        unread={state.unread}
        onToggle={() => client.setPanelOpen(!state.panelOpen)}
        buttonRef={launcherRef}
      />
    </div>
  );
}
