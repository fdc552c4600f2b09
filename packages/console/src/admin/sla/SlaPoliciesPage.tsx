import { ArrowDownOutlined, ArrowUpOutlined, PlusOutlined } from '@ant-design/icons';
import type { Calendar, SlaPolicy } from '@huiliu/contracts';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { App, Button, Card, Drawer, Empty, Form, Input, InputNumber, Select, Space, Switch, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../lib/api';
import { CHANNELS } from '../../lib/channel';
import { useInboxes } from '../../lib/directory';
import { errorText } from '../../lib/errors';
import { ADMIN_PAGE_STYLE, AdminPageTitle, EditDeleteActions, LoadFailed, remove, useWorkspacePath } from '../content-common';
import { fromForm, METRICS, NO_CALENDAR, PAUSE_STATUSES, PRIORITIES, TICKET_TYPES, TIERS, toForm, type PolicyForm } from './policy-form';
import { TargetsGrid } from './TargetsGrid';
import '../../sla/locales';

function PolicyEditor({ policy, onClose }: { policy: SlaPolicy | undefined; onClose: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const client = useQueryClient();
  const base = useWorkspacePath();
  const inboxes = useInboxes();
  const calendars = useQuery({ queryKey: ['calendars', base], queryFn: () => api.get<{ items: Calendar[] }>(`${base}/calendars`) });
  const save = useMutation({
    mutationFn: (values: PolicyForm) => {
      const body = fromForm(values, { formIds: policy?.conditions.formIds, fields: policy?.conditions.fields });
      return policy ? api.patch<SlaPolicy>(`${base}/sla-policies/${policy.id}`, body) : api.post<SlaPolicy>(`${base}/sla-policies`, body);
    },
    onSuccess: (saved) => {
      void message.success(policy ? t('sla.admin.saved') : t('sla.admin.created', { name: saved.name }));
      void client.invalidateQueries({ queryKey: ['sla-policies'] });
      onClose();
    },
    onError: (error) => void message.error(errorText(t, error)),
  });
  const multi = (name: keyof PolicyForm['conditions'], options: { value: string; label: string }[]) => (
    <Form.Item name={['conditions', name]} label={t(`sla.admin.${name === 'inboxIds' ? 'inboxes' : name}`)} style={{ marginBottom: 8 }}>
      <Select mode="multiple" allowClear options={options} aria-label={t(`sla.admin.${name === 'inboxIds' ? 'inboxes' : name}`)} />
    </Form.Item>
  );
  return (
    <Form<PolicyForm> layout="vertical" initialValues={toForm(policy)} onFinish={(values) => save.mutate(values)}>
      <Form.Item
        name="name"
        label={t('sla.admin.name')}
        rules={[{ required: true, whitespace: true, message: t('sla.admin.nameRequired') }, { max: 100 }]}
      >
        <Input />
      </Form.Item>
      <Form.Item name="description" label={t('sla.admin.description')} rules={[{ max: 1000 }]}>
        <Input.TextArea autoSize={{ minRows: 1, maxRows: 4 }} />
      </Form.Item>
      <Space wrap align="start">
        <Form.Item name="enabled" label={t('sla.admin.enabled')} valuePropName="checked">
          <Switch />
        </Form.Item>
        <Form.Item name="calendarId" label={t('sla.admin.calendar')} style={{ minWidth: 260 }}>
          <Select
            aria-label={t('sla.admin.calendar')}
            loading={calendars.isPending}
            options={[
              { value: NO_CALENDAR, label: t('sla.admin.calendarNone') },
              ...(calendars.data?.items ?? []).map((calendar) => ({
                value: calendar.id,
                label: `${calendar.name} (${calendar.timezone})`,
              })),
            ]}
          />
        </Form.Item>
        <Form.Item name="warnBeforeMinutes" label={t('sla.admin.warnBefore')} rules={[{ required: true }]}>
          <InputNumber min={0} max={10_080} precision={0} aria-label={t('sla.admin.warnBefore')} />
        </Form.Item>
      </Space>
      <Form.Item name="pauseStatuses" label={t('sla.admin.pauseStatuses')}>
        <Select
          mode="multiple"
          aria-label={t('sla.admin.pauseStatuses')}
          options={PAUSE_STATUSES.map((value) => ({ value, label: t(`tickets.statuses.${value}`) }))}
        />
      </Form.Item>
      <Card
        size="small"
        title={t('sla.admin.conditions')}
        extra={<Typography.Text type="secondary">{t('sla.admin.conditionsHint')}</Typography.Text>}
        style={{ marginBottom: 16 }}
      >
        {multi(
          'channels',
          CHANNELS.map((value) => ({ value, label: t(`channels.${value}`) })),
        )}
        {multi(
          'inboxIds',
          (inboxes.data ?? []).map((inbox) => ({ value: inbox.id, label: inbox.name })),
        )}
        {multi(
          'priorities',
          PRIORITIES.map((value) => ({ value, label: t(`priorities.${value}`) })),
        )}
        {multi(
          'customerTiers',
          TIERS.map((value) => ({ value, label: t(`tiers.${value}`) })),
        )}
        <Form.Item name={['conditions', 'customerTags']} label={t('sla.admin.customerTags')} style={{ marginBottom: 8 }}>
          <Select mode="tags" tokenSeparators={[',', '，']} aria-label={t('sla.admin.customerTags')} />
        </Form.Item>
        {multi(
          'ticketTypes',
          TICKET_TYPES.map((value) => ({ value, label: t(`tickets.types.${value}`) })),
        )}
      </Card>
      <Card size="small" title={t('sla.admin.targets')} style={{ marginBottom: 16 }}>
        <TargetsGrid />
      </Card>
      <Button type="primary" htmlType="submit" loading={save.isPending} data-testid="sla-policy-save">
        {t('common.save')}
      </Button>
    </Form>
  );
}

/** A policy's targets in one line: "首次响应 普通 30 / 紧急 10". */
function TargetsSummary({ policy }: { policy: SlaPolicy }) {
  const { t } = useTranslation();
  const entries = METRICS.flatMap((metric) => {
    const spec = policy.targets[metric];
    return spec ? [[metric, spec] as const] : [];
  });
  if (entries.length === 0) return <Tag>{t('sla.admin.summaryNone')}</Tag>;
  return (
    <Space orientation="vertical" size={0}>
      {entries.map(([metric, spec]) => (
        <span key={metric}>
          {t(`sla.metric.${metric}`)}:{' '}
          {PRIORITIES.filter((priority) => spec.minutes[priority])
            .map((priority) => `${t(`priorities.${priority}`)} ${spec.minutes[priority]}′`)
            .join(' / ')}
          {spec.businessTime ? '' : ` (${t('sla.explain.calendarTime')})`}
        </span>
      ))}
    </Space>
  );
}

/** SLA policies (服务级别策略): ordered, first match wins; targets per priority on a business calendar. */
export default function SlaPoliciesPage() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const client = useQueryClient();
  const base = useWorkspacePath();
  const [editing, setEditing] = useState<{ policy?: SlaPolicy } | null>(null);
  const list = useQuery({ queryKey: ['sla-policies', base], queryFn: () => api.get<{ items: SlaPolicy[] }>(`${base}/sla-policies`) });
  const calendars = useQuery({ queryKey: ['calendars', base], queryFn: () => api.get<{ items: Calendar[] }>(`${base}/calendars`) });
  const refresh = () => void client.invalidateQueries({ queryKey: ['sla-policies'] });
  const onError = (error: unknown) => void message.error(errorText(t, error));
  const change = useMutation({
    mutationFn: ({ id, enabled }: { id: string; enabled: boolean }) => api.patch<SlaPolicy>(`${base}/sla-policies/${id}`, { enabled }),
    onSuccess: () => {
      void message.success(t('sla.admin.saved'));
      refresh();
    },
    onError,
  });
  const reorder = useMutation({
    mutationFn: (ids: string[]) => api.put(`${base}/sla-policies/order`, { ids }),
    onSuccess: refresh,
    onError,
  });
  const del = useMutation({
    mutationFn: (id: string) => remove(`${base}/sla-policies/${id}`),
    onSuccess: () => {
      void message.success(t('sla.admin.deleted'));
      refresh();
    },
    onError,
  });
  const items = list.data?.items ?? [];
  const move = (index: number, by: number) => {
    const ids = items.map((item) => item.id);
    const [moved] = ids.splice(index, 1);
    ids.splice(index + by, 0, moved!);
    reorder.mutate(ids);
  };
  const calendarName = (id: string | null) =>
    id ? (calendars.data?.items.find((calendar) => calendar.id === id)?.name ?? '—') : t('sla.admin.calendarNoneShort');
  const conditionsText = (policy: SlaPolicy) => {
    const set = Object.entries(policy.conditions).filter(([, value]) => (Array.isArray(value) ? value.length > 0 : !!value));
    return set.length === 0 ? (
      <Tag color="blue">{t('sla.admin.matchesAll')}</Tag>
    ) : (
      set.map(([key]) => <Tag key={key}>{conditionLabel(key)}</Tag>)
    );
  };
  const conditionLabel = (key: string) => t(`sla.admin.${key === 'inboxIds' ? 'inboxes' : key}`, { defaultValue: key });
  return (
    <div style={ADMIN_PAGE_STYLE}>
      <AdminPageTitle
        title={t('sla.admin.title')}
        hint={t('sla.admin.hint')}
        extra={
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setEditing({})} data-testid="sla-policy-create">
            {t('sla.admin.create')}
          </Button>
        }
      />
      {list.isError ? (
        <LoadFailed error={list.error} onRetry={() => void list.refetch()} />
      ) : (
        <Table<SlaPolicy>
          rowKey="id"
          loading={list.isPending}
          dataSource={items}
          pagination={false}
          data-testid="sla-policies"
          locale={{ emptyText: <Empty description={t('sla.admin.empty')} /> }}
          columns={[
            {
              title: t('sla.admin.order'),
              width: 110,
              render: (_, row, index) => (
                <Space size={0}>
                  <Typography.Text style={{ width: 24, display: 'inline-block' }}>{index + 1}</Typography.Text>
                  <Button
                    size="small"
                    type="text"
                    icon={<ArrowUpOutlined />}
                    disabled={index === 0}
                    aria-label={`${t('sla.admin.moveUp')} ${row.name}`}
                    onClick={() => move(index, -1)}
                  />
                  <Button
                    size="small"
                    type="text"
                    icon={<ArrowDownOutlined />}
                    disabled={index === items.length - 1}
                    aria-label={`${t('sla.admin.moveDown')} ${row.name}`}
                    onClick={() => move(index, 1)}
                  />
                </Space>
              ),
            },
            {
              title: t('sla.admin.name'),
              dataIndex: 'name',
              render: (name: string, policy) => (
                <Button type="link" style={{ padding: 0 }} onClick={() => setEditing({ policy })}>
                  {name}
                </Button>
              ),
            },
            { title: t('sla.admin.conditions'), key: 'conditions', render: (_, policy) => conditionsText(policy) },
            { title: t('sla.admin.targetsColumn'), key: 'targets', render: (_, policy) => <TargetsSummary policy={policy} /> },
            { title: t('sla.admin.calendar'), dataIndex: 'calendarId', render: calendarName },
            {
              title: t('sla.admin.enabled'),
              width: 90,
              render: (_, row) => (
                <Switch
                  checked={row.enabled}
                  aria-label={t('sla.admin.enabledFor', { name: row.name })}
                  onChange={(enabled) => change.mutate({ id: row.id, enabled })}
                />
              ),
            },
            {
              key: 'actions',
              width: 100,
              render: (_, policy) => (
                <EditDeleteActions
                  onEdit={() => setEditing({ policy })}
                  onDelete={() => del.mutate(policy.id)}
                  confirm={t('sla.admin.deleteConfirm', { name: policy.name })}
                />
              ),
            },
          ]}
        />
      )}
      <Drawer
        open={!!editing}
        width={760}
        destroyOnHidden
        title={editing?.policy ? editing.policy.name : t('sla.admin.create')}
        onClose={() => setEditing(null)}
      >
        {editing && <PolicyEditor policy={editing.policy} onClose={() => setEditing(null)} />}
      </Drawer>
    </div>
  );
}
