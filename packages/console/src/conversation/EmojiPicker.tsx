import { SmileOutlined } from '@ant-design/icons';
import { Button, Popover, Tooltip } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';

// A short list of what service conversations use; no emoji library needed.
const EMOJI = [
  '😀',
  '😊',
  '😂',
  '🙂',
  '😉',
  '😍',
  '🤔',
  '😅',
  '😢',
  '😭',
  '😡',
  '😮',
  '👍',
  '👎',
  '👌',
  '🙏',
  '👏',
  '💪',
  '🤝',
  '👋',
  '❤️',
  '💔',
  '🎉',
  '🎁',
  '✅',
  '❌',
  '⚠️',
  '❓',
  '⏰',
  '📦',
  '🚚',
  '💰',
  '💳',
  '🧾',
  '📱',
  '💻',
  '🌹',
  '☕',
  '🌟',
  '🔥',
  '💯',
  '🆗',
];

export function EmojiPicker({ onPick, disabled }: { onPick: (emoji: string) => void; disabled?: boolean }) {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  const grid = (
    <div role="listbox" aria-label={t('composer.emoji')} style={{ display: 'grid', gridTemplateColumns: 'repeat(8, 32px)', gap: 2 }}>
      {EMOJI.map((emoji) => (
        <button
          key={emoji}
          type="button"
          role="option"
          aria-selected={false}
          aria-label={emoji}
          onClick={() => {
            onPick(emoji);
            setOpen(false);
          }}
          style={{ fontSize: 20, width: 32, height: 32, border: 'none', background: 'none', cursor: 'pointer', borderRadius: 4 }}
        >
          {emoji}
        </button>
      ))}
    </div>
  );
  return (
    <Popover content={grid} trigger="click" open={open} onOpenChange={setOpen} placement="topLeft">
      <Tooltip title={t('composer.emoji')}>
        <Button type="text" icon={<SmileOutlined />} aria-label={t('composer.emoji')} disabled={disabled} />
      </Tooltip>
    </Popover>
  );
}
