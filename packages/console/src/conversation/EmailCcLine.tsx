import type { EmailRecipients } from '@huiliu/contracts';
import { useQuery } from '@tanstack/react-query';
import { Select, Typography } from 'antd';
import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import type { z } from 'zod';
import { api, type Conversation } from '../lib/api';
import { useSession } from '../lib/session';

type Recipients = z.infer<typeof EmailRecipients>;

/**
 * The addressing of an email reply: to whom it goes, and the CC line — filled in as reply-all
 * (everyone on the customer's last mail) and the agent's to change. `value` stays undefined
 * until the defaults have loaded; a reply sent before then gets the same defaults on the server.
 */
export function EmailCcLine({
  conversation,
  value,
  onChange,
}: {
  conversation: Conversation;
  value: string[] | undefined;
  onChange: (cc: string[] | undefined) => void;
}) {
  const { t } = useTranslation();
  const { workspaceId } = useSession();
  const defaults = useQuery({
    // A new mail from the customer may change who is on it.
    queryKey: ['email-recipients', workspaceId, conversation.id, conversation.lastCustomerMessageAt],
    queryFn: () => api.get<Recipients>(`/workspaces/${workspaceId}/conversations/${conversation.id}/email/recipients`),
  });
  const loaded = defaults.data;
  // The defaults fill the line once, and again when a new mail changes them — not when the line
  // comes back (note mode and back), which would undo the agent's edits.
  const applied = useRef(value === undefined ? undefined : loaded);
  useEffect(() => {
    if (!loaded || loaded === applied.current) return;
    applied.current = loaded;
    onChange(loaded.cc);
  }, [loaded, onChange]);

  return (
    <div data-testid="email-addressing" style={{ display: 'flex', alignItems: 'center', gap: 8, marginBottom: 6, fontSize: 12 }}>
      <Typography.Text type="secondary" style={{ whiteSpace: 'nowrap' }}>
        {t('email.to')}: <span data-testid="email-reply-to">{loaded?.to ?? '…'}</span>
      </Typography.Text>
      <Typography.Text type="secondary">{t('email.cc')}:</Typography.Text>
      <Select<string[]>
        mode="tags"
        size="small"
        aria-label={t('email.cc')}
        placeholder={t('email.ccPlaceholder')}
        value={value ?? []}
        onChange={(next) => onChange(next.map((address) => address.trim()).filter(Boolean))}
        tokenSeparators={[',', ';', ' ', '，', '；']}
        open={false}
        suffixIcon={null}
        style={{ flex: 1, minWidth: 160 }}
      />
    </div>
  );
}
