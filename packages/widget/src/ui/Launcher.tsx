import { t } from '../i18n.js';
import { ChatIcon, CloseIcon } from './icons.js';

/** The round button in the corner: opens and closes the panel, and counts unread replies while closed. */
export function Launcher({
  open,
  unread,
  onToggle,
  buttonRef,
}: {
  open: boolean;
  unread: number;
  onToggle: () => void;
  buttonRef: { current: HTMLButtonElement | null };
}) {
  const label = open ? t('close') : unread > 0 ? `${t('open')} (${t('unread', { n: unread })})` : t('open');
  return (
    <button
      ref={buttonRef}
      type="button"
      class={`launcher${open ? ' open' : ''}`}
      aria-label={label}
      aria-expanded={open}
      aria-controls="huiliu-panel"
      onClick={onToggle}
    >
      {open ? <CloseIcon /> : <ChatIcon />}
      {!open && unread > 0 && (
        <span class="badge" aria-hidden="true">
          {unread > 99 ? '99+' : unread}
        </span>
      )}
    </button>
  );
}
