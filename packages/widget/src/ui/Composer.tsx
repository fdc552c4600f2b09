import { useRef, useState } from 'preact/hooks';
import type { ChatClient } from '../chat-client.js';
import { t } from '../i18n.js';
import type { Config } from '../types.js';
import { PaperclipIcon, SendIcon } from './icons.js';

const MAX_TEXT = 10_000;
const MAX_TEXTAREA_PX = 120;

/** The message box: Enter sends (not while an IME is composing Chinese), Shift+Enter is a new line; files by button or paste. */
export function Composer({
  client,
  config,
  inputRef,
}: {
  client: ChatClient;
  config: Config;
  inputRef: { current: HTMLTextAreaElement | null };
}) {
  const [text, setText] = useState('');
  const fileRef = useRef<HTMLInputElement>(null);

  const grow = (area: HTMLTextAreaElement) => {
    area.style.height = 'auto';
    area.style.height = `${Math.min(area.scrollHeight, MAX_TEXTAREA_PX)}px`;
  };
  const submit = () => {
    if (!text.trim()) return;
    client.send(text);
    setText('');
    if (inputRef.current) {
      inputRef.current.value = '';
      grow(inputRef.current);
      inputRef.current.focus();
    }
  };

  return (
    <form
      class="composer"
      onSubmit={(event) => {
        event.preventDefault();
        submit();
      }}
    >
      <button type="button" class="icon-button" aria-label={t('attach')} title={t('attach')} onClick={() => fileRef.current?.click()}>
        <PaperclipIcon />
      </button>
      <input
        ref={fileRef}
        type="file"
        hidden
        tabIndex={-1}
        accept={config.attachments.contentTypes.join(',')}
        onChange={(event) => {
          const input = event.currentTarget;
          const file = input.files?.[0];
          if (file) client.sendFile(file);
          // Cleared so that choosing the same file again still fires a change.
          input.value = '';
        }}
      />
      <textarea
        ref={inputRef}
        aria-label={t('placeholder')}
        placeholder={t('placeholder')}
        rows={1}
        value={text}
        maxLength={MAX_TEXT}
        onInput={(event) => {
          setText(event.currentTarget.value);
          grow(event.currentTarget);
          client.typing();
        }}
        onKeyDown={(event) => {
          // keyCode 229: Safari's way of saying an IME is still composing.
          if (event.key === 'Enter' && !event.shiftKey && !event.isComposing && event.keyCode !== 229) {
            event.preventDefault();
            submit();
          }
        }}
        onPaste={(event) => {
          const file = event.clipboardData?.files?.[0];
          if (file) {
            event.preventDefault();
            client.sendFile(file);
          }
        }}
      />
      <button type="submit" class="send-button" aria-label={t('send')} title={t('send')} disabled={!text.trim()}>
        <SendIcon />
      </button>
    </form>
  );
}
