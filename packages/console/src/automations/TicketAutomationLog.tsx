import type { AutomationRun } from '@huiliu/contracts';
import { useQuery } from '@tanstack/react-query';
import { Card, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { api } from '../lib/api';
import { useSession } from '../lib/session';
import { RunList } from './RunList';

/** "Why did this happen?": the automations that acted on this ticket, refetched whenever the ticket changes. */
export function TicketAutomationLog({ ticketId, version }: { ticketId: string; version: string }) {
  const { t } = useTranslation();
  const { workspaceId } = useSession();
  const runs = useQuery({
    queryKey: ['ticket-automation-runs', workspaceId, ticketId, version],
    queryFn: () => api.get<{ items: AutomationRun[] }>(`/workspaces/${workspaceId}/tickets/${ticketId}/automation-runs`),
  });
  if (!runs.data?.items.length) return null;
  return (
    <Card size="small" title={t('automations.ticketLog')} style={{ marginTop: 16 }} data-testid="ticket-automation-log">
      <Typography.Paragraph type="secondary" style={{ fontSize: 12 }}>
        {t('automations.ticketLogHint')}
      </Typography.Paragraph>
      <RunList runs={runs.data.items} />
    </Card>
  );
}
