import type { BotMetrics } from '@huiliu/contracts';
import { useQuery } from '@tanstack/react-query';
import { Card, Col, Empty, Progress, Row, Segmented, Skeleton, Space, Statistic, Typography } from 'antd';
import dayjs from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { z } from 'zod';
import { api } from '../../lib/api';
import { ADMIN_PAGE_STYLE, AdminPageTitle, LoadFailed, useWorkspacePath } from '../content-common';

type Metrics = z.infer<typeof BotMetrics>;
const PERIODS = [1, 7, 30, 90] as const;
const percent = (value: number) => Math.round(value * 1000) / 10;

/** How the bot does: containment, hand-offs by reason, helpfulness votes, over a period. */
export default function BotMetricsPage() {
  const { t } = useTranslation();
  const base = useWorkspacePath();
  const [days, setDays] = useState<number>(30);
  const metrics = useQuery({
    queryKey: ['bot-metrics', base, days],
    queryFn: () => api.get<Metrics>(`${base}/bot/metrics`, { days }),
  });
  const data = metrics.data;
  const votes = data ? data.votes.up + data.votes.down : 0;
  const reasons = data ? Object.entries(data.handoffsByReason).sort((a, b) => b[1] - a[1]) : [];
  return (
    <div style={ADMIN_PAGE_STYLE}>
      <AdminPageTitle
        title={t('content.metrics.title')}
        hint={data ? t('content.metrics.since', { date: dayjs(data.since).format('YYYY-MM-DD HH:mm') }) : t('content.metrics.hint')}
        extra={
          <Segmented<number>
            value={days}
            onChange={setDays}
            options={PERIODS.map((n) => ({ value: n, label: t(`content.metrics.periods.d${n}`) }))}
          />
        }
      />
      {metrics.isError && <LoadFailed error={metrics.error} onRetry={() => void metrics.refetch()} />}
      {metrics.isPending ? (
        <Skeleton active paragraph={{ rows: 6 }} />
      ) : data ? (
        <Space orientation="vertical" size={16} style={{ width: '100%' }} data-testid="bot-metrics">
          <Row gutter={[16, 16]}>
            <Col xs={12} lg={6}>
              <Card size="small">
                <Statistic title={t('content.metrics.conversations')} value={data.conversations} />
              </Card>
            </Col>
            <Col xs={12} lg={6}>
              <Card size="small">
                <Statistic title={t('content.metrics.containment')} value={percent(data.containmentRate)} suffix="%" />
                <Typography.Text type="secondary">
                  {t('content.metrics.containedOf', { contained: data.contained, total: data.conversations })}
                </Typography.Text>
              </Card>
            </Col>
            <Col xs={12} lg={6}>
              <Card size="small">
                <Statistic title={t('content.metrics.handoffRate')} value={percent(data.handoffRate)} suffix="%" />
                <Typography.Text type="secondary">
                  {t('content.metrics.handoffsOf', { handoffs: data.handoffs, total: data.conversations })}
                </Typography.Text>
              </Card>
            </Col>
            <Col xs={12} lg={6}>
              <Card size="small">
                <Statistic title={t('content.metrics.answers')} value={data.answers} />
                <Typography.Text type="secondary">{t('content.metrics.suggestionsUsed', { n: data.suggestionsUsed })}</Typography.Text>
              </Card>
            </Col>
          </Row>
          <Row gutter={[16, 16]}>
            <Col xs={24} lg={12}>
              <Card size="small" title={t('content.metrics.byReason')}>
                {reasons.length === 0 ? (
                  <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('content.metrics.noHandoffs')} />
                ) : (
                  reasons.map(([reason, n]) => (
                    <div key={reason} style={{ marginBottom: 8 }}>
                      <div style={{ display: 'flex', justifyContent: 'space-between' }}>
                        <span>{t(`content.metrics.reasons.${reason}`, { defaultValue: reason })}</span>
                        <span>{n}</span>
                      </div>
                      <Progress percent={data.handoffs ? percent(n / data.handoffs) : 0} size="small" />
                    </div>
                  ))
                )}
              </Card>
            </Col>
            <Col xs={24} lg={12}>
              <Card size="small" title={t('content.metrics.votes')}>
                {votes === 0 ? (
                  <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('content.metrics.noVotes')} />
                ) : (
                  <Space size="large" align="center">
                    <Progress type="circle" percent={percent(data.votes.up / votes)} size={96} format={(value) => `${value}%`} />
                    <Space orientation="vertical">
                      <Statistic title={`👍 ${t('content.metrics.helpful')}`} value={data.votes.up} />
                      <Statistic title={`👎 ${t('content.metrics.notHelpful')}`} value={data.votes.down} />
                    </Space>
                  </Space>
                )}
              </Card>
            </Col>
          </Row>
        </Space>
      ) : null}
    </div>
  );
}
