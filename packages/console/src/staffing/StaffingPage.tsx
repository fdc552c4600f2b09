import { DownloadOutlined } from '@ant-design/icons';
import { Alert, Button, Card, DatePicker, Form, InputNumber, Layout, Result, Select, Skeleton, Space, Table, Typography } from 'antd';
import dayjs from 'dayjs';
import { Suspense, lazy, useEffect, useState, type HTMLAttributes } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate, useSearchParams } from 'react-router';
import { apiUrl } from '../lib/api';
import { errorText } from '../lib/errors';
import { useSession } from '../lib/session';
import { Header } from '../shell/Header';
import { canSupervise } from '../supervisor/data';
import { useStaffingForecast, type StaffingForecastView, type StaffingParams } from './data';

// ECharts arrives in its own chunk once the table is on screen.
const StaffingChart = lazy(() => import('./StaffingChart'));

const CHANNEL_OPTIONS = ['widget', 'wechat', 'wecom', 'sms', 'email', 'api', 'voice'] as const;
const percent = (value: number) => `${Math.round(value * 1000) / 10}%`;

/** Forecast contacts and the Erlang C agents they need, beside the agents who were online, per 30 minutes. */
export default function StaffingPage() {
  const { t } = useTranslation();
  const session = useSession();
  const navigate = useNavigate();
  const [search] = useSearchParams();
  const [params, setParams] = useState<StaffingParams>(() => ({
    date: /^\d{4}-\d{2}-\d{2}$/.test(search.get('date') ?? '') ? search.get('date')! : dayjs().format('YYYY-MM-DD'),
    channel: search.get('channel') ?? 'widget',
    serviceLevel: 0.8,
    shrinkage: 0.3,
    weeks: 4,
    method: 'average',
  }));
  const forecast = useStaffingForecast(params);
  const set = (patch: Partial<StaffingParams>) => setParams((current) => ({ ...current, ...patch }));

  useEffect(() => {
    document.title = `${session.workspaceName} · ${t('staffing.title')}`;
  }, [session.workspaceName, t]);

  if (!canSupervise(session.role))
    return (
      <Layout style={{ height: '100%' }}>
        <Header />
        <Result
          status="403"
          title={t('staffing.forbidden')}
          extra={<Button onClick={() => void navigate('/inbox')}>{t('notFound.home')}</Button>}
        />
      </Layout>
    );

  const csv = apiUrl(`/workspaces/${session.workspaceId}/staffing/forecast.csv`, { ...params });
  return (
    <Layout style={{ height: '100%' }}>
      <Header />
      <Layout.Content style={{ overflowY: 'auto', padding: 16 }} data-testid="staffing">
        <Space direction="vertical" size={12} style={{ width: '100%' }}>
          <Typography.Title level={4} style={{ margin: 0 }}>
            {t('staffing.title')}
          </Typography.Title>
          <Card size="small">
            <Form layout="inline" style={{ rowGap: 8 }}>
              <Form.Item label={t('staffing.date')}>
                <DatePicker
                  data-testid="staffing-date"
                  allowClear={false}
                  value={dayjs(params.date)}
                  onChange={(value) => value && set({ date: value.format('YYYY-MM-DD') })}
                />
              </Form.Item>
              <Form.Item label={t('staffing.channel')}>
                <Select
                  data-testid="staffing-channel"
                  style={{ width: 130 }}
                  value={params.channel}
                  onChange={(channel) => set({ channel })}
                  options={CHANNEL_OPTIONS.map((value) => ({ value, label: t(`channels.${value}`) }))}
                />
              </Form.Item>
              <Form.Item label={t('staffing.serviceLevel')}>
                <InputNumber
                  data-testid="staffing-service-level"
                  min={1}
                  max={99}
                  value={Math.round(params.serviceLevel * 100)}
                  onChange={(value) => value !== null && set({ serviceLevel: value / 100 })}
                />
              </Form.Item>
              <Form.Item label={t('staffing.targetSeconds')}>
                <InputNumber
                  data-testid="staffing-target-seconds"
                  min={1}
                  max={3600}
                  placeholder={t('staffing.auto')}
                  value={params.targetSeconds}
                  onChange={(value) => set({ targetSeconds: value ?? undefined })}
                />
              </Form.Item>
              <Form.Item label={t('staffing.targetAsa')}>
                <InputNumber
                  min={1}
                  max={3600}
                  value={params.targetAsaSeconds}
                  onChange={(value) => set({ targetAsaSeconds: value ?? undefined })}
                />
              </Form.Item>
              <Form.Item label={t('staffing.shrinkage')}>
                <InputNumber
                  data-testid="staffing-shrinkage"
                  min={0}
                  max={90}
                  value={Math.round(params.shrinkage * 100)}
                  onChange={(value) => value !== null && set({ shrinkage: value / 100 })}
                />
              </Form.Item>
              <Form.Item label={t('staffing.weeks')}>
                <InputNumber min={1} max={12} value={params.weeks} onChange={(value) => value !== null && set({ weeks: value })} />
              </Form.Item>
              <Form.Item label={t('staffing.method')}>
                <Select
                  style={{ width: 170 }}
                  value={params.method}
                  onChange={(method) => set({ method })}
                  options={(['average', 'weighted'] as const).map((value) => ({ value, label: t(`staffing.methods.${value}`) }))}
                />
              </Form.Item>
              <Form.Item label={t('staffing.aht')}>
                <InputNumber
                  min={1}
                  max={86400}
                  placeholder={t('staffing.auto')}
                  value={params.ahtSeconds}
                  onChange={(value) => set({ ahtSeconds: value ?? undefined })}
                />
              </Form.Item>
              <Form.Item label={t('staffing.concurrency')}>
                <InputNumber
                  min={1}
                  max={50}
                  step={0.5}
                  disabled={params.channel === 'voice'}
                  placeholder={t('staffing.auto')}
                  value={params.concurrency}
                  onChange={(value) => set({ concurrency: value ?? undefined })}
                />
              </Form.Item>
              <Form.Item>
                <Button data-testid="staffing-export" icon={<DownloadOutlined />} href={csv} download>
                  {t('staffing.export')}
                </Button>
              </Form.Item>
            </Form>
          </Card>
          {forecast.error ? <Alert type="error" showIcon message={errorText(t, forecast.error)} /> : null}
          {forecast.data ? <ForecastView forecast={forecast.data} /> : <Skeleton active />}
        </Space>
      </Layout.Content>
    </Layout>
  );
}

