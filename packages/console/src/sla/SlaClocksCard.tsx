import { Card, Collapse, Empty, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { errorText } from '../lib/errors';
import { useSlaTargets, type SlaSubject, type SlaTarget } from './data';
import { ClockDetails, SlaBadgeOf } from './SlaBadge';
import './locales';

const STATUS_COLORS: Record<SlaTarget['status'], string> = {
  active: 'blue',
  paused: 'default',
  achieved: 'green',
  breached: 'red',
  cancelled: 'default',
};

/** The case's SLA badge, from its clocks (nothing when it has none). */
export function SlaHeaderBadge({ subject }: { subject: SlaSubject }) {
  const targets = useSlaTargets(subject);
  if (!targets.data) return null;
  return <SlaBadgeOf subject={subject} targets={targets.data} />;
}

/** Every clock of a case, newest first, each explained: the audit trail of which policy applied and why. */
export function SlaClocksCard({ subject }: { subject: SlaSubject }) {
  const { t } = useTranslation();
  const targets = useSlaTargets(subject);
  const items = [...(targets.data ?? [])].reverse();
  return (
    <Card size="small" title={t('sla.ticketCard')} style={{ marginBottom: 16 }} loading={targets.isPending} data-testid="sla-clocks">
      {targets.isError ? (
        <Typography.Text type="danger">{errorText(t, targets.error)}</Typography.Text>
      ) : items.length === 0 ? (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('sla.explain.none')} />
      ) : (
        <Collapse
          size="small"
          ghost
          items={items.map((target) => ({
            key: target.id,
            label: (
              <span data-testid="sla-clock" data-metric={target.metric} data-status={target.status}>
                {t(`sla.metric.${target.metric}`)}{' '}
                <Tag color={STATUS_COLORS[target.status]} style={{ marginInlineStart: 4 }}>
                  {t(`sla.status.${target.status}`)}
                </Tag>
                <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                  {t('sla.explain.due')} {new Date(target.dueAt).toLocaleString()}
                </Typography.Text>
              </span>
            ),
            children: <ClockDetails target={target} />,
          }))}
        />
      )}
    </Card>
  );
}
