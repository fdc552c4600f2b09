import type { AutomationRun } from '@huiliu/contracts';
import { CheckCircleTwoTone, CloseCircleTwoTone } from '@ant-design/icons';
import { Empty, List, Space, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import './locales';

const STATUS_COLORS: Record<AutomationRun['status'], string> = {
  done: 'green',
  partial: 'orange',
  failed: 'red',
  skipped_depth: 'default',
};

/** Execution log entries: which rule, what started it, which conditions held, what it did (and what failed, why). */
export function RunList({ runs, loading, showTicket = false }: { runs: AutomationRun[]; loading?: boolean; showTicket?: boolean }) {
  const { t } = useTranslation();
  return (
    <List
      size="small"
      loading={loading}
      dataSource={runs}
      data-testid="automation-runs"
      locale={{ emptyText: <Empty description={t('automations.logEmpty')} image={Empty.PRESENTED_IMAGE_SIMPLE} /> }}
      renderItem={(run) => (
        <List.Item key={run.id} data-testid="automation-run">
          <div style={{ width: '100%' }}>
            <Space wrap>
              <Typography.Text strong>{run.automationName}</Typography.Text>
              <Tag color={STATUS_COLORS[run.status]}>{t(`automations.status.${run.status}`)}</Tag>
              <Typography.Text type="secondary">
                {t('automations.why')}: {t(`automations.triggers.${run.trigger.type}`, run.trigger.type)}
                {run.depth > 0 ? ` · ${t('automations.depth', { depth: run.depth })}` : ''}
              </Typography.Text>
              {showTicket && <Typography.Text type="secondary">{run.subjectId.slice(0, 8)}</Typography.Text>}
              <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                {new Date(run.createdAt).toLocaleString()}
              </Typography.Text>
            </Space>
            {run.conditions.length > 0 && (
              <div style={{ fontSize: 12, marginTop: 4 }}>
                {run.conditions.map((condition, index) => (
                  <div key={index}>
                    {condition.matched ? <CheckCircleTwoTone twoToneColor="#52c41a" /> : <CloseCircleTwoTone twoToneColor="#bfbfbf" />}{' '}
                    {condition.summary}
                  </div>
                ))}
              </div>
            )}
            <ul style={{ margin: '4px 0 0', paddingInlineStart: 18, fontSize: 12 }}>
              {run.actions.map((action, index) => (
                <li key={index} style={{ color: action.ok ? undefined : '#cf1322' }}>
                  {action.summary}
                  {action.error ? ` — ${action.error}` : ''}
                </li>
              ))}
            </ul>
          </div>
        </List.Item>
      )}
    />
  );
}