function ForecastView({ forecast }: { forecast: StaffingForecastView }) {
  const { t } = useTranslation();
  return (
    <>
      <Typography.Text type="secondary" data-testid="staffing-summary">
        {t('staffing.summary', {
          days: forecast.history.map((day) => day.date).join(', '),
          aht: forecast.ahtSeconds,
          ahtSource: t(`staffing.sources.${forecast.ahtSource}`),
          concurrency: forecast.concurrency,
          concurrencySource: t(`staffing.sources.${forecast.concurrencySource}`),
          timezone: forecast.timezone,
        })}
      </Typography.Text>
      {forecast.channel !== 'voice' ? <Alert type="info" showIcon message={t('staffing.approximation')} /> : null}
      <Card size="small" title={t('staffing.chart')} data-testid="staffing-chart">
        <Suspense fallback={<Skeleton active />}>
          <StaffingChart forecast={forecast} />
        </Suspense>
      </Card>
      <Table
        data-testid="staffing-table"
        size="small"
        rowKey="start"
        pagination={false}
        scroll={{ x: 'max-content' }}
        dataSource={forecast.intervals}
        onRow={(row) => ({ 'data-interval': row.label }) as HTMLAttributes<HTMLElement>}
        columns={[
          { key: 'label', title: t('staffing.interval'), dataIndex: 'label', fixed: 'left' },
          { key: 'volume', title: t('staffing.volume'), dataIndex: 'forecastVolume', align: 'right' },
          { key: 'aht', title: t('staffing.aht'), dataIndex: 'ahtSeconds', align: 'right' },
          { key: 'erlang', title: t('staffing.erlang'), dataIndex: 'erlangAgents', align: 'right' },
          { key: 'pw', title: t('staffing.probabilityOfWaiting'), dataIndex: 'probabilityOfWaiting', align: 'right', render: percent },
          { key: 'sl', title: t('staffing.achievedServiceLevel'), dataIndex: 'serviceLevel', align: 'right', render: percent },
          { key: 'asa', title: t('staffing.asa'), dataIndex: 'asaSeconds', align: 'right' },
          {
            key: 'scheduled',
            title: t('staffing.required'),
            dataIndex: 'scheduledAgents',
            align: 'right',
            render: (value: number) => <span data-column="scheduled">{value}</span>,
          },
          {
            key: 'actual',
            title: t('staffing.actual'),
            dataIndex: 'actualAgents',
            align: 'right',
            render: (value: number | null) => <span data-column="actual">{value ?? '—'}</span>,
          },
        ]}
      />
    </>
  );
}
