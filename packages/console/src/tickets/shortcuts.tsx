import { Modal, Typography } from 'antd';
import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import './views-macros-locale';

/** Where keys belong to what the agent types, not to the page. */
function isTyping(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable) return true;
  const tag = target.tagName;
  if (tag === 'TEXTAREA' || tag === 'SELECT') return true;
  if (tag === 'INPUT') return !['checkbox', 'radio', 'button', 'submit'].includes((target as HTMLInputElement).type);
  return target.closest('[role="combobox"], [role="textbox"]') !== null;
}

const CONTROLS = 'button, a, [role="button"], [role="menuitem"], [role="tab"], [role="switch"], [role="checkbox"], [role="option"]';

function dialogOpen(): boolean {
  return [...document.querySelectorAll('.ant-modal-wrap')].some((element) => getComputedStyle(element).display !== 'none');
}

/**
 * Single-key shortcuts for the page (`j`, `k`, `x`, `?`…). Ignored while the agent types in a
 * field, with a modifier held (the browser's and the system's own shortcuts), or while a dialog
 * is open (its keys are its own).
 */
export function useShortcuts(handlers: Record<string, (event: KeyboardEvent) => void>, enabled = true) {
  const latest = useRef(handlers);
  latest.current = handlers;
  useEffect(() => {
    if (!enabled) return;
    const onKey = (event: KeyboardEvent) => {
      if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey || event.isComposing) return;
      if (isTyping(event.target)) return;
      // Enter on a focused button, link or menu entry is that control's own.
      if (event.key === 'Enter' && event.target instanceof Element && event.target.closest(CONTROLS)) return;
      if (dialogOpen()) return;
      const handler = latest.current[event.key];
      if (!handler) return;
      event.preventDefault();
      handler(event);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [enabled]);
}

export type ShortcutScope = 'list' | 'ticket';

const KEYS: Record<ShortcutScope, [string, string][]> = {
  list: [
    ['j', 'next'],
    ['k', 'previous'],
    ['Enter / o', 'openTicket'],
    ['x', 'select'],
    ['A', 'selectAll'],
    ['/', 'search'],
    ['?', 'help'],
  ],
  ticket: [
    ['j', 'next'],
    ['k', 'previous'],
    ['u', 'back'],
    ['m', 'macro'],
    ['?', 'help'],
  ],
};

/** The `?` dialog: the keys of this page. */
export function ShortcutsHelp({ scope, open, onClose }: { scope: ShortcutScope; open: boolean; onClose: () => void }) {
  const { t } = useTranslation();
  return (
    <Modal open={open} title={t('ticketViews.shortcuts.title')} onCancel={onClose} footer={null} width={420}>
      <table style={{ width: '100%' }} data-testid="shortcuts-help">
        <tbody>
          {KEYS[scope].map(([key, what]) => (
            <tr key={key}>
              <td style={{ padding: '4px 12px 4px 0', width: 110 }}>
                <Typography.Text keyboard>{key}</Typography.Text>
              </td>
              <td>{t(`ticketViews.shortcuts.${what}`)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <Typography.Paragraph type="secondary" style={{ marginTop: 12, marginBottom: 0 }}>
        {t('ticketViews.shortcuts.hint')}
      </Typography.Paragraph>
    </Modal>
  );
}
